#include "lunora/api/store_api.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>

#include "lunora/api/envelope.hpp"
#include "lunora/api/statement_texts.hpp"
#include "lunora/query/query_run.hpp"
#include "lunora/query/reference_model.hpp"
#include "lunora/schema/limits.hpp"
#include "lunora/schema/schema_parser.hpp"
#include "lunora/sql/commit_output.hpp"
#include "lunora/sql/group_commit_sql.hpp"
#include "lunora/sql/blind_delete.hpp"
#include "lunora/sql/point_reads.hpp"
#include "lunora/store/blind_delete.hpp"
#include "lunora/store/blind_patch.hpp"
#include "lunora/store/migration.hpp"
#include "lunora/store/store.hpp"
#include "lunora/value/simple_json.hpp"
#include "lunora/value/wire.hpp"

namespace lunora::api {
namespace {

using namespace std::string_view_literals;

using detail::append_int;
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
  std::map<int, QueryCache> queries;    // store -> its prepared queries (prepared_query.hpp)
  // The last finished mutation's write set (and its store), emptied: the next mutation of that
  // store starts from it (tx_begin) instead of allocating one.
  std::pair<int, std::unique_ptr<WriteSet>> spare;
  // The last finished mutation's node of `transactions`, taken out by tx_end: tx_begin puts it
  // back under the new handle (no node allocated and freed per mutation).
  decltype(transactions)::node_type spare_node;
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

// The commit log of `store_handle` only needs what the oldest open mutation of the store may
// still check.
void trim_log(int store_handle) {
  auto& r = registry();
  Store* store = find_store(store_handle);
  if (store == nullptr) return;
  // Never past the last confirmed commit: a mutation beginning now starts from there.
  std::uint64_t oldest = store->commits().durable_sequence();
  for (const auto& [_, entry] : r.transactions) {
    if (entry.first == store_handle) oldest = std::min(oldest, entry.second->begin_sequence());
  }
  store->commits().trim(oldest);
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

// How a commit plan is answered: tx_commit_plan (one mutation: "write" is its write index) or
// tx_batch_plan (steps also carry "tx", the mutation's position in the batch).
enum class PlanAnswer { mutation, batch };
// How it is written: objects ({"steps": [{"textId", "params", ...}], ...}), or positional
// arrays (tx_accept_plan_compact: [[[text, [params], expectRows, tx, write], ...],
// needsTransaction, ...]), which the shim JSON.parses in about half the time.
enum class PlanForm { objects, arrays };

// The start of a step and its text: by number (`{"textId":n` / `[n`), or inline (`{"text":"..."`
// / `[{"text":"..."}`: in the array form a text that is not a number is an object).
void append_step_text_id(std::string& out, int text_id, PlanForm form) {
  out += form == PlanForm::arrays ? "["sv : "{\"textId\":"sv;
  append_int(out, text_id);
}
void append_step_text_inline(std::string& out, const std::string& text, PlanForm form) {
  out += form == PlanForm::arrays ? "[{\"text\":"sv : "{\"text\":"sv;
  append_json_string(out, text);
  if (form == PlanForm::arrays) out.push_back('}');
}
// A step's text as `texts` sends it (statement_texts.hpp), in an object of its own in the
// array form. Returns the text's number (-1: inline).
int append_step_text(std::string& out, const std::string& text, StatementTexts& texts, PlanForm form) {
  out += form == PlanForm::arrays ? "[{"sv : "{"sv;
  const int text_id = texts.append(out, text);
  if (form == PlanForm::arrays) out.push_back('}');
  return text_id;
}
// `,"params":[` / `,[`: the step's params follow, then its tail.
void append_params_open(std::string& out, PlanForm form) { out += form == PlanForm::arrays ? ",["sv : ",\"params\":["sv; }

// `],"expectRows":n,"tx":t,"write":w}` (`],n,t,w]`): the end of a step whose params were just
// written.
void append_step_tail(std::string& out, int expect_rows, int write, const std::vector<std::pair<int, int>>& origin,
                      PlanAnswer answer, PlanForm form) {
  const bool arrays = form == PlanForm::arrays;
  out += arrays ? "],"sv : "],\"expectRows\":"sv;
  append_int(out, expect_rows);
  const std::pair<int, int>* from = write >= 0 ? &origin[static_cast<std::size_t>(write)] : nullptr;
  if (answer == PlanAnswer::batch) {
    out += arrays ? ","sv : ",\"tx\":"sv;
    if (from != nullptr) append_int(out, from->first);
    else out += "null";
  }
  out += arrays ? ","sv : ",\"write\":"sv;
  append_int(out, from != nullptr ? from->second : write);
  out.push_back(arrays ? ']' : '}');
}

// The commit of `writes` (origin[n]: the (position in the batch, write index) of write n) as
// {"steps": [{"text"/"textId", "params", "expectRows", "tx"?, "write"}], "needsTransaction"}
// (the array form: `[[step...],needsTransaction`, the array left open).
// A shape planned before gets only its params built and the numbers of its texts
// (sql/commit_output.hpp); any other commit is planned in full and its texts kept by shape.
// Batches fail when a step binds more than a Postgres statement can.
Status append_commit_plan(std::string& out, const std::vector<const RowWrite*>& writes,
                          const std::vector<std::pair<int, int>>& origin, bool group, const Dialect& dialect,
                          StatementTexts& texts, PlanAnswer answer, PlanForm form = PlanForm::objects) {
  auto too_many = [answer](std::size_t params) {
    // The store then commits the group's members one by one.
    return answer == PlanAnswer::batch && params > kMaxStatementParams;
  };
  // (built only when refusing: a Status holds its message in a string)
  const auto refused = [] {
    return Status(ErrorCode::invalid_argument, "the group's commit statement would bind too many parameters");
  };
  // A lone commit's params are built into scratch kept between calls (no allocation once warm).
  thread_local CommitParams scratch;
  CommitParams group_params;
  if (group) group_params = build_group_commit_params(writes, dialect);
  else build_commit_params(writes, dialect, scratch);
  CommitParams& params = group ? group_params : scratch;
  const StatementTexts::Shape* known = params.complete ? texts.commit_shape(params.shape) : nullptr;
  if (known != nullptr && known->steps.size() != params.params.size()) known = nullptr;  // never, by the key
  bool needs_transaction = false;
  std::size_t steps = 0;
  out += form == PlanForm::arrays ? "[["sv : "{\"steps\":["sv;
  if (known != nullptr) {
    for (std::size_t count : params.counts) {
      if (too_many(count)) return refused();
    }
    for (std::size_t i = 0; i < known->steps.size(); ++i) {
      const auto& step = known->steps[i];
      if (i > 0) out.push_back(',');
      if (step.text_id >= 0) append_step_text_id(out, step.text_id, form);
      else append_step_text_inline(out, step.text, form);
      append_params_open(out, form);
      out += params.params[i];
      append_step_tail(out, step.expect_rows, step.write, origin, answer, form);
    }
    needs_transaction = known->needs_transaction;
    steps = known->steps.size();
  } else {
    CommitPlan plan = group ? build_group_commit(writes, dialect) : build_commit(writes, dialect);
    for (const auto& step : plan.steps) {
      if (too_many(step.statement.params.size())) return refused();
    }
    const bool params_written = params.complete && params.params.size() == plan.steps.size();
    StatementTexts::Shape shape;
    shape.needs_transaction = plan.needs_transaction;
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
      const auto& step = plan.steps[i];
      if (i > 0) out.push_back(',');
      const int text_id = append_step_text(out, step.statement.text, texts, form);
      if (params_written) {
        append_params_open(out, form);
        out += params.params[i];  // the same JSON (commit_shape_test), already written
      } else {
        out += form == PlanForm::arrays ? ","sv : ",\"params\":"sv;
        append_json(out, step.statement.params);
        out.pop_back();  // the array continues in the tail
      }
      append_step_tail(out, step.expect_rows, step.write, origin, answer, form);
      shape.steps.push_back({text_id, text_id >= 0 ? std::string() : step.statement.text, step.expect_rows, step.write});
    }
    needs_transaction = plan.needs_transaction;
    steps = plan.steps.size();
    if (params.complete) texts.remember_commit_shape(std::move(params.shape), std::move(shape));
  }
  out += form == PlanForm::arrays ? "],"sv : "],\"needsTransaction\":"sv;
  out += needs_transaction || (answer == PlanAnswer::batch && steps > 1) ? "true"sv : "false"sv;
  return Status::Ok();
}

// `[1,2]`, the handle list the shim sends, read without a JSON tree. False for anything else
// (which the nlohmann path then answers as before).
bool parse_handle_list(const std::string& text, std::vector<int>& handles) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto digit = [&](std::size_t at) { return at < n && text[at] >= '0' && text[at] <= '9'; };
  auto skip_space = [&] {
    while (i < n && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r')) ++i;
  };
  skip_space();
  if (i >= n || text[i] != '[') return false;
  ++i;
  for (;;) {
    skip_space();
    const bool negative = i < n && text[i] == '-';
    if (negative) ++i;
    const std::size_t start = i;
    int value = 0;
    while (digit(i) && i - start < 9) value = value * 10 + (text[i++] - '0');
    if (i == start || digit(i) || (text[start] == '0' && i - start > 1)) return false;
    handles.push_back(negative ? -value : value);
    skip_space();
    if (i < n && text[i] == ',') {
      ++i;
      continue;
    }
    if (i < n && text[i] == ']') break;
    return false;
  }
  ++i;
  skip_space();
  return i == n;
}

// {"table": <name>, "statement": <select by id>}: the answer of store_get and tx_get.
std::string point_read(const Store& store, const TableSchema& table, std::string_view id, StatementTexts& texts) {
  const TableLayout* layout = &store.layout_of(table);
  std::string out = ok_open(64 + table.name.size() + id.size());  // the envelope around it, in place
  out += "{\"table\":";
  append_json_string(out, table.name);
  out += ",\"statement\":";
  if (const int known = texts.point_read(layout); known >= 0) {
    // select_by_id's text is fixed per table and its only param is the id.
    out += "{\"textId\":";
    append_int(out, known);
    out += ",\"params\":[";
    append_json_string(out, id);
    out += "]}}";
    ok_close(out);
    return out;
  }
  const int text_id = append_statement(out, select_by_id(*layout, store.dialect(), id), &texts);
  if (text_id >= 0) texts.remember_point_read(layout, text_id);
  out.push_back('}');
  ok_close(out);
  return out;
}

// `fields` (JSON object text) plus "statement": the answers of query_begin / query_feed*.
// `text_json`: the statement's text already escaped (QueryRun::next_statement), or nullptr.
std::string with_statement(std::string fields, const Statement* statement, const std::string* text_json = nullptr) {
  if (statement != nullptr) {
    fields.pop_back();  // the object's closing brace
    fields += fields.size() > 1 ? ",\"statement\":" : "\"statement\":";
    if (text_json != nullptr) {
      fields += "{\"text\":";
      fields += *text_json;
      fields += ",\"params\":";
      append_json(fields, statement->params);
      fields.push_back('}');
    } else {
      append_statement(fields, *statement);
    }
    fields.push_back('}');
  }
  return ok_text(fields);
}

void append_bool(std::string& out, bool value) { out += value ? "true" : "false"; }

// A cursor is "c1." + base64url (cursor.hpp) or "": nothing in it needs escaping.
void append_cursor(std::string& out, const std::string& cursor) {
  out.push_back('"');
  out += cursor;
  out.push_back('"');
}

// The prepared queries of store `store_handle` (prepared_query.hpp).
QueryCache& query_cache(int store_handle) { return registry().queries[store_handle]; }

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

// A `_version` read from the database. The commit writes it + 1, so the largest bigint is
// refused too (a hostile or corrupted value must not overflow).
Result<std::int64_t> parse_version(const std::string& text) {
  const Status malformed(ErrorCode::invalid_argument, "malformed _version");
  if (text.empty() || text.size() > 19) return malformed;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return malformed;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');  // 19 digits fit in 64 unsigned bits
  }
  if (v >= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return malformed;
  return static_cast<std::int64_t>(v);
}

// The live writes of one mutation and their origins (0, write): the input of a lone plan.
// Its vectors are scratch kept between calls (one LoneWrites exists at a time).
struct LoneWrites {
  explicit LoneWrites(const WriteSet& set) : rows(scratch().rows), origin(scratch().origin) {
    std::vector<int>& indexes = scratch().indexes;
    rows.clear();
    origin.clear();
    indexes.clear();
    set.live_writes(rows, indexes);
    for (int w : indexes) origin.emplace_back(0, w);
  }
  std::vector<const RowWrite*>& rows;
  std::vector<std::pair<int, int>>& origin;

 private:
  struct Scratch {
    std::vector<const RowWrite*> rows;
    std::vector<std::pair<int, int>> origin;
    std::vector<int> indexes;
  };
  static Scratch& scratch() {
    thread_local Scratch vectors;
    return vectors;
  }
};

// A batch plan: {"steps", "needsTransaction", "origins"}, where origin[n] = (the position of
// its mutation in the batch, its write number) of combined write n; Postgres reports a failed
// guard by combined write number and `origins` maps it back. Several mutations are written
// per (table, op); one keeps a statement per document, so a failed guard names its document.
// Fails when a statement would bind too many params. The array form: [steps, needsTransaction,
// origins].
Status append_batch_plan(std::string& out, const std::vector<const RowWrite*>& writes,
                         const std::vector<std::pair<int, int>>& origin, bool group, const Dialect& dialect,
                         StatementTexts& texts, PlanForm form = PlanForm::objects) {
  Status status = append_commit_plan(out, writes, origin, group, dialect, texts, PlanAnswer::batch, form);
  if (!status.ok()) return status;
  out += form == PlanForm::arrays ? ",["sv : ",\"origins\":["sv;
  for (std::size_t i = 0; i < origin.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('[');
    append_int(out, origin[i].first);
    out.push_back(',');
    append_int(out, origin[i].second);
    out.push_back(']');
  }
  out += form == PlanForm::arrays ? "]]"sv : "]}"sv;
  return Status::Ok();
}

// The commit log entries of `store` up to `sequence` committed (store_confirm).
Status confirm(Store* store, double sequence) {
  if (store == nullptr) return Status(ErrorCode::invalid_argument, "the store was closed");
  if (!(sequence >= 0)) return Status(ErrorCode::invalid_argument, "malformed sequence");
  store->commits().confirm(static_cast<std::uint64_t>(sequence));
  return Status::Ok();
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
  if (auto r = options.find("mariadbReturning"); r != options.end() && r->is_boolean()) engine.mariadb_returning = r->get<bool>();
  const Dialect* chosen = *dialect;
  if (auto r = options.find("rowCounts"); r != options.end() && r->is_boolean() && r->get<bool>() &&
                                          chosen->engine() == Engine::postgres) {
    chosen = &postgres_dialect_with_row_counts();
  }
  std::string seed;
  if (auto s = options.find("seed"); s != options.end() && s->is_string()) seed = s->get<std::string>();
  auto store = Store::open(std::move(schema).value(), *chosen, engine, seed);
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
  if (r.spare.first == handle) r.spare.second.reset();
  r.stores.erase(handle);
  r.texts.erase(handle);
  r.queries.erase(handle);
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

namespace {

constexpr int kNoDocument = -1;
constexpr int kAskEnvelope = -2;

// The table of a point read of `id`, or nullptr when `id` is not a document of it.
const TableSchema* point_read_table(const Store& store, const std::string& table_name, const std::string& id) {
  if (table_name.empty()) return store.table_of_id(id);  // an id of the table it answers, or nullptr
  const TableSchema* table = store.table(table_name);
  return table != nullptr && is_id_of_table(id, table->name) ? table : nullptr;
}

}  // namespace

std::string store_get(int handle, const std::string& table_name, const std::string& id) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  const TableSchema* table = point_read_table(*store, table_name, id);
  if (table == nullptr) return ok({{"table", nullptr}});
  return point_read(*store, *table, id, registry().texts[handle]);
}

int store_get_text(int handle, const std::string& table_name, const std::string& id) {
  Store* store = find_store(handle);
  if (store == nullptr) return kAskEnvelope;
  const TableSchema* table = point_read_table(*store, table_name, id);
  if (table == nullptr) return kNoDocument;
  const int known = registry().texts[handle].point_read(store->layout(table->name));
  return known >= 0 ? known : kAskEnvelope;
}

int tx_get_text(int tx, const std::string& table_name, const std::string& id) {
  auto it = registry().transactions.find(tx);
  if (it == registry().transactions.end()) return kAskEnvelope;
  Store* store = find_store(it->second.first);
  if (store == nullptr) return kAskEnvelope;
  const TableSchema* table = point_read_table(*store, table_name, id);
  if (table == nullptr) return kNoDocument;
  const int known = registry().texts[it->second.first].point_read(store->layout(table->name));
  if (known < 0) return kAskEnvelope;
  it->second.second->reads().add_point(table->name, id);
  return known;
}

std::string store_get_many(int handle, const std::string& table_name, const std::string& ids_json) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  const TableSchema* table = store->table(table_name);
  if (table == nullptr) return fail(Status(ErrorCode::not_found, "unknown table"));
  auto ids = nlohmann::json::parse(ids_json, nullptr, false);
  if (!ids.is_array() || ids.empty() || ids.size() > kMaxIdsPerPointRead) {
    return fail(Status(ErrorCode::invalid_argument, "a point read takes 1 to 64 ids"));
  }
  std::vector<std::string> list;
  list.reserve(ids.size());
  for (const auto& id : ids) {
    // Only ids of this table: anything else could never match and is a caller's bug.
    if (!id.is_string() || !is_id_of_table(id.get_ref<const std::string&>(), table->name)) {
      return fail(Status(ErrorCode::invalid_argument, "a point read takes ids of its table"));
    }
    list.push_back(id.get<std::string>());
  }
  std::string out = "{\"statement\":";
  append_statement(out, select_by_ids(*store->layout(table->name), store->dialect(), list), &registry().texts[handle]);
  out.push_back('}');
  return ok_text(out);
}

namespace {

// A statement kept by shape (StatementTexts::shaped_text) into `out`: a shape seen before as
// the number of its text and `params` (written by a params-only builder), else the statement
// `build()` makes, its text numbered and kept under the shape. `shaped` false: the params could
// not be written that way (always the full statement). Objects: {"textId", "params"} (or the
// statement with its text); arrays: `n,[params]` (or `{"text"...},[params]`, as a compact plan's
// step, left for the caller to close).
template <class Build>
void append_shaped_statement(std::string& out, StatementTexts& texts, bool shaped, const std::string& shape,
                             const std::string& params, Build&& build, PlanForm form = PlanForm::objects) {
  const bool arrays = form == PlanForm::arrays;
  if (const int known = shaped ? texts.shaped_text(shape) : -1; known >= 0) {
    if (!arrays) out += "{\"textId\":";
    append_int(out, known);
    out += arrays ? ",[" : ",\"params\":[";
    out += params;
    out += arrays ? "]" : "]}";
    return;
  }
  int text_id = -1;
  if (arrays) {
    const Statement s = build();
    text_id = append_step_text(out, s.text, texts, PlanForm::objects);
    out += "},";
    append_json(out, s.params);
  } else {
    text_id = append_statement(out, build(), &texts);
  }
  if (shaped && text_id >= 0) texts.remember_shaped_text(shape, text_id);
}

// The scratch the shaped statements' params and shapes are written into, kept between calls:
// no allocation once warm.
std::pair<std::string&, std::string&> shape_scratch() {
  thread_local std::string params;
  thread_local std::string shape;
  params.clear();
  shape.clear();
  return {params, shape};
}

// A JSON array of strings into `out` (false: not one): usually plain names, read without a
// JSON tree (parse_simple_string_array); anything else (escapes, invalid UTF-8) by nlohmann.
bool field_names(const std::string& json, std::vector<std::string>& out) {
  if (parse_simple_string_array(json, out)) return true;
  out.clear();
  auto list = nlohmann::json::parse(json, nullptr, false);
  if (!list.is_array()) return false;
  out.reserve(list.size());
  for (auto& field : list) {
    if (!field.is_string()) return false;
    out.push_back(std::move(field.get_ref<std::string&>()));
  }
  return true;
}

// The members of a Lunora JSON object read directly (read_flat_members), or the object parsed
// whole; for Store::log_committed_write, `values` holds those of a document's indexed fields,
// parallel to the fields (nullptr: missing), pointing into `members` or `document`.
struct IndexedValues {
  std::vector<std::string_view> names;  // the members read directly, and their values
  std::vector<Value> members;
  Value document;  // or the object parse_wire_fields made
  std::vector<const Value*> values;
};

bool is_json_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// The usual indexed fields (a flat object of scalars: `{"age":0}`, no escapes, ASCII) read
// without building an object: each member's value token by parse_simple_wire. False for
// anything else (nested values, escapes, a `$` name: a tag, duplicate names, malformed text),
// which parse_wire_fields then reads or refuses.
bool read_flat_members(std::string_view wire, IndexedValues& out) {
  out.names.clear();
  out.members.clear();
  const std::size_t size = wire.size();
  std::size_t at = 0;
  const auto space = [&] {
    while (at < size && is_json_space(wire[at])) ++at;
  };
  // The end of the plain string opening at `at` (its closing quote), or `size`.
  const auto plain_string_end = [&] {
    const std::size_t end = plain_json_run(wire.data(), at + 1, size);
    return end < size && wire[end] == '"' ? end : size;
  };
  space();
  if (at == size || wire[at] != '{') return false;
  ++at;
  space();
  if (at < size && wire[at] == '}') {
    ++at;
  } else {
    for (;;) {
      if (at == size || wire[at] != '"') return false;
      std::size_t end = plain_string_end();
      if (end == size) return false;
      const std::string_view name = wire.substr(at + 1, end - at - 1);
      if (!name.empty() && name[0] == '$') return false;
      for (const auto& seen : out.names) {
        if (seen == name) return false;
      }
      at = end + 1;
      space();
      if (at == size || wire[at] != ':') return false;
      ++at;
      space();
      const std::size_t start = at;
      if (at < size && wire[at] == '"') {
        end = plain_string_end();
        if (end == size) return false;
        at = end + 1;
      } else {
        while (at < size && wire[at] != ',' && wire[at] != '}' && !is_json_space(wire[at])) {
          if (wire[at] == '{' || wire[at] == '[' || wire[at] == '"') return false;
          ++at;
        }
      }
      auto value = parse_simple_wire(wire.substr(start, at - start), kMaxWireNesting);
      if (!value) return false;
      out.names.push_back(name);
      out.members.push_back(std::move(*value));
      space();
      if (at == size) return false;
      if (wire[at] == '}') {
        ++at;
        break;
      }
      if (wire[at] != ',') return false;
      ++at;
      space();
    }
  }
  space();
  return at == size;
}

// The indexed fields `fields` of `wire` (a Lunora JSON object) into `out`.
Status indexed_values(const std::vector<std::string_view>& fields, const std::string& wire, IndexedValues& out) {
  out.values.clear();
  if (read_flat_members(wire, out)) {
    for (const auto& field : fields) {
      const Value* found = nullptr;
      for (std::size_t i = 0; i < out.names.size() && found == nullptr; ++i) {
        if (out.names[i] == field) found = &out.members[i];
      }
      out.values.push_back(found);
    }
    return Status::Ok();
  }
  auto document = parse_wire_fields(wire, fields);
  if (!document) return document.status();
  if (!document->is_object()) return Status(ErrorCode::invalid_argument, "the indexed fields must be a Lunora JSON object");
  out.document = std::move(document).value();
  for (const auto& field : fields) {
    auto it = out.document.find(field);
    out.values.push_back(it == out.document.end() ? nullptr : &*it);
  }
  return Status::Ok();
}

// Subscription ids as a bare JSON array `[1,5]` (the answer of a write logged after it committed).
std::string affected_ids(const std::vector<int>& affected) {
  std::string out = "[";
  for (std::size_t i = 0; i < affected.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_int(out, affected[i]);
  }
  out.push_back(']');
  return out;
}

// `[[affected...],sequence`, the start of a compact acceptance (its array left open).
void append_accepted(std::string& out, const std::vector<int>& affected, std::uint64_t sequence) {
  out += "[[";
  for (std::size_t i = 0; i < affected.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_int(out, affected[i]);
  }
  out += "],";
  append_int(out, static_cast<std::int64_t>(sequence));
}

// A write of document `id` logged after it committed (Store::log_committed_write), its indexed
// fields before and after read from Lunora JSON (`new_wire` nullptr: a delete; "": the same as
// before): the affected subscriptions as a bare JSON array, or the error envelope.
std::string log_committed(int handle, Store& store, const std::string& id, double creation_time,
                          const std::string& old_wire, const std::string* new_wire) {
  thread_local IndexedValues before;  // scratch, kept between calls
  thread_local IndexedValues after;
  // Store::indexed_fields(id), from the table looked up once for both.
  const TableSchema* table = store.table_of_id(id);
  thread_local std::vector<std::string_view> fields;
  fields.clear();
  if (table != nullptr) {
    for (const auto& index : store.layout_of(*table).indexes) fields.insert(fields.end(), index.fields.begin(), index.fields.end());
  }
  if (auto status = indexed_values(fields, old_wire, before); !status.ok()) return fail(status);
  const std::vector<const Value*>* new_fields = nullptr;
  if (new_wire != nullptr && new_wire->empty()) {
    new_fields = &before.values;
  } else if (new_wire != nullptr) {
    if (auto status = indexed_values(fields, *new_wire, after); !status.ok()) return fail(status);
    new_fields = &after.values;
  }
  auto affected = store.log_committed_write(table, id, creation_time, before.values, new_fields);
  if (!affected) return fail(affected.status());
  trim_log(handle);
  return affected_ids(*affected);
}

}  // namespace

namespace {

// Whether a patch of `table` logged by its id alone (WriteRecord::by_id_only) would re-run or
// fail no one that its keys would spare: no live subscription of the store, and no open
// mutation or query run (every write set of the store), has read a range of it off by_id.
// Only a matter of cost: that matching is conservative either way.
bool only_read_by_id(int handle, const Store& store, std::string_view table) {
  if (store.subscriptions().reads_off_id(table)) return false;
  for (const auto& [_, entry] : registry().transactions) {
    if (entry.first == handle && entry.second->reads().reads_off_id(table)) return false;
  }
  return true;
}

// What a blind patch's statement returns, as a JSON string: the old row, the new row's keys,
// or nothing (the affected-row count says whether it wrote; store_log_patch_pending logs it).
std::string_view returned_row(const BlindPatch& patch) {
  return patch.returns_nothing ? "\"none\"" : patch.returns_new ? "\"new\"" : "\"old\"";
}

// store_blind_patch (objects: its envelope) and store_blind_patch_compact (arrays).
std::string blind_patch(int handle, const std::string& id, const std::string& set_wire, const std::string& unset_json,
                        bool need_old_row, PlanForm form) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  // The fields set: the usual flat object of scalars read member by member (no object built),
  // anything else parsed whole, with the same errors.
  thread_local IndexedValues members;  // scratch, kept between calls
  thread_local std::vector<PatchField> fields;
  fields.clear();
  Result<Value> set = Value();
  if (read_flat_members(set_wire, members)) {
    for (std::size_t i = 0; i < members.names.size(); ++i) fields.push_back(PatchField{members.names[i], &members.members[i]});
  } else {
    set = parse_wire(set_wire);
    if (!set) return fail(Status(ErrorCode::invalid_argument, "malformed patch fields: " + set.status().message()));
    if (!set->is_object()) return fail(Status(ErrorCode::invalid_argument, "the patch's fields must be an object"));
    for (const auto& [field, value] : set->get_ref<const Value::object_t&>()) fields.push_back(PatchField{field, &value});
  }
  thread_local std::vector<std::string> unset;  // scratch, kept between calls
  if (!field_names(unset_json, unset)) {
    return fail(Status(ErrorCode::invalid_argument, "the patch's removed fields must be a JSON array of field names"));
  }
  thread_local BlindPatchPlan planned;  // scratch, kept between calls
  // (The table: plan_blind_patch's own look-up, cached. Without row counts the bare form is out.)
  const bool bare = !need_old_row && store->dialect().capabilities().row_count_guard;
  const TableSchema* table = bare ? store->table_of_id(id) : nullptr;
  const bool log_by_id = table != nullptr && only_read_by_id(handle, *store, table->name);
  const BlindPatchPlan* plan =
      plan_blind_patch(*store, id, fields, unset, need_old_row, log_by_id, planned) ? &planned : nullptr;
  const bool arrays = form == PlanForm::arrays;
  if (plan == nullptr) return arrays ? std::string("null") : ok_null();
  auto [params, shape] = shape_scratch();
  const bool shaped = blind_patch_params(plan->patch, store->dialect(), params, shape);
  const auto build = [&] { return blind_patch_statement(plan->patch, store->dialect()); };
  std::string out;
  if (arrays) {
    out.reserve(64 + params.size() + plan->table->name.size());
    out.push_back('[');
    append_shaped_statement(out, registry().texts[handle], shaped, shape, params, build, form);
    out.push_back(',');
    out += returned_row(plan->patch);
    out.push_back(',');
    append_json_string(out, plan->table->name);
    out.push_back(']');
    return out;
  }
  out = ok_open(128);
  out += "{\"table\":";
  append_json_string(out, plan->table->name);
  out += ",\"returns\":";
  out += returned_row(plan->patch);
  out += ",\"statement\":";
  append_shaped_statement(out, registry().texts[handle], shaped, shape, params, build);
  out.push_back('}');
  ok_close(out);
  return out;
}

}  // namespace

std::string store_blind_patch(int handle, const std::string& id, const std::string& set_wire,
                              const std::string& unset_json, bool need_old_row) {
  return blind_patch(handle, id, set_wire, unset_json, need_old_row, PlanForm::objects);
}

std::string store_blind_patch_compact(int handle, const std::string& id, const std::string& set_wire,
                                      const std::string& unset_json, bool need_old_row) {
  return blind_patch(handle, id, set_wire, unset_json, need_old_row, PlanForm::arrays);
}

std::string store_log_patch(int handle, const std::string& id, double creation_time, const std::string& old_indexed_wire,
                            const std::string& new_indexed_wire) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  return log_committed(handle, *store, id, creation_time, old_indexed_wire, &new_indexed_wire);
}

std::string store_log_patch_pending(int handle, const std::string& id) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  auto affected = store->log_pending_by_id(store->table_of_id(id), id);
  if (!affected) return fail(affected.status());
  std::string out;
  append_accepted(out, *affected, store->commits().last_sequence());
  out.push_back(']');
  return out;
}

std::string store_settle_pending(int handle, double sequence, bool landed) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  // (Integers up to 2^53, as JS numbers hold them exactly.)
  if (!(sequence >= 0 && sequence <= 9007199254740992.0) || sequence != std::floor(sequence)) {
    return fail(Status(ErrorCode::invalid_argument, "malformed sequence"));
  }
  const auto entry = static_cast<std::uint64_t>(sequence);
  CommitLog& log = store->commits();
  // Only the store's one pending entry: settling another would confirm or retract more than it.
  if (!log.lone_pending(entry)) {
    return fail(Status(ErrorCode::invalid_argument, "commit " + std::to_string(entry) + " is not the store's one pending commit"));
  }
  if (!landed) {
    log.retract(entry);
    return ok_null();
  }
  if (Status status = confirm(store, sequence); !status.ok()) return fail(status);
  trim_log(handle);
  return ok_null();
}

std::string store_blind_delete(int handle, const std::string& id) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  const TableSchema* table = blind_delete_table(*store, id);
  if (table == nullptr) return ok_null();
  const TableLayout& layout = store->layout_of(*table);
  std::string out = ok_open(64 + table->name.size() + id.size());
  out += "{\"table\":";
  append_json_string(out, table->name);
  out += ",\"statement\":";
  auto [params, shape] = shape_scratch();
  blind_delete_params(layout, id, store->dialect(), params, shape);
  append_shaped_statement(out, registry().texts[handle], true, shape, params,
                          [&] { return blind_delete_statement(layout, id, store->dialect()); });
  out.push_back('}');
  ok_close(out);
  return out;
}

std::string store_log_delete(int handle, const std::string& id, double creation_time, const std::string& old_indexed_wire) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  return log_committed(handle, *store, id, creation_time, old_indexed_wire, nullptr);
}

std::string store_normalize_id(int handle, const std::string& table, const std::string& id) {
  Store* store = find_store(handle);
  if (store == nullptr) return no_store();
  if (store->table(table) == nullptr || !is_id_of_table(id, table)) return ok(nullptr);
  return ok(id);
}

std::string tx_begin(int handle) {
  const int tx = tx_begin_handle(handle);
  return tx == 0 ? no_store() : ok_text(std::to_string(tx));  // as ok(tx) writes it, without a JSON value
}

int tx_begin_handle(int handle) {
  Store* store = find_store(handle);
  if (store == nullptr) return 0;
  auto& r = registry();
  const int tx = r.next++;
  std::unique_ptr<WriteSet> writes;
  if (r.spare.second != nullptr && r.spare.first == handle) {
    writes = std::move(r.spare.second);
    writes->restart();  // as a fresh WriteSet(*store), from the store's current state
  } else {
    writes = std::make_unique<WriteSet>(*store);
  }
  if (!r.spare_node.empty()) {
    auto node = std::move(r.spare_node);
    node.key() = tx;
    node.mapped() = std::make_pair(handle, std::move(writes));
    r.transactions.insert(std::move(node));
  } else {
    r.transactions.emplace(tx, std::make_pair(handle, std::move(writes)));
  }
  return tx;
}

namespace {

// tx_insert and its compact form: the error envelope, or the id and creation time written by
// `answer`.
template <typename Answer>
std::string insert(int tx, const std::string& table, const std::string& document_wire, double now_ms, Answer answer) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  // The usual flat document without its tree; anything else, and every refusal, the tree's way.
  if (auto flat = writes->insert_flat(table, document_wire, now_ms)) return flat->ok() ? answer(**flat) : fail(flat->status());
  auto document = parse_wire_over(document_wire, writes->spare_document(document_wire.size()));
  if (!document) return fail(document.status());
  auto result = writes->insert(table, std::move(document).value(), now_ms);
  if (!result) return fail(result.status());
  return answer(*result);
}

}  // namespace

std::string tx_insert(int tx, const std::string& table, const std::string& document_wire, double now_ms) {
  return insert(tx, table, document_wire, now_ms, [](const WriteSet::Inserted& created) {
    // {"_creationTime", "_id"} (the key order of a JSON object tree), written directly.
    std::string out = ok_open(64 + created.id.size());
    out += "{\"_creationTime\":";
    append_json_number(out, created.creation_time);
    out += ",\"_id\":";
    append_json_string(out, created.id);
    out.push_back('}');
    ok_close(out);
    return out;
  });
}

std::string tx_insert_compact(int tx, const std::string& table, const std::string& document_wire, double now_ms) {
  return insert(tx, table, document_wire, now_ms, [](const WriteSet::Inserted& created) {
    // An id is lowercase base32 (document_id.hpp): no separator or escape needed.
    std::string out;
    out.reserve(created.id.size() + 24);
    out += created.id;
    out.push_back(' ');
    append_json_number(out, created.creation_time);
    return out;
  });
}

std::string tx_get(int tx, const std::string& table, const std::string& id) {
  auto it = registry().transactions.find(tx);
  if (it == registry().transactions.end()) return no_tx();
  Store* store = find_store(it->second.first);
  if (store == nullptr) return no_store();
  const TableSchema* t = point_read_table(*store, table, id);
  if (t == nullptr) return ok({{"table", nullptr}});
  it->second.second->reads().add_point(t->name, id);
  return point_read(*store, *t, id, registry().texts[it->second.first]);
}

std::string tx_update(int tx, const std::string& id, const std::string& expected_version, double creation_time,
                      const std::string& old_document_wire, const std::string& document_wire,
                      const std::string& set_fields_json) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  // The names a patch sets (scratch kept between calls).
  thread_local std::vector<std::string> set_fields;
  set_fields.clear();
  if (!set_fields_json.empty() && !field_names(set_fields_json, set_fields)) {
    return fail(Status(ErrorCode::invalid_argument, "the fields a patch sets must be a JSON array of names"));
  }
  auto version = parse_version(expected_version);
  if (!version) return fail(version.status());
  // Only the old document's indexed fields are used (for the index keys it leaves).
  auto old_document = parse_wire_fields_over(old_document_wire, writes->indexed_fields(id), writes->spare_old_document(old_document_wire.size()));
  if (!old_document) return fail(old_document.status());
  auto document = parse_wire_over(document_wire, writes->spare_document(document_wire.size()));
  if (!document) return fail(document.status());
  Status status = writes->update(id, *version, creation_time, std::move(old_document).value(), std::move(document).value(),
                                 set_fields_json.empty() ? nullptr : &set_fields);
  return status.ok() ? ok_null() : fail(status);
}

std::string tx_patch(int tx, const std::string& id, const std::string& expected_version, double creation_time,
                     const std::string& old_document_wire, const std::string& set_wire, const std::string& unset_json,
                     double other_fields_bound) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  thread_local std::vector<std::string> unset;  // scratch, kept between calls
  unset.clear();
  if (!unset_json.empty() && !field_names(unset_json, unset)) {
    return fail(Status(ErrorCode::invalid_argument, "the fields a patch removes must be a JSON array of names"));
  }
  auto version = parse_version(expected_version);
  if (!version) return fail(version.status());
  // (Not a finite size within the limit: refused, as any other doubt.)
  if (!(other_fields_bound >= 0 && other_fields_bound <= static_cast<double>(limits::kMaxDocumentBytes))) return "0";
  auto old_document = parse_wire_fields_over(old_document_wire, writes->indexed_fields(id), writes->spare_old_document(old_document_wire.size()));
  if (!old_document) return fail(old_document.status());
  auto set = parse_wire_over(set_wire, writes->spare_document(set_wire.size()));
  if (!set) return "0";  // the full document's parse reports it
  const bool recorded = writes->patch(id, *version, creation_time, std::move(old_document).value(), std::move(set).value(),
                                      unset, static_cast<std::size_t>(other_fields_bound));
  return recorded ? "1" : "0";
}

std::string tx_remove(int tx, const std::string& id, const std::string& expected_version, double creation_time,
                      const std::string& old_document_wire) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  auto version = parse_version(expected_version);
  if (!version) return fail(version.status());
  auto old_document = parse_wire_fields_over(old_document_wire, writes->indexed_fields(id), writes->spare_old_document(old_document_wire.size()));
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

std::string tx_record_commit_compact(int tx) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  auto affected = writes->record_commit();
  if (!affected) return fail(affected.status());
  // `sequence[,affected...]`: digits and commas, which the shim reads without JSON.parse.
  std::string out = std::to_string(writes->sequence());
  for (const auto id : *affected) {
    out.push_back(',');
    out += std::to_string(id);
  }
  return out;
}

namespace {

// tx_accept and its compact form: the conflict or an error (an envelope either way), or the
// affected subscriptions and the sequence in `form`.
std::string accept(int tx, PlanForm form) {
  WriteSet* writes = find_tx(tx);
  if (writes == nullptr) return no_tx();
  Value conflict = writes->first_conflict();
  if (!conflict.is_null()) return ok({{"conflict", std::move(conflict)}});
  auto affected = writes->record_commit();
  if (!affected) return fail(affected.status());
  if (form == PlanForm::objects) return ok({{"conflict", nullptr}, {"affected", *affected}, {"sequence", writes->sequence()}});
  std::string out;
  append_accepted(out, *affected, writes->sequence());
  out.push_back(']');
  return out;
}

}  // namespace

std::string tx_accept(int tx) { return accept(tx, PlanForm::objects); }

std::string tx_accept_compact(int tx) { return accept(tx, PlanForm::arrays); }

std::string store_confirm(int store_handle, double sequence) {
  Status status = confirm(find_store(store_handle), sequence);
  return status.ok() ? ok(nullptr) : fail(status);
}

std::string store_retract(int store_handle, double sequence) {
  Store* store = find_store(store_handle);
  if (store == nullptr) return no_store();
  if (!(sequence >= 0)) return fail(Status(ErrorCode::invalid_argument, "malformed sequence"));
  store->commits().retract(static_cast<std::uint64_t>(sequence));
  return ok(nullptr);
}

namespace {

// tx_batch_plan and its compact form (store_api.hpp); errors are envelopes either way.
std::string batch_plan(const std::string& txs_json, PlanForm form) {
  std::vector<int> handles;
  nlohmann::json txs;  // only when the list is not plain
  if (!parse_handle_list(txs_json, handles)) {
    txs = nlohmann::json::parse(txs_json, nullptr, false);
    if (!txs.is_array() || txs.empty()) return fail(Status(ErrorCode::invalid_argument, "a batch needs mutation handles"));
  }
  const std::size_t count = txs.is_array() ? txs.size() : handles.size();
  std::vector<const RowWrite*> writes;
  std::vector<std::pair<int, int>> origin;  // combined write -> (position in the batch, write)
  std::vector<int> indexes;
  const Dialect* dialect = nullptr;
  int store = 0;
  for (std::size_t i = 0; i < count; ++i) {
    int handle = 0;
    if (txs.is_array()) {
      if (!txs[i].is_number_integer()) return fail(Status(ErrorCode::invalid_argument, "mutation handles are integers"));
      handle = txs[i].get<int>();
    } else {
      handle = handles[i];
    }
    auto it = registry().transactions.find(handle);
    if (it == registry().transactions.end()) return no_tx();
    const WriteSet& set = *it->second.second;
    indexes.clear();
    set.live_writes(writes, indexes);
    for (int w : indexes) origin.emplace_back(static_cast<int>(i), w);
    dialect = &set.dialect();
    store = it->second.first;  // the mutations of one batch share their store
  }
  std::string out;
  out.reserve(1024);  // a point write's plan, without regrowing
  Status status = append_batch_plan(out, writes, origin, count > 1, *dialect, registry().texts[store], form);
  if (!status.ok()) return fail(status);
  return form == PlanForm::arrays ? out : ok_text(out);
}

}  // namespace

std::string tx_batch_plan(const std::string& txs_json) { return batch_plan(txs_json, PlanForm::objects); }

std::string tx_batch_plan_compact(const std::string& txs_json) { return batch_plan(txs_json, PlanForm::arrays); }

namespace {

// tx_accept_plan and its compact form: the conflict or an error (an envelope either way), or
// the affected subscriptions, the sequence and the plan, in `form` (store_api.hpp).
std::string accept_plan(int tx, PlanForm form) {
  auto it = registry().transactions.find(tx);
  if (it == registry().transactions.end()) return no_tx();
  WriteSet& writes = *it->second.second;
  Value conflict = writes.first_conflict();
  if (!conflict.is_null()) return ok({{"conflict", std::move(conflict)}});
  auto affected = writes.record_commit();
  if (!affected) return fail(affected.status());
  const bool arrays = form == PlanForm::arrays;
  // The envelope is written around the answer in place: one string, sized for a point write.
  std::string out;
  if (arrays) out.reserve(960);  // (malloc serves up to ~1 KiB from its thread cache)
  else out = ok_open(960);
  if (arrays) {
    append_accepted(out, *affected, writes.sequence());
    out.push_back(',');
  } else {
    out += "{\"conflict\":null,\"affected\":[";
    for (std::size_t i = 0; i < affected->size(); ++i) {
      if (i > 0) out.push_back(',');
      append_int(out, (*affected)[i]);
    }
    out += "],\"sequence\":";
    append_int(out, static_cast<std::int64_t>(writes.sequence()));
    out += ",\"plan\":";
  }
  const LoneWrites lone(writes);
  Status status = append_batch_plan(out, lone.rows, lone.origin, false, writes.dialect(), registry().texts[it->second.first], form);
  if (!status.ok()) {
    // Not committed after all: later validations must not see its writes.
    if (Store* store = find_store(it->second.first)) store->commits().retract(writes.sequence());
    return fail(status);
  }
  out.push_back(arrays ? ']' : '}');
  if (!arrays) ok_close(out);
  return out;
}

}  // namespace

std::string tx_accept_plan(int tx) { return accept_plan(tx, PlanForm::objects); }

std::string tx_accept_plan_compact(int tx) { return accept_plan(tx, PlanForm::arrays); }

std::string tx_check_plan_compact(int tx) {
  auto it = registry().transactions.find(tx);
  if (it == registry().transactions.end()) return no_tx();
  WriteSet& writes = *it->second.second;
  Value conflict = writes.first_conflict();
  if (!conflict.is_null()) return ok({{"conflict", std::move(conflict)}});
  std::string out;
  out.reserve(960);  // (as accept_plan's)
  const LoneWrites lone(writes);
  Status status = append_batch_plan(out, lone.rows, lone.origin, false, writes.dialect(), registry().texts[it->second.first],
                                    PlanForm::arrays);
  return status.ok() ? out : fail(status);
}

std::string tx_finish(int tx, double sequence) {
  auto it = registry().transactions.find(tx);
  if (it == registry().transactions.end()) return no_tx();
  Status status = confirm(find_store(it->second.first), sequence);
  if (!status.ok()) return fail(status);
  return tx_end(tx);
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
  auto it = registry().transactions.find(tx);
  if (it == registry().transactions.end()) return no_tx();
  const WriteSet& set = *it->second.second;
  const LoneWrites lone(set);
  std::string out;
  Status status = append_commit_plan(out, lone.rows, lone.origin, false, set.dialect(), registry().texts[it->second.first],
                                     PlanAnswer::mutation);
  if (!status.ok()) return fail(status);
  out.push_back('}');
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
  std::unique_ptr<WriteSet> finished = std::move(it->second.second);
  r.spare_node = r.transactions.extract(it);
  finished->restart();  // its documents freed now; kept for the store's next mutation
  r.spare = {store_handle, std::move(finished)};
  for (auto run = r.runs.begin(); run != r.runs.end();) run = run->second.first == tx ? r.runs.erase(run) : std::next(run);
  trim_log(store_handle);
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
  // Parsed once per query text and store; range values and filter literals are Lunora JSON.
  auto query = query_cache(store_handle).get(*store, query_json);
  if (!query) return fail(query.status());
  auto run_limit = query_limit(limit);
  if (!run_limit) return fail(run_limit.status());
  auto run = QueryRun::begin(*store, writes, std::move(query).value(), cursor, *run_limit);
  if (!run) return fail(run.status());
  auto& r = registry();
  const int handle = r.next++;
  auto owned = std::make_unique<QueryRun>(std::move(run).value());
  // {"countsOnly", "cursor", "finished", "needsDocuments", "remaining", "run", "statement"?}
  std::string out = "{\"countsOnly\":";
  append_bool(out, owned->counts_only());
  // The cursor is only read when the run is already finished (else "": its encoding is not
  // free, and a page's answer crosses the boundary on every read).
  out += ",\"cursor\":";
  append_cursor(out, owned->finished() ? owned->cursor() : std::string());
  out += ",\"finished\":";
  append_bool(out, owned->finished());
  out += ",\"needsDocuments\":";
  append_bool(out, owned->needs_documents());
  out += ",\"remaining\":" + std::to_string(owned->remaining()) + ",\"run\":" + std::to_string(handle) + "}";
  if (owned->finished()) {
    r.runs.emplace(handle, std::make_pair(tx, std::move(owned)));
    return ok_text(out);
  }
  // A page's SELECT is one text per query shape: sent once, then by number (statement_texts.hpp).
  const Statement statement = owned->next_statement();
  r.runs.emplace(handle, std::make_pair(tx, std::move(owned)));
  out.back() = ',';
  out += "\"statement\":";
  append_statement(out, statement, &r.texts[store_handle]);
  out.push_back('}');
  return ok_text(out);
}

std::string query_feed(int handle, const std::string& rows_wire) {
  auto it = registry().runs.find(handle);
  if (it == registry().runs.end()) return fail(Status(ErrorCode::invalid_argument, "the query is no longer open"));
  QueryRun& run = *it->second.second;
  auto rows = Value::parse(rows_wire, nullptr, false);
  if (rows.is_discarded()) return fail(Status(ErrorCode::invalid_argument, "rows must be JSON"));
  auto result = run.feed(rows);
  if (!result) return fail(result.status());
  const Value& out = *result;
  std::string fields;
  append_json(fields, out);
  if (out["more"] != true) return with_statement(std::move(fields), nullptr);
  const Statement statement = run.next_statement();
  return with_statement(std::move(fields), &statement);
}

std::string query_feed_count(int handle, double count, const std::string& last_row_json) {
  auto it = registry().runs.find(handle);
  if (it == registry().runs.end()) return fail(Status(ErrorCode::invalid_argument, "the query is no longer open"));
  QueryRun& run = *it->second.second;
  if (!(count >= 0) || count > 1e9) return fail(Status(ErrorCode::invalid_argument, "malformed row count"));
  std::optional<LastRow> last = read_last_row(last_row_json);
  if (!last) {
    auto json = Value::parse(last_row_json, nullptr, false);
    if (json.is_discarded()) return fail(Status(ErrorCode::invalid_argument, "the last row must be JSON"));
    last = last_row_of(json);
  }
  auto result = run.feed_count(static_cast<std::size_t>(count), *last);
  if (!result) return fail(result.status());
  const QueryRun::CountStep& step = *result;
  // {"cursor", "done", "emitCount", "more", "remaining", "statement"?}
  std::string out = "{\"cursor\":";
  append_cursor(out, step.cursor);
  out += ",\"done\":";
  append_bool(out, step.done);
  out += ",\"emitCount\":" + std::to_string(step.emit_count) + ",\"more\":";
  append_bool(out, step.more);
  out += ",\"remaining\":" + std::to_string(step.remaining) + "}";
  if (!step.more) {
    // Finished (its reads recorded): closed here, so the shim need not cross for query_end.
    registry().runs.erase(it);
    return with_statement(std::move(out), nullptr);
  }
  const std::string* text_json = nullptr;
  const Statement statement = run.next_statement(&text_json);
  return with_statement(std::move(out), &statement, text_json);
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
