#include "lunora/status.hpp"

namespace lunora {

std::string_view error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_argument: return "INVALID_ARGUMENT";
    case ErrorCode::invalid_identifier: return "INVALID_IDENTIFIER";
    case ErrorCode::unknown_dialect: return "UNKNOWN_DIALECT";
    case ErrorCode::internal: return "INTERNAL";
  }
  return "INTERNAL";
}

}  // namespace lunora
