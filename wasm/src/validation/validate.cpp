#include "lunora/validation/validate.hpp"

#include <cmath>
#include <optional>
#include <string>

#include "lunora/schema/limits.hpp"
#include "lunora/schema/validator_format.hpp"
#include "lunora/value/compare.hpp"
#include "lunora/value/wire.hpp"

namespace lunora {
namespace {

// A failure's text after the entry point's prefix; `code` tells which prefix.
struct Problem {
  ErrorCode code;
  bool schema_mismatch;  // else: not a valid document / value
  std::string detail;
};

// "Path: .a.b " (nothing at the root), the start of most details.
std::string path_part(const std::string& path) {
  return path.empty() ? std::string() : "Path: " + path + " ";
}

std::string quoted_name(std::string_view name) {
  std::string out;
  append_json_string(out, name);
  return out;
}

Problem invalid_value(std::string detail, const std::string& path) {
  if (!path.empty()) detail += " Path: " + path;
  return Problem{ErrorCode::validation_failed, false, std::move(detail)};
}

// ---- 1. limits and field names -------------------------------------------------------------

bool is_control(std::string_view name) {
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f) return true;
    // C1 controls U+0080..U+009F are 0xC2 0x80..0x9F.
    if (c == 0xc2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) <= 0x9f) return true;
  }
  return false;
}

std::optional<Problem> check_field_name(std::string_view name, bool top_level, const std::string& path) {
  if (name.empty()) return invalid_value("Field name must not be empty.", path);
  if (!is_valid_utf8(name)) return invalid_value("Field name " + quoted_name(name) + " is not valid UTF-8.", path);
  if (is_control(name)) {
    return invalid_value("Field name " + quoted_name(name) + " contains a control character.", path);
  }
  if (name[0] == '$') {
    return invalid_value("Field name " + quoted_name(name) +
                             " starts with \"$\", which is reserved for Lunora's own use.",
                         path);
  }
  if (top_level && name[0] == '_') {
    return invalid_value("Field name " + quoted_name(name) +
                             " starts with \"_\", which is reserved for system fields like _id.",
                         path);
  }
  return std::nullopt;
}

// depth: the nesting level `value` would have if it is an array or object.
std::optional<Problem> check_structure(const Value& value, std::size_t depth, bool document_root,
                                       std::string& path) {
  if (!value.is_array() && !value.is_object()) return std::nullopt;
  if (depth > limits::kMaxNestingDepth) {
    return invalid_value("Value is nested more than " + std::to_string(limits::kMaxNestingDepth) +
                             " levels deep.",
                         path);
  }
  const std::size_t mark = path.size();
  if (value.is_array()) {
    if (value.size() > limits::kMaxArrayItems) {
      return invalid_value("Array has " + std::to_string(value.size()) + " items; the limit is " +
                               std::to_string(limits::kMaxArrayItems) + ".",
                           path);
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      append_path_index(path, i);
      if (auto problem = check_structure(value[i], depth + 1, false, path)) return problem;
      path.resize(mark);
    }
    return std::nullopt;
  }
  if (value.size() > limits::kMaxObjectFields) {
    return invalid_value("Object has " + std::to_string(value.size()) + " fields; the limit is " +
                             std::to_string(limits::kMaxObjectFields) + ".",
                         path);
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (auto problem = check_field_name(it.key(), document_root, path)) return problem;
    append_path_field(path, it.key());
    if (auto problem = check_structure(it.value(), depth + 1, false, path)) return problem;
    path.resize(mark);
  }
  return std::nullopt;
}

// ---- 2. the validator ----------------------------------------------------------------------

bool declares(const Validator& object, std::string_view name) {
  for (const auto& field : object.fields) {
    if (field.name == name) return true;
  }
  return false;
}

class SchemaCheck {
 public:
  explicit SchemaCheck(const ValidationOptions& options) : options_(options) {}

  std::optional<Problem> check(const Validator& validator, const Value& value, std::string& path) {
    switch (validator.kind) {
      case ValidatorKind::any: return std::nullopt;
      case ValidatorKind::string: return expect(value.is_string(), validator, value, path);
      case ValidatorKind::float64: return expect(value.is_number_float(), validator, value, path);
      case ValidatorKind::int64: return expect(value.is_number_integer(), validator, value, path);
      case ValidatorKind::boolean: return expect(value.is_boolean(), validator, value, path);
      case ValidatorKind::null: return expect(value.is_null(), validator, value, path);
      case ValidatorKind::bytes: return expect(value.is_binary(), validator, value, path);
      case ValidatorKind::id: return expect(is_id(validator, value), validator, value, path);
      case ValidatorKind::literal:
        return expect(values_equal(validator.literal, value), validator, value, path);
      case ValidatorKind::optional:  // only meaningful as an object field; elsewhere the inner
        return check(validator.children.at(0), value, path);
      case ValidatorKind::array: return check_array(validator, value, path);
      case ValidatorKind::object: return check_object(validator, value, path);
      case ValidatorKind::record: return check_record(validator, value, path);
      case ValidatorKind::union_of: return check_union(validator, value, path);
    }
    return std::nullopt;
  }

 private:
  bool is_id(const Validator& validator, const Value& value) const {
    if (!value.is_string()) return false;
    const auto& id = value.get_ref<const std::string&>();
    if (options_.is_id_of_table) return options_.is_id_of_table(validator.table, id);
    return !id.empty();
  }

  static std::optional<Problem> expect(bool ok, const Validator& validator, const Value& value,
                                       const std::string& path) {
    if (ok) return std::nullopt;
    return mismatch(validator, value, path);
  }

  static Problem mismatch(const Validator& validator, const Value& value, const std::string& path) {
    return Problem{ErrorCode::validation_failed, true,
                   path_part(path) + "Value: " + format_value(value) +
                       " Validator: " + format_validator(validator)};
  }

  static Problem object_problem(std::string what, const Validator& validator, const Value& value,
                                const std::string& path) {
    return Problem{ErrorCode::validation_failed, true,
                   std::move(what) + " " + path_part(path) + "Object: " + format_value(value) +
                       " Validator: " + format_validator(validator)};
  }

  std::optional<Problem> check_array(const Validator& validator, const Value& value, std::string& path) {
    if (!value.is_array()) return mismatch(validator, value, path);
    const std::size_t mark = path.size();
    for (std::size_t i = 0; i < value.size(); ++i) {
      append_path_index(path, i);
      if (auto problem = check(validator.children.at(0), value[i], path)) return problem;
      path.resize(mark);
    }
    return std::nullopt;
  }

  std::optional<Problem> check_object(const Validator& validator, const Value& value, std::string& path) {
    if (!value.is_object()) return mismatch(validator, value, path);
    // Extra fields first: a misspelt name then reads as what it is, not as a missing field.
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!declares(validator, it.key())) {
        return object_problem("Object contains extra field `" + it.key() +
                                  "` that is not in the validator.",
                              validator, value, path);
      }
    }
    const std::size_t mark = path.size();
    for (const auto& field : validator.fields) {
      const bool optional = field.validator.kind == ValidatorKind::optional;
      auto found = value.find(field.name);
      if (found == value.end()) {
        if (optional) continue;
        return object_problem("Object is missing the required field `" + field.name +
                                  "`. Consider wrapping the field validator in `v.optional(...)` "
                                  "if this is expected.",
                              validator, value, path);
      }
      append_path_field(path, field.name);
      const Validator& inner = optional ? field.validator.children.at(0) : field.validator;
      if (auto problem = check(inner, *found, path)) return problem;
      path.resize(mark);
    }
    return std::nullopt;
  }

  std::optional<Problem> check_record(const Validator& validator, const Value& value, std::string& path) {
    if (!value.is_object()) return mismatch(validator, value, path);
    const Validator& keys = validator.children.at(0);
    const Validator& values = validator.children.at(1);
    const std::size_t mark = path.size();
    for (auto it = value.begin(); it != value.end(); ++it) {
      const Value key = it.key();
      if (check(keys, key, path)) {
        return Problem{ErrorCode::validation_failed, true,
                       "Record key does not match the key validator. " + path_part(path) +
                           "Key: " + format_value(key) + " Validator: " + format_validator(keys)};
      }
      append_path_field(path, it.key());
      if (auto problem = check(values, it.value(), path)) return problem;
      path.resize(mark);
    }
    return std::nullopt;
  }

  std::optional<Problem> check_union(const Validator& validator, const Value& value, std::string& path) {
    const Validator* only_candidate = nullptr;
    std::size_t candidates = 0;
    for (const auto& member : validator.children) {
      const std::size_t mark = path.size();
      if (!check(member, value, path)) return std::nullopt;
      path.resize(mark);
      if (may_hold_type(member, value)) {
        ++candidates;
        only_candidate = &member;
      }
    }
    // When a single member is about this kind of value (the object in v.union(v.object(..),
    // v.null())), its own complaint says more than "no member matched".
    if (candidates == 1) return check(*only_candidate, value, path);
    return mismatch(validator, value, path);
  }

  // Whether `validator` accepts some value of the type of `value`.
  static bool may_hold_type(const Validator& validator, const Value& value) {
    switch (validator.kind) {
      case ValidatorKind::any: return true;
      case ValidatorKind::string:
      case ValidatorKind::id: return value.is_string();
      case ValidatorKind::float64: return value.is_number_float();
      case ValidatorKind::int64: return value.is_number_integer();
      case ValidatorKind::boolean: return value.is_boolean();
      case ValidatorKind::null: return value.is_null();
      case ValidatorKind::bytes: return value.is_binary();
      case ValidatorKind::literal: return value_type(validator.literal) == value_type(value);
      case ValidatorKind::array: return value.is_array();
      case ValidatorKind::object:
      case ValidatorKind::record: return value.is_object();
      case ValidatorKind::optional: return may_hold_type(validator.children.at(0), value);
      case ValidatorKind::union_of:
        for (const auto& member : validator.children) {
          if (may_hold_type(member, value)) return true;
        }
        return false;
    }
    return false;
  }

  const ValidationOptions& options_;
};

// ---- 3. engine capabilities ----------------------------------------------------------------

std::optional<Problem> check_storable(const Value& value, const ValidationOptions& options,
                                      std::string& path) {
  if (value.is_string()) {
    if (!options.allow_nul_in_strings && value.get_ref<const std::string&>().find('\0') != std::string::npos) {
      return Problem{ErrorCode::unsupported_value, false,
                     path_part(path) + "Value: " + format_value(value) +
                         " (this database engine cannot store the character U+0000 in a string)"};
    }
    return std::nullopt;
  }
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (!options.allow_nan_infinity && !std::isfinite(d)) {
      return Problem{ErrorCode::unsupported_value, false,
                     path_part(path) + "Value: " + format_value(value) +
                         " (this database engine cannot store NaN or Infinity in a float64)"};
    }
    if (!options.allow_negative_zero && d == 0 && std::signbit(d)) {
      return Problem{ErrorCode::unsupported_value, false,
                     path_part(path) + "Value: -0 (this database engine cannot store -0 in a "
                                       "float64; it would read back as 0)"};
    }
    return std::nullopt;
  }
  const std::size_t mark = path.size();
  if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      append_path_index(path, i);
      if (auto problem = check_storable(value[i], options, path)) return problem;
      path.resize(mark);
    }
  } else if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      append_path_field(path, it.key());
      if (auto problem = check_storable(it.value(), options, path)) return problem;
      path.resize(mark);
    }
  }
  return std::nullopt;
}

// ---- the fast path: the same checks, answered yes or no ----------------------------------
//
// Nearly every write is valid. These walks check everything the detailed checks above check,
// without building field paths or messages; only a value they refuse takes the detailed
// checks, which then find the first problem and describe it. They may refuse more than the
// detailed checks (never less): then the detailed checks decide.

bool field_name_ok(std::string_view name, bool top_level) {
  if (name.empty() || name[0] == '$' || (top_level && name[0] == '_')) return false;
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f) return is_valid_utf8(name) && !is_control(name);
  }
  return true;
}

// Structure (limits, field names) and what the engine can store, in one walk; adds
// wire_size_bound(value) to `size_bound`. depth as for check_structure.
bool quick_value_ok(const Value& value, std::size_t depth, bool document_root, const ValidationOptions& options,
                    std::size_t& size_bound) {
  switch (value.type()) {
    case Value::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      size_bound += 6 * text.size() + 2;
      return options.allow_nul_in_strings || text.find('\0') == std::string::npos;
    }
    case Value::value_t::number_float: {
      size_bound += 27;
      const double d = value.get<double>();
      if (!options.allow_nan_infinity && !std::isfinite(d)) return false;
      return options.allow_negative_zero || !(d == 0 && std::signbit(d));
    }
    case Value::value_t::array: {
      if (depth > limits::kMaxNestingDepth || value.size() > limits::kMaxArrayItems) return false;
      size_bound += 2 + value.size();
      for (const auto& item : value.get_ref<const Value::array_t&>()) {
        if (!quick_value_ok(item, depth + 1, false, options, size_bound)) return false;
      }
      return true;
    }
    case Value::value_t::object: {
      if (depth > limits::kMaxNestingDepth || value.size() > limits::kMaxObjectFields) return false;
      size_bound += 2 + 2 * value.size();
      for (const auto& [key, member] : value.get_ref<const Value::object_t&>()) {
        if (!field_name_ok(key, document_root)) return false;
        size_bound += 6 * key.size() + 2;
        if (!quick_value_ok(member, depth + 1, false, options, size_bound)) return false;
      }
      return true;
    }
    case Value::value_t::binary:
      size_bound += 13 + 4 * (value.get_binary().size() / 3 + 1);
      return true;
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
      size_bound += 27;
      return true;
    case Value::value_t::null:
    case Value::value_t::boolean:
    case Value::value_t::discarded:
      size_bound += 5;
      return true;
  }
  return false;
}

// The merge walk of an object's members with the declared fields of `validator`, both in key
// order: `member(field's validator (inside its optional), member)` for each declared member
// present. nullopt as soon as the declared fields turn out not to be in key order; false for
// a key no field declares, a missing required field, or a member `member` refuses.
template <typename Member>
std::optional<bool> walk_declared_fields(const Validator& validator, const Value::object_t& object, Member&& member) {
  auto it = object.begin();
  const std::string* previous = nullptr;
  for (const auto& field : validator.fields) {
    if (previous != nullptr && !(*previous < field.name)) return std::nullopt;
    previous = &field.name;
    const int order = it == object.end() ? 1 : it->first.compare(field.name);
    if (order < 0) return false;  // a key no field declares
    const bool optional = field.validator.kind == ValidatorKind::optional;
    if (order > 0) {  // the field is missing
      if (optional) continue;
      return false;
    }
    if (!member(optional ? field.validator.children.at(0) : field.validator, *it)) return false;
    ++it;
  }
  return it == object.end();
}

class QuickSchemaCheck {
 public:
  explicit QuickSchemaCheck(const ValidationOptions& options) : options_(options) {}

  bool ok(const Validator& validator, const Value& value) const {
    switch (validator.kind) {
      case ValidatorKind::any: return true;
      case ValidatorKind::string: return value.is_string();
      case ValidatorKind::float64: return value.is_number_float();
      case ValidatorKind::int64: return value.is_number_integer();
      case ValidatorKind::boolean: return value.is_boolean();
      case ValidatorKind::null: return value.is_null();
      case ValidatorKind::bytes: return value.is_binary();
      case ValidatorKind::id: return value.is_string() && id_ok(validator, value.get_ref<const std::string&>());
      case ValidatorKind::literal: return values_equal(validator.literal, value);
      case ValidatorKind::optional: return ok(validator.children.at(0), value);
      case ValidatorKind::array: {
        if (!value.is_array()) return false;
        const Validator& items = validator.children.at(0);
        for (const auto& item : value.get_ref<const Value::array_t&>()) {
          if (!ok(items, item)) return false;
        }
        return true;
      }
      case ValidatorKind::object: return object_ok(validator, value);
      case ValidatorKind::record: {
        if (!value.is_object()) return false;
        const Validator& keys = validator.children.at(0);
        const Validator& values = validator.children.at(1);
        for (const auto& [key, member] : value.get_ref<const Value::object_t&>()) {
          if (!key_ok(keys, key) || !ok(values, member)) return false;
        }
        return true;
      }
      case ValidatorKind::union_of:
        for (const auto& member : validator.children) {
          if (ok(member, value)) return true;
        }
        return false;
    }
    return false;
  }

 private:
  bool id_ok(const Validator& validator, const std::string& id) const {
    return options_.is_id_of_table ? options_.is_id_of_table(validator.table, id) : !id.empty();
  }

  // Declared fields usually come in key order (the schema parser reads them from a JSON
  // object), as the object's keys do: then one merge walk over both.
  bool object_ok(const Validator& validator, const Value& value) const {
    if (!value.is_object()) return false;
    const auto answer = walk_declared_fields(validator, value.get_ref<const Value::object_t&>(),
                                             [this](const Validator& field, const auto& member) { return ok(field, member.second); });
    return answer ? *answer : object_ok_by_lookup(validator, value);
  }

  // Fields out of key order (validators built in code): no extra key, then a lookup per field.
  bool object_ok_by_lookup(const Validator& validator, const Value& value) const {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!declares(validator, it.key())) return false;
    }
    for (const auto& field : validator.fields) {
      const bool optional = field.validator.kind == ValidatorKind::optional;
      auto it = value.find(field.name);
      if (it == value.end()) {
        if (optional) continue;
        return false;
      }
      if (!ok(optional ? field.validator.children.at(0) : field.validator, *it)) return false;
    }
    return true;
  }

  // What ok(keys, Value(key)) answers, without the string copy.
  bool key_ok(const Validator& keys, const std::string& key) const {
    switch (keys.kind) {
      case ValidatorKind::any:
      case ValidatorKind::string: return true;
      case ValidatorKind::id: return id_ok(keys, key);
      case ValidatorKind::optional: return key_ok(keys.children.at(0), key);
      case ValidatorKind::union_of:
        for (const auto& member : keys.children) {
          if (key_ok(member, key)) return true;
        }
        return false;
      default: return ok(keys, Value(key));
    }
  }

  const ValidationOptions& options_;
};

// quick_value_ok(value, 1, ...) && QuickSchemaCheck::ok(validator, value) for an object whose
// declared fields are in key order, in one walk over its members (a document's usual case);
// nullopt when the fields are not in key order. Any refusal of this walk is a refusal of one
// of the two, and when it accepts it has visited every member once, as they do.
std::optional<bool> quick_object_ok(const Validator& validator, const Value& value, bool document_root,
                                    const ValidationOptions& options, std::size_t& size_bound) {
  const auto& object = value.get_ref<const Value::object_t&>();
  static_assert(limits::kMaxNestingDepth >= 1, "the object is at depth 1");
  if (object.size() > limits::kMaxObjectFields) return false;
  std::size_t bound = size_bound + 2 + 2 * object.size();
  const QuickSchemaCheck schema(options);
  const auto answer = walk_declared_fields(validator, object, [&](const Validator& field, const auto& member) {
    if (!field_name_ok(member.first, document_root)) return false;
    bound += 6 * member.first.size() + 2;
    return quick_value_ok(member.second, 2, false, options, bound) && schema.ok(field, member.second);
  });
  if (answer && *answer) size_bound = bound;
  return answer;
}

bool quick_ok(const Validator& validator, const Value& value, bool document_root, const ValidationOptions& options,
              std::size_t& size_bound) {
  if (validator.kind == ValidatorKind::object && value.is_object()) {
    if (auto answer = quick_object_ok(validator, value, document_root, options, size_bound)) return *answer;
  }
  return quick_value_ok(value, 1, document_root, options, size_bound) && QuickSchemaCheck(options).ok(validator, value);
}

std::optional<Problem> check_all(const Validator& validator, const Value& value, bool document_root,
                                 const ValidationOptions& options) {
  std::string path;
  if (auto problem = check_structure(value, 1, document_root, path)) return problem;
  path.clear();
  if (auto problem = SchemaCheck(options).check(validator, value, path)) return problem;
  path.clear();
  if (options.allow_nan_infinity && options.allow_negative_zero && options.allow_nul_in_strings) return std::nullopt;
  return check_storable(value, options, path);
}

}  // namespace

Status validate_document(const TableSchema& table, const Value& document,
                         const ValidationOptions& options) {
  std::size_t size_bound = 0;
  if (!options.detailed_only && document.is_object() && quick_ok(table.document, document, true, options, size_bound) &&
      size_bound <= limits::kMaxDocumentBytes) {
    return Status::Ok();
  }
  const std::string context =
      "Failed to insert or update a document in table " + quoted_name(table.name);
  if (!document.is_object()) {
    return Status(ErrorCode::validation_failed,
                  context + " because it is not an object: Value: " + format_value(document));
  }
  // The exact size only when the cheap bound does not already settle it.
  const std::size_t size = wire_size_bound(document) <= limits::kMaxDocumentBytes ? 0 : to_wire(document).size();
  if (size > limits::kMaxDocumentBytes) {
    return Status(ErrorCode::validation_failed,
                  context + " because it is too large: " + std::to_string(size) +
                      " bytes of Lunora JSON; the limit is " +
                      std::to_string(limits::kMaxDocumentBytes) + " (1 MiB).");
  }
  auto problem = check_all(table.document, document, true, options);
  if (!problem) return Status::Ok();
  if (problem->code == ErrorCode::unsupported_value) {
    return Status(problem->code, context + " because the database cannot store one of its values: " +
                                     problem->detail);
  }
  return Status(problem->code, context +
                                   (problem->schema_mismatch ? " because it does not match the schema: "
                                                             : " because it is not a valid document: ") +
                                   problem->detail);
}

bool document_field_ok(const ValidatorField& field, const Value& value, const ValidationOptions& options,
                       std::size_t& size_bound) {
  // What quick_object_ok checks of one member of a document (depth 2: the document is 1).
  if (!field_name_ok(field.name, true)) return false;
  const bool optional = field.validator.kind == ValidatorKind::optional;
  return quick_value_ok(value, 2, false, options, size_bound) &&
         QuickSchemaCheck(options).ok(optional ? field.validator.children.at(0) : field.validator, value);
}

Status validate_value(const Validator& validator, const Value& value, const ValidationOptions& options) {
  std::size_t size_bound = 0;  // no size limit here
  if (!options.detailed_only && quick_ok(validator, value, false, options, size_bound)) return Status::Ok();
  auto problem = check_all(validator, value, false, options);
  if (!problem) return Status::Ok();
  if (problem->code == ErrorCode::unsupported_value) {
    return Status(problem->code, "The database cannot store this value: " + problem->detail);
  }
  return Status(problem->code, (problem->schema_mismatch ? "Value does not match the validator: "
                                                         : "Value is not valid: ") +
                                   problem->detail);
}

}  // namespace lunora
