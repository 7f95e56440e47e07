#include "lunora/api/envelope.hpp"

#include <charconv>
#include <cmath>

#include "lunora/value/wire.hpp"

namespace lunora::api::detail {

using nlohmann::json;

namespace {

constexpr std::string_view kOkPrefix = "{\"ok\":true,\"value\":";

}  // namespace

void append_json(std::string& out, const json& value) {
  switch (value.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
    case json::value_t::binary:
      out += "null";
      return;
    case json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case json::value_t::number_integer:
      out += std::to_string(value.get<std::int64_t>());
      return;
    case json::value_t::number_unsigned:
      out += std::to_string(value.get<std::uint64_t>());
      return;
    case json::value_t::number_float:
      append_json_number(out, value.get<double>());
      return;
    case json::value_t::string:
      append_json_string(out, value.get_ref<const std::string&>());
      return;
    case json::value_t::array:
    case json::value_t::object:
      append_json_container(out, value, append_json);
      return;
  }
}

std::string ok(const json& value) {
  std::string out(kOkPrefix);
  append_json(out, value);
  out.push_back('}');
  return out;
}

void append_json_number(std::string& out, double value) {
  if (std::isfinite(value)) append_js_number(out, value);
  else out += "null";
}

void append_int(std::string& out, std::int64_t value) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

std::string ok_null() { return "{\"ok\":true,\"value\":null}"; }

std::string ok_open(std::size_t value_capacity) {
  std::string out;
  out.reserve(kOkPrefix.size() + value_capacity + 1);
  out += kOkPrefix;
  return out;
}

void ok_close(std::string& out) { out.push_back('}'); }

std::string ok_text(std::string_view value_json) {
  std::string out;
  out.reserve(kOkPrefix.size() + value_json.size() + 1);
  out += kOkPrefix;
  out += value_json;
  out.push_back('}');
  return out;
}

std::string fail(const Status& status) {
  std::string out = "{\"ok\":false,\"code\":";
  append_json_string(out, error_code_name(status.code()));
  out += ",\"message\":";
  append_json_string(out, status.message());
  out.push_back('}');
  return out;
}

}  // namespace lunora::api::detail
