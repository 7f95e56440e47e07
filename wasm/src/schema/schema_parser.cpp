#include "lunora/schema/schema_parser.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "lunora/schema/limits.hpp"
#include "lunora/value/wire.hpp"

namespace lunora {
namespace detail {
namespace {

// Postgres columns are limited to 63 bytes; top-level fields become columns.
constexpr std::size_t kMaxTopLevelFieldLength = 63;
// Validators nest at most as deep as values may.
constexpr std::size_t kMaxValidatorDepth = limits::kMaxNestingDepth + 2;

Status schema_error(const std::string& path, const std::string& message) {
  return Status(ErrorCode::invalid_schema, "invalid schema at " + path + ": " + message);
}

std::string show_name(std::string_view text) {
  std::string out = "\"";
  out.append(text.substr(0, 80));
  if (text.size() > 80) out += "...";
  return out + "\"";
}

class Parser {
 public:
  explicit Parser(std::set<std::string> table_names) : table_names_(std::move(table_names)) {}

  Result<Validator> validator(const Value& json, const std::string& path, std::size_t depth,
                              bool field_position) {
    if (depth > kMaxValidatorDepth) return schema_error(path, "validators nest too deeply");
    if (!json.is_object()) return schema_error(path, "a validator must be an object");
    auto kind_it = json.find("kind");
    if (kind_it == json.end() || !kind_it->is_string()) {
      return schema_error(path, "a validator needs a string \"kind\"");
    }
    const std::string& kind = kind_it->get_ref<const std::string&>();
    Validator v;
    if (kind == "string") v.kind = ValidatorKind::string;
    else if (kind == "float64" || kind == "number") v.kind = ValidatorKind::float64;
    else if (kind == "int64") v.kind = ValidatorKind::int64;
    else if (kind == "boolean") v.kind = ValidatorKind::boolean;
    else if (kind == "null") v.kind = ValidatorKind::null;
    else if (kind == "bytes") v.kind = ValidatorKind::bytes;
    else if (kind == "any") v.kind = ValidatorKind::any;
    else if (kind == "id") {
      v.kind = ValidatorKind::id;
      auto table = json.find("table");
      if (table == json.end() || !table->is_string()) return schema_error(path, "v.id() needs a table name");
      v.table = table->get<std::string>();
      if (table_names_.count(v.table) == 0) {
        return schema_error(path, "v.id(" + show_name(v.table) + ") references a table that is not in the schema");
      }
    } else if (kind == "literal") {
      v.kind = ValidatorKind::literal;
      auto value = json.find("value");
      if (value == json.end()) return schema_error(path, "v.literal() needs a value");
      auto parsed = from_wire_json(*value);
      if (!parsed) return schema_error(path, "v.literal(): " + parsed.status().message());
      const auto type = value_type(*parsed);
      const bool finite_float = type == ValueType::float64 && std::isfinite(parsed->get<double>());
      if (type != ValueType::string && type != ValueType::boolean && type != ValueType::int64 && !finite_float) {
        return schema_error(path, "v.literal() takes a string, a finite number, a boolean or a bigint");
      }
      v.literal = std::move(parsed).value();
    } else if (kind == "array") {
      v.kind = ValidatorKind::array;
      auto items = child(json, "items", path, depth);
      if (!items) return items.status();
      v.children.push_back(std::move(items).value());
    } else if (kind == "record") {
      v.kind = ValidatorKind::record;
      auto keys = child(json, "keys", path, depth);
      if (!keys) return keys.status();
      if (!is_record_key(*keys)) {
        return schema_error(path + ".keys", "record keys must be v.string(), v.id() or string literals");
      }
      auto values = child(json, "values", path, depth);
      if (!values) return values.status();
      v.children.push_back(std::move(keys).value());
      v.children.push_back(std::move(values).value());
    } else if (kind == "union") {
      v.kind = ValidatorKind::union_of;
      auto members = json.find("members");
      if (members == json.end() || !members->is_array() || members->empty()) {
        return schema_error(path, "v.union() needs at least one member");
      }
      for (std::size_t i = 0; i < members->size(); ++i) {
        auto member = validator((*members)[i], path + ".members[" + std::to_string(i) + "]", depth + 1, false);
        if (!member) return member.status();
        v.children.push_back(std::move(member).value());
      }
    } else if (kind == "optional") {
      if (!field_position) return schema_error(path, "v.optional() may only be used for an object field");
      v.kind = ValidatorKind::optional;
      auto inner = json.find("value");
      if (inner == json.end()) return schema_error(path, "v.optional() needs a validator");
      auto parsed = validator(*inner, path + ".value", depth + 1, false);
      if (!parsed) return parsed.status();
      v.children.push_back(std::move(parsed).value());
    } else if (kind == "object") {
      v.kind = ValidatorKind::object;
      auto fields = object_fields(json, path, depth, /*top_level=*/false);
      if (!fields) return fields.status();
      v.fields = std::move(fields).value();
    } else {
      return schema_error(path, "unknown validator kind " + show_name(kind));
    }
    return v;
  }

  Result<std::vector<ValidatorField>> object_fields(const Value& json, const std::string& path,
                                                    std::size_t depth, bool top_level) {
    auto fields = json.find("fields");
    if (fields == json.end() || !fields->is_object()) return schema_error(path, "v.object() needs \"fields\"");
    if (fields->size() > limits::kMaxObjectFields) {
      return schema_error(path, "an object may declare at most " + std::to_string(limits::kMaxObjectFields) + " fields");
    }
    std::vector<ValidatorField> out;
    for (auto it = fields->begin(); it != fields->end(); ++it) {
      const std::string& name = it.key();
      const std::string field_path = path + "." + name;
      if (top_level) {
        if (!is_schema_name(name, kMaxTopLevelFieldLength)) {
          return schema_error(field_path, "top-level field " + show_name(name) +
                                              " must match [A-Za-z][A-Za-z0-9_]* and be at most 63 characters "
                                              "(it becomes a SQL column; fields starting with _ or $ are reserved)");
        }
      } else if (name.empty() || name[0] == '$' || name[0] == '_') {
        return schema_error(field_path, "field name " + show_name(name) + " may not be empty or start with $ or _");
      }
      auto v = validator(it.value(), field_path, depth + 1, /*field_position=*/true);
      if (!v) return v.status();
      out.push_back(ValidatorField{name, std::move(v).value()});
    }
    return out;
  }

 private:
  Result<Validator> child(const Value& json, const char* key, const std::string& path, std::size_t depth) {
    auto it = json.find(key);
    if (it == json.end()) return schema_error(path, std::string("missing \"") + key + "\"");
    return validator(*it, path + "." + key, depth + 1, false);
  }

  static bool is_record_key(const Validator& v) {
    switch (v.kind) {
      case ValidatorKind::string:
      case ValidatorKind::id:
        return true;
      case ValidatorKind::literal:
        return v.literal.is_string();
      case ValidatorKind::union_of:
        return std::all_of(v.children.begin(), v.children.end(), is_record_key);
      default:
        return false;
    }
  }

  std::set<std::string> table_names_;
};

Result<IndexDef> parse_index(const Value& json, const TableSchema& table, const std::string& path) {
  if (!json.is_object()) return schema_error(path, "an index must be an object");
  auto name = json.find("name");
  if (name == json.end() || !name->is_string()) return schema_error(path, "an index needs a name");
  IndexDef index;
  index.name = name->get<std::string>();
  if (!is_schema_name(index.name, limits::kMaxNameLength)) {
    return schema_error(path, "index name " + show_name(index.name) + " must match [A-Za-z][A-Za-z0-9_]* and be at most 64 characters");
  }
  if (index.name == "by_id" || index.name == "by_creation_time") {
    return schema_error(path, "index name " + show_name(index.name) + " is reserved");
  }
  auto fields = json.find("fields");
  if (fields == json.end() || !fields->is_array() || fields->empty()) {
    return schema_error(path, "index " + show_name(index.name) + " needs at least one field");
  }
  if (fields->size() > limits::kMaxFieldsPerIndex) {
    return schema_error(path, "index " + show_name(index.name) + " has " + std::to_string(fields->size()) +
                                  " fields; the limit is " + std::to_string(limits::kMaxFieldsPerIndex));
  }
  for (const auto& f : *fields) {
    if (!f.is_string()) return schema_error(path, "index fields must be strings");
    const auto& field = f.get_ref<const std::string&>();
    if (field == "_creationTime" || field == "_id") {
      return schema_error(path, "index " + show_name(index.name) + " lists " + show_name(field) +
                                    "; system fields are appended to every index implicitly");
    }
    if (table.find_field(field) == nullptr) {
      return schema_error(path, "index " + show_name(index.name) + " references unknown field " + show_name(field));
    }
    if (std::find(index.fields.begin(), index.fields.end(), field) != index.fields.end()) {
      return schema_error(path, "index " + show_name(index.name) + " lists field " + show_name(field) + " twice");
    }
    index.fields.push_back(field);
  }
  return index;
}

}  // namespace
}  // namespace detail

bool is_schema_name(std::string_view name, std::size_t max_length) noexcept {
  if (name.empty() || name.size() > max_length) return false;
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (!letter(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return letter(c) || (c >= '0' && c <= '9') || c == '_'; });
}

Result<Schema> parse_schema(std::string_view schema_json) {
  Value json = Value::parse(schema_json, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Status(ErrorCode::invalid_schema, "invalid schema: not valid JSON");
  return parse_schema_json(json);
}

Result<Schema> parse_schema_json(const Value& json) {
  using detail::schema_error;
  if (!json.is_object()) return schema_error("(root)", "a schema must be an object");
  auto tables = json.find("tables");
  if (tables == json.end() || !tables->is_object()) return schema_error("(root)", "a schema needs \"tables\"");

  std::set<std::string> names;
  for (auto it = tables->begin(); it != tables->end(); ++it) {
    if (!is_schema_name(it.key(), limits::kMaxNameLength)) {
      return schema_error("tables", "table name " + detail::show_name(it.key()) +
                                        " must match [A-Za-z][A-Za-z0-9_]* and be at most 64 characters");
    }
    names.insert(it.key());
  }

  detail::Parser parser(names);
  Schema schema;
  for (auto it = tables->begin(); it != tables->end(); ++it) {
    const std::string path = "tables." + it.key();
    const Value& def = it.value();
    if (!def.is_object()) return schema_error(path, "a table definition must be an object");
    auto global = def.find("global");
    if (global != def.end() && !global->is_boolean()) return schema_error(path, "\"global\" must be a boolean");
    // Tables outside the store are Lunora's business; their names are kept for v.id().
    if (global == def.end() || !global->get<bool>()) continue;
    auto document = def.find("document");
    const bool is_object_document = document != def.end() && document->is_object() &&
                                    document->contains("kind") && (*document)["kind"] == "object";
    if (!is_object_document) {
      return schema_error(path, "a .global() table's document validator must be v.object({...}): each top-level "
                                "field becomes a column (union documents are not supported by this store)");
    }
    TableSchema table;
    table.name = it.key();
    table.document.kind = ValidatorKind::object;
    auto fields = parser.object_fields(*document, path + ".document", 0, /*top_level=*/true);
    if (!fields) return fields.status();
    table.document.fields = std::move(fields).value();

    auto indexes = def.find("indexes");
    if (indexes != def.end() && !indexes->is_array()) return schema_error(path, "\"indexes\" must be an array");
    if (indexes != def.end()) {
      if (indexes->size() > limits::kMaxIndexesPerTable) {
        return schema_error(path, "a table may have at most " + std::to_string(limits::kMaxIndexesPerTable) + " indexes");
      }
      for (std::size_t i = 0; i < indexes->size(); ++i) {
        auto index = detail::parse_index((*indexes)[i], table, path + ".indexes[" + std::to_string(i) + "]");
        if (!index) return index.status();
        if (table.find_index(index->name) != nullptr) {
          return schema_error(path, "index " + detail::show_name(index->name) + " is defined twice");
        }
        table.indexes.push_back(std::move(index).value());
      }
    }
    schema.tables.push_back(std::move(table));
  }
  // nlohmann objects iterate in key order, so `tables` is already sorted by name.
  return schema;
}

}  // namespace lunora
