// Convex-style filter expressions: `db.query(t).filter(q => q.eq(q.field("a.b"), 5))`.
//
// JSON form (what js-shim/src/global/filter-builder.ts writes; docs/internals/wire-formats.md,
// "Filter JSON"). Every expression E is an object with exactly the keys of one form:
//
//   {"field": "a.b"}                    a document field; `.` descends into nested objects
//   {"literal": <Lunora JSON>}          a constant value (JSON numbers are float64)
//   {"undefined": true}                 the missing value (JS `undefined`)
//   {"op": "eq"|"neq"|"lt"|"lte"|"gt"|"gte", "args": [E, E]}
//   {"op": "and"|"or", "args": [E, ...]}                   at least one argument
//   {"op": "not", "args": [E]}
//   {"op": "add"|"sub"|"mul"|"div"|"mod", "args": [E, E]}
//   {"op": "neg", "args": [E]}
//
// Bounds: at most kMaxFilterDepth levels of nesting and kMaxFilterNodes expressions (literal
// contents do not count; they are bounded by kMaxWireNesting).
//
// Semantics (Convex's):
// - A field path that is empty or has an empty step is refused. A field that is absent, or
//   whose path crosses a non-object (array, string, ...), evaluates to missing (undefined).
// - Comparisons use compare_values: missing < null < int64 < float64 < boolean < string <
//   bytes < array < object, so missing equals only missing (`neq(missing, 2)` is true,
//   `eq(missing, null)` false), int64 1 is not float64 1 (`lt(5n, 1.0)` is true), NaN equals
//   NaN and -0.0 is less than 0.0.
// - and / or / not work on booleans; any other operand (missing included) counts as false.
//   and / or evaluate left to right and stop at the first false / true operand (like JS
//   `&&` / `||`), so an operand after the deciding one is not evaluated and cannot fail.
// - Arithmetic needs two int64 (exact, wrapping in two's complement like Rust's i64
//   wrapping_*; div truncates toward zero; div or mod by 0 is an error; MIN / -1 wraps to MIN
//   and MIN % -1 is 0) or two float64 (IEEE 754: x / 0 is +-Infinity, mod is C fmod = JS %).
//   neg negates an int64 (wrapping) or a float64. Any other operand types (mixed int64 and
//   float64, missing, null, strings, ...) are an error naming the operator and the types.
// - A document matches when the whole expression evaluates to boolean true; any other value
//   (a number, missing, ...) does not match.
// Errors (ErrorCode::invalid_argument) come from parse for malformed input ("invalid filter at
// filter.args[1]: ...") and from matches for operand errors ("filter error: ...").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lunora/status.hpp"
#include "lunora/value/value.hpp"

namespace lunora {

inline constexpr std::size_t kMaxFilterDepth = 64;
inline constexpr std::size_t kMaxFilterNodes = 4096;

class Filter {
 public:
  // A default-constructed Filter is "no filter": it matches every document and reads no field.
  Filter() = default;

  // Parses and checks the JSON form above (literals through from_wire_json).
  static Result<Filter> parse(const Value& json);

  // Evaluates against a full document (an object with `_id` and `_creationTime`). Allocates
  // nothing unless it fails.
  Result<bool> matches(const Value& document) const;

  // Whether any field expression starts with this top-level field (`a` for "a.b").
  bool uses_field(std::string_view top_level_field) const;
  // The top-level fields referenced, sorted by code point, each once.
  const std::vector<std::string>& fields() const noexcept { return top_fields_; }

 private:
  enum class Op : std::uint8_t {
    field, literal, missing,
    eq, neq, lt, lte, gt, gte,
    and_, or_, not_,
    add, sub, mul, div, mod, neg,
  };
  struct Node {
    Op op;
    std::uint32_t first;  // field: index in paths_; literal: in literals_; op: in args_
    std::uint32_t count;  // op: number of arguments
  };
  struct Path {
    std::string text;                 // "a.b", for messages
    std::vector<std::string> steps;   // {"a", "b"}
  };
  struct Operand;
  class Parser;

  Result<Operand> eval(std::uint32_t node, const Value& document) const;
  Result<Operand> arithmetic(const Node& node, const Value& document) const;
  std::string describe(std::uint32_t node, const Value* value) const;

  std::vector<Node> nodes_;            // nodes_[0] is the root
  std::vector<std::uint32_t> args_;    // argument node indexes, contiguous per node
  std::vector<Path> paths_;
  std::vector<Value> literals_;
  std::vector<std::string> top_fields_;
};

}  // namespace lunora
