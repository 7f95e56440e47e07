// The parsed schema: the `.global()` tables the store owns, their document validators and
// indexes. Built by parse_schema() (schema_parser.hpp) from the schema JSON form.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lunora/schema/validator.hpp"

namespace lunora {

struct IndexDef {
  std::string name;
  std::vector<std::string> fields;  // top-level field names; _creationTime, _id are implied
};

struct TableSchema {
  std::string name;
  Validator document;  // kind == object
  std::vector<IndexDef> indexes;

  const ValidatorField* find_field(std::string_view field) const noexcept;
  const IndexDef* find_index(std::string_view index) const noexcept;
};

struct Schema {
  std::vector<TableSchema> tables;  // `.global()` tables only, sorted by name

  const TableSchema* find_table(std::string_view table) const noexcept;
};

}  // namespace lunora
