// Document ids: opaque strings that encode their table, so `get(id)` finds the table.
//
// An id is 20 bytes, 16 random + the 4-byte FNV-1a hash of the table name, written as 32
// characters of lowercase Crockford base32 (no padding). `normalize_id` accepts an id only
// if it decodes and its table hash matches; a schema whose table names collide in that hash
// is refused when the store opens.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lunora {

inline constexpr std::size_t kIdLength = 32;

std::uint32_t table_hash(std::string_view table) noexcept;

// Decodes an id's table hash; nullopt if `id` is not a well-formed id.
std::optional<std::uint32_t> id_table_hash(std::string_view id) noexcept;

// True when `id` is a well-formed id of `table`.
bool is_id_of_table(std::string_view id, std::string_view table) noexcept;

// Random ids from a seeded generator (xoshiro256** over a 256-bit seed from the host's CSPRNG;
// ids need uniqueness, not secrecy, and the core has no entropy source of its own in WASM).
class IdGenerator {
 public:
  void seed(std::string_view seed_bytes) noexcept;
  std::string next(std::string_view table);
  // The same, written over `id` (its buffer reused).
  void next_into(std::string_view table, std::string& id);

 private:
  std::uint64_t next_u64() noexcept;
  std::array<std::uint64_t, 4> state_{0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull, 0x94d049bb133111ebull, 1};
};

}  // namespace lunora
