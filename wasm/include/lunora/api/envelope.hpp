// The {ok, value} / {ok, code, message} envelope every api function returns.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "lunora/status.hpp"

namespace lunora::api::detail {

std::string ok(nlohmann::json value);
std::string fail(const Status& status);

}  // namespace lunora::api::detail
