// PostgreSQL: $n placeholders, double-quoted identifiers, 63-byte names (NAMEDATALEN - 1).
#pragma once

#include "lunora/dialect/dialect.hpp"

namespace lunora::detail {

class PostgresDialect final : public Dialect {
 public:
  explicit PostgresDialect(bool row_counts = false) noexcept : row_counts_(row_counts) {}
  std::string_view name() const noexcept override { return "postgres"; }
  Engine engine() const noexcept override { return Engine::postgres; }
  PlaceholderStyle placeholder_style() const noexcept override {
    return PlaceholderStyle::dollar_numbered;
  }
  char identifier_quote() const noexcept override { return '"'; }
  const DialectCapabilities& capabilities() const noexcept override;
  std::string_view fresh_read_condition() const noexcept override { return "NOW() IS NOT NULL"; }

 private:
  bool row_counts_;
};

}  // namespace lunora::detail
