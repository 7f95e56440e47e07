#include "lunora/layout/naming.hpp"

#include <cstdint>

namespace lunora {

std::string fit_identifier(std::string_view name, std::size_t max_bytes) {
  if (name.size() <= max_bytes) return std::string(name);
  std::uint32_t hash = 2166136261u;  // FNV-1a
  for (unsigned char c : name) {
    hash ^= c;
    hash *= 16777619u;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(name.substr(0, max_bytes - 9));
  out.push_back('_');
  for (int shift = 28; shift >= 0; shift -= 4) out.push_back(kHex[(hash >> shift) & 0xf]);
  return out;
}

}  // namespace lunora
