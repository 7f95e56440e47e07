// MySQL 8 / MariaDB 10.11: ? placeholders, backquoted identifiers, 64-character names.
#pragma once

#include "lunora/dialect/dialect.hpp"

namespace lunora::detail {

class MysqlDialect final : public Dialect {
 public:
  std::string_view name() const noexcept override { return "mysql"; }
  Engine engine() const noexcept override { return Engine::mysql; }
  PlaceholderStyle placeholder_style() const noexcept override {
    return PlaceholderStyle::question_mark;
  }
  char identifier_quote() const noexcept override { return '`'; }
  const DialectCapabilities& capabilities() const noexcept override;
  std::string_view fresh_read_condition() const noexcept override { return "NOW() IS NOT NULL"; }
};

}  // namespace lunora::detail
