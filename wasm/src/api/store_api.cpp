#include "lunora/api/store_api.hpp"

#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include "lunora/api/envelope.hpp"
#include "lunora/api/statement_texts.hpp"
#include "lunora/query/query_run.hpp"
#include "lunora/query/reference_model.hpp"
#include "lunora/schema/schema_parser.hpp"
#include "lunora/sql/group_commit_sql.hpp"
#include "lunora/store/migration.hpp"
#include "lunora/store/store.hpp"
#include "lunora/value/wire.hpp"

namespace lunora::api {
namespace {

using detail::append_json;
using detail::append_json_number;
using detail::fail;
using detail::ok;
using detail::ok_close;
using detail::ok_null;
using detail::ok_open;
using detail::ok_text;

struct Registry {
  std::map<int, std::unique_ptr<Store>> stores;
  std::map<int, std::pair<int, std::unique_ptr<WriteSet>>> transactions;  // tx -> (store, write set)
  std::map<int, std::pair<int, std::unique_ptr<QueryRun>>> runs;  // run -> (tx or 0, query run)
  std::map<int, StatementTexts> texts;  // store -> texts its shim holds
  int next = 1;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

Store* find_store(int handle) {
  auto it = registry().stores.find(handle);
  return it == registry().stores.end() ? nullptr : it->second.get();
}

WriteSet* find_tx(int handle) {
  auto it = registry().transactions.find(handle);
  return it == registry().transactions.end() ? nullptr : it->second.second.get();
}

// The texts of the store that mutation `tx` belongs to (nullptr: unknown tx).
StatementTexts* texts_of_tx(int tx) {
  auto it = registry().transactions.find(tx);
  return it == registry().transactions.end() ? nullptr : &registry().texts[it->second.first];
}

std::string no_store() { return fail(Status(ErrorCode::invalid_argument, "the store was closed")); }
std::string no_tx() { return fail(Status(ErrorCode::invalid_argument, "the mutation is no longer open")); }

nlohmann::json statement_json(const Statement& s) { return {{"text", s.text}, {"params", s.params}}; }

// {"text", "params"} written straight from the statement (no copy into a JSON tree); with
// `texts`, {"textId"} instead of the text once the shim holds it (statement_texts.hpp).
// Returns the text's number (-1: sent inline).
int append_statement(std::string& out, const Statement& s, StatementTexts* texts = nullptr) {
  out.push_back('{');
  int text_id = -1;
  if (texts != nullptr) {
    text_id = texts->append(out, s.text);
  } else {
    out += "\"text\":";
    append_json_string(out, s.text);
  }
  out += ",\"params\":";
  append_json(out, s.params);
  out.push_back('}');
  return text_id;
}

// {"text", "params", "expectRows", <extra>, "write"}: one step of a commit plan.
void append_step(std::string& out, const CommitStep& step, std::string_view extra, int write, StatementTexts* texts) {
  append_statement(out, step.statement, texts);
  out.pop_back();  // the statement object continues
  out += ",\"expectRows\":" + std::to_string(step.expect_rows) + ",";
  if (!extra.empty()) out.append(extra).push_back(',');
  out += "\"write\":" + std::to_string(write) + "}";
}

// {"table": <name>, "statement": <select by id>}: the answer of store_get and tx_get.
std::string point_read(const Store& store, const TableSchema& table, std::string_view id, StatementTexts& texts) {
  const TableLayout* layout = store.layout(table.name);
  std::string out = "{\"table\":";
  append_json_string(out, table.name);
  out += ",\"statement\":";
  if (const int known = texts.point_read(layout); known >= 0) {
    // select_by_id's text is fixed per table and its only param is the id.
    out += "{\"textId\":" + std::to_string(known) + ",\"params\":[";
    append_json_string(out, id);
    out += "]}}";
    return ok_text(out);
  }
  const int text_id = append_statement(out, select_by_id(*layout, store.dialect(), id), &texts);
  if (text_id >= 0) texts.remember_point_read(layout, text_id);
  out.push_back('}');
  return ok_text(out);
}

// `fields` (a JSON object) plus "statement": the answers of query_begin / query_feed*.
std::string with_statement(const nlohmann::json& fields, const Statement* statement) {
  std::string out;
  append_json(out, fields);
  if (statement != nullptr) {
    out.pop_back();  // the object's closing brace
    out += out.size() > 1 ? ",\"statement\":" : "\"statement\":";
    append_statement(out, *statement);
    out.push_back('}');
  }
  return ok_text(out);
}

std::string null_means_name(NullMeaning m) {
  switch (m) {
    case NullMeaning::never: return "never";
    case NullMeaning::missing: return "missing";
    case NullMeaning::null_value: return "null";
  }
  return "never";
}

// A limit from JS: NaN is refused; negative or beyond a long long means no limit (a plain
// cast of 1e300 or Infinity would be undefined behaviour: found by fuzz_query).
Result<long long> query_limit(double limit) {
  if (std::isnan(limit)) return Status(ErrorCode::invalid_argument, "the query limit must be a number");
  return limit < 0 || limit >= 9.0e18 ? -1 : static_cast<long long>(limit);
}

Result<std::int64_t> parse_version(const std::string& text) {
  if (text.empty() || text.size() > 19) return Status(ErrorCode::invalid_argument, "malformed _version");
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Status(ErrorCode::invalid_argument, "malformed _version");
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::string store_open(const std::string& schema_json, const std::string& dialect_name, const std::string& options_json) {
  auto dialect = find_dialect(dialect_name);
  if (!dialect) return fail(dialect.status());
  auto schema = parse_schema(schema_json);
  if (!schema) return fail(schema.status());
  auto options = nlohmann::json::parse(options_json, nullptr, false);
  if (options.is_discarded() || !options.is_object()) {
    return fail(Status(ErrorCode::invalid_argument, "store options must be a JSON object"));
  }
  EngineOptions engine;
  if (auto c = options.find("textCollation"); c != options.end() && c->is_string()) engine.text_collation = c->get<std::string>();
  if (engine.text_collation != "utf8mb4_nopad_bin" && engine.text_collation != "utf8mb4_0900_bin") {
    return fail(Status(ErrorCode::invalid_argument, "unsupported text collation"));
  }
  std::string seed;
  if (auto s = options.find("seed"); s != options.end() && s->is_string()) seed = s->get<std::string>();
  auto store = Store::open(std::move(schema).value(), **dialect, engine, seed);
  if (!store) return fail(store.status());
  const int handle = registry().next++;
  registry().stores.emplace(handle, std::move(store).value());
  return ok(handle);
}

std::string store_close(int handle) {
  auto& r = registry();
  for (auto it = r.transactions.begin(); it != r.transactions.end();) {
    it = it->second.first == handle ? r.transactions.erase(it) : std::next(it);
  }
  r.stores.erase(handle);
  r.texts.erase(handle);
  return ok(nullptr);
}

std::string store_layout(int handle) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  nlohmann::json tables = nlohmann::json::array();
  for (const auto& layout : store->layouts()) {
    nlohmann::json columns = nlohmann::json::array();
    for (const auto& c : layout.columns) {
      columns.push_back({{"field", c.field}, {"kind", std::string(column_kind_name(c.kind))}, {"nullMeans", null_means_name(c.null_means)}});
    }
    nlohmann::json indexes = nlohmann::json::array();
    for (const auto& i : layout.indexes) indexes.push_back({{"name", i.name}, {"fields", i.fields}, {"keyColumn", i.key_column}});
    tables.push_back({{"table", layout.table}, {"sqlTable", layout.sql_table}, {"columns", columns}, {"indexes", indexes}});
  }
  return ok({{"tables", tables}});
}

std::string store_catalog_queries(int handle) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : catalog_queries(*store)) out.push_back(statement_json(s));
  return ok(out);
}

std::string store_plan_migration(int handle, const std::string& column_rows_json, const std::string& index_rows_json) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  auto columns = nlohmann::json::parse(column_rows_json, nullptr, false);
  auto indexes = nlohmann::json::parse(index_rows_json, nullptr, false);
  auto catalog = parse_catalog(columns, indexes);
  if (!catalog) return fail(catalog.status());
  MigrationPlan plan = plan_migration(*store, *catalog);
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : plan.steps) {
    if (step.kind == MigrationStep::Kind::ddl) steps.push_back({{"kind", "ddl"}, {"sql", step.sql}});
    else steps.push_back({{"kind", "backfill"}, {"table", step.table}, {"index", step.index}});
  }
  return ok({{"steps", steps}, {"refused", plan.refused}, {"report", plan.report}});
}

std::string store_backfill(int handle, const std::string& table, const std::string& index, const std::string& rows_json) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  auto rows = parse_wire(rows_json);
  if (!rows) return fail(rows.status());
  auto statements = backfill_statements(*store, table, index, *rows);
  if (!statements) return fail(statements.status());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : *statements) out.push_back(statement_json(s));
  return ok(out);
}

std::string store_scan_page(int handle, const std::string& table, const std::string& after_json, int limit) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  const TableLayout* layout = store->layout(table);
  if (layout == nullptr) return fail(Status(ErrorCode::not_found, "unknown table"));
  auto after = nlohmann::json::parse(after_json, nullptr, false);
  const nlohmann::json* time = nullptr;
  std::string after_id;
  if (after.is_object()) {
    auto t = after.find("_creationTime");
    auto i = after.find("_id");
    if (t == after.end() || !t->is_number() || i == after.end() || !i->is_string()) {
      return fail(Status(ErrorCode::invalid_argument, "malformed scan position"));
    }
    time = &*t;
    after_id = i->get<std::string>();
  }
  Value time_value = time == nullptr ? Value() : Value(time->get<double>());
  return ok(statement_json(select_page_by_creation(*layout, store->dialect(), time == nullptr ? nullptr : &time_value,
                                                   after_id, static_cast<std::size_t>(std::max(1, limit)))));
}

std::string store_get(int handle, const std::string& table_name, const std::string& id) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  const TableSchema* table = table_name.empty() ? store->table_of_id(id) : store->table(table_name);
  if (table == nullptr || !is_id_of_table(id, table->name)) return ok({{"table", nullptr}});
  return point_read(*store, *table, id, registry().texts[handle]);
}

std::string store_normalize_id(int handle, const std::string& table, const std::string& id) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  if (store->table(table) == nullptr || !is_id_of_table(id, table)) return ok(nullptr);
  return ok(id);
}

std::string tx_begin(int handle) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  auto& r = registry();
  const int tx = r.next++;
  r.transactions.emplace(tx, std::make_pair(handle, std::make_unique<WriteSet>(*store)));
  return ok(tx);
}

std::string tx_insert(int tx, const std::string& table, const std::string& document_wire, double now_ms) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  auto document = parse_wire(document_wire);
  if (!document) return fail(document.status());
  auto result = writes->insert(table, std::move(document).value(), now_ms);
  if (!result) return fail(result.status());
  // {"_creationTime", "_id"} (the key order of a JSON object tree), written directly.
  std::string out = ok_open(64 + result->id.size());
  out += "{\"_creationTime\":";
  append_json_number(out, result->creation_time);
  out += ",\"_id\":";
  append_json_string(out, result->id);
  out.push_back('}');
  ok_close(out);
  return out;
}

std::string tx_get(int tx, const std::string& table, const std::string& id) {
  auto it = registry().transactions.find(tx);
  if (it == registry().transactions.end()) return no_tx();
  Store* store = find_store(it->second.first);
  if (store == nullptr) return no_store();
  const TableSchema* t = table.empty() ? store->table_of_id(id) : store->table(table);
  if (t == nullptr || !is_id_of_table(id, t->name)) return ok({{"table", nullptr}});
  it->second.second->reads().add_point(t->name, id);
  return point_read(*store, *t, id, registry().texts[it->second.first]);
}

std::string tx_update(int tx, const std::string& id, const std::string& expected_version, double creation_time,
                      const std::string& old_document_wire, const std::string& document_wire) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  auto version = parse_version(expected_version);
  if (!version) return fail(version.status());
  // Only the old document's indexed fields are used (for the index keys it leaves).
  auto old_document = parse_wire_fields(old_document_wire, writes->indexed_fields(id));
  if (!old_document) return fail(old_document.status());
  auto document = parse_wire(document_wire);
  if (!document) return fail(document.status());
  Status status = writes->update(id, *version, creation_time, std::move(old_document).value(), std::move(document).value());
  return status.ok() ? ok_null() : fail(status);
}

std::string tx_remove(int tx, const std::string& id, const std::string& expected_version, double creation_time,
                      const std::string& old_document_wire) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  auto version = parse_version(expected_version);
  if (!version) return fail(version.status());
  auto old_document = parse_wire_fields(old_document_wire, writes->indexed_fields(id));
  if (!old_document) return fail(old_document.status());
  Status status = writes->remove(id, *version, creation_time, std::move(old_document).value());
  return status.ok() ? ok_null() : fail(status);
}

std::string tx_validate(int tx) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  return ok(writes->first_conflict());
}

std::string tx_record_commit(int tx) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  auto affected = writes->record_commit();
  if (!affected) return fail(affected.status());
  // {"affected": [...], "sequence": n}, written directly (no JSON tree).
  std::string out = ok_open(40 + 8 * affected->size());
  out += "{\"affected\":[";
  for (std::size_t i = 0; i < affected->size(); ++i) {
    if (i > 0) out.push_back(',');
    out += std::to_string((*affected)[i]);
  }
  out += "],\"sequence\":";
  out += std::to_string(writes->sequence());
  out.push_back('}');
  ok_close(out);
  return out;
}

std::string tx_accept(int tx) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  Value conflict = writes->first_conflict();
  if (!conflict.is_null()) return ok({{"conflict", std::move(conflict)}});
  auto affected = writes->record_commit();
  if (!affected) return fail(affected.status());
  return ok({{"conflict", nullptr}, {"affected", *affected}, {"sequence", writes->sequence()}});
}

std::string store_confirm(int store_handle, double sequence) {
  Store* store = find_store(store_handle);
  if (store == nullptr) return no_store();
  if (!(sequence >= 0)) return fail(Status(ErrorCode::invalid_argument, "malformed sequence"));
  store->commits().confirm(static_cast<std::uint64_t>(sequence));
  return ok(nullptr);
}

std::string store_retract(int store_handle, double sequence) {
  Store* store = find_store(store_handle);
  if (store == nullptr) return no_store();
  if (!(sequence >= 0)) return fail(Status(ErrorCode::invalid_argument, "malformed sequence"));
  store->commits().retract(static_cast<std::uint64_t>(sequence));
  return ok(nullptr);
}

std::string tx_batch_plan(const std::string& txs_json) {
  auto txs = nlohmann::json::parse(txs_json, nullptr, false);
  if (!txs.is_array() || txs.empty()) return fail(Status(ErrorCode::invalid_argument, "a batch needs mutation handles"));
  std::vector<const RowWrite*> writes;
  std::vector<std::pair<int, int>> origin;  // combined write -> (position in the batch, write)
  const Dialect* dialect = nullptr;
  StatementTexts* texts = nullptr;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    if (!txs[i].is_number_integer()) return fail(Status(ErrorCode::invalid_argument, "mutation handles are integers"));
    WriteSet* set = find_tx(txs[i].get<int>());
    if (set == nullptr) return no_tx();
    std::vector<int> indexes;
    set->live_writes(writes, indexes);
    for (int w : indexes) origin.emplace_back(static_cast<int>(i), w);
    dialect = &set->dialect();
    texts = texts_of_tx(txs[i].get<int>());  // the mutations of one batch share their store
  }
  // One mutation keeps a statement per document, so a failed guard names its document.
  CommitPlan plan = txs.size() == 1 ? build_commit(writes, *dialect) : build_group_commit(writes, *dialect);
  for (const auto& step : plan.steps) {
    // Postgres binds at most 65535 parameters per statement; the store then commits the
    // group's members one by one.
    if (step.statement.params.size() > kMaxStatementParams) {
      return fail(Status(ErrorCode::invalid_argument, "the group's commit statement would bind too many parameters"));
    }
  }
  std::string out = "{\"steps\":[";
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const auto& step = plan.steps[i];
    if (i > 0) out.push_back(',');
    if (step.write >= 0) {
      const auto& [tx, write] = origin[static_cast<std::size_t>(step.write)];
      append_step(out, step, "\"tx\":" + std::to_string(tx), write, texts);
    } else {
      append_step(out, step, "\"tx\":null", step.write, texts);
    }
  }
  out += "],\"needsTransaction\":";
  out += plan.needs_transaction || plan.steps.size() > 1 ? "true" : "false";
  // Postgres reports a failed guard by combined write number: `origins` maps it back.
  out += ",\"origins\":[";
  for (std::size_t i = 0; i < origin.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += "[" + std::to_string(origin[i].first) + "," + std::to_string(origin[i].second) + "]";
  }
  out += "]}";
  return ok_text(out);
}

std::string sub_set(int tx, int subscription) {
  auto it = registry().transactions.find(tx);
  if (it == registry().transactions.end()) return no_tx();
  Store* store = find_store(it->second.first);
  if (store == nullptr) return no_store();
  store->subscriptions().set(subscription, it->second.second->reads());
  return ok(nullptr);
}

std::string sub_remove(int store_handle, int subscription) {
  Store* store = find_store(store_handle);
  if (store == nullptr) return no_store();
  store->subscriptions().remove(subscription);
  return ok(nullptr);
}

std::string tx_commit_plan(int tx) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  CommitPlan plan = writes->commit_plan();
  std::string out = "{\"steps\":[";
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_step(out, plan.steps[i], "", plan.steps[i].write, texts_of_tx(tx));
  }
  out += "],\"needsTransaction\":";
  out += plan.needs_transaction ? "true}" : "false}";
  return ok_text(out);
}

std::string tx_describe(int tx, int write) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  return ok(writes->describe(write));
}

std::string tx_end(int tx) {
  auto& r = registry();
  auto it = r.transactions.find(tx);
  if (it == r.transactions.end()) return ok_null();
  const int store_handle = it->second.first;
  r.transactions.erase(it);
  for (auto run = r.runs.begin(); run != r.runs.end();) run = run->second.first == tx ? r.runs.erase(run) : std::next(run);
  // The commit log only needs what the oldest open mutation of the store may still check.
  if (Store* store = find_store(store_handle)) {
    // Never past the last confirmed commit: a mutation beginning now starts from there.
    std::uint64_t oldest = store->commits().durable_sequence();
    for (const auto& [_, entry] : r.transactions) {
      if (entry.first == store_handle) oldest = std::min(oldest, entry.second->begin_sequence());
    }
    store->commits().trim(oldest);
  }
  return ok_null();
}

std::string query_begin(int store_handle, int tx, const std::string& query_json, const std::string& cursor, double limit) {
  Store* store = find_store(store_handle);
  if (store == nullptr) return no_store();
  WriteSet* writes = nullptr;
  if (tx != 0) {
    writes = find_tx(tx);
    if (writes == nullptr) return no_tx();
  }
  // Plain JSON: range values and filter literals are Lunora JSON, converted where they are read.
  auto query = Value::parse(query_json, nullptr, false);
  if (query.is_discarded()) return fail(Status(ErrorCode::invalid_argument, "the query is not valid JSON"));
  auto run_limit = query_limit(limit);
  if (!run_limit) return fail(run_limit.status());
  auto run = QueryRun::begin(*store, writes, query, cursor, *run_limit);
  if (!run) return fail(run.status());
  auto& r = registry();
  const int handle = r.next++;
  auto owned = std::make_unique<QueryRun>(std::move(run).value());
  nlohmann::json out = {{"run", handle},         {"needsDocuments", owned->needs_documents()},
                        {"countsOnly", owned->counts_only()}, {"remaining", owned->remaining()},
                        {"finished", owned->finished()}, {"cursor", owned->cursor()}};
  std::optional<Statement> statement;
  if (!owned->finished()) statement = owned->next_statement();
  r.runs.emplace(handle, std::make_pair(tx, std::move(owned)));
  return with_statement(out, statement ? &*statement : nullptr);
}

std::string query_feed(int handle, const std::string& rows_wire) {
  auto it = registry().runs.find(handle);
  if (it == registry().runs.end()) return fail(Status(ErrorCode::invalid_argument, "the query is no longer open"));
  QueryRun& run = *it->second.second;
  auto rows = Value::parse(rows_wire, nullptr, false);
  if (rows.is_discarded()) return fail(Status(ErrorCode::invalid_argument, "rows must be JSON"));
  auto result = run.feed(rows);
  if (!result) return fail(result.status());
  Value out = std::move(result).value();
  if (out["more"] != true) return with_statement(out, nullptr);
  const Statement statement = run.next_statement();
  return with_statement(out, &statement);
}

std::string query_feed_count(int handle, double count, const std::string& last_row_json) {
  auto it = registry().runs.find(handle);
  if (it == registry().runs.end()) return fail(Status(ErrorCode::invalid_argument, "the query is no longer open"));
  QueryRun& run = *it->second.second;
  if (!(count >= 0) || count > 1e9) return fail(Status(ErrorCode::invalid_argument, "malformed row count"));
  auto last = Value::parse(last_row_json, nullptr, false);
  if (last.is_discarded()) return fail(Status(ErrorCode::invalid_argument, "the last row must be JSON"));
  auto result = run.feed_count(static_cast<std::size_t>(count), last);
  if (!result) return fail(result.status());
  Value out = std::move(result).value();
  if (out["more"] != true) return with_statement(out, nullptr);
  const Statement statement = run.next_statement();
  return with_statement(out, &statement);
}

std::string query_end(int handle) {
  auto it = registry().runs.find(handle);
  if (it == registry().runs.end()) return ok(nullptr);
  it->second.second->end();
  registry().runs.erase(it);
  return ok(nullptr);
}

std::string reference_query(int store_handle, const std::string& docs_wire, const std::string& query_json,
                            const std::string& cursor, double limit) {
  Store* store = find_store(store_handle);
  if (store == nullptr) return no_store();
  auto documents = parse_wire(docs_wire);
  if (!documents) return fail(documents.status());
  auto query = Value::parse(query_json, nullptr, false);
  if (query.is_discarded()) return fail(Status(ErrorCode::invalid_argument, "the query is not valid JSON"));
  auto answer_limit = query_limit(limit);
  if (!answer_limit) return fail(answer_limit.status());
  auto answer = lunora::reference_query(*store, *documents, query, cursor, *answer_limit);
  if (!answer) return fail(answer.status());
  return ok({{"ids", answer->ids}, {"done", answer->done}, {"cursor", answer->cursor}});
}

}  // namespace lunora::api
