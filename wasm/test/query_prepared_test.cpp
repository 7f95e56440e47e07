// The page path's fast paths: prepared queries kept by their JSON text, the last row of a
// counts-only batch read without a JSON tree, cursors written and read as text. Each must
// give exactly what the general (nlohmann) path gives.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <vector>
#include <nlohmann/json.hpp>

#include "lunora/api/store_api.hpp"
#include "lunora/query/cursor.hpp"
#include "lunora/query/last_row.hpp"
#include "lunora/query/prepared_query.hpp"
#include "lunora/schema/schema_parser.hpp"
#include "lunora/value/base64.hpp"
#include "lunora/value/hex.hpp"

using namespace lunora;
namespace api = lunora::api;

namespace {

constexpr const char* kSchema =
    R"({"tables":{"t":{"global":true,"document":{"kind":"object","fields":{"a":{"kind":"string"},"b":{"kind":"float64"}}},)"
    R"("indexes":[{"name":"by_ab","fields":["a","b"]}]}}})";

bool same(const LastRow& a, const LastRow& b) {
  return a.present == b.present && a.id == b.id && a.creation_time == b.creation_time && a.key_hex == b.key_hex;
}

// encode_cursor before its text fast path: the JSON library's dump, base64url.
std::string dumped_cursor(const std::string& fingerprint, const CursorPosition& position) {
  Value payload = {{"f", fingerprint}};
  if (position.end) payload["end"] = true;
  else payload["k"] = to_hex(position.last_key);
  const std::string json = payload.dump();
  std::string b64 = base64_encode(reinterpret_cast<const std::uint8_t*>(json.data()), json.size());
  for (char& c : b64) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "c1." + b64;
}

std::string cursor_of_payload(const std::string& json) {
  std::string b64 = base64_encode(reinterpret_cast<const std::uint8_t*>(json.data()), json.size());
  for (char& c : b64) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "c1." + b64;
}

nlohmann::json value_of(const std::string& envelope) {
  auto out = nlohmann::json::parse(envelope);
  REQUIRE(out["ok"] == true);
  return out["value"];
}

// A small deterministic generator for the random-text tests.
struct XorShift {
  std::uint64_t state;
  std::uint64_t operator()() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

// The texts a shim holds (statement_texts.hpp): fills in the text of {"textId"} statements.
struct ShimTexts {
  std::map<int, std::string> texts;
  nlohmann::json& resolve(nlohmann::json& answer) {
    if (!answer.contains("statement")) return answer;
    auto& statement = answer["statement"];
    if (statement.contains("text") && statement.contains("textId")) texts[statement["textId"].get<int>()] = statement["text"];
    if (!statement.contains("text")) statement["text"] = texts.at(statement["textId"].get<int>());
    statement.erase("textId");
    return answer;
  }
};

}  // namespace

TEST_CASE("read_last_row reads the shim's last row as the JSON parser does", "[query][prepared]") {
  for (const char* text : {"null", "{}", R"({"_id":"t1abc","_creationTime":1732580000000.125,"k":"06610000"})",
                           R"({"_id":"x","_creationTime":5})", R"({"_id":"x","_creationTime":0})",
                           R"({"_creationTime":1.5e12,"_id":"x"})", R"({"_id":"x","_creationTime":2E-3,"k":""})",
                           R"({"_id":"x"})", R"({"_creationTime":1})", R"({"k":"zz"})"}) {
    INFO(text);
    auto fast = read_last_row(text);
    REQUIRE(fast.has_value());
    CHECK(same(*fast, last_row_of(Value::parse(text))));
  }
  // Left to the general path: whitespace, escapes, non-ASCII, negative numbers (-0 is the
  // integer 0 there), other value types, unknown or repeated names, malformed text.
  for (const char* text : {R"({ "_id":"x","_creationTime":1})", R"({"_id":"\u0078","_creationTime":1})",
                           "{\"_id\":\"\xc3\xa9\",\"_creationTime\":1}", R"({"_id":"x","_creationTime":-0})",
                           R"({"_id":"x","_creationTime":"1"})", R"({"_id":"x","_creationTime":1,"k":null})",
                           R"({"_id":"x","_creationTime":1,"z":1})", R"({"_id":"x","_id":"y","_creationTime":1})",
                           R"({"_id":"x","_creationTime":01})", R"({"_id":"x","_creationTime":1.})",
                           R"({"_id":"x","_creationTime":1e999})", R"({"_id":"x",})", "[1]", "1", ""}) {
    INFO(text);
    CHECK_FALSE(read_last_row(text).has_value());
  }
}

TEST_CASE("cursors are written byte for byte as before and read back on either path", "[query][prepared][cursor]") {
  const std::string key("\x06k\x00\x00\xff", 5);
  for (const std::string fingerprint : {"0123456789abcdef", "f", "", "with \"quote\"", "caf\xc3\xa9"}) {
    INFO(fingerprint);
    for (const CursorPosition& position : {CursorPosition{false, key}, CursorPosition{true, ""}, CursorPosition{false, ""}}) {
      const std::string cursor = encode_cursor(fingerprint, position);
      CHECK(cursor == dumped_cursor(fingerprint, position));
      auto back = decode_cursor(cursor, fingerprint);
      REQUIRE(back.ok());
      CHECK(back->end == position.end);
      CHECK(back->last_key == position.last_key);
    }
  }
  // A payload in another JSON spelling still reads (the general path).
  auto spaced = decode_cursor(cursor_of_payload(R"({ "k": "066b", "f": "0123456789abcdef" })"), "0123456789abcdef");
  REQUIRE(spaced.ok());
  CHECK(spaced->last_key == "\x06k");
  // Another query's cursor, and a bad key, are refused with the same messages as before.
  auto other = decode_cursor(encode_cursor("0123456789abcdef", CursorPosition{false, key}), "fedcba9876543210");
  REQUIRE_FALSE(other.ok());
  CHECK(other.status().code() == ErrorCode::invalid_cursor);
  CHECK(other.status().message() ==
        "invalid pagination cursor: it belongs to a different query (table, index, range, order and filter must be the same)");
  auto bad_key = decode_cursor(cursor_of_payload(R"({"f":"f","k":"0g"})"), "f");
  REQUIRE_FALSE(bad_key.ok());
  CHECK(bad_key.status().message() == "invalid pagination cursor: malformed");
}

TEST_CASE("QueryCache prepares a query text once and refuses as parse_query does", "[query][prepared]") {
  auto store = Store::open(parse_schema(kSchema).value(), postgres_dialect(), {}, "seed").value();
  QueryCache cache;
  const char* text = R"({"table":"t","index":"by_ab","range":[{"op":"eq","field":"a","value":"x"}],"order":"asc","filter":null})";
  auto first = cache.get(*store, text);
  REQUIRE(first.ok());
  auto again = cache.get(*store, text);
  REQUIRE(again.ok());
  CHECK(first->get() == again->get());
  CHECK((*first)->spec.index_name == "by_ab");
  CHECK((*first)->range.lo == key_range((*first)->spec).lo);
  CHECK_FALSE((*first)->filter.has_value());

  auto not_json = cache.get(*store, "{");
  REQUIRE_FALSE(not_json.ok());
  CHECK(not_json.status().message() == "the query is not valid JSON");
  auto bad_bound = cache.get(*store, R"({"table":"t","range":[{"op":"gt","field":"_creationTime","value":"x"}]})");
  REQUIRE_FALSE(bad_bound.ok());
  CHECK(bad_bound.status().message() == "by_creation_time bounds must be numbers (float64)");
  auto bad_filter = cache.get(*store, R"({"table":"t","filter":{"op":"nope","args":[]}})");
  REQUIRE_FALSE(bad_filter.ok());
  CHECK(cache.size() == 1);  // failures are not kept

  for (int i = 0; i < static_cast<int>(QueryCache::kMaxEntries) + 3; ++i) {
    REQUIRE(cache.get(*store, R"({"table":"t","index":"by_ab","range":[{"op":"eq","field":"a","value":"v)" +
                                  std::to_string(i) + R"("}]})")
                .ok());
  }
  CHECK(cache.size() <= QueryCache::kMaxEntries);
}

TEST_CASE("query_begin / query_feed_count answer the same through the fast and the general path", "[query][prepared][api]") {
  const char* schema = R"({"tables":{"t":{"global":true,"document":{"kind":"object","fields":{"a":{"kind":"string"}}},"indexes":[{"name":"by_a","fields":["a"]}]}}})";
  const int store = value_of(api::store_open(schema, "postgres", "{}")).get<int>();
  const std::string query = R"({"table":"t","index":"by_a","range":[],"order":"asc","filter":null})";
  const std::string key_hex = "06610000" "0400000000000000000000";  // any key: the cursor carries it
  ShimTexts shim;
  auto page = [&](const std::string& cursor, const std::string& last) {
    auto begun = value_of(api::query_begin(store, 0, query, cursor, 2));
    shim.resolve(begun);
    CHECK(begun["countsOnly"] == true);
    CHECK(begun["needsDocuments"] == false);
    CHECK(begun["finished"] == false);
    CHECK(begun["remaining"] == 2);
    CHECK(begun["cursor"] == "");  // only a finished run's begin carries its cursor
    CHECK(begun["statement"]["text"].get<std::string>().find("LIMIT 3") != std::string::npos);
    const int run = begun["run"].get<int>();
    auto step = value_of(api::query_feed_count(run, 3, last));
    api::query_end(run);
    return step;
  };
  auto fast = page("", R"({"_id":"t1","_creationTime":5,"k":")" + key_hex + R"("})");
  auto general = page("", R"({ "_id": "t1", "_creationTime": 5, "k": ")" + key_hex + R"(" })");
  CHECK(fast == general);
  CHECK(fast["emitCount"] == 2);
  CHECK(fast["more"] == false);
  CHECK(fast["done"] == false);
  CHECK(fast["remaining"] == 0);
  CHECK_FALSE(fast.contains("statement"));
  // The next page starts after the key the cursor carries.
  auto next = value_of(api::query_begin(store, 0, query, fast["cursor"].get<std::string>(), 2));
  shim.resolve(next);
  CHECK(next["statement"]["text"].get<std::string>().find("\"_k_by_a\" > ") != std::string::npos);
  CHECK(next["statement"]["params"].back() == key_hex);
  api::query_end(next["run"].get<int>());

  // A page after the end: finished at once, with the end cursor.
  auto last_begun = value_of(api::query_begin(store, 0, query, fast["cursor"].get<std::string>(), 2));
  auto end = value_of(api::query_feed_count(last_begun["run"].get<int>(), 0, "null"));
  CHECK(end["done"] == true);
  CHECK(end["more"] == false);
  auto after_end = value_of(api::query_begin(store, 0, query, end["cursor"].get<std::string>(), 2));
  CHECK(after_end["finished"] == true);
  CHECK(after_end["cursor"] == end["cursor"]);
  CHECK_FALSE(after_end.contains("statement"));
  api::query_end(after_end["run"].get<int>());

  // Errors keep their messages.
  auto begun = value_of(api::query_begin(store, 0, query, "", 2));
  const int run = begun["run"].get<int>();
  auto no_key = nlohmann::json::parse(api::query_feed_count(run, 1, R"({"_id":"t1","_creationTime":5})"));
  CHECK(no_key["message"] == "the last row needs its hex index key \"k\"");
  auto no_row = nlohmann::json::parse(api::query_feed_count(run, 1, "null"));
  CHECK(no_row["message"] == "the last row needs _id and _creationTime");
  auto not_json = nlohmann::json::parse(api::query_feed_count(run, 1, "{"));
  CHECK(not_json["message"] == "the last row must be JSON");
  api::query_end(run);
  auto bad_query = nlohmann::json::parse(api::query_begin(store, 0, "{", "", 2));
  CHECK(bad_query["message"] == "the query is not valid JSON");
  auto other = nlohmann::json::parse(api::query_begin(store, 0, R"({"table":"t","index":"by_a","order":"desc"})",
                                                      fast["cursor"].get<std::string>(), 2));
  CHECK(other["code"] == "INVALID_CURSOR");
  api::store_close(store);
}

TEST_CASE("a page statement built from the kept text equals the one built afresh", "[query][prepared]") {
  const char* schema = R"({"tables":{"t":{"global":true,"document":{"kind":"object","fields":{"a":{"kind":"string"}}},"indexes":[{"name":"by_a","fields":["a"]}]}}})";
  for (const char* dialect : {"postgres", "mysql", "sqlite"}) {
    INFO(dialect);
    const int store = value_of(api::store_open(schema, dialect, "{}")).get<int>();
    ShimTexts shim;
    for (const std::string range : {R"([])", R"([{"op":"gte","field":"a","value":"m"},{"op":"lt","field":"a","value":"x"}])"}) {
      const std::string query = R"({"table":"t","index":"by_a","range":)" + range + R"(,"order":"desc","filter":null})";
      std::string cursor;
      for (int round = 0; round < 3; ++round) {
        for (const std::string& at : {std::string(), cursor}) {
          auto first = value_of(api::query_begin(store, 0, query, at, 5));
          auto again = value_of(api::query_begin(store, 0, query, at, 5));
          CHECK(again["statement"].contains("textId"));
          CHECK_FALSE(again["statement"].contains("text"));  // the shim holds it
          shim.resolve(first);
          shim.resolve(again);
          CHECK(first["statement"] == again["statement"]);
          api::query_end(first["run"].get<int>());
          api::query_end(again["run"].get<int>());
        }
        // The next page's cursor: the last row kept carries a key inside the range.
        auto begun = value_of(api::query_begin(store, 0, query, cursor, 5));
        shim.resolve(begun);
        const std::string k = to_hex(std::string("\x06o", 2) + std::string(1, static_cast<char>('a' + round)) + std::string("\0\0", 2));
        auto step = value_of(api::query_feed_count(begun["run"].get<int>(), 6, R"({"_id":"t1","_creationTime":1,"k":")" + k + "\"}"));
        cursor = step["cursor"].get<std::string>();
      }
    }
    api::store_close(store);
  }
}

TEST_CASE("read_last_row never disagrees with the JSON parser (random texts)", "[query][prepared]") {
  // Texts made of the shape's own pieces, shuffled: whatever the fast reader accepts must be
  // JSON whose general reading is the same LastRow.
  const std::vector<std::string> pieces = {"{", "}", ",", ":", "\"_id\"", "\"_creationTime\"", "\"k\"", "\"x\"", "\"0a\"",
                                           "1", "0", "-0", "1.5", "2e3", "01", "1.", "null", "true", "\"", "\\", " ", "[", "]"};
  XorShift next{0x9e3779b97f4a7c15ull};
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const std::size_t count = 1 + next() % 12;
    for (std::size_t i = 0; i < count; ++i) text += pieces[next() % pieces.size()];
    if (round % 4 == 0) text = "{\"_id\":\"x\",\"_creationTime\":" + pieces[9 + next() % 6] + (round % 8 == 0 ? ",\"k\":\"0a\"}" : "}");
    auto fast = read_last_row(text);
    if (!fast) continue;
    ++accepted;
    INFO(text);
    const Value parsed = Value::parse(text, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    CHECK(same(*fast, last_row_of(parsed)));
  }
  CHECK(accepted > 1000);
}

namespace {

// decode_cursor as it was before its text fast paths (the oracle of the test below).
Result<CursorPosition> decode_cursor_with_json(std::string_view cursor, std::string_view fingerprint) {
  auto invalid = [](const std::string& why) { return Status(ErrorCode::invalid_cursor, "invalid pagination cursor: " + why); };
  CursorPosition position;
  if (cursor.empty()) return position;
  if (cursor.size() > 4096 || cursor.substr(0, 3) != "c1.") return invalid("not a cursor of this store");
  std::string b64(cursor.substr(3));
  for (char& c : b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (b64.size() % 4 != 0) b64.push_back('=');
  auto bytes = base64_decode(b64);
  if (!bytes.ok()) return invalid("malformed");
  Value payload = Value::parse(std::string(bytes->begin(), bytes->end()), nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) return invalid("malformed");
  auto f = payload.find("f");
  if (f == payload.end() || !f->is_string()) return invalid("malformed");
  if (f->get_ref<const std::string&>() != fingerprint) {
    return invalid("it belongs to a different query (table, index, range, order and filter must be the same)");
  }
  if (auto end = payload.find("end"); end != payload.end() && end->is_boolean() && end->get<bool>()) {
    position.end = true;
    return position;
  }
  auto k = payload.find("k");
  if (k == payload.end() || !k->is_string()) return invalid("malformed");
  auto key = from_hex(k->get_ref<const std::string&>());
  if (!key) return invalid("malformed");
  position.last_key = std::move(*key);
  return position;
}

}  // namespace

TEST_CASE("decode_cursor answers as the JSON-based decoding did (random cursors)", "[query][prepared][cursor]") {
  const std::vector<std::string> payloads = {
      R"({"f":"0123456789abcdef","k":"066b00"})", R"({"end":true,"f":"0123456789abcdef"})", R"({"f":"0123456789abcdef","k":""})",
      R"({"f":"0123456789abcdef","k":"0G"})", R"({"f":"fedcba9876543210","k":"00"})", R"({"end":false,"f":"0123456789abcdef","k":"01"})",
      R"({"f":"0123456789abcdef","k":"01","x":1})", R"({"k":"01","f":"0123456789abcdef"})", R"({"f":"0123456789abcdef"})"};
  XorShift next{0x2545f4914f6cdd1dull};
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.";
  for (int round = 0; round < 20000; ++round) {
    std::string cursor = cursor_of_payload(payloads[next() % payloads.size()]);
    const int edits = static_cast<int>(next() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = next() % cursor.size();
      switch (next() % 3) {
        case 0: cursor[at] = alphabet[next() % alphabet.size()]; break;
        case 1: cursor.erase(at, 1); break;
        default: cursor.insert(at, 1, alphabet[next() % alphabet.size()]); break;
      }
    }
    INFO(cursor);
    auto fast = decode_cursor(cursor, "0123456789abcdef");
    auto oracle = decode_cursor_with_json(cursor, "0123456789abcdef");
    REQUIRE(fast.ok() == oracle.ok());
    if (fast.ok()) {
      CHECK(fast->end == oracle->end);
      CHECK(fast->last_key == oracle->last_key);
    } else {
      CHECK(fast.status().code() == oracle.status().code());
      CHECK(fast.status().message() == oracle.status().message());
    }
  }
}
