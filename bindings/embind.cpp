// embind registrations only: every function here forwards to lunora::api (core_api.hpp),
// which holds the logic and is tested natively.
#include <emscripten/bind.h>

#include <string>

#include "lunora/api/core_api.hpp"

namespace {

std::string dialect_info(const std::string& name) { return lunora::api::dialect_info(name); }

std::string quote_identifier(const std::string& dialect, const std::string& identifier) {
  return lunora::api::quote_identifier(dialect, identifier);
}

}  // namespace

EMSCRIPTEN_BINDINGS(lunora_core) {
  emscripten::function("coreVersion", &lunora::api::core_version);
  emscripten::function("dialectInfo", &dialect_info);
  emscripten::function("quoteIdentifier", &quote_identifier);
}
