// The key ranges of one (table, index) that live subscriptions read, answering "which ranges
// contain this key" for a commit's old and new keys.
//
// Ranges are kept sorted by lower bound in blocks of at most `2 * block_size` entries. A key
// can only fall in ranges whose lower bound is <= key; scanning those backwards, a running
// maximum of upper bounds (per block, and across blocks) says when no earlier range can
// reach the key, so the scan stops. Adding or removing a range touches one block and
// invalidates only its own maxima and the per-block summary, so a subscription whose re-run
// read different ranges costs O(log n + block_size), not O(n).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lunora/occ/key_range.hpp"

namespace lunora {

class RangeBucket {
 public:
  explicit RangeBucket(std::size_t block_size = 128) : block_size_(block_size < 2 ? 2 : block_size) {}

  void insert(const KeyRange& range, int subscription);
  // Removes one entry equal to (range, subscription); false if there was none.
  bool remove(const KeyRange& range, int subscription);
  // Appends every subscription with a range containing `key` (once per containing range).
  void collect(std::string_view key, std::vector<int>& out) const;
  // Appends every subscription with a range here (once per range): a write whose key is not
  // known touches them all.
  void collect_all(std::vector<int>& out) const;

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  struct Entry {
    KeyRange range;
    int subscription;
  };
  struct Block {
    std::vector<Entry> entries;                      // sorted by range.lo, never empty
    mutable std::vector<std::string> prefix_max_hi;  // greatest hi among entries[0..i]; "" = unbounded
    mutable bool valid = false;
  };
  const Block& ready(const Block& block) const;
  void summarize() const;
  // The last block whose first lower bound is <= lo (0 if none).
  std::size_t block_for(std::string_view lo) const;

  std::size_t block_size_;
  std::size_t size_ = 0;
  std::vector<Block> blocks_;
  mutable std::vector<std::string> block_prefix_max_hi_;  // over blocks_[0..b]; "" = unbounded
  mutable bool summary_valid_ = false;
};

}  // namespace lunora
