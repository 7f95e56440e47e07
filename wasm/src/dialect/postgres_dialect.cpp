#include "lunora/dialect/postgres_dialect.hpp"

namespace lunora::detail {

namespace {

constexpr DialectCapabilities capabilities_of(bool row_counts) {
  return DialectCapabilities{
      /*returning=*/true,
      /*update_returns_old_row=*/true,
      /*row_count_guard=*/row_counts,
      /*data_modifying_ctes=*/true,
      /*transactional_ddl=*/true,
      /*native_boolean=*/true,
      /*float_nan_infinity=*/true,
      /*strings_hold_nul=*/false,
      // Hyperdrive supports the extended protocol's unnamed statements for Postgres.
      /*prepared_statements=*/true,
      /*max_identifier_bytes=*/63,
      // The wire protocol counts parameters in 16 bits.
      /*max_params_per_statement=*/65535,
      /*max_columns_per_table=*/1600,
  };
}

}  // namespace

const DialectCapabilities& PostgresDialect::capabilities() const noexcept {
  static constexpr DialectCapabilities kWithRows = capabilities_of(false);
  static constexpr DialectCapabilities kWithRowCounts = capabilities_of(true);
  return row_counts_ ? kWithRowCounts : kWithRows;
}

}  // namespace lunora::detail
