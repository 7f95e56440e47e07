#include "lunora/dialect/postgres_dialect.hpp"

namespace lunora::detail {

const DialectCapabilities& PostgresDialect::capabilities() const noexcept {
  static constexpr DialectCapabilities kCapabilities{
      /*returning=*/true,
      /*update_returns_old_row=*/true,
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
  return kCapabilities;
}

}  // namespace lunora::detail
