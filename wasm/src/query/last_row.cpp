#include "lunora/query/last_row.hpp"

#include <cmath>
#include <cstdlib>

namespace lunora {
namespace {

// A JSON string with no escapes, control characters or non-ASCII bytes (those the general
// parser checks) starting at text[i] == '"'; advances i past it.
std::optional<std::string_view> plain_string(std::string_view text, std::size_t& i) {
  if (i >= text.size() || text[i] != '"') return std::nullopt;
  const std::size_t start = ++i;
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"') return text.substr(start, i++ - start);
    if (c == '\\' || c < 0x20 || c >= 0x80) return std::nullopt;
  }
  return std::nullopt;
}

bool digit(char c) { return c >= '0' && c <= '9'; }

// A JSON number (RFC 8259 grammar) that is not negative: nlohmann reads "-0" as the integer 0
// where strtod gives -0.0, so negative numbers take the general path. Advances i past it.
std::optional<double> plain_number(std::string_view text, std::size_t& i) {
  const std::size_t start = i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (i < text.size() && digit(text[i])) {
    while (i < text.size() && digit(text[i])) ++i;
  } else {
    return std::nullopt;
  }
  if (i < text.size() && text[i] == '.') {
    if (++i >= text.size() || !digit(text[i])) return std::nullopt;
    while (i < text.size() && digit(text[i])) ++i;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (i >= text.size() || !digit(text[i])) return std::nullopt;
    while (i < text.size() && digit(text[i])) ++i;
  }
  const std::string number(text.substr(start, i - start));
  const double value = std::strtod(number.c_str(), nullptr);
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

std::optional<LastRow> read_last_row(std::string_view json) {
  LastRow row;
  if (json == "null") return row;
  if (json.size() < 2 || json.front() != '{' || json.back() != '}') return std::nullopt;
  bool seen_id = false, seen_time = false, seen_k = false;
  std::size_t i = 1;
  if (json[i] != '}') {
    for (;;) {
      auto name = plain_string(json, i);
      if (!name || i >= json.size() || json[i] != ':') return std::nullopt;
      ++i;
      bool& seen = *name == "_id" ? seen_id : *name == "_creationTime" ? seen_time : seen_k;
      if (*name == "_id" || *name == "k") {
        if (seen) return std::nullopt;
        auto value = plain_string(json, i);
        if (!value) return std::nullopt;
        (*name == "_id" ? row.id : row.key_hex.emplace()) = std::string(*value);
        seen = true;
      } else if (*name == "_creationTime") {
        if (seen) return std::nullopt;
        auto value = plain_number(json, i);
        if (!value) return std::nullopt;
        row.creation_time = *value;
        seen = true;
      } else {
        return std::nullopt;
      }
      if (i >= json.size()) return std::nullopt;
      if (json[i] == '}') break;
      if (json[i] != ',') return std::nullopt;
      ++i;
    }
  }
  if (i + 1 != json.size()) return std::nullopt;
  row.present = seen_id && seen_time;
  if (!row.present) {
    row.id.clear();
    row.creation_time = 0;
  }
  return row;
}

LastRow last_row_of(const Value& json) {
  LastRow row;
  if (!json.is_object()) return row;
  auto id = json.find("_id");
  auto time = json.find("_creationTime");
  if (id != json.end() && id->is_string() && time != json.end() && time->is_number()) {
    row.present = true;
    row.id = id->get<std::string>();
    row.creation_time = time->get<double>();
  }
  if (auto k = json.find("k"); k != json.end() && k->is_string()) row.key_hex = k->get<std::string>();
  return row;
}

}  // namespace lunora
