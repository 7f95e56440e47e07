// The {ok, value} / {ok, code, message} envelope every api function returns.
//
// Envelopes are written straight into a string (no nlohmann dump, no wrapper tree): they
// carry the SQL text of every statement, so this is on every point operation's hot path.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lunora/status.hpp"

namespace lunora::api::detail {

std::string ok(const nlohmann::json& value);
// `value_json` is already JSON text (written with append_json and friends).
std::string ok_text(std::string_view value_json);
std::string fail(const Status& status);

// `value` as JSON text: strings escaped as JSON.stringify does (invalid UTF-8 becomes U+FFFD),
// finite numbers as JS prints them, NaN / Infinity as null (as dump() did); binary never
// reaches an envelope (values travel as Lunora JSON text) and is written as null.
void append_json(std::string& out, const nlohmann::json& value);

}  // namespace lunora::api::detail
