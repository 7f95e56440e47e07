// Lunora JSON <-> Value (docs/internals/wire-formats.md, "Lunora JSON").
//
// Every JSON number is a float64. Values JSON cannot say exactly travel as one-key tagged
// objects: {"$integer": b64} (int64, 8 bytes little-endian two's complement), {"$float": b64}
// (float64, 8 bytes little-endian IEEE 754: NaN, +-Infinity, -0), {"$bytes": b64}. Any other
// object key starting with `$` is refused. to_wire(parse_wire(t)) is canonical and
// parse_wire(to_wire(v)) == v bit for bit (NaN payloads and -0 included).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lunora/status.hpp"
#include "lunora/value/value.hpp"

namespace lunora {

// Hard bound on JSON nesting (arrays and objects, tag objects included) accepted from the
// wire. Far above the document limit (limits::kMaxNestingDepth); it only keeps hostile input
// from costing deep recursion in the core.
inline constexpr std::size_t kMaxWireNesting = 64;

// Refuses, with ErrorCode::invalid_value: malformed JSON, invalid UTF-8 (lone surrogates
// included), nesting deeper than kMaxWireNesting, numbers that overflow a float64 (1e400),
// unknown `$` keys and malformed tags.
Result<Value> parse_wire(std::string_view json);
// The same, written over `spare`, an earlier value no longer needed (any type): its nodes and
// strings are reused where the text has its shape (parse_simple_wire_over).
Result<Value> parse_wire_over(std::string_view json, Value spare);
// parse_wire, then only the members named in `fields` kept if the value is an object: the same
// errors, but the other members of the usual document are only checked, not built.
Result<Value> parse_wire_fields(std::string_view json, const std::vector<std::string_view>& fields);
// The same, written over `spare` (as parse_wire_over).
Result<Value> parse_wire_fields_over(std::string_view json, const std::vector<std::string_view>& fields, Value spare);
// The same for a tree that is already JSON (numbers of any nlohmann type become float64;
// binary is kept as bytes). Also checks that strings and keys are valid UTF-8.
Result<Value> from_wire_json(const Value& json);

// The inverse. Floats are written as JSON.stringify writes them (shortest round-trip digits);
// keys in code point order. Strings are expected to be valid UTF-8 (parse_wire guarantees it);
// an invalid byte would be written as U+FFFD rather than producing invalid JSON.
std::string to_wire(const Value& value);
void append_wire(std::string& out, const Value& value);
Value to_wire_json(const Value& value);
// An upper bound of to_wire(value).size() that writes nothing (every string byte counted as a
// 6-byte escape, every number at its longest): a size check that passes on the bound needs
// no serialisation.
std::size_t wire_size_bound(const Value& value);

// Text helpers shared by the value layer's writers and error messages.

// Strict UTF-8: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text) noexcept;
// A JSON string literal, escaped as JSON.stringify does (`"`, `\`, control characters).
void append_json_string(std::string& out, std::string_view utf8);

namespace detail {
constexpr std::array<bool, 256> make_plain_json_bytes() {
  std::array<bool, 256> plain{};
  for (int b = 0x20; b < 0x80; ++b) plain[static_cast<std::size_t>(b)] = b != '"' && b != '\\';
  return plain;
}
inline constexpr std::array<bool, 256> kPlainJsonByte = make_plain_json_bytes();
}  // namespace detail

// The end of the run of bytes from `from` that a JSON string holds as themselves (no escape:
// ASCII but controls, quote, backslash), at most `size`. (Strings are short: a byte loop.)
inline std::size_t plain_json_run(const char* data, std::size_t from, std::size_t size) noexcept {
  while (from < size && detail::kPlainJsonByte[static_cast<unsigned char>(data[from])]) ++from;
  return from;
}
// A finite double as JS `String(x)` writes it ("5", "1.5", "1e+21", "1e-7"); -0 as "0".
void append_js_number(std::string& out, double finite);
// `[A-Za-z_$][A-Za-z0-9_$]*`: a name JS can write bare (`a.name`, `{ name: ... }`).
bool is_js_identifier(std::string_view name) noexcept;
// One step of a field path: `.name` for identifier-like names, `["other name"]` otherwise;
// `[index]` for array items.
void append_path_field(std::string& out, std::string_view name);
void append_path_index(std::string& out, std::size_t index);

// An array or object as JSON, each member written by `write(out, member)`: the container
// layout shared by the Lunora JSON writer and the api's plain JSON writer.
template <typename Write>
void append_json_container(std::string& out, const Value& value, Write&& write) {
  const bool array = value.is_array();
  out.push_back(array ? '[' : '{');
  bool first = true;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!first) out.push_back(',');
    first = false;
    if (!array) {
      append_json_string(out, it.key());
      out.push_back(':');
    }
    write(out, *it);
  }
  out.push_back(array ? ']' : '}');
}

}  // namespace lunora
