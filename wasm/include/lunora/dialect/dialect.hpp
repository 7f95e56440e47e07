// A Dialect: the small set of hooks and capability flags in which SQL engines differ.
//
// As in Kysely, the query compiler is shared and asks the dialect only for what varies:
// how to write a bound-parameter placeholder, how to quote an identifier, and which features
// the engine has. Drivers never appear here; the JS shim owns I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "lunora/status.hpp"

namespace lunora {

enum class PlaceholderStyle {
  dollar_numbered,  // $1, $2, ... (Postgres)
  question_mark,    // ?, ?, ...   (MySQL / MariaDB)
};

std::string_view placeholder_style_name(PlaceholderStyle style) noexcept;

// Which engine family a dialect speaks. Code that differs by engine branches on this, never
// on the placeholder style (SQLite and MySQL both use `?`).
enum class Engine { postgres, mysql, sqlite };

struct DialectCapabilities {
  bool returning;                 // INSERT/UPDATE ... RETURNING
  // UPDATE ... FROM (a locked read of the row) ... RETURNING the values before the update, in
  // one statement (Postgres). SQLite's RETURNING sees only the new row; MySQL has none.
  bool update_returns_old_row;
  // A lone guarded UPDATE/DELETE is checked by the affected-row count the driver reports, so
  // it returns nothing (MySQL always; Postgres over postgres.js or pg, which report the count
  // of every statement: postgres_dialect_with_row_counts). Otherwise it returns `1` per row
  // written, for a `{ query }` wrapper that hands back rows alone.
  bool row_count_guard;
  bool data_modifying_ctes;       // WITH w AS (UPDATE ... RETURNING ...) SELECT ...
  bool transactional_ddl;         // CREATE TABLE can be rolled back
  bool native_boolean;            // a real boolean type (else TINYINT(1))
  bool float_nan_infinity;        // DOUBLE can hold NaN and +-Infinity (and keeps -0)
  bool strings_hold_nul;          // text and JSON can hold U+0000
  bool prepared_statements;       // usable through Hyperdrive
  std::size_t max_identifier_bytes;
  std::size_t max_params_per_statement;  // bound parameters one statement may carry
  std::size_t max_columns_per_table;     // system + field + index key columns
};

class Dialect {
 public:
  virtual ~Dialect() = default;

  // Stable name: "postgres", "mysql" or "sqlite".
  virtual std::string_view name() const noexcept = 0;
  virtual Engine engine() const noexcept = 0;
  virtual PlaceholderStyle placeholder_style() const noexcept = 0;
  virtual char identifier_quote() const noexcept = 0;
  virtual const DialectCapabilities& capabilities() const noexcept = 0;
  // A condition that is always true, written so that a read carrying it is never answered from
  // Hyperdrive's query cache: Hyperdrive does not cache statements that call volatile or stable
  // functions (NOW() on both engines), and the store needs fresh reads for its `_version`
  // guard and its live queries. Empty where no such cache sits in front of the engine.
  virtual std::string_view fresh_read_condition() const noexcept = 0;

  // Appends the placeholder for the 1-based parameter `index`.
  void append_placeholder(std::string& out, std::size_t index) const;
  std::string placeholder(std::size_t index) const;

  // Validates `name` (see identifier.hpp) and returns it quoted for this engine.
  Result<std::string> quote_identifier(std::string_view name) const;
  // Appends an identifier already known to be valid (schema-validated or a system name).
  void append_quoted(std::string& out, std::string_view valid_name) const;
};

// The built-in dialects; they live for the whole program.
const Dialect& postgres_dialect() noexcept;
// Postgres over a driver that reports every statement's affected-row count (postgres.js, pg).
const Dialect& postgres_dialect_with_row_counts() noexcept;
const Dialect& mysql_dialect() noexcept;
const Dialect& sqlite_dialect() noexcept;

// "postgres" (also "postgresql"), "mysql" (also "mariadb") or "sqlite" (also "d1").
Result<const Dialect*> find_dialect(std::string_view name);

}  // namespace lunora
