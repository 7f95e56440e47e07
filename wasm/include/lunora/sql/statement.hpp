// A SQL statement as text plus bound parameters, built with the dialect's placeholders.
//
// Parameters are JSON values the shim can hand to any driver of the engine:
//   Postgres: every parameter is a string or null; the SQL converts it (`$3::text::int8`),
//     so postgres.js, pg and a `{ query }` wrapper all send the same text.
//   MySQL: strings, numbers, booleans and null as themselves, plus {"$int": "<decimal>"}
//     (sent as an unquoted integer literal) and {"$hex": "<hex>"} (sent as bytes).
//   SQLite: strings, numbers and null as themselves (D1 and Durable Objects take no BigInt:
//     int64 is decimal text under `CAST(? AS INTEGER)`), plus {"$hex"} for bytes.
#pragma once

#include <string>
#include <string_view>

#include "lunora/dialect/dialect.hpp"
#include "lunora/value/value.hpp"

namespace lunora {

struct Statement {
  std::string text;
  Value params = Value::array();
};

class StatementBuilder {
 public:
  explicit StatementBuilder(const Dialect& dialect) : dialect_(dialect) {}

  StatementBuilder& sql(std::string_view text) {
    statement_.text.append(text);
    return *this;
  }
  StatementBuilder& identifier(std::string_view valid_name) {
    dialect_.append_quoted(statement_.text, valid_name);
    return *this;
  }
  // Appends `before` + placeholder + `after` and binds `param`.
  StatementBuilder& param(Value param, std::string_view before = "", std::string_view after = "");

  const Dialect& dialect() const noexcept { return dialect_; }
  Engine engine() const noexcept { return dialect_.engine(); }
  bool is_postgres() const noexcept { return engine() == Engine::postgres; }
  std::size_t param_count() const noexcept { return statement_.params.size(); }
  Statement build() && { return std::move(statement_); }
  Statement& statement() noexcept { return statement_; }

 private:
  const Dialect& dialect_;
  Statement statement_;
};

}  // namespace lunora
