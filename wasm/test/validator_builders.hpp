// Validators spelt as in a Lunora schema, for tests: vb::object({{"a", vb::string()}}).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lunora/schema/validator.hpp"

namespace lunora::test::vb {

inline Validator of(ValidatorKind kind, std::vector<Validator> children = {}) {
  Validator v;
  v.kind = kind;
  v.children = std::move(children);
  return v;
}

inline Validator string() { return of(ValidatorKind::string); }
inline Validator float64() { return of(ValidatorKind::float64); }
inline Validator int64() { return of(ValidatorKind::int64); }
inline Validator boolean() { return of(ValidatorKind::boolean); }
inline Validator null() { return of(ValidatorKind::null); }
inline Validator bytes() { return of(ValidatorKind::bytes); }
inline Validator any() { return of(ValidatorKind::any); }
inline Validator id(std::string table) {
  Validator v = of(ValidatorKind::id);
  v.table = std::move(table);
  return v;
}
inline Validator literal(Value value) {
  Validator v = of(ValidatorKind::literal);
  v.literal = std::move(value);
  return v;
}
inline Validator array(Validator items) { return of(ValidatorKind::array, {std::move(items)}); }
inline Validator record(Validator keys, Validator values) {
  return of(ValidatorKind::record, {std::move(keys), std::move(values)});
}
inline Validator optional(Validator inner) { return of(ValidatorKind::optional, {std::move(inner)}); }
inline Validator union_of(std::vector<Validator> members) {
  return of(ValidatorKind::union_of, std::move(members));
}
inline Validator object(std::vector<std::pair<std::string, Validator>> fields) {
  Validator v = of(ValidatorKind::object);
  for (auto& [name, field] : fields) v.fields.push_back(ValidatorField{name, std::move(field)});
  return v;
}

}  // namespace lunora::test::vb
