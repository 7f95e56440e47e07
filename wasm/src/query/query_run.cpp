#include "lunora/query/query_run.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "lunora/sql/column_values.hpp"
#include "lunora/value/hex.hpp"
#include "lunora/sql/document_sql.hpp"
#include "lunora/value/index_key.hpp"
#include "lunora/value/wire.hpp"

namespace lunora {
namespace {

constexpr long long kMaxBatch = 500;


std::string creation_key(double creation_time, std::string_view id) {
  std::string key;
  Value t(creation_time);
  Value i(std::string{id});
  append_index_key(key, &t);
  append_index_key(key, &i);
  return key;
}

// Decodes a by_creation_time key (float64 then string) back to its two values.
bool decode_creation_key(std::string_view key, double& creation_time, std::string& id) {
  if (key.size() < 9 + 3 || key[0] != index_tag::kFloat64 || key[9] != index_tag::kString) return false;
  std::uint64_t bits = 0;
  for (int i = 1; i <= 8; ++i) bits = (bits << 8) | static_cast<unsigned char>(key[static_cast<std::size_t>(i)]);
  bits = (bits & 0x8000000000000000ull) ? (bits & ~0x8000000000000000ull) : ~bits;
  std::memcpy(&creation_time, &bits, sizeof creation_time);
  id.clear();
  for (std::size_t i = 10; i < key.size(); ++i) {
    if (key[i] != '\0') {
      id.push_back(key[i]);
      continue;
    }
    if (i + 1 < key.size() && static_cast<unsigned char>(key[i + 1]) == 0xFF) {
      id.push_back('\0');
      ++i;
      continue;
    }
    return i + 2 == key.size();
  }
  return false;
}

std::string immediate_successor(std::string key) {
  key.push_back('\0');
  return key;
}

}  // namespace

Result<QueryRun> QueryRun::begin(const Store& store, WriteSet* writes, const Value& query_json, std::string_view cursor,
                                 long long limit) {
  auto query = prepare_query(store, query_json);
  if (!query) return query.status();
  return begin(store, writes, std::move(query).value(), cursor, limit);
}

Result<QueryRun> QueryRun::begin(const Store& store, WriteSet* writes, std::shared_ptr<const PreparedQuery> query,
                                 std::string_view cursor, long long limit) {
  QueryRun run(store, writes, std::move(query));
  auto position = decode_cursor(cursor, run.spec_.fingerprint);
  if (!position) return position.status();
  if (position->end) {
    run.finished_ = run.exhausted_ = true;
    return run;
  }
  if (!position->last_key.empty()) {
    run.position_ = position->last_key;
    run.started_ = true;
  }
  run.remaining_ = limit;

  if (writes != nullptr) {
    const TableLayout& layout = *run.spec_.layout;
    // Its pending document is not whole: the shim completes such a write before a query.
    if (writes->has_partial_write(layout.table)) {
      return Status(ErrorCode::internal, "a query of table \"" + layout.table + "\" met a patch recorded without its whole document");
    }
    const std::size_t index_pos =
        run.spec_.index == nullptr ? 0 : static_cast<std::size_t>(run.spec_.index - layout.indexes.data());
    writes->for_each_pending(layout.table, [&](const RowWrite& w, bool live) {
      run.skip_ids_.push_back(w.id);
      if (!live) return;
      std::string key = run.spec_.index == nullptr ? creation_key(w.creation_time, w.id) : w.keys[index_pos];
      if (!run.range_.contains(key) || !run.after_position(key)) return;
      Value document = document_of(w);
      document["_id"] = w.id;
      document["_creationTime"] = w.creation_time;
      run.pending_.push_back(Pending{std::move(key), w.id, std::move(document)});
    });
    std::sort(run.skip_ids_.begin(), run.skip_ids_.end());
    std::sort(run.pending_.begin(), run.pending_.end(),
              [&](const Pending& a, const Pending& b) { return run.before_in_scan_order(a.key, b.key); });
  }
  return run;
}

bool QueryRun::before_in_scan_order(std::string_view a, std::string_view b) const noexcept {
  return spec_.order == SortOrder::asc ? a < b : a > b;
}

bool QueryRun::after_position(std::string_view key) const noexcept {
  return !started_ || before_in_scan_order(position_, key);
}

Result<bool> QueryRun::accept(const Value& document) const {
  if (!filter_) return true;
  return filter_->matches(document);
}

Statement QueryRun::next_statement(const std::string** text_json) {
  const Dialect& d = store_->dialect();
  const TableLayout& layout = *spec_.layout;
  const bool asc = spec_.order == SortOrder::asc;
  long long batch = remaining_ < 0 ? kMaxBatch : std::min(kMaxBatch, remaining_ + 1);
  if (filter_) batch = kMaxBatch;
  if (text_json != nullptr) *text_json = nullptr;
  const int shape = !started_ ? 0 : position_.empty() ? 2 : 1;
  if (spec_.index != nullptr) {
    for (const PreparedQuery::Text& known : query_->texts) {
      if (known.batch != batch || known.shape != shape) continue;
      // The same text as below; only the parameters are bound again, in the same order.
      StatementBuilder params(d);
      bind_bytes(params, range_.lo);
      if (!range_.hi.empty()) bind_bytes(params, range_.hi);
      if (started_) bind_bytes(params, position_);
      Statement statement{known.text, std::move(params.statement().params)};
      batch_size_ = static_cast<std::size_t>(batch);
      if (text_json != nullptr) *text_json = &known.text_json;
      return statement;
    }
  }
  StatementBuilder b(d);
  b.sql("SELECT ");
  append_select_columns(b, layout);
  if (spec_.index != nullptr) b.sql(", ").identifier(spec_.index->key_column).sql(" AS ").identifier("_key");
  b.sql(" FROM ").identifier(layout.sql_table);
  // Conditions below are joined with " AND ": the unindexed scan's first one needs a head.
  append_read_where(b, spec_.index != nullptr);
  if (spec_.index != nullptr) {
    const auto& key = spec_.index->key_column;
    b.identifier(key).sql(" >= ");
    bind_bytes(b, range_.lo);
    if (!range_.hi.empty()) {
      b.sql(" AND ").identifier(key).sql(" < ");
      bind_bytes(b, range_.hi);
    }
    if (started_) {
      b.sql(" AND ").identifier(key).sql(asc ? " > " : " < ");
      bind_bytes(b, position_);
    }
    b.sql(" ORDER BY ").identifier(key).sql(asc ? " ASC" : " DESC");
  } else {
    if (d.fresh_read_condition().empty()) b.sql(" WHERE 1 = 1");
    auto bound = [&](const char* op, const Value& v) {
      b.sql(" AND ").identifier(kCreationTimeColumn).sql(op);
      bind_kind(b, ColumnKind::float64, v);
    };
    for (const auto& v : spec_.equal) bound(" = ", v);
    if (spec_.lower) bound(spec_.lower->inclusive ? " >= " : " > ", spec_.lower->value);
    if (spec_.upper) bound(spec_.upper->inclusive ? " <= " : " < ", spec_.upper->value);
    double t = 0;
    std::string id;
    if (started_ && decode_creation_key(position_, t, id)) {
      b.sql(" AND (").identifier(kCreationTimeColumn).sql(", ").identifier(kIdColumn).sql(asc ? ") > (" : ") < (");
      bind_kind(b, ColumnKind::float64, Value(t));
      b.sql(", ").param(id).sql(")");
    }
    const char* dir = asc ? " ASC" : " DESC";
    b.sql(" ORDER BY ").identifier(kCreationTimeColumn).sql(dir).sql(", ").identifier(kIdColumn).sql(dir);
  }
  b.sql(" LIMIT " + std::to_string(batch));
  batch_size_ = static_cast<std::size_t>(batch);
  Statement statement = std::move(b).build();
  if (spec_.index != nullptr) {
    constexpr std::size_t kMaxTexts = 8;
    if (query_->texts.size() >= kMaxTexts) query_->texts.clear();
    PreparedQuery::Text known{batch, shape, statement.text, {}};
    append_json_string(known.text_json, known.text);
    query_->texts.push_back(std::move(known));
    if (text_json != nullptr) *text_json = &query_->texts.back().text_json;
  }
  return statement;
}

Result<Value> QueryRun::feed(const Value& rows) {
  if (!rows.is_array()) return Status(ErrorCode::invalid_argument, "rows must be an array");
  Value emit = Value::array();
  auto emit_pending_before = [&](const std::string* key) -> Status {
    while (!pending_.empty() && remaining_ != 0 && (key == nullptr || before_in_scan_order(pending_.front().key, *key))) {
      Pending p = std::move(pending_.front());
      pending_.erase(pending_.begin());
      position_ = p.key;
      started_ = true;
      auto ok = accept(p.document);
      if (!ok) return ok.status();
      if (*ok) {
        emit.push_back({{"pending", p.id}});
        if (remaining_ > 0) --remaining_;
      }
    }
    return Status::Ok();
  };

  std::size_t i = 0;
  for (; i < rows.size() && remaining_ != 0; ++i) {
    const Value& row = rows[i];
    auto id_it = row.find("_id");
    auto time_it = row.find("_creationTime");
    if (!row.is_object() || id_it == row.end() || !id_it->is_string() || time_it == row.end() || !time_it->is_number()) {
      return Status(ErrorCode::invalid_argument, "each row needs _id and _creationTime");
    }
    const std::string& id = id_it->get_ref<const std::string&>();
    std::string key;
    if (spec_.index == nullptr) {
      key = creation_key(time_it->get<double>(), id);
    } else {
      auto k = row.find("k");
      auto decoded = k != row.end() && k->is_string() ? from_hex(k->get_ref<const std::string&>()) : std::nullopt;
      if (!decoded) return Status(ErrorCode::invalid_argument, "each row needs its hex index key \"k\"");
      key = std::move(*decoded);
    }
    if (Status s = emit_pending_before(&key); !s.ok()) return s;
    if (remaining_ == 0) break;
    position_ = key;
    started_ = true;
    if (std::binary_search(skip_ids_.begin(), skip_ids_.end(), id)) continue;  // superseded by a pending write
    if (filter_) {
      auto doc_it = row.find("doc");
      if (doc_it == row.end()) return Status(ErrorCode::invalid_argument, "this query needs documents to filter");
      auto document = from_wire_json(*doc_it);
      if (!document) return document.status();
      auto ok = accept(*document);
      if (!ok) return ok.status();
      if (!*ok) continue;
    }
    emit.push_back({{"row", i}});
    if (remaining_ > 0) --remaining_;
  }
  // Fewer rows than asked: SQL has nothing more in the range.
  if (rows.size() < batch_size_ && i == rows.size()) {
    if (Status s = emit_pending_before(nullptr); !s.ok()) return s;
    if (pending_.empty()) exhausted_ = true;
  }
  finished_ = exhausted_ || remaining_ == 0;
  if (finished_) end();
  return Value{{"emit", std::move(emit)}, {"more", !finished_}, {"done", exhausted_}, {"cursor", cursor()}};
}

Result<Value> QueryRun::feed_count(std::size_t count, const Value& last) {
  auto step = feed_count(count, last_row_of(last));
  if (!step) return step.status();
  return Value{{"emitCount", step->emit_count}, {"more", step->more}, {"done", step->done}, {"cursor", step->cursor},
               {"remaining", step->remaining}};
}

Result<QueryRun::CountStep> QueryRun::feed_count(std::size_t count, const LastRow& last) {
  if (!counts_only()) return Status(ErrorCode::invalid_argument, "this query needs every row fed");
  const std::size_t kept = remaining_ < 0 ? count : std::min<std::size_t>(count, static_cast<std::size_t>(remaining_));
  if (kept > 0) {
    if (!last.present) return Status(ErrorCode::invalid_argument, "the last row needs _id and _creationTime");
    if (spec_.index == nullptr) {
      position_ = creation_key(last.creation_time, last.id);
    } else {
      auto decoded = last.key_hex ? from_hex(*last.key_hex) : std::nullopt;
      if (!decoded) return Status(ErrorCode::invalid_argument, "the last row needs its hex index key \"k\"");
      position_ = std::move(*decoded);
    }
    started_ = true;
    if (remaining_ > 0) remaining_ -= static_cast<long long>(kept);
  }
  if (count < batch_size_ && kept == count) exhausted_ = true;
  finished_ = exhausted_ || remaining_ == 0;
  if (finished_) end();
  return CountStep{kept, !finished_, exhausted_, cursor(), remaining_};
}

std::string QueryRun::cursor() const {
  CursorPosition position;
  position.end = exhausted_;
  position.last_key = position_;
  return encode_cursor(spec_.fingerprint, position);
}

void QueryRun::end() {
  if (recorded_ || writes_ == nullptr) return;
  recorded_ = true;
  KeyRange extent = range_;
  if (!exhausted_ && started_) {
    if (spec_.order == SortOrder::asc) extent.hi = immediate_successor(position_);
    else extent.lo = position_;
  } else if (!exhausted_) {
    return;  // nothing scanned
  }
  writes_->reads().add_range(spec_.layout->table, spec_.index_name, std::move(extent));
}

}  // namespace lunora
