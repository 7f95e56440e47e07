// A direct JSON reader for the common shape of documents from the shim: no backslash escapes
// in strings, numbers as plain JSON numbers. It builds the Value in one pass (nlohmann's
// parser lexes character by character into a token buffer, then builds the tree).
//
// It answers nullopt for anything it does not handle or that is not valid JSON (escapes,
// duplicate keys, nesting beyond `max_depth`, malformed text, invalid UTF-8, numbers that
// overflow), and the caller then takes the full path, so it can never accept what nlohmann
// refuses nor read anything differently: every number becomes the float64 that strtod gives,
// which is what parse_wire makes of nlohmann's integer and float tokens alike.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lunora/value/value.hpp"

namespace lunora {

std::optional<Value> parse_simple_json(std::string_view json, std::size_t max_depth);

// The same, also reading the wire format's tags ({"$integer": b64}, {"$float": b64},
// {"$bytes": b64}) as parse_wire does (value/wire.hpp). nullopt as well for an object with any
// other `$` key or a malformed tag: parse_wire's full path then says why.
std::optional<Value> parse_simple_wire(std::string_view json, std::size_t max_depth);

// parse_simple_wire into `out`, a value of an earlier document (any type): where the text
// has its shape (an object's members in key order, an array's items, strings), its tree's
// nodes and strings' buffers are reused instead of freed and allocated again. True: `out`
// equals what parse_simple_wire answers; false where it answers nullopt (`out` is then some
// valid value).
bool parse_simple_wire_over(std::string_view json, std::size_t max_depth, Value& out);

// parse_simple_wire of an object, keeping only its members named in `fields` (the others are
// read and checked, not built). nullopt whenever parse_simple_wire would answer nullopt, and
// also for anything but an object.
std::optional<Value> parse_simple_wire_fields(std::string_view json, std::size_t max_depth,
                                              const std::vector<std::string_view>& fields);

// A JSON array of strings (`["a", "b"]`, whitespace allowed) into `out` (cleared first, its
// capacity kept), read exactly as nlohmann reads it. False for anything else, including
// escapes and invalid UTF-8 (the caller then takes the full path, which says why).
bool parse_simple_string_array(std::string_view json, std::vector<std::string>& out);

// parse_simple_wire_fields into `out`, as parse_simple_wire_over writes a document over an
// earlier value. True: `out` equals what parse_simple_wire_fields answers; false where it
// answers nullopt (`out` is then some valid value).
bool parse_simple_wire_fields_over(std::string_view json, std::size_t max_depth,
                                   const std::vector<std::string_view>& fields, Value& out);

}  // namespace lunora
