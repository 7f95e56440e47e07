#include "lunora/value/base64.hpp"

#include <array>
#include <cstring>

namespace lunora {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t kInvalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  for (std::uint8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
  return table;
}

constexpr std::array<std::uint8_t, 256> kDecode = make_decode_table();

Status malformed(std::string_view why) {
  return Status(ErrorCode::invalid_value, "malformed base64: " + std::string(why));
}

}  // namespace

std::string base64_encode(const std::uint8_t* data, std::size_t size) {
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const std::uint32_t n = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  const std::size_t rest = size - i;
  if (rest == 1) {
    const std::uint32_t n = std::uint32_t{data[i]} << 16;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t n = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

std::string base64_encode(const std::vector<std::uint8_t>& bytes) {
  return base64_encode(bytes.data(), bytes.size());
}

namespace {

// The strict decoding of base64_decode into `out` (room for text.size() / 4 * 3 bytes): the
// number of bytes written, or the error. `offset`: where an unexpected character is.
enum class DecodeError { none, length, character, padding_bits };

DecodeError decode_into(std::string_view text, std::uint8_t* out, std::size_t& written, std::size_t& offset) {
  written = 0;
  if (text.size() % 4 != 0) return DecodeError::length;
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  const std::size_t data_chars = text.size() - padding;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < data_chars; ++i) {
    const std::uint8_t sextet = kDecode[static_cast<unsigned char>(text[i])];
    if (sextet == kInvalid) {
      offset = i;
      return DecodeError::character;
    }
    acc = (acc << 6) | sextet;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[written++] = static_cast<std::uint8_t>(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  // Leftover bits are the zero fill of the last symbol; non-zero fill would give a second
  // text for the same bytes.
  return acc != 0 ? DecodeError::padding_bits : DecodeError::none;
}

}  // namespace

Result<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  std::vector<std::uint8_t> out(text.size() / 4 * 3);
  std::size_t written = 0;
  std::size_t offset = 0;
  switch (decode_into(text, out.data(), written, offset)) {
    case DecodeError::length:
      return malformed("length " + std::to_string(text.size()) + " is not a multiple of 4");
    case DecodeError::character:
      return malformed("unexpected character at offset " + std::to_string(offset));
    case DecodeError::padding_bits:
      return malformed("non-zero padding bits");
    case DecodeError::none:
      break;
  }
  out.resize(written);
  return out;
}

bool base64_decode_exact(std::string_view text, std::uint8_t* out, std::size_t size) {
  // Exactly `size` bytes take exactly this many symbols (with their padding).
  if (text.size() != (size + 2) / 3 * 4) return false;
  std::uint8_t decoded[96];
  if (text.size() / 4 * 3 > sizeof decoded) return false;
  std::size_t written = 0;
  std::size_t offset = 0;
  if (decode_into(text, decoded, written, offset) != DecodeError::none || written != size) return false;
  std::memcpy(out, decoded, size);
  return true;
}

}  // namespace lunora
