#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "lunora/api/core_api.hpp"

using nlohmann::json;

TEST_CASE("api envelopes carry ok/value or ok/code/message") {
  auto info = json::parse(lunora::api::dialect_info("mysql"));
  CHECK(info["ok"] == true);
  CHECK(info["value"]["name"] == "mysql");
  CHECK(info["value"]["placeholderStyle"] == "question");
  CHECK(info["value"]["identifierQuote"] == "`");
  CHECK(info["value"]["capabilities"]["maxIdentifierBytes"] == 64);

  auto quoted = json::parse(lunora::api::quote_identifier("postgres", "orders"));
  CHECK(quoted == json{{"ok", true}, {"value", "\"orders\""}});

  auto refused = json::parse(lunora::api::quote_identifier("postgres", "bad name"));
  CHECK(refused["ok"] == false);
  CHECK(refused["code"] == "INVALID_IDENTIFIER");
  CHECK(refused["message"] == "identifier \"bad name\" may contain only letters, digits and '_'");

  auto unknown = json::parse(lunora::api::dialect_info("sqlserver"));
  CHECK(unknown["code"] == "UNKNOWN_DIALECT");
}

TEST_CASE("api output is valid JSON even for invalid UTF-8 input") {
  auto refused = json::parse(lunora::api::quote_identifier("postgres", "\xff\xfe"));
  CHECK(refused["ok"] == false);
}
