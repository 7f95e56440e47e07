// Shared helpers for the libFuzzer targets (wasm/fuzz/README.md).
//
// Every target drives a core entry point that takes outside input and checks the two things
// the boundary promises: it returns (no crash, no uncaught nlohmann exception: the WASM build
// has exception catching disabled, so a throw there aborts the Worker), and what it returns
// is a well-formed envelope {"ok": true, "value": ...} or {"ok": false, "code", "message"}.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace lunora_fuzz {

[[noreturn]] inline void die(const char* what, std::string_view detail) {
  std::fprintf(stderr, "FUZZ INVARIANT BROKEN: %s\n%.*s\n", what, static_cast<int>(detail.size() > 2000 ? 2000 : detail.size()),
               detail.data());
  std::abort();
}

// Parses an envelope and checks its shape; returns it.
inline nlohmann::json envelope(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) die("envelope is not a JSON object", text);
  auto ok = parsed.find("ok");
  if (ok == parsed.end() || !ok->is_boolean()) die("envelope has no boolean ok", text);
  if (ok->get<bool>()) {
    if (!parsed.contains("value")) die("ok envelope has no value", text);
  } else {
    auto code = parsed.find("code");
    auto message = parsed.find("message");
    if (code == parsed.end() || !code->is_string() || message == parsed.end() || !message->is_string()) {
      die("failed envelope without code/message", text);
    }
  }
  return parsed;
}

inline bool is_ok(const nlohmann::json& env) { return env["ok"].get<bool>(); }

// Splits the input at the first `parts - 1` occurrences of '\n' (JSON never needs a raw
// newline, so corpora stay readable: one JSON text per line).
inline std::vector<std::string> split(const std::uint8_t* data, std::size_t size, std::size_t parts) {
  std::vector<std::string> out;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (out.size() + 1 < parts) {
    auto nl = rest.find('\n');
    if (nl == std::string_view::npos) break;
    out.emplace_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  out.emplace_back(rest);
  while (out.size() < parts) out.emplace_back();
  return out;
}

// A schema exercising every validator kind, two indexes (one on a typed column, one needing a
// key column) and a non-global table that ids may reference.
inline const char* kSchema = R"({"tables":{
 "orders":{"global":true,"document":{"kind":"object","fields":{
  "customer":{"kind":"string"},"total":{"kind":"float64"},"qty":{"kind":"int64"},"paid":{"kind":"boolean"},
  "note":{"kind":"optional","value":{"kind":"string"}},
  "tags":{"kind":"array","items":{"kind":"string"}},
  "blob":{"kind":"optional","value":{"kind":"bytes"}},
  "meta":{"kind":"optional","value":{"kind":"any"}},
  "owner":{"kind":"optional","value":{"kind":"id","table":"users"}},
  "status":{"kind":"optional","value":{"kind":"union","members":[{"kind":"literal","value":"open"},{"kind":"literal","value":"closed"},{"kind":"null"}]}},
  "attrs":{"kind":"optional","value":{"kind":"record","keys":{"kind":"string"},"values":{"kind":"float64"}}},
  "nested":{"kind":"optional","value":{"kind":"object","fields":{"a":{"kind":"optional","value":{"kind":"int64"}}}}}}},
  "indexes":[{"name":"by_customer","fields":["customer"]},{"name":"by_meta","fields":["meta","qty"]},{"name":"by_status","fields":["status"]}]},
 "users":{"global":true,"document":{"kind":"object","fields":{"name":{"kind":"string"}}},"indexes":[]},
 "local":{"global":false,"document":{"kind":"object","fields":{}}}}})";

}  // namespace lunora_fuzz
