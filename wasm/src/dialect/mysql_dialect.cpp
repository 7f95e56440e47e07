#include "lunora/dialect/mysql_dialect.hpp"

namespace lunora::detail {

const DialectCapabilities& MysqlDialect::capabilities() const noexcept {
  static constexpr DialectCapabilities kCapabilities{
      // MariaDB has INSERT ... RETURNING but MySQL 8 does not; the store targets both.
      /*returning=*/false,
      /*update_returns_old_row=*/false,
      /*row_count_guard=*/true,
      /*data_modifying_ctes=*/false,
      /*transactional_ddl=*/false,
      /*native_boolean=*/false,
      /*float_nan_infinity=*/false,
      /*strings_hold_nul=*/true,
      // Hyperdrive does not support MySQL prepared statements: text protocol only.
      /*prepared_statements=*/false,
      /*max_identifier_bytes=*/64,
      /*max_params_per_statement=*/65535,
      // InnoDB's limit.
      /*max_columns_per_table=*/1017,
  };
  return kCapabilities;
}

}  // namespace lunora::detail
