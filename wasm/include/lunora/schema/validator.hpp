// The validator tree of a schema (v.string(), v.object({...}), ...), parsed from the schema
// JSON form (docs/internals/wire-formats.md).
#pragma once

#include <string>
#include <vector>

#include "lunora/value/value.hpp"

namespace lunora {

enum class ValidatorKind {
  string, float64, int64, boolean, null, bytes, any,
  id,        // table
  literal,   // literal
  array,     // children[0] = items
  object,    // fields
  record,    // children[0] = keys, children[1] = values
  union_of,  // children = members
  optional,  // children[0] = inner; only as an object field
};

struct ValidatorField;

struct Validator {
  ValidatorKind kind = ValidatorKind::any;
  std::string table;                    // id
  Value literal;                        // literal
  std::vector<Validator> children;      // array, record, union_of, optional
  std::vector<ValidatorField> fields;   // object, in declaration order
};

struct ValidatorField {
  std::string name;
  Validator validator;  // kind == optional when the field may be missing
};

}  // namespace lunora
