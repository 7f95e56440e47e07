#include <catch2/catch.hpp>

#include <limits>
#include <string>

#include "lunora/schema/limits.hpp"
#include "lunora/validation/validate.hpp"
#include "lunora/value/wire.hpp"
#include "random_values.hpp"
#include "validator_builders.hpp"

using lunora::ErrorCode;
using lunora::TableSchema;
using lunora::validate_document;
using lunora::validate_value;
using lunora::ValidationOptions;
using lunora::Validator;
using lunora::Value;
namespace vb = lunora::test::vb;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

const std::string kOrders =
    "Failed to insert or update a document in table \"orders\" because it does not match the schema: ";
const std::string kOrdersInvalid =
    "Failed to insert or update a document in table \"orders\" because it is not a valid document: ";
const std::string kOrdersUnstorable =
    "Failed to insert or update a document in table \"orders\" because the database cannot store one "
    "of its values: ";
const std::string kUsers =
    "Failed to insert or update a document in table \"users\" because it does not match the schema: ";
const std::string kUsersInvalid =
    "Failed to insert or update a document in table \"users\" because it is not a valid document: ";

TableSchema orders_table() {
  TableSchema table;
  table.name = "orders";
  table.document = vb::object({
      {"customer", vb::string()},
      {"total", vb::float64()},
      {"items", vb::array(vb::object({{"sku", vb::string()},
                                      {"price", vb::float64()},
                                      {"qty", vb::optional(vb::int64())}}))},
      {"status", vb::union_of({vb::literal("open"), vb::literal("paid")})},
      {"owner", vb::optional(vb::id("users"))},
      {"tags", vb::optional(vb::record(vb::string(), vb::float64()))},
      {"votes", vb::optional(vb::record(vb::id("users"), vb::int64()))},
      {"parent", vb::optional(vb::union_of({vb::object({{"kind", vb::literal("ref")}, {"id", vb::string()}}),
                                            vb::null()}))},
      {"meta", vb::optional(vb::any())},
  });
  return table;
}

TableSchema users_table() {
  TableSchema table;
  table.name = "users";
  table.document = vb::object({{"name", vb::string()}, {"email", vb::optional(vb::string())}});
  return table;
}

Value order() {
  // Through the wire parser, so that numbers are float64 as they arrive from JS.
  return *lunora::parse_wire(R"({"customer":"ada","total":12.5,"status":"open",
                          "items":[{"sku":"a","price":1.5},{"sku":"b","price":2},{"sku":"c","price":9}]})");
}

ValidationOptions users_ids_only() {
  ValidationOptions options;
  options.is_id_of_table = [](std::string_view table, std::string_view id) {
    return id.rfind(std::string(table) + "|", 0) == 0;
  };
  return options;
}

// The message of a refused document, after checking its code.
std::string refusal(const TableSchema& table, const Value& document, ErrorCode code = ErrorCode::validation_failed,
                    const ValidationOptions& options = {}) {
  const auto status = validate_document(table, document, options);
  REQUIRE_FALSE(status.ok());
  CHECK(status.code() == code);
  return status.message();
}

std::string with_meta(const Value& meta) {
  Value doc = order();
  doc["meta"] = meta;
  return refusal(orders_table(), doc);
}

}  // namespace

TEST_CASE("a matching document passes, optional fields present or not") {
  CHECK(validate_document(orders_table(), order()).ok());
  Value full = order();
  full["items"][0]["qty"] = std::int64_t{3};
  full["owner"] = "users|1";
  full["tags"] = Value{{"a b", 1.0}, {"_c", 2.0}};
  full["votes"] = Value{{"users|7", std::int64_t{1}}};
  full["parent"] = nullptr;
  full["meta"] = Value{{"_nested", Value::array({kNaN, -0.0, Value::binary({0})})}};
  CHECK(validate_document(orders_table(), full, users_ids_only()).ok());
  full["parent"] = Value{{"kind", "ref"}, {"id", "x"}};
  CHECK(validate_document(orders_table(), full, users_ids_only()).ok());
}

TEST_CASE("a value of the wrong type names its path, value and validator") {
  Value doc = order();
  doc["items"][2]["price"] = "abc";
  CHECK(refusal(orders_table(), doc) == kOrders + "Path: .items[2].price Value: \"abc\" Validator: v.float64()");

  doc = order();
  doc["items"][0]["qty"] = 1.0;  // a float64 where an int64 belongs
  CHECK(refusal(orders_table(), doc) == kOrders + "Path: .items[0].qty Value: 1 Validator: v.int64()");

  doc = order();
  doc["total"] = std::int64_t{12};
  CHECK(refusal(orders_table(), doc) == kOrders + "Path: .total Value: 12n Validator: v.float64()");

  doc = order();
  doc["items"] = Value::object();
  CHECK(refusal(orders_table(), doc) ==
        kOrders + "Path: .items Value: {} Validator: v.array(v.object({ sku: v.string(), price: v.float64(), "
                  "qty: v.optional(v.int64()) }))");
}

TEST_CASE("extra and missing object fields are named") {
  CHECK(refusal(users_table(), Value{{"name", "a"}, {"nmae", "b"}}) ==
        kUsers + "Object contains extra field `nmae` that is not in the validator. Object: { name: \"a\", "
                 "nmae: \"b\" } Validator: v.object({ name: v.string(), email: v.optional(v.string()) })");
  CHECK(refusal(users_table(), Value{{"email", "x"}}) ==
        kUsers + "Object is missing the required field `name`. Consider wrapping the field validator in "
                 "`v.optional(...)` if this is expected. Object: { email: \"x\" } Validator: v.object({ name: "
                 "v.string(), email: v.optional(v.string()) })");
  Value doc = order();
  doc["items"][1] = Value{{"price", 1.0}};
  CHECK(refusal(orders_table(), doc) ==
        kOrders + "Object is missing the required field `sku`. Consider wrapping the field validator in "
                  "`v.optional(...)` if this is expected. Path: .items[1] Object: { price: 1 } Validator: "
                  "v.object({ sku: v.string(), price: v.float64(), qty: v.optional(v.int64()) })");
  // An optional field may be absent, but not null.
  CHECK(validate_document(users_table(), Value{{"name", "a"}}).ok());
  CHECK(refusal(users_table(), Value{{"name", "a"}, {"email", nullptr}}) ==
        kUsers + "Path: .email Value: null Validator: v.string()");
}

TEST_CASE("unions: any member matches; one plausible member explains the failure") {
  Value doc = order();
  doc["status"] = "closed";
  CHECK(refusal(orders_table(), doc) ==
        kOrders + "Path: .status Value: \"closed\" Validator: v.union(v.literal(\"open\"), v.literal(\"paid\"))");
  doc = order();
  doc["parent"] = Value{{"kind", "ref"}, {"id", 5.0}};
  CHECK(refusal(orders_table(), doc) == kOrders + "Path: .parent.id Value: 5 Validator: v.string()");
  doc["parent"] = 5.0;
  CHECK(refusal(orders_table(), doc) ==
        kOrders + "Path: .parent Value: 5 Validator: v.union(v.object({ kind: v.literal(\"ref\"), id: "
                  "v.string() }), v.null())");
}

TEST_CASE("literals compare by value and type") {
  CHECK(validate_value(vb::literal(std::int64_t{5}), std::int64_t{5}).ok());
  const auto status = validate_value(vb::literal(std::int64_t{5}), 5.0);
  CHECK(status.code() == ErrorCode::validation_failed);
  CHECK(status.message() == "Value does not match the validator: Value: 5 Validator: v.literal(5n)");
  CHECK(validate_value(vb::literal(true), true).ok());
  CHECK_FALSE(validate_value(vb::literal(true), false).ok());
}

TEST_CASE("ids are checked by the injected predicate, else any non-empty string") {
  Value doc = order();
  doc["owner"] = "orders|1";
  CHECK(refusal(orders_table(), doc, ErrorCode::validation_failed, users_ids_only()) ==
        kOrders + "Path: .owner Value: \"orders|1\" Validator: v.id(\"users\")");
  CHECK(validate_document(orders_table(), doc).ok());
  doc["owner"] = "";
  CHECK(refusal(orders_table(), doc) == kOrders + "Path: .owner Value: \"\" Validator: v.id(\"users\")");
  doc["owner"] = 1.0;
  CHECK(refusal(orders_table(), doc) == kOrders + "Path: .owner Value: 1 Validator: v.id(\"users\")");
}

TEST_CASE("records check every key and every value") {
  Value doc = order();
  doc["votes"] = Value{{"users|1", std::int64_t{1}}, {"x", std::int64_t{1}}};
  CHECK(refusal(orders_table(), doc, ErrorCode::validation_failed, users_ids_only()) ==
        kOrders + "Record key does not match the key validator. Path: .votes Key: \"x\" Validator: v.id(\"users\")");
  doc = order();
  doc["tags"] = Value{{"a b", "x"}};
  CHECK(refusal(orders_table(), doc) == kOrders + "Path: .tags[\"a b\"] Value: \"x\" Validator: v.float64()");
  doc["tags"] = Value::array();
  CHECK(refusal(orders_table(), doc) ==
        kOrders + "Path: .tags Value: [] Validator: v.record(v.string(), v.float64())");
}

TEST_CASE("a document must be an object") {
  CHECK(refusal(users_table(), "x") ==
        "Failed to insert or update a document in table \"users\" because it is not an object: Value: \"x\"");
  CHECK(refusal(users_table(), Value::array()) ==
        "Failed to insert or update a document in table \"users\" because it is not an object: Value: []");
}

TEST_CASE("documents over 1 MiB of Lunora JSON are refused") {
  // {"name":"..."} is 11 bytes around the string.
  const std::size_t limit = lunora::limits::kMaxDocumentBytes;
  CHECK(validate_document(users_table(), Value{{"name", std::string(limit - 11, 'x')}}).ok());
  CHECK(refusal(users_table(), Value{{"name", std::string(limit - 10, 'x')}}) ==
        "Failed to insert or update a document in table \"users\" because it is too large: 1048577 bytes of "
        "Lunora JSON; the limit is 1048576 (1 MiB).");
}

TEST_CASE("nesting deeper than 16 levels is refused") {
  // The document is level 1, so meta may hold 15 nested arrays.
  Value nested = Value::array();
  for (int i = 1; i < 15; ++i) nested = Value::array({nested});
  Value doc = order();
  doc["meta"] = nested;
  CHECK(validate_document(orders_table(), doc).ok());
  std::string path = ".meta";
  for (int i = 0; i < 15; ++i) path += "[0]";
  CHECK(with_meta(Value::array({nested})) ==
        kOrdersInvalid + "Value is nested more than 16 levels deep. Path: " + path);
}

TEST_CASE("arrays over 8192 items and objects over 1024 fields are refused") {
  CHECK(validate_document(orders_table(), [] {
          Value doc = order();
          doc["meta"] = Value::array();
          for (int i = 0; i < 8192; ++i) doc["meta"].push_back(nullptr);
          return doc;
        }()).ok());
  Value items = Value::array();
  for (int i = 0; i < 8193; ++i) items.push_back(nullptr);
  CHECK(with_meta(items) == kOrdersInvalid + "Array has 8193 items; the limit is 8192. Path: .meta");

  Value fields = Value::object();
  for (int i = 0; i < 1025; ++i) fields["f" + std::to_string(i)] = nullptr;
  CHECK(with_meta(fields) == kOrdersInvalid + "Object has 1025 fields; the limit is 1024. Path: .meta");
  CHECK(refusal(users_table(), fields) == kUsersInvalid + "Object has 1025 fields; the limit is 1024.");
}

TEST_CASE("field names: non-empty, UTF-8, no control characters, no $; no _ at the top level") {
  CHECK(with_meta(Value{{"$x", 1.0}}) ==
        kOrdersInvalid + "Field name \"$x\" starts with \"$\", which is reserved for Lunora's own use. Path: .meta");
  CHECK(with_meta(Value{{"", 1.0}}) == kOrdersInvalid + "Field name must not be empty. Path: .meta");
  CHECK(with_meta(Value{{"a\x01", 1.0}}) ==
        kOrdersInvalid + "Field name \"a\\u0001\" contains a control character. Path: .meta");
  CHECK(with_meta(Value{{"a\xc2\x85", 1.0}}) ==
        kOrdersInvalid + "Field name \"a\xc2\x85\" contains a control character. Path: .meta");
  CHECK(with_meta(Value{{"a\x7f", 1.0}}) ==
        kOrdersInvalid + "Field name \"a\x7f\" contains a control character. Path: .meta");
  CHECK(with_meta(Value{{"x", Value{{"\xff", 1.0}}}}) ==
        kOrdersInvalid + "Field name \"\xef\xbf\xbd\" is not valid UTF-8. Path: .meta.x");
  CHECK(refusal(users_table(), Value{{"name", "a"}, {"_x", 1.0}}) ==
        kUsersInvalid + "Field name \"_x\" starts with \"_\", which is reserved for system fields like _id.");
  CHECK(refusal(users_table(), Value{{"name", "a"}, {"$x", 1.0}}) ==
        kUsersInvalid + "Field name \"$x\" starts with \"$\", which is reserved for Lunora's own use.");
  // Nested names may start with `_` and need not be identifiers.
  Value doc = order();
  doc["meta"] = Value{{"_x", Value{{"a b", 1.0}, {"\xc3\xa9", 2.0}}}};
  CHECK(validate_document(orders_table(), doc).ok());
}

TEST_CASE("NaN, Infinity and -0 are refused where the engine cannot store them") {
  ValidationOptions no_nan;
  no_nan.allow_nan_infinity = false;
  ValidationOptions no_negative_zero;
  no_negative_zero.allow_negative_zero = false;

  Value doc = order();
  doc["total"] = kNaN;
  CHECK(validate_document(orders_table(), doc).ok());
  CHECK(validate_document(orders_table(), doc, no_negative_zero).ok());
  CHECK(refusal(orders_table(), doc, ErrorCode::unsupported_value, no_nan) ==
        kOrdersUnstorable + "Path: .total Value: NaN (this database engine cannot store NaN or Infinity in a float64)");

  doc = order();
  doc["meta"] = Value{{"x", Value::array({1.0, -kInf})}};
  CHECK(refusal(orders_table(), doc, ErrorCode::unsupported_value, no_nan) ==
        kOrdersUnstorable +
            "Path: .meta.x[1] Value: -Infinity (this database engine cannot store NaN or Infinity in a float64)");

  doc = order();
  doc["items"][0]["price"] = -0.0;
  CHECK(validate_document(orders_table(), doc, no_nan).ok());
  CHECK(refusal(orders_table(), doc, ErrorCode::unsupported_value, no_negative_zero) ==
        kOrdersUnstorable +
            "Path: .items[0].price Value: -0 (this database engine cannot store -0 in a float64; it would read "
            "back as 0)");

  // A schema mismatch is reported before an unstorable value.
  doc["total"] = "x";
  CHECK(refusal(orders_table(), doc, ErrorCode::validation_failed, no_negative_zero) ==
        kOrders + "Path: .total Value: \"x\" Validator: v.float64()");
}

TEST_CASE("validate_value reports without a table") {
  CHECK(validate_value(vb::any(), Value::array({1.0})).ok());
  CHECK(validate_value(vb::string(), 5.0).message() == "Value does not match the validator: Value: 5 Validator: v.string()");
  Value items = Value::array();
  for (int i = 0; i < 8193; ++i) items.push_back(nullptr);
  CHECK(validate_value(vb::any(), items).message() == "Value is not valid: Array has 8193 items; the limit is 8192.");
  ValidationOptions no_nan;
  no_nan.allow_nan_infinity = false;
  const auto status = validate_value(vb::float64(), kInf, no_nan);
  CHECK(status.code() == ErrorCode::unsupported_value);
  CHECK(status.message() ==
        "The database cannot store this value: Value: Infinity (this database engine cannot store NaN or "
        "Infinity in a float64)");
  // Top-level `_` is only a document rule.
  CHECK(validate_value(vb::record(vb::string(), vb::float64()), Value{{"_x", 1.0}}).ok());
}

TEST_CASE("the fast path and the detailed checks answer the same, message for message") {
  // Valid documents take a yes/no walk; anything it refuses gets the detailed checks. Random
  // edits of a valid document, under every engine's options, must get the same answer both
  // ways (detailed_only skips the fast path).
  const Validator item = vb::object({{"price", vb::float64()}, {"sku", vb::string()}});
  TableSchema table;
  table.name = "orders";
  table.document = vb::object({{"count", vb::int64()},
                               {"customer", vb::id("users")},
                               {"flags", vb::record(vb::union_of({vb::literal("a"), vb::literal("b")}), vb::boolean())},
                               {"items", vb::array(item)},
                               {"meta", vb::any()},
                               {"note", vb::optional(vb::union_of({vb::string(), vb::null()}))},
                               {"raw", vb::optional(vb::bytes())},
                               {"total", vb::float64()}});
  // The same fields declared out of key order: the fast path's lookup variant.
  TableSchema unsorted = table;
  std::swap(unsorted.document.fields[0], unsorted.document.fields[6]);
  const Value valid = *lunora::parse_wire(
      R"({"count":{"$integer":"BwAAAAAAAAA="},"customer":"users|1","flags":{"a":true},)"
      R"("items":[{"price":1.5,"sku":"x"}],"meta":{"deep":[1,"two",null]},"total":2.5})");
  lunora::test::RandomValues random(11);
  const std::vector<std::string> names = {"count", "customer", "flags", "items", "meta", "note", "raw", "total",
                                          "extra", "_system", "$tag", ""};
  std::vector<ValidationOptions> engines(3, users_ids_only());
  engines[1].allow_nan_infinity = engines[1].allow_negative_zero = false;  // MySQL
  engines[2].allow_nul_in_strings = false;                                  // Postgres
  int valid_seen = 0;
  for (int i = 0; i < 3000; ++i) {
    Value doc = valid;
    for (std::size_t edits = random.pick(3); edits > 0; --edits) {
      const std::string& name = names[random.pick(names.size())];
      switch (random.pick(4)) {
        case 0: doc.erase(name); break;
        case 1: doc[name] = random.any(2); break;
        case 2:
          if (doc["items"].is_array()) {
            doc["items"].push_back(random.pick(2) ? Value{{"price", random.float64()}, {"sku", "y"}} : random.any(1));
          }
          break;
        default: doc["note"] = random.pick(2) ? Value(random.string()) : Value(nullptr); break;
      }
    }
    for (const auto* schema : {&table, &unsorted}) {
      for (auto options : engines) {
        const auto fast = validate_document(*schema, doc, options);
        options.detailed_only = true;
        const auto detailed = validate_document(*schema, doc, options);
        INFO(lunora::to_wire(doc));
        REQUIRE(fast.ok() == detailed.ok());
        CHECK(fast.code() == detailed.code());
        CHECK(fast.message() == detailed.message());
        if (fast.ok()) ++valid_seen;
        const Value items = doc.value("items", Value());
        const auto value_detailed = validate_value(schema->document.fields[3].validator, items, options);
        options.detailed_only = false;
        const auto value_fast = validate_value(schema->document.fields[3].validator, items, options);
        CHECK(value_fast.ok() == value_detailed.ok());
        CHECK(value_fast.message() == value_detailed.message());
      }
    }
  }
  CHECK(valid_seen > 100);
}
