#include "lunora/api/envelope.hpp"

namespace lunora::api::detail {

using nlohmann::json;

std::string ok(json value) {
  json envelope = {{"ok", true}, {"value", std::move(value)}};
  // Binary values never reach an envelope (they travel as Lunora JSON text); invalid UTF-8
  // from a caller's input is replaced rather than producing invalid JSON.
  return envelope.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string fail(const Status& status) {
  json envelope = {{"ok", false}, {"code", std::string(error_code_name(status.code()))}, {"message", status.message()}};
  return envelope.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace lunora::api::detail
