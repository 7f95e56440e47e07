// The core's boundary, in the style of duckdb-wasm's webdb_api: every entry point takes and
// returns plain strings/numbers so the embind glue stays a list of registrations.
//
// A result is a JSON envelope: {"ok":true,"value":...} or
// {"ok":false,"code":"INVALID_IDENTIFIER","message":"..."}. The shim turns failures into
// typed errors carrying `code`.
#pragma once

#include <string>
#include <string_view>

namespace lunora::api {

// Version of the core, e.g. "0.1.0".
std::string core_version();

// {"name","placeholderStyle","identifierQuote","capabilities":{...}} of a dialect.
std::string dialect_info(std::string_view dialect_name);

// The identifier quoted for the dialect, after validation.
std::string quote_identifier(std::string_view dialect_name, std::string_view identifier);

}  // namespace lunora::api
