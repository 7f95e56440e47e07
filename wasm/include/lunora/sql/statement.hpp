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

#include <cstdint>
#include <string>
#include <string_view>

#include "lunora/dialect/dialect.hpp"
#include "lunora/value/value.hpp"

namespace lunora {

struct Statement {
  std::string text;
  Value params = Value::array();
};

// The SQL around one parameter's placeholder. Beyond its structure (tables, ops, columns), a
// statement's text depends on its values only through these: a null has no cast, SQLite
// writes empty bytes as a literal. A params-only builder records one per parameter (the
// shape of the text it skips), so equal records mean byte-identical texts (commit_output.hpp).
enum class ParamWrap : char {
  none = 'n',            // `$1` / `?`
  float8 = 'f',          // `$1::text::float8`
  int8 = 'i',            // `$1::text::int8`
  boolean = 'b',         // `$1::text::boolean`
  jsonb = 'j',           // `$1::text::jsonb`
  bytea_hex = 'x',       // `decode($1::text, 'hex')`
  sqlite_integer = 'I',  // `CAST(? AS INTEGER)`
  empty_bytes = 'e',     // SQLite `X''`, no parameter (D1 would send an empty byte array as NULL)
};

// An integral float64 of magnitude below 2^53 (not -0) as JS `String(x)` writes it, the
// common case of append_js_number done without its shortest-digits search. False otherwise.
bool append_integral_number(std::string& out, double x);

class StatementBuilder {
 public:
  explicit StatementBuilder(const Dialect& dialect) : dialect_(dialect), engine_(dialect.engine()) {}
  // Params only: no text is written; each param is appended to *params_json as JSON (the
  // members of an array, comma-separated, exactly as the envelope writes Statement::params)
  // and its ParamWrap to *shape. Only the typed param calls below may be used.
  StatementBuilder(const Dialect& dialect, std::string* params_json, std::string* shape)
      : dialect_(dialect),
        engine_(dialect.engine()),
        statement_{std::string(), Value()},  // unused in this mode: no params array to allocate
        params_json_(params_json),
        shape_(shape) {}

  StatementBuilder& sql(std::string_view text) {
    if (params_json_ == nullptr) statement_.text.append(text);
    return *this;
  }
  StatementBuilder& identifier(std::string_view valid_name) {
    if (params_json_ == nullptr) dialect_.append_quoted(statement_.text, valid_name);
    return *this;
  }
  // Appends `before` + placeholder + `after` and binds `param` (not in params-only mode,
  // where it marks the builder generic_param_used()).
  StatementBuilder& param(Value param, std::string_view before = "", std::string_view after = "");

  // Typed params, in either mode.
  StatementBuilder& text_param(std::string_view text, ParamWrap wrap = ParamWrap::none);
  // text_param of text that JSON holds as itself (valid UTF-8 without quotes, backslashes or
  // controls, which append_json_string copies as they are): copied without the escape scan.
  StatementBuilder& plain_text_param(std::string_view text);
  StatementBuilder& number_param(double x);          // a JSON number (NaN, Infinity: null)
  StatementBuilder& integer_param(std::int64_t x);
  StatementBuilder& bool_param(bool x);
  StatementBuilder& null_param();
  StatementBuilder& tagged_param(std::string_view tag, std::string_view text);  // {"$int": "12"}
  // `X''` (ParamWrap::empty_bytes): no parameter.
  StatementBuilder& empty_bytes();
  // Params-only mode: begins a param and returns the string to append its JSON to, so a
  // binder can format it in place (no temporary). nullptr in full mode: use the typed calls.
  std::string* json_param(ParamWrap wrap) { return params_json_ == nullptr ? nullptr : begin_param(wrap); }

  const Dialect& dialect() const noexcept { return dialect_; }
  Engine engine() const noexcept { return engine_; }
  bool is_postgres() const noexcept { return engine() == Engine::postgres; }
  std::size_t param_count() const noexcept { return count_; }
  bool params_only() const noexcept { return params_json_ != nullptr; }
  bool generic_param_used() const noexcept { return generic_param_used_; }
  Statement build() && { return std::move(statement_); }
  Statement& statement() noexcept { return statement_; }

 private:
  // Full mode: the placeholder with its wrap's SQL around it (returns nullptr). Params-only:
  // the separator and the shape; returns the string to append the param's JSON to.
  std::string* begin_param(ParamWrap wrap);

  const Dialect& dialect_;
  Engine engine_;  // dialect_.engine(), asked per param
  Statement statement_;
  std::string* params_json_ = nullptr;
  std::string* shape_ = nullptr;
  std::size_t count_ = 0;
  bool generic_param_used_ = false;
};

}  // namespace lunora
