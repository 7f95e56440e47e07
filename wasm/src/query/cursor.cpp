#include "lunora/query/cursor.hpp"

#include <array>
#include <cstdint>

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

std::optional<std::string> from_base64url(std::string_view text) {
  std::string b64(text);
  for (char& c : b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (b64.size() % 4 != 0) b64.push_back('=');
  auto bytes = base64_decode(b64);
  if (!bytes.ok()) return std::nullopt;
  return std::string(bytes->begin(), bytes->end());
}

constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// base64url without padding, appended in one pass (a cursor is written on every page).
void append_base64url(std::string& out, std::string_view bytes) {
  std::size_t at = out.size();
  out.resize(at + (bytes.size() * 4 + 2) / 3);
  auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])); };
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out[at++] = kUrlAlphabet[(n >> 18) & 63];
    out[at++] = kUrlAlphabet[(n >> 12) & 63];
    out[at++] = kUrlAlphabet[(n >> 6) & 63];
    out[at++] = kUrlAlphabet[n & 63];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    const std::uint32_t n = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0);
    out[at++] = kUrlAlphabet[(n >> 18) & 63];
    out[at++] = kUrlAlphabet[(n >> 12) & 63];
    if (rest == 2) out[at++] = kUrlAlphabet[(n >> 6) & 63];
  }
}

// The canonical base64url text of some bytes (url alphabet, no padding, zero fill bits) read
// in one pass; nullopt for anything else, which from_base64url then judges.
std::optional<std::string> canonical_base64url(std::string_view text) {
  static constexpr auto kValue = [] {
    std::array<std::int8_t, 256> table{};
    for (auto& v : table) v = -1;
    for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kUrlAlphabet[i])] = static_cast<std::int8_t>(i);
    return table;
  }();
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out(text.size() * 3 / 4, '\0');
  std::size_t at = 0;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = kValue[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = static_cast<char>(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) return std::nullopt;
  return out;
}

// Printable ASCII other than '"' and '\\': written into JSON as itself, so the payload can be
// written and matched as text, byte for byte what the JSON library dumps (its keys sorted).
bool plain(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

// The payload of an ordinary cursor of `fingerprint`: {"f":"...","k":"<hex>"} or
// {"end":true,"f":"..."}, read without a JSON tree; nullopt: take the general path.
std::optional<CursorPosition> plain_payload(std::string_view json, std::string_view fingerprint) {
  if (!plain(fingerprint)) return std::nullopt;
  auto take = [&](std::string_view part) {
    if (json.substr(0, part.size()) != part) return false;
    json.remove_prefix(part.size());
    return true;
  };
  CursorPosition position;
  if (take("{\"end\":true,\"f\":\"")) {
    if (!take(fingerprint) || json != "\"}") return std::nullopt;
    position.end = true;
    return position;
  }
  if (!take("{\"f\":\"") || !take(fingerprint) || !take("\",\"k\":\"")) return std::nullopt;
  if (json.size() < 2 || json.substr(json.size() - 2) != "\"}") return std::nullopt;
  auto key = from_hex(json.substr(0, json.size() - 2));
  if (!key) return std::nullopt;
  position.last_key = std::move(*key);
  return position;
}

}  // namespace

std::string encode_cursor(std::string_view fingerprint, const CursorPosition& position) {
  std::string json;
  if (plain(fingerprint)) {
    json.reserve(fingerprint.size() + position.last_key.size() * 2 + 20);
    json = position.end ? "{\"end\":true,\"f\":\"" : "{\"f\":\"";
    json.append(fingerprint);
    if (position.end) {
      json += "\"}";
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      json += "\",\"k\":\"";
      std::size_t at = json.size();
      json.resize(at + position.last_key.size() * 2);
      for (unsigned char c : position.last_key) {
        json[at++] = kHex[c >> 4];
        json[at++] = kHex[c & 15];
      }
      json += "\"}";
    }
  } else {
    Value payload = {{"f", std::string(fingerprint)}};
    if (position.end) payload["end"] = true;
    else payload["k"] = to_hex(position.last_key);
    json = payload.dump();
  }
  std::string cursor(kPrefix);
  cursor.reserve(kPrefix.size() + (json.size() * 4 + 2) / 3);
  append_base64url(cursor, json);
  return cursor;
}

Result<CursorPosition> decode_cursor(std::string_view cursor, std::string_view fingerprint) {
  CursorPosition position;
  if (cursor.empty()) return position;
  if (cursor.size() > 4096 || cursor.substr(0, kPrefix.size()) != kPrefix) return invalid("not a cursor of this store");
  auto json_text = canonical_base64url(cursor.substr(kPrefix.size()));
  if (!json_text) json_text = from_base64url(cursor.substr(kPrefix.size()));
  if (!json_text) return invalid("malformed");
  if (auto position = plain_payload(*json_text, fingerprint)) return std::move(*position);
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
