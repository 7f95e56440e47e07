// Commit shapes (sql/commit_output.hpp): the params-only planners write exactly the params
// the full planners bind, and two commits of one shape get byte-identical texts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <map>

#include "lunora/api/envelope.hpp"
#include "lunora/api/store_api.hpp"
#include "lunora/sql/commit_output.hpp"
#include "lunora/sql/group_commit_sql.hpp"
#include "lunora/value/wire.hpp"
#include "random_values.hpp"

using namespace lunora;

namespace {

TableLayout make_layout(std::string name, std::vector<FieldColumn> columns, std::size_t indexes) {
  TableLayout layout;
  layout.table = name;
  layout.sql_table = name;
  layout.columns = std::move(columns);
  for (std::size_t i = 0; i < indexes; ++i) {
    const std::string index = "by_" + std::to_string(i);
    layout.indexes.push_back({index, {layout.columns[i].field}, "_k_" + index, name + "__" + index});
  }
  layout.creation_index = name + "__by_creation";
  return layout;
}

std::vector<TableLayout> layouts() {
  std::vector<TableLayout> out;
  out.push_back(make_layout("mixed",
                            {{"t", ColumnKind::text, NullMeaning::never},
                             {"f", ColumnKind::float64, NullMeaning::missing},
                             {"i", ColumnKind::int64, NullMeaning::null_value},
                             {"b", ColumnKind::boolean, NullMeaning::missing},
                             {"y", ColumnKind::bytes, NullMeaning::missing},
                             {"j", ColumnKind::json, NullMeaning::missing}},
                            2));
  out.push_back(make_layout("small", {{"n", ColumnKind::int64, NullMeaning::never}}, 0));
  // Over SQLite's 100 parameters per statement: its writes spill into further UPDATEs.
  std::vector<FieldColumn> wide;
  for (int i = 0; i < 110; ++i) {
    wide.push_back({"c" + std::to_string(i), i % 3 == 0 ? ColumnKind::int64 : ColumnKind::bytes,
                    i % 2 == 0 ? NullMeaning::never : NullMeaning::missing});
  }
  out.push_back(make_layout("wide", std::move(wide), 1));
  return out;
}

Value random_value(test::RandomValues& r, ColumnKind kind) {
  switch (kind) {
    case ColumnKind::text: return r.string();
    case ColumnKind::float64: return r.float64();
    case ColumnKind::int64: return r.int64();
    case ColumnKind::boolean: return r.pick(2) == 1;
    case ColumnKind::bytes: return Value::binary(r.bytes());  // empty now and then
    case ColumnKind::json: return r.any(2);
  }
  return nullptr;
}

RowWrite random_write(test::RandomValues& r, const std::vector<TableLayout>& tables) {
  RowWrite w;
  const std::size_t table = r.pick(10);
  w.layout = &tables[table < 6 ? 0 : table < 9 ? 1 : 2];
  w.op = static_cast<WriteOp>(r.pick(3));
  w.id = r.string();
  w.creation_time = r.float64();
  // The store never plans a version it cannot add 1 to (parse_version refuses the largest).
  w.expected_version = std::min(r.int64(), std::numeric_limits<std::int64_t>::max() - 1);
  if (w.op == WriteOp::remove) return w;
  // Mostly every field present, so that shapes repeat with other values.
  const bool sparse = r.pick(3) == 0;
  w.document = Value::object();
  for (const auto& c : w.layout->columns) {
    const std::size_t roll = sparse ? r.pick(4) : 3;
    if (roll == 0) continue;  // missing
    w.document[c.field] = roll == 1 ? Value(nullptr) : random_value(r, c.kind);
  }
  for (std::size_t i = 0; i < w.layout->indexes.size(); ++i) {
    std::string key;
    for (const auto byte : r.bytes()) key.push_back(static_cast<char>(byte));
    w.keys.push_back(std::move(key));
  }
  if (w.op == WriteOp::update && r.pick(2) == 1) {
    // A patch: some columns (the single-commit UPDATE names only those).
    w.sets.resize(w.layout->columns.size() + w.layout->indexes.size());
    for (std::size_t i = 0; i < w.sets.size(); ++i) w.sets[i] = r.pick(3) == 0;
  }
  return w;
}

// The params as the envelope writes them, without the array's brackets.
std::string params_json(const Value& params) {
  std::string out;
  api::detail::append_json(out, params);
  return out.substr(1, out.size() - 2);
}

}  // namespace

TEST_CASE("commit shapes: params-only plans match full plans; equal shapes have equal texts") {
  const auto tables = layouts();
  test::RandomValues r(20261126);
  for (const Dialect* dialect : {&postgres_dialect(), &mysql_dialect(), &sqlite_dialect()}) {
    INFO(dialect->name());
    std::map<std::string, CommitPlan> seen;
    CommitParams reused;
    int repeats = 0;
    for (int round = 0; round < 1500; ++round) {
      std::vector<RowWrite> writes;
      const bool group = r.pick(2) == 1;
      for (std::size_t n = 1 + r.pick(r.pick(4) == 0 ? 12 : 3); n > 0; --n) writes.push_back(random_write(r, tables));
      const auto pointers = write_pointers(writes);
      CommitPlan full = group ? build_group_commit(pointers, *dialect) : build_commit(pointers, *dialect);
      CommitParams params =
          group ? build_group_commit_params(pointers, *dialect) : build_commit_params(pointers, *dialect);
      if (!group) {
        // Built into a CommitParams reused from earlier rounds (other shapes, more steps): the same.
        build_commit_params(pointers, *dialect, reused);
        CHECK(reused.shape == params.shape);
        CHECK(reused.params == params.params);
        CHECK(reused.counts == params.counts);
        CHECK(reused.complete == params.complete);
      }
      REQUIRE(params.complete);
      REQUIRE(params.params.size() == full.steps.size());
      REQUIRE(params.counts.size() == full.steps.size());
      for (std::size_t i = 0; i < full.steps.size(); ++i) {
        INFO(full.steps[i].statement.text);
        CHECK(params.counts[i] == full.steps[i].statement.params.size());
        CHECK(params.params[i] == params_json(full.steps[i].statement.params));
      }
      auto [it, first] = seen.emplace(params.shape, full);
      if (first) continue;
      ++repeats;
      const CommitPlan& before = it->second;
      CHECK(before.needs_transaction == full.needs_transaction);
      REQUIRE(before.steps.size() == full.steps.size());
      for (std::size_t i = 0; i < full.steps.size(); ++i) {
        CHECK(before.steps[i].statement.text == full.steps[i].statement.text);
        CHECK(before.steps[i].expect_rows == full.steps[i].expect_rows);
        CHECK(before.steps[i].write == full.steps[i].write);
      }
    }
    CHECK(repeats > 100);
  }
}

TEST_CASE("commit shapes: the SQL around a param is what a params-only builder records") {
  std::string params, shape;
  StatementBuilder b(postgres_dialect(), &params, &shape);
  b.sql("ignored").identifier("x").text_param("a\"b", ParamWrap::bytea_hex).number_param(1.5).integer_param(-3);
  b.bool_param(true).null_param().tagged_param("$int", "12").number_param(std::nan("")).empty_bytes();
  CHECK(params == R"("a\"b",1.5,-3,true,null,{"$int":"12"},null)");
  CHECK(shape == "xnnnnnne");
  CHECK(b.param_count() == 7);
  CHECK_FALSE(b.generic_param_used());
  b.param(Value("generic"));
  CHECK(b.generic_param_used());
  CHECK(b.statement().text.empty());

  StatementBuilder full(postgres_dialect());
  full.text_param("ab", ParamWrap::bytea_hex).sql(", ").text_param("1", ParamWrap::int8).sql(", ").null_param();
  CHECK(full.statement().text == "decode($1::text, 'hex'), $2::text::int8, $3");
  StatementBuilder lite(sqlite_dialect());
  lite.text_param("5", ParamWrap::sqlite_integer).sql(", ").empty_bytes();
  CHECK(lite.statement().text == "CAST(? AS INTEGER), X''");
  CHECK(lite.param_count() == 1);
}

TEST_CASE("commit shapes: integral numbers are written as JS writes them") {
  test::RandomValues r(7);
  for (int i = 0; i < 20000; ++i) {
    const double x = i % 2 == 0 ? r.float64() : static_cast<double>(r.int64() >> r.pick(64));
    std::string fast;
    if (!append_integral_number(fast, x)) continue;
    std::string js;
    append_js_number(js, x);
    CHECK(fast == js);
  }
  std::string out;
  CHECK_FALSE(append_integral_number(out, -0.0));
  CHECK_FALSE(append_integral_number(out, 0.5));
  CHECK_FALSE(append_integral_number(out, 9007199254740992.0));
  CHECK(append_integral_number(out, -9007199254740991.0));
  CHECK(out == "-9007199254740991");
}

namespace {

nlohmann::json call(const std::string& envelope) {
  auto parsed = nlohmann::json::parse(envelope);
  INFO(envelope);
  REQUIRE(parsed["ok"] == true);
  return parsed["value"];
}

}  // namespace

TEST_CASE("commit shapes: a commit of a shape seen before sends its texts' numbers and the same params") {
  const char* schema = R"({"tables":{"notes":{"global":true,"document":{"kind":"object","fields":{
    "title":{"kind":"string"},"n":{"kind":"optional","value":{"kind":"float64"}}}},
    "indexes":[{"name":"by_title","fields":["title"]}]}}})";
  for (const char* dialect : {"postgres", "mysql", "sqlite"}) {
    INFO(dialect);
    const int store = call(api::store_open(schema, dialect, R"({"seed":"00ff"})")).get<int>();
    auto insert = [&](const char* document, bool batch) {
      const int tx = call(api::tx_begin(store)).get<int>();
      call(api::tx_insert(tx, "notes", document, 1000.0));
      auto plan = call(batch ? api::tx_batch_plan(" [ " + std::to_string(tx) + " ] ") : api::tx_commit_plan(tx));
      call(api::tx_end(tx));
      return plan;
    };
    auto first = insert(R"({"title":"a","n":1})", true);
    REQUIRE(first["steps"].size() == 1);
    CHECK(first["steps"][0].contains("text"));
    CHECK(first["origins"] == nlohmann::json::array({nlohmann::json::array({0, 0})}));
    auto again = insert(R"({"title":"b","n":2})", true);
    CHECK_FALSE(again["steps"][0].contains("text"));
    CHECK(again["steps"][0]["textId"] == first["steps"][0]["textId"]);
    CHECK(again["steps"][0]["params"].size() == first["steps"][0]["params"].size());
    CHECK(again["steps"][0]["params"][0] != first["steps"][0]["params"][0]);  // another id
    CHECK(again["steps"][0]["tx"] == 0);
    CHECK(again["steps"][0]["write"] == 0);
    // Without `n` the Postgres text differs (a null has no cast); the other engines share it.
    auto missing = insert(R"({"title":"c"})", false);
    CHECK(missing["steps"][0].contains("text") == (std::string(dialect) == "postgres"));
    CHECK_FALSE(missing["steps"][0].contains("tx"));
    CHECK(missing["needsTransaction"] == false);
    auto missing_again = insert(R"({"title":"d"})", false);
    CHECK_FALSE(missing_again["steps"][0].contains("text"));
    // A group commit of two mutations, twice: the second answer has the same steps by number.
    auto group = [&](const char* title) {
      std::vector<int> txs;
      for (int i = 0; i < 2; ++i) {
        txs.push_back(call(api::tx_begin(store)).get<int>());
        call(api::tx_insert(txs.back(), "notes", std::string(R"({"title":")") + title + "\"}", 1000.0));
      }
      auto plan = call(api::tx_batch_plan("[" + std::to_string(txs[0]) + "," + std::to_string(txs[1]) + "]"));
      for (int tx : txs) call(api::tx_end(tx));
      return plan;
    };
    auto group_first = group("e");
    auto group_again = group("f");
    REQUIRE(group_again["steps"].size() == group_first["steps"].size());
    for (std::size_t i = 0; i < group_first["steps"].size(); ++i) {
      // SQLite has no group form: its steps are the single inserts' texts, sent already.
      CHECK(group_first["steps"][i].contains("text") == (std::string(dialect) != "sqlite"));
      CHECK_FALSE(group_again["steps"][i].contains("text"));
      CHECK(group_again["steps"][i]["textId"] == group_first["steps"][i]["textId"]);
      CHECK(group_again["steps"][i]["params"].size() == group_first["steps"][i]["params"].size());
    }
    CHECK(group_again["origins"] == nlohmann::json::parse("[[0,0],[1,0]]"));
    call(api::store_close(store));
  }
}

TEST_CASE("commit shapes: batch handle lists that are not plain integers keep their errors") {
  auto code = [](const std::string& txs) { return nlohmann::json::parse(api::tx_batch_plan(txs))["message"]; };
  CHECK(code("[]") == "a batch needs mutation handles");
  CHECK(code("{}") == "a batch needs mutation handles");
  CHECK(code("[1.5]") == "mutation handles are integers");
  CHECK(code("[\"1\"]") == "mutation handles are integers");
  CHECK(code("[999999]") == "the mutation is no longer open");
  CHECK(code("[-1]") == "the mutation is no longer open");
  CHECK(code("[01]") == "a batch needs mutation handles");
  CHECK(code("[12345678901]") == "the mutation is no longer open");
}
