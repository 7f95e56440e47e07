// The {ok, value} / {ok, code, message} envelope every api function returns.
//
// Envelopes are written straight into a string (no nlohmann dump, no wrapper tree): they
// carry the SQL text of every statement, so this is on every point operation's hot path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lunora/status.hpp"

namespace lunora::api::detail {

std::string ok(const nlohmann::json& value);
// `value_json` is already JSON text (written with append_json and friends).
std::string ok_text(std::string_view value_json);
std::string fail(const Status& status);
// {"ok":true,"value":null}. Every fail() envelope is longer: the shim reads an answer of this
// length from a call whose one success is null as this one, without decoding it (core.ts).
std::string ok_null();

// An ok envelope written in place, for answers of a fixed small shape: ok_open returns
// `{"ok":true,"value":` with room for `value_capacity` more bytes; the caller appends the
// value's JSON and then calls ok_close.
std::string ok_open(std::size_t value_capacity);
void ok_close(std::string& out);

// A number as append_json writes it (finite as JS prints it, NaN / Infinity as null).
void append_json_number(std::string& out, double value);
// An integer's decimal digits, as std::to_string writes them (without the temporary).
void append_int(std::string& out, std::int64_t value);

// `value` as JSON text: strings escaped as JSON.stringify does (invalid UTF-8 becomes U+FFFD),
// finite numbers as JS prints them, NaN / Infinity as null (as dump() did); binary never
// reaches an envelope (values travel as Lunora JSON text) and is written as null.
void append_json(std::string& out, const nlohmann::json& value);

}  // namespace lunora::api::detail
