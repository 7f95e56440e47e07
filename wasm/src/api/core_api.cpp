#include "lunora/api/core_api.hpp"

#include <nlohmann/json.hpp>

#include "lunora/api/envelope.hpp"
#include "lunora/dialect/dialect.hpp"
#include "lunora/version.hpp"

namespace lunora::api {
namespace {

using detail::fail;
using detail::ok;
using nlohmann::json;

json describe(const Dialect& dialect) {
  const auto& caps = dialect.capabilities();
  return {
      {"name", std::string(dialect.name())},
      {"placeholderStyle", std::string(placeholder_style_name(dialect.placeholder_style()))},
      {"identifierQuote", std::string(1, dialect.identifier_quote())},
      {"capabilities",
       {{"returning", caps.returning},
        {"updateReturnsOldRow", caps.update_returns_old_row},
        {"dataModifyingCtes", caps.data_modifying_ctes},
        {"transactionalDdl", caps.transactional_ddl},
        {"nativeBoolean", caps.native_boolean},
        {"floatNanInfinity", caps.float_nan_infinity},
        {"stringsHoldNul", caps.strings_hold_nul},
        {"preparedStatements", caps.prepared_statements},
        {"maxIdentifierBytes", caps.max_identifier_bytes},
        {"maxParamsPerStatement", caps.max_params_per_statement},
        {"maxColumnsPerTable", caps.max_columns_per_table}}},
  };
}

}  // namespace

std::string core_version() { return std::string(kCoreVersion); }

std::string dialect_info(std::string_view dialect_name) {
  auto dialect = find_dialect(dialect_name);
  if (!dialect) return fail(dialect.status());
  return ok(describe(**dialect));
}

std::string quote_identifier(std::string_view dialect_name, std::string_view identifier) {
  auto dialect = find_dialect(dialect_name);
  if (!dialect) return fail(dialect.status());
  auto quoted = (*dialect)->quote_identifier(identifier);
  if (!quoted) return fail(quoted.status());
  return ok(*quoted);
}

}  // namespace lunora::api
