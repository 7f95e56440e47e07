// Golden SQL of queries: the exact first statement QueryRun::next_statement() gives for every
// query shape, side by side for Postgres and MySQL.
//
// Index keys are hex in these params. Parts used below:
//   "ada"          06 616461 0000
//   10.0 / 15.0    04 c024000000000000 / 04 c02e000000000000   (float64: sign bit flipped)
//   20.0           04 c034000000000000
//   1.5            04 bff8000000000000
//   "doc1"         06 646f6331 0000
// An exclusive lower bound or an inclusive upper bound is the prefix's successor (last byte + 1).
#include <catch2/catch.hpp>

#include "lunora/query/cursor.hpp"
#include "lunora/query/query_run.hpp"
#include "lunora/schema/schema_parser.hpp"
#include "lunora/value/hex.hpp"

using namespace lunora;

namespace {

std::unique_ptr<Store> make_store(const Dialect& dialect) {
  auto schema = parse_schema(R"({"tables":{"orders":{"global":true,"document":{"kind":"object","fields":{
    "customer":{"kind":"string"},"total":{"kind":"float64"},"tags":{"kind":"array","items":{"kind":"string"}}}},
    "indexes":[{"name":"by_customer","fields":["customer","total"]}]}}})");
  REQUIRE(schema.ok());
  auto store = Store::open(std::move(schema).value(), dialect, {}, "seed");
  REQUIRE(store.ok());
  return std::move(store).value();
}

struct Both {
  std::unique_ptr<Store> pg = make_store(postgres_dialect());
  std::unique_ptr<Store> my = make_store(mysql_dialect());

  // The first statement of the query on each engine. `cursor_key_hex`: a cursor at that key.
  std::pair<Statement, Statement> first(const std::string& query, long long limit = -1,
                                        const std::string& cursor_key_hex = "") {
    auto statement = [&](const Store& store) {
      std::string cursor;
      if (!cursor_key_hex.empty()) {
        auto spec = parse_query(store, Value::parse(query));
        REQUIRE(spec.ok());
        cursor = encode_cursor(spec->fingerprint, CursorPosition{false, *from_hex(cursor_key_hex)});
      }
      auto run = QueryRun::begin(store, nullptr, Value::parse(query), cursor, limit);
      INFO(query);
      if (!run.ok()) FAIL(run.status().message());
      REQUIRE_FALSE(run->finished());
      return run.value().next_statement();
    };
    return {statement(*pg), statement(*my)};
  }
};

const char* const kPgSelect =
    "SELECT \"_id\", \"_creationTime\", \"_version\", \"customer\", CAST(\"tags\" AS text) AS \"tags\", \"total\"";
const char* const kMySelect = "SELECT `_id`, `_creationTime`, `_version`, `customer`, CAST(`tags` AS CHAR) AS `tags`, `total`";

std::string pg_index(const std::string& rest) {
  return std::string(kPgSelect) + ", \"_k_by_customer\" AS \"_key\" FROM \"orders\" WHERE NOW() IS NOT NULL AND " + rest;
}
std::string my_index(const std::string& rest) {
  return std::string(kMySelect) + ", `_k_by_customer` AS `_key` FROM `orders` WHERE NOW() IS NOT NULL AND " + rest;
}
Value hex_param(const std::string& hex) { return Value{{"$hex", hex}}; }

// customer == "ada", 10 < total <= 20
const std::string kRange = R"({"table":"orders","index":"by_customer","range":[
    {"op":"eq","field":"customer","value":"ada"},{"op":"gt","field":"total","value":10},
    {"op":"lte","field":"total","value":20}]})";
const std::string kLo = "06616461000004c024000000000001";
const std::string kHi = "06616461000004c034000000000001";
// The key of {customer: "ada", total: 15} created at 1.5 as "doc1".
const std::string kAt = "06616461000004c02e00000000000004bff800000000000006646f63310000";

std::string desc(std::string query) {
  query.pop_back();
  return query + R"(,"order":"desc"})";
}

}  // namespace

TEST_CASE("golden query SQL: eq prefix, lower and upper bounds, ascending and descending", "[golden][query]") {
  Both both;
  auto [pg, my] = both.first(kRange);
  CHECK(pg.text == pg_index("\"_k_by_customer\" >= decode($1::text, 'hex') AND \"_k_by_customer\" < decode($2::text, 'hex') "
                            "ORDER BY \"_k_by_customer\" ASC LIMIT 500"));
  CHECK(pg.params == Value::array({kLo, kHi}));
  CHECK(my.text == my_index("`_k_by_customer` >= ? AND `_k_by_customer` < ? ORDER BY `_k_by_customer` ASC LIMIT 500"));
  CHECK(my.params == Value::array({hex_param(kLo), hex_param(kHi)}));

  auto [pg_desc, my_desc] = both.first(desc(kRange));
  CHECK(pg_desc.text == pg_index("\"_k_by_customer\" >= decode($1::text, 'hex') AND \"_k_by_customer\" < decode($2::text, 'hex') "
                                 "ORDER BY \"_k_by_customer\" DESC LIMIT 500"));
  CHECK(pg_desc.params == Value::array({kLo, kHi}));
  CHECK(my_desc.text == my_index("`_k_by_customer` >= ? AND `_k_by_customer` < ? ORDER BY `_k_by_customer` DESC LIMIT 500"));
  CHECK(my_desc.params == Value::array({hex_param(kLo), hex_param(kHi)}));

  // Inclusive lower and exclusive upper bounds are the encoded values themselves.
  auto [pg_incl, my_incl] = both.first(R"({"table":"orders","index":"by_customer","range":[
      {"op":"eq","field":"customer","value":"ada"},{"op":"gte","field":"total","value":10},
      {"op":"lt","field":"total","value":20}]})");
  CHECK(pg_incl.params == Value::array({"06616461000004c024000000000000", "06616461000004c034000000000000"}));
  CHECK(my_incl.params == Value::array({hex_param("06616461000004c024000000000000"), hex_param("06616461000004c034000000000000")}));
  CHECK(my_incl.text == my.text);

  // An eq prefix alone: [prefix, successor(prefix)).
  auto [pg_eq, my_eq] = both.first(R"({"table":"orders","index":"by_customer","range":[
      {"op":"eq","field":"customer","value":"ada"}]})");
  CHECK(pg_eq.text == pg.text);
  CHECK(pg_eq.params == Value::array({"066164610000", "066164610001"}));
  CHECK(my_eq.params == Value::array({hex_param("066164610000"), hex_param("066164610001")}));
}

TEST_CASE("golden query SQL: a cursor position continues after the key, in scan order", "[golden][query]") {
  Both both;
  auto [pg, my] = both.first(kRange, 2, kAt);
  CHECK(pg.text == pg_index("\"_k_by_customer\" >= decode($1::text, 'hex') AND \"_k_by_customer\" < decode($2::text, 'hex') "
                            "AND \"_k_by_customer\" > decode($3::text, 'hex') ORDER BY \"_k_by_customer\" ASC LIMIT 3"));
  CHECK(pg.params == Value::array({kLo, kHi, kAt}));
  CHECK(my.text == my_index("`_k_by_customer` >= ? AND `_k_by_customer` < ? AND `_k_by_customer` > ? "
                            "ORDER BY `_k_by_customer` ASC LIMIT 3"));
  CHECK(my.params == Value::array({hex_param(kLo), hex_param(kHi), hex_param(kAt)}));

  auto [pg_desc, my_desc] = both.first(desc(kRange), 2, kAt);
  CHECK(pg_desc.text == pg_index("\"_k_by_customer\" >= decode($1::text, 'hex') AND \"_k_by_customer\" < decode($2::text, 'hex') "
                                 "AND \"_k_by_customer\" < decode($3::text, 'hex') ORDER BY \"_k_by_customer\" DESC LIMIT 3"));
  CHECK(pg_desc.params == Value::array({kLo, kHi, kAt}));
  CHECK(my_desc.text == my_index("`_k_by_customer` >= ? AND `_k_by_customer` < ? AND `_k_by_customer` < ? "
                                 "ORDER BY `_k_by_customer` DESC LIMIT 3"));
  CHECK(my_desc.params == Value::array({hex_param(kLo), hex_param(kHi), hex_param(kAt)}));
}

TEST_CASE("golden query SQL: whole-index scan, batch sizes", "[golden][query]") {
  Both both;
  // No bounds: from the empty key, no upper bound. take(n) asks for n + 1 rows (to tell the
  // last page), never more than 500.
  auto [pg, my] = both.first(R"({"table":"orders","index":"by_customer"})", 10);
  CHECK(pg.text == pg_index("\"_k_by_customer\" >= decode($1::text, 'hex') ORDER BY \"_k_by_customer\" ASC LIMIT 11"));
  CHECK(pg.params == Value::array({""}));
  CHECK(my.text == my_index("`_k_by_customer` >= ? ORDER BY `_k_by_customer` ASC LIMIT 11"));
  CHECK(my.params == Value::array({hex_param("")}));
  CHECK(both.first(R"({"table":"orders","index":"by_customer"})", 0).first.text.ends_with(" LIMIT 1"));
  CHECK(both.first(R"({"table":"orders","index":"by_customer"})", 499).second.text.ends_with(" LIMIT 500"));
  CHECK(both.first(R"({"table":"orders","index":"by_customer"})", 5000).second.text.ends_with(" LIMIT 500"));
}

TEST_CASE("golden query SQL: creation order, with and without bounds and a cursor", "[golden][query]") {
  Both both;
  auto [pg, my] = both.first(R"({"table":"orders","index":null})");
  CHECK(pg.text == std::string(kPgSelect) +
                       " FROM \"orders\" WHERE NOW() IS NOT NULL ORDER BY \"_creationTime\" ASC, \"_id\" ASC LIMIT 500");
  CHECK(pg.params == Value::array());
  CHECK(my.text == std::string(kMySelect) + " FROM `orders` WHERE NOW() IS NOT NULL ORDER BY `_creationTime` ASC, `_id` ASC LIMIT 500");
  CHECK(my.params == Value::array());

  const std::string bounded = R"({"table":"orders","index":"by_creation_time","order":"desc","range":[
      {"op":"gt","field":"_creationTime","value":1000.5},{"op":"lte","field":"_creationTime","value":2000}]})";
  auto [pg_b, my_b] = both.first(bounded, 3);
  CHECK(pg_b.text == std::string(kPgSelect) +
                         " FROM \"orders\" WHERE NOW() IS NOT NULL AND \"_creationTime\" > $1::text::float8 AND \"_creationTime\" <= "
                         "$2::text::float8 ORDER BY \"_creationTime\" DESC, \"_id\" DESC LIMIT 4");
  CHECK(pg_b.params == Value::array({"1000.5", "2000"}));
  CHECK(my_b.text == std::string(kMySelect) +
                         " FROM `orders` WHERE NOW() IS NOT NULL AND `_creationTime` > ? AND `_creationTime` <= ? "
                         "ORDER BY `_creationTime` DESC, `_id` DESC LIMIT 4");
  CHECK(my_b.params == Value::array({1000.5, 2000.0}));

  // A cursor at (1500.25, "doc1"): the row comparison continues strictly after it.
  const std::string at = "04c09771000000000006646f63310000";
  auto [pg_c, my_c] = both.first(bounded, 3, at);
  CHECK(pg_c.text == std::string(kPgSelect) +
                         " FROM \"orders\" WHERE NOW() IS NOT NULL AND \"_creationTime\" > $1::text::float8 AND \"_creationTime\" <= "
                         "$2::text::float8 AND (\"_creationTime\", \"_id\") < ($3::text::float8, $4) "
                         "ORDER BY \"_creationTime\" DESC, \"_id\" DESC LIMIT 4");
  CHECK(pg_c.params == Value::array({"1000.5", "2000", "1500.25", "doc1"}));
  CHECK(my_c.text == std::string(kMySelect) +
                         " FROM `orders` WHERE NOW() IS NOT NULL AND `_creationTime` > ? AND `_creationTime` <= ? "
                         "AND (`_creationTime`, `_id`) < (?, ?) ORDER BY `_creationTime` DESC, `_id` DESC LIMIT 4");
  CHECK(my_c.params == Value::array({1000.5, 2000.0, 1500.25, "doc1"}));

  auto [pg_a, my_a] = both.first(R"({"table":"orders"})", -1, at);
  CHECK(pg_a.text == std::string(kPgSelect) +
                         " FROM \"orders\" WHERE NOW() IS NOT NULL AND (\"_creationTime\", \"_id\") > ($1::text::float8, $2) "
                         "ORDER BY \"_creationTime\" ASC, \"_id\" ASC LIMIT 500");
  CHECK(pg_a.params == Value::array({"1500.25", "doc1"}));
  CHECK(my_a.text == std::string(kMySelect) +
                         " FROM `orders` WHERE NOW() IS NOT NULL AND (`_creationTime`, `_id`) > (?, ?) "
                         "ORDER BY `_creationTime` ASC, `_id` ASC LIMIT 500");
  CHECK(my_a.params == Value::array({1500.25, "doc1"}));

  // eq on _creationTime.
  auto [pg_eq, my_eq] = both.first(R"({"table":"orders","range":[{"op":"eq","field":"_creationTime","value":2000}]})");
  CHECK(pg_eq.text == std::string(kPgSelect) +
                          " FROM \"orders\" WHERE NOW() IS NOT NULL AND \"_creationTime\" = $1::text::float8 "
                          "ORDER BY \"_creationTime\" ASC, \"_id\" ASC LIMIT 500");
  CHECK(my_eq.params == Value::array({2000.0}));
}

TEST_CASE("golden query SQL: a filtered query reads whole batches (the core filters)", "[golden][query]") {
  Both both;
  const std::string filtered = R"({"table":"orders","index":"by_customer","range":[
      {"op":"eq","field":"customer","value":"ada"}],"filter":{"op":"gt","args":[{"field":"total"},{"literal":5}]}})";
  auto [pg, my] = both.first(filtered, 1);
  CHECK(pg.text == pg_index("\"_k_by_customer\" >= decode($1::text, 'hex') AND \"_k_by_customer\" < decode($2::text, 'hex') "
                            "ORDER BY \"_k_by_customer\" ASC LIMIT 500"));
  CHECK(pg.params == Value::array({"066164610000", "066164610001"}));
  CHECK(my.text == my_index("`_k_by_customer` >= ? AND `_k_by_customer` < ? ORDER BY `_k_by_customer` ASC LIMIT 500"));

  auto [pg_t, my_t] = both.first(R"({"table":"orders","filter":{"op":"eq","args":[{"field":"customer"},{"literal":"ada"}]}})", 2);
  CHECK(pg_t.text == std::string(kPgSelect) +
                         " FROM \"orders\" WHERE NOW() IS NOT NULL ORDER BY \"_creationTime\" ASC, \"_id\" ASC LIMIT 500");
  CHECK(my_t.text == std::string(kMySelect) + " FROM `orders` WHERE NOW() IS NOT NULL ORDER BY `_creationTime` ASC, `_id` ASC LIMIT 500");
}

TEST_CASE("golden query SQL: SQLite, every shape", "[golden][query][sqlite]") {
  auto store = make_store(sqlite_dialect());
  auto first = [&](const std::string& query, long long limit = -1, const std::string& cursor_key_hex = "") {
    std::string cursor;
    if (!cursor_key_hex.empty()) {
      auto spec = parse_query(*store, Value::parse(query));
      REQUIRE(spec.ok());
      cursor = encode_cursor(spec->fingerprint, CursorPosition{false, *from_hex(cursor_key_hex)});
    }
    auto run = QueryRun::begin(*store, nullptr, Value::parse(query), cursor, limit);
    REQUIRE(run.ok());
    return run.value().next_statement();
  };
  const std::string select = "SELECT \"_id\", \"_creationTime\", CAST(\"_version\" AS TEXT) AS \"_version\", \"customer\", \"tags\", \"total\"";
  const std::string index = select + ", \"_k_by_customer\" AS \"_key\" FROM \"orders\" WHERE ";

  auto range = first(kRange);
  CHECK(range.text == index + "\"_k_by_customer\" >= ? AND \"_k_by_customer\" < ? ORDER BY \"_k_by_customer\" ASC LIMIT 500");
  CHECK(range.params == Value::array({hex_param(kLo), hex_param(kHi)}));

  auto after = first(desc(kRange), 2, kAt);
  CHECK(after.text == index + "\"_k_by_customer\" >= ? AND \"_k_by_customer\" < ? AND \"_k_by_customer\" < ? "
                              "ORDER BY \"_k_by_customer\" DESC LIMIT 3");
  CHECK(after.params == Value::array({hex_param(kLo), hex_param(kHi), hex_param(kAt)}));

  // The empty lower key is a literal: D1 would bind an empty byte array as NULL.
  auto whole = first(R"({"table":"orders","index":"by_customer"})", 10);
  CHECK(whole.text == index + "\"_k_by_customer\" >= X'' ORDER BY \"_k_by_customer\" ASC LIMIT 11");
  CHECK(whole.params == Value::array());

  auto creation = first(R"({"table":"orders"})", -1, "04c09771000000000006646f63310000");
  CHECK(creation.text == select + " FROM \"orders\" WHERE 1 = 1 AND (\"_creationTime\", \"_id\") > (?, ?) "
                                  "ORDER BY \"_creationTime\" ASC, \"_id\" ASC LIMIT 500");
  CHECK(creation.params == Value::array({1500.25, "doc1"}));
}
