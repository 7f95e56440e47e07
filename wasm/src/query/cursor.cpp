#include "lunora/query/cursor.hpp"

#include "lunora/sql/column_values.hpp"
#include "lunora/value/hex.hpp"
#include "lunora/value/base64.hpp"
#include "lunora/value/value.hpp"

namespace lunora {
namespace {

constexpr std::string_view kPrefix = "c1.";

Status invalid(const std::string& why) {
  return Status(ErrorCode::invalid_cursor, "invalid pagination cursor: " + why);
}

std::string to_base64url(std::string text) {
  for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::optional<std::string> from_base64url(std::string_view text) {
  std::string b64(text);
  for (char& c : b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (b64.size() % 4 != 0) b64.push_back('=');
  auto bytes = base64_decode(b64);
  if (!bytes.ok()) return std::nullopt;
  return std::string(bytes->begin(), bytes->end());
}


}  // namespace

std::string encode_cursor(std::string_view fingerprint, const CursorPosition& position) {
  Value payload = {{"f", std::string(fingerprint)}};
  if (position.end) payload["end"] = true;
  else payload["k"] = to_hex(position.last_key);
  const std::string json = payload.dump();
  return std::string(kPrefix) +
         to_base64url(base64_encode(reinterpret_cast<const std::uint8_t*>(json.data()), json.size()));
}

Result<CursorPosition> decode_cursor(std::string_view cursor, std::string_view fingerprint) {
  CursorPosition position;
  if (cursor.empty()) return position;
  if (cursor.size() > 4096 || cursor.substr(0, kPrefix.size()) != kPrefix) return invalid("not a cursor of this store");
  auto json_text = from_base64url(cursor.substr(kPrefix.size()));
  if (!json_text) return invalid("malformed");
  Value payload = Value::parse(*json_text, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) return invalid("malformed");
  auto f = payload.find("f");
  if (f == payload.end() || !f->is_string()) return invalid("malformed");
  if (f->get_ref<const std::string&>() != fingerprint) {
    return invalid("it belongs to a different query (table, index, range, order and filter must be the same)");
  }
  if (auto end = payload.find("end"); end != payload.end() && end->is_boolean() && end->get<bool>()) {
    position.end = true;
    return position;
  }
  auto k = payload.find("k");
  if (k == payload.end() || !k->is_string()) return invalid("malformed");
  auto key = from_hex(k->get_ref<const std::string&>());
  if (!key) return invalid("malformed");
  position.last_key = std::move(*key);
  return position;
}

}  // namespace lunora
