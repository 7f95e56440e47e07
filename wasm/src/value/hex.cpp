#include "lunora/value/hex.hpp"

#include <cstring>

namespace lunora {

namespace {

// Each byte's two digits, so a byte is one table read and one two-char copy.
struct HexPairs {
  char pairs[256][2];
};
constexpr HexPairs make_hex_pairs() {
  constexpr char kHex[] = "0123456789abcdef";
  HexPairs table{};
  for (int b = 0; b < 256; ++b) {
    table.pairs[b][0] = kHex[b >> 4];
    table.pairs[b][1] = kHex[b & 15];
  }
  return table;
}
constexpr HexPairs kHexPairs = make_hex_pairs();

}  // namespace

void append_hex(std::string& out, std::string_view bytes) {
  const std::size_t at = out.size();
  out.resize(at + 2 * bytes.size());
  char* to = out.data() + at;
  for (const char c : bytes) {
    std::memcpy(to, kHexPairs.pairs[static_cast<unsigned char>(c)], 2);
    to += 2;
  }
}

std::string to_hex(std::string_view bytes) {
  std::string out;
  append_hex(out, bytes);
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace lunora
