#include "lunora/dialect/dialect.hpp"

#include "lunora/dialect/mysql_dialect.hpp"
#include "lunora/dialect/postgres_dialect.hpp"
#include "lunora/dialect/sqlite_dialect.hpp"
#include "lunora/identifier.hpp"

namespace lunora {

std::string_view placeholder_style_name(PlaceholderStyle style) noexcept {
  switch (style) {
    case PlaceholderStyle::dollar_numbered: return "dollar";
    case PlaceholderStyle::question_mark: return "question";
  }
  return "question";
}

void Dialect::append_placeholder(std::string& out, std::size_t index) const {
  if (placeholder_style() == PlaceholderStyle::dollar_numbered) {
    out.push_back('$');
    out += std::to_string(index);
  } else {
    out.push_back('?');
  }
}

std::string Dialect::placeholder(std::size_t index) const {
  std::string out;
  append_placeholder(out, index);
  return out;
}

Result<std::string> Dialect::quote_identifier(std::string_view name) const {
  auto valid = validate_identifier(name, capabilities().max_identifier_bytes);
  if (!valid) return valid.status();
  std::string out;
  append_quoted(out, *valid);
  return out;
}

void Dialect::append_quoted(std::string& out, std::string_view valid_name) const {
  const char q = identifier_quote();
  out.reserve(out.size() + valid_name.size() + 2);
  out.push_back(q);
  // Validated names never contain the quote character; doubling it anyway keeps this
  // function safe on its own.
  for (char c : valid_name) {
    if (c == q) out.push_back(q);
    out.push_back(c);
  }
  out.push_back(q);
}

const Dialect& postgres_dialect() noexcept {
  static const detail::PostgresDialect instance;
  return instance;
}

const Dialect& postgres_dialect_with_row_counts() noexcept {
  static const detail::PostgresDialect instance(/*row_counts=*/true);
  return instance;
}

const Dialect& mysql_dialect() noexcept {
  static const detail::MysqlDialect instance;
  return instance;
}

const Dialect& sqlite_dialect() noexcept {
  static const detail::SqliteDialect instance;
  return instance;
}

Result<const Dialect*> find_dialect(std::string_view name) {
  if (name == "postgres" || name == "postgresql") return &postgres_dialect();
  if (name == "mysql" || name == "mariadb") return &mysql_dialect();
  if (name == "sqlite" || name == "d1") return &sqlite_dialect();
  return Status(ErrorCode::unknown_dialect,
                "unknown SQL dialect \"" + std::string(name.substr(0, 40)) +
                    "\"; expected \"postgres\", \"mysql\" or \"sqlite\"");
}

}  // namespace lunora
