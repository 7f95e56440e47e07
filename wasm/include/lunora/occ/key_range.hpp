// A range of order-preserving index keys (value/index_key.hpp) that a read covered.
#pragma once

#include <string>
#include <string_view>

namespace lunora {

// [lo, hi): hi empty means unbounded above.
struct KeyRange {
  std::string lo;
  std::string hi;

  bool contains(std::string_view key) const noexcept {
    return key >= lo && (hi.empty() || key < std::string_view(hi));
  }
  // Contains no key (a read that could match nothing).
  bool empty() const noexcept { return !hi.empty() && std::string_view(hi) <= std::string_view(lo); }
  bool operator==(const KeyRange&) const = default;
};

}  // namespace lunora
