#include "lunora/status.hpp"

namespace lunora {

std::string_view error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::ok: return "OK";
    case ErrorCode::invalid_argument: return "INVALID_ARGUMENT";
    case ErrorCode::invalid_identifier: return "INVALID_IDENTIFIER";
    case ErrorCode::unknown_dialect: return "UNKNOWN_DIALECT";
    case ErrorCode::invalid_value: return "INVALID_VALUE";
    case ErrorCode::invalid_schema: return "INVALID_SCHEMA";
    case ErrorCode::validation_failed: return "VALIDATION_FAILED";
    case ErrorCode::unsupported_value: return "UNSUPPORTED_VALUE";
    case ErrorCode::not_found: return "NOT_FOUND";
    case ErrorCode::migration_refused: return "MIGRATION_REFUSED";
    case ErrorCode::invalid_cursor: return "INVALID_CURSOR";
    case ErrorCode::conflict: return "CONFLICT";
    case ErrorCode::internal: return "INTERNAL";
  }
  return "INTERNAL";
}

}  // namespace lunora
