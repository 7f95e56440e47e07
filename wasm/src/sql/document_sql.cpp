#include "lunora/sql/document_sql.hpp"

#include "lunora/sql/column_values.hpp"
#include "lunora/sql/commit_output.hpp"
#include "lunora/sql/sqlite_commit.hpp"
#include "lunora/value/wire.hpp"

namespace lunora {
namespace {

void bind_version(StatementBuilder& b, std::int64_t version) { bind_kind(b, ColumnKind::int64, Value(version)); }

// A document's fields looked up in layout column order. Layouts list their columns in field
// order, as the document's map keeps its keys, so walking both together finds a field with one
// comparison; a field out of that order is found with find() (nullptr: missing).
class FieldCursor {
 public:
  explicit FieldCursor(const Value& document)
      : object_(document.is_object() ? &document.get_ref<const Value::object_t&>() : nullptr),
        next_(object_ != nullptr ? object_->begin() : Value::object_t::const_iterator()) {}

  const Value* operator()(const std::string& field) {
    if (object_ == nullptr) return nullptr;
    if (next_ != object_->end() && next_->first == field) return &(next_++)->second;
    auto it = object_->find(field);
    if (it == object_->end()) return nullptr;
    next_ = std::next(it);
    return &it->second;
  }

 private:
  const Value::object_t* object_;  // nullptr: not an object, no fields
  Value::object_t::const_iterator next_;
};

void insert_sql(StatementBuilder& b, const RowWrite& w) {
  append_insert_head(b, *w.layout);
  append_insert_row(b, w);
}

void guard_sql(StatementBuilder& b, const RowWrite& w) {
  b.sql(" WHERE ").identifier(kIdColumn).sql(" = ").text_param(w.id).sql(" AND ").identifier(kVersionColumn).sql(" = ");
  bind_version(b, w.expected_version);
}

void update_sql(StatementBuilder& b, const RowWrite& w) {
  const TableLayout& layout = *w.layout;
  b.sql("UPDATE ").identifier(layout.sql_table).sql(" SET ").identifier(kVersionColumn).sql(" = ");
  bind_version(b, w.expected_version + 1);
  FieldCursor field(w.document);
  for_each_set_column(
      w,
      [&](const FieldColumn& c) {
        b.sql(", ").identifier(c.field).sql(" = ");
        bind_column_value(b, c, field(c.field));
      },
      [&](std::size_t i) {
        b.sql(", ").identifier(layout.indexes[i].key_column).sql(" = ");
        bind_bytes(b, w.keys[i]);
      });
  guard_sql(b, w);
}

void delete_sql(StatementBuilder& b, const RowWrite& w) {
  b.sql("DELETE FROM ").identifier(w.layout->sql_table);
  guard_sql(b, w);
}

void write_sql(StatementBuilder& b, const RowWrite& w) {
  switch (w.op) {
    case WriteOp::insert: insert_sql(b, w); return;
    case WriteOp::update: update_sql(b, w); return;
    case WriteOp::remove: delete_sql(b, w); return;
  }
}

}  // namespace

void append_insert_head(StatementBuilder& b, const TableLayout& layout) {
  b.sql("INSERT INTO ").identifier(layout.sql_table).sql(" (");
  b.identifier(kIdColumn).sql(", ").identifier(kCreationTimeColumn).sql(", ").identifier(kVersionColumn);
  for (const auto& c : layout.columns) b.sql(", ").identifier(c.field);
  for (const auto& i : layout.indexes) b.sql(", ").identifier(i.key_column);
  b.sql(") VALUES ");
}

void append_insert_row(StatementBuilder& b, const RowWrite& w) {
  b.sql("(").text_param(w.id).sql(", ");
  bind_kind(b, ColumnKind::float64, Value(w.creation_time));
  b.sql(", ");
  bind_version(b, 1);
  append_document_values(b, w);
  b.sql(")");
}

namespace {

// A flat insert's field (store/flat_insert.hpp) bound as bind_column_value binds the Value
// the tree path would hold: its text as is, its array's Lunora JSON (what to_wire writes).
void bind_flat_value(StatementBuilder& b, const FieldColumn& c, const FlatValue& v, std::string_view wire) {
  switch (v.kind) {
    case FlatKind::missing: b.null_param(); return;
    case FlatKind::string: b.plain_text_param(wire.substr(v.at, v.size)); return;
    case FlatKind::float64: bind_kind(b, c.kind, Value(v.number)); return;
    case FlatKind::int64: bind_kind(b, c.kind, Value(v.integer)); return;
    case FlatKind::boolean: bind_kind(b, c.kind, Value(v.boolean)); return;
    case FlatKind::json: b.text_param(wire.substr(v.at, v.size), b.is_postgres() ? ParamWrap::jsonb : ParamWrap::none); return;
  }
}

}  // namespace

const Value& document_of(const RowWrite& w) {
  if (!w.flat.empty() && w.document.is_null()) {
    // The flat reader accepts only what the wire parser accepts.
    auto document = parse_wire(w.flat_wire);
    if (document) w.document = std::move(document).value();
  }
  return w.document;
}

void append_document_values(StatementBuilder& b, const RowWrite& w) {
  if (!w.flat.empty()) {
    const std::string_view wire = w.flat_wire;
    for (std::size_t i = 0; i < w.layout->columns.size(); ++i) {
      b.sql(", ");
      bind_flat_value(b, w.layout->columns[i], w.flat[i], wire);
    }
    for (const auto& key : w.keys) {
      b.sql(", ");
      bind_bytes(b, key);
    }
    return;
  }
  FieldCursor field(w.document);
  for (const auto& c : w.layout->columns) {
    b.sql(", ");
    bind_column_value(b, c, field(c.field));
  }
  for (const auto& key : w.keys) {
    b.sql(", ");
    bind_bytes(b, key);
  }
}

void append_set_values(StatementBuilder& b, const RowWrite& w) {
  FieldCursor field(w.document);
  for_each_set_column(
      w,
      [&](const FieldColumn& c) {
        b.sql(", ");
        bind_column_value(b, c, field(c.field));
      },
      [&](std::size_t i) {
        b.sql(", ");
        bind_bytes(b, w.keys[i]);
      });
}

void append_select_column(StatementBuilder& b, const FieldColumn& c) {
  auto as_text = [&](std::string_view type) {
    b.sql("CAST(").identifier(c.field).sql(type).identifier(c.field);
  };
  // SQLite hands INTEGER to JS as a number (inexact beyond 2^53): int64 comes back as text.
  if (b.engine() == Engine::sqlite) {
    if (c.kind == ColumnKind::int64) as_text(" AS TEXT) AS ");
    else b.identifier(c.field);  // JSON is TEXT already
    return;
  }
  if (c.kind != ColumnKind::json) {
    b.identifier(c.field);
    return;
  }
  // JSON comes back as its text from every driver (drivers that parse JSON would make a
  // top-level JSON string indistinguishable from the text itself).
  as_text(b.is_postgres() ? " AS text) AS " : " AS CHAR) AS ");
}

void append_select_columns(StatementBuilder& b, const TableLayout& layout) {
  b.identifier(kIdColumn).sql(", ").identifier(kCreationTimeColumn).sql(", ");
  if (b.engine() == Engine::sqlite) b.sql("CAST(").identifier(kVersionColumn).sql(" AS TEXT) AS ").identifier(kVersionColumn);
  else b.identifier(kVersionColumn);
  for (const auto& c : layout.columns) {
    b.sql(", ");
    append_select_column(b, c);
  }
}

void append_read_where(StatementBuilder& b, bool more) {
  const std::string_view fresh = b.dialect().fresh_read_condition();
  if (fresh.empty()) {
    if (more) b.sql(" WHERE ");
    return;
  }
  b.sql(" WHERE ").sql(fresh);
  if (more) b.sql(" AND ");
}

Statement select_by_id(const TableLayout& layout, const Dialect& dialect, std::string_view id) {
  StatementBuilder b(dialect);
  b.sql("SELECT ");
  append_select_columns(b, layout);
  b.sql(" FROM ").identifier(layout.sql_table);
  append_read_where(b);
  b.identifier(kIdColumn).sql(" = ").param(std::string(id));
  return std::move(b).build();
}

Statement select_page_by_creation(const TableLayout& layout, const Dialect& dialect, const Value* after_creation_time,
                                  std::string_view after_id, std::size_t limit) {
  StatementBuilder b(dialect);
  b.sql("SELECT ");
  append_select_columns(b, layout);
  b.sql(" FROM ").identifier(layout.sql_table);
  append_read_where(b, after_creation_time != nullptr);
  if (after_creation_time != nullptr) {
    b.sql("(").identifier(kCreationTimeColumn).sql(", ").identifier(kIdColumn).sql(") > (");
    bind_kind(b, ColumnKind::float64, *after_creation_time);
    b.sql(", ").param(std::string(after_id)).sql(")");
  }
  b.sql(" ORDER BY ").identifier(kCreationTimeColumn).sql(", ").identifier(kIdColumn);
  b.sql(" LIMIT " + std::to_string(limit));
  return std::move(b).build();
}

std::vector<const RowWrite*> write_pointers(const std::vector<RowWrite>& writes) {
  std::vector<const RowWrite*> pointers;
  pointers.reserve(writes.size());
  for (const auto& w : writes) pointers.push_back(&w);
  return pointers;
}

CommitPlan build_commit(const std::vector<RowWrite>& writes, const Dialect& dialect) {
  return build_commit(write_pointers(writes), dialect);
}

namespace detail {

// Over pointers: the write set's documents are not copied to plan a commit.
void plan_commit(PlanOut& out, const std::vector<const RowWrite*>& writes) {
  if (writes.empty()) return;
  const Engine engine = out.dialect().engine();
  if (engine == Engine::sqlite) {
    plan_sqlite_commit(out, writes);
    return;
  }
  if (engine == Engine::mysql) {
    out.set_needs_transaction(writes.size() > 1);
    for (std::size_t i = 0; i < writes.size(); ++i) {
      write_sql(out.begin(), *writes[i]);
      out.end(1, static_cast<int>(i));
    }
    return;
  }
  if (writes.size() == 1) {
    // One write is one statement, atomic by itself: no CTE and guard SELECT around it (they
    // cost the server ~40 us a commit). A guarded UPDATE/DELETE is checked by the affected-row
    // count where the driver reports it, else it returns a row when its guard held (counting
    // returned rows works over every `{ query }` wrapper; RETURNING costs the server ~5 us).
    StatementBuilder& b = out.begin();
    write_sql(b, *writes[0]);
    const bool guarded = writes[0]->op != WriteOp::insert;
    if (guarded && !out.dialect().capabilities().row_count_guard) b.sql(" RETURNING 1");
    out.end(guarded ? 1 : -1, 0);
    return;
  }
  StatementBuilder& b = out.begin();
  const bool text = !b.params_only();
  b.sql("WITH ");
  for (std::size_t i = 0; i < writes.size(); ++i) {
    if (i > 0) b.sql(",\n     ");
    if (text) b.sql("w" + std::to_string(i) + " AS (");
    write_sql(b, *writes[i]);
    b.sql(" RETURNING 1)");
  }
  if (text) {
    b.sql("\nSELECT CAST(CASE");
    bool guarded = false;
    for (std::size_t i = 0; i < writes.size(); ++i) {
      if (writes[i]->op == WriteOp::insert) continue;
      guarded = true;
      const std::string n = std::to_string(i);
      b.sql(" WHEN (SELECT count(*) FROM w" + n + ") <> 1 THEN '" + std::string(kConflictMarker) + n + "'");
    }
    if (!guarded) b.sql(" WHEN false THEN ''");
    b.sql(" ELSE '0' END AS integer) AS lunora_commit");
  }
  out.end(-1, -1);
}

}  // namespace detail

CommitPlan build_commit(const std::vector<const RowWrite*>& writes, const Dialect& dialect) {
  CommitPlan plan;
  detail::PlanOut out(dialect, plan);
  detail::plan_commit(out, writes);
  return plan;
}

CommitParams build_commit_params(const std::vector<const RowWrite*>& writes, const Dialect& dialect) {
  CommitParams params;
  build_commit_params(writes, dialect, params);
  return params;
}

void build_commit_params(const std::vector<const RowWrite*>& writes, const Dialect& dialect, CommitParams& params) {
  params.shape.clear();
  params.counts.clear();
  params.complete = true;
  {
    detail::PlanOut out(dialect, params, 's', writes);
    detail::plan_commit(out, writes);
  }
}

}  // namespace lunora
