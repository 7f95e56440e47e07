#include "lunora/dialect/sqlite_dialect.hpp"

namespace lunora::detail {

const DialectCapabilities& SqliteDialect::capabilities() const noexcept {
  static constexpr DialectCapabilities kCapabilities{
      /*returning=*/true,
      /*update_returns_old_row=*/false,
      /*row_count_guard=*/false,
      /*data_modifying_ctes=*/false,
      /*transactional_ddl=*/true,
      /*native_boolean=*/false,
      // SQLite turns NaN into NULL, and D1 sends parameters as JSON: +-Infinity arrive as
      // NULL and -0 as 0. Refused, like MySQL, rather than silently changed.
      /*float_nan_infinity=*/false,
      // Text is a counted byte string (checked on D1 and Durable Object SQLite).
      /*strings_hold_nul=*/true,
      /*prepared_statements=*/true,
      // SQLite's own limit is far larger; a sane bound for names shared with other engines.
      /*max_identifier_bytes=*/64,
      // Durable Object SQLite and D1: SQLITE_MAX_VARIABLE_NUMBER = 100.
      /*max_params_per_statement=*/100,
      // D1 and Durable Object SQLite: 100 columns per table.
      /*max_columns_per_table=*/100,
  };
  return kCapabilities;
}

}  // namespace lunora::detail
