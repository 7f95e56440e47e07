#include "lunora/store/document_id.hpp"

namespace lunora {
namespace {

constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";  // Crockford, lowercase

// Digit value of each byte, -1 for a byte outside the alphabet.
constexpr std::array<std::int8_t, 256> make_digit_values() {
  std::array<std::int8_t, 256> values{};
  for (auto& v : values) v = -1;
  for (int i = 0; i < 32; ++i) values[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return values;
}

constexpr std::array<std::int8_t, 256> kDigitValues = make_digit_values();

// Written over `id` (its buffer reused).
void encode_into(const std::array<std::uint8_t, 20>& bytes, std::string& id) {
  char out[kIdLength];
  // 160 bits = 32 groups of 5 bits, most significant first: each 5 bytes are 8 groups.
  std::size_t at = 0;
  for (std::size_t chunk = 0; chunk < 20; chunk += 5) {
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < 5; ++i) bits = (bits << 8) | bytes[chunk + i];
    for (int shift = 35; shift >= 0; shift -= 5) out[at++] = kAlphabet[(bits >> shift) & 31u];
  }
  id.assign(out, kIdLength);
}

std::optional<std::array<std::uint8_t, 20>> decode(std::string_view id) noexcept {
  if (id.size() != kIdLength) return std::nullopt;
  std::array<std::uint8_t, 20> bytes{};
  // The inverse of encode: each 8 digits are 5 bytes.
  for (std::size_t chunk = 0; chunk < 4; ++chunk) {
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < 8; ++i) {
      const int value = kDigitValues[static_cast<unsigned char>(id[chunk * 8 + i])];
      if (value < 0) return std::nullopt;
      bits = (bits << 5) | static_cast<std::uint64_t>(value);
    }
    for (std::size_t i = 0; i < 5; ++i) bytes[chunk * 5 + i] = static_cast<std::uint8_t>(bits >> (32 - 8 * i));
  }
  return bytes;
}

}  // namespace

std::uint32_t table_hash(std::string_view table) noexcept {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : table) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

std::optional<std::uint32_t> id_table_hash(std::string_view id) noexcept {
  auto bytes = decode(id);
  if (!bytes) return std::nullopt;
  return (std::uint32_t{(*bytes)[16]} << 24) | (std::uint32_t{(*bytes)[17]} << 16) |
         (std::uint32_t{(*bytes)[18]} << 8) | std::uint32_t{(*bytes)[19]};
}

bool is_id_of_table(std::string_view id, std::string_view table) noexcept {
  auto hash = id_table_hash(id);
  return hash && *hash == table_hash(table);
}

void IdGenerator::seed(std::string_view seed_bytes) noexcept {
  for (std::size_t i = 0; i < seed_bytes.size(); ++i) {
    state_[(i / 8) % 4] ^= std::uint64_t{static_cast<unsigned char>(seed_bytes[i])} << (8 * (i % 8));
  }
  for (int i = 0; i < 8; ++i) next_u64();
}

std::uint64_t IdGenerator::next_u64() noexcept {
  // xoshiro256** step.
  const std::uint64_t result = ((state_[1] * 5) << 7 | (state_[1] * 5) >> 57) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = (state_[3] << 45) | (state_[3] >> 19);
  return result;
}

std::string IdGenerator::next(std::string_view table) {
  std::string id;
  next_into(table, id);
  return id;
}

void IdGenerator::next_into(std::string_view table, std::string& id) {
  std::array<std::uint8_t, 20> bytes{};
  const std::uint64_t a = next_u64();
  const std::uint64_t b = next_u64();
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<std::uint8_t>(a >> (56 - 8 * i));
    bytes[8 + i] = static_cast<std::uint8_t>(b >> (56 - 8 * i));
  }
  const std::uint32_t hash = table_hash(table);
  for (int i = 0; i < 4; ++i) bytes[16 + i] = static_cast<std::uint8_t>(hash >> (24 - 8 * i));
  encode_into(bytes, id);
}

}  // namespace lunora
