// SQLite as Cloudflare runs it (D1 and Durable Object storage): ? placeholders,
// double-quoted identifiers, and at most 100 bound parameters per statement.
#pragma once

#include "lunora/dialect/dialect.hpp"

namespace lunora::detail {

class SqliteDialect final : public Dialect {
 public:
  std::string_view name() const noexcept override { return "sqlite"; }
  Engine engine() const noexcept override { return Engine::sqlite; }
  PlaceholderStyle placeholder_style() const noexcept override {
    return PlaceholderStyle::question_mark;
  }
  char identifier_quote() const noexcept override { return '"'; }
  const DialectCapabilities& capabilities() const noexcept override;
  std::string_view fresh_read_condition() const noexcept override { return ""; }
};

}  // namespace lunora::detail
