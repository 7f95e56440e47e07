#include "lunora/occ/range_bucket.hpp"

#include <algorithm>

namespace lunora {
namespace {

// max of two upper bounds, "" being unbounded (greater than every key).
void widen(std::string& running, bool& unbounded, const std::string& hi) {
  if (unbounded) return;
  if (hi.empty()) {
    unbounded = true;
    running.clear();
  } else if (hi > running) {
    running = hi;
  }
}

// No range whose upper bound is `reach` can contain a key >= reach.
bool cannot_reach(const std::string& reach, std::string_view key) { return !reach.empty() && std::string_view(reach) <= key; }

}  // namespace

std::size_t RangeBucket::block_for(std::string_view lo) const {
  auto it = std::upper_bound(blocks_.begin(), blocks_.end(), lo,
                             [](std::string_view k, const Block& b) { return k < std::string_view(b.entries.front().range.lo); });
  return it == blocks_.begin() ? 0 : static_cast<std::size_t>(it - blocks_.begin()) - 1;
}

void RangeBucket::insert(const KeyRange& range, int subscription) {
  ++size_;
  summary_valid_ = false;
  if (blocks_.empty()) {
    blocks_.push_back(Block{{Entry{range, subscription}}, {}, false});
    return;
  }
  const std::size_t b = block_for(range.lo);
  Block& block = blocks_[b];
  auto at = std::upper_bound(block.entries.begin(), block.entries.end(), range.lo,
                             [](const std::string& lo, const Entry& e) { return lo < e.range.lo; });
  block.entries.insert(at, Entry{range, subscription});
  block.valid = false;
  if (block.entries.size() > 2 * block_size_) {
    Block upper;
    upper.entries.assign(std::make_move_iterator(block.entries.begin() + static_cast<std::ptrdiff_t>(block_size_)),
                         std::make_move_iterator(block.entries.end()));
    block.entries.resize(block_size_);
    blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(b) + 1, std::move(upper));
  }
}

bool RangeBucket::remove(const KeyRange& range, int subscription) {
  // Entries with this lower bound may start in an earlier block than block_for() names.
  auto first = std::lower_bound(blocks_.begin(), blocks_.end(), range.lo,
                                [](const Block& b, const std::string& lo) { return b.entries.back().range.lo < lo; });
  for (auto block = first; block != blocks_.end() && block->entries.front().range.lo <= range.lo; ++block) {
    auto& entries = block->entries;
    auto it = std::lower_bound(entries.begin(), entries.end(), range.lo,
                               [](const Entry& e, const std::string& lo) { return e.range.lo < lo; });
    for (; it != entries.end() && it->range.lo == range.lo; ++it) {
      if (it->subscription != subscription || !(it->range == range)) continue;
      entries.erase(it);
      --size_;
      summary_valid_ = false;
      block->valid = false;
      if (entries.empty()) blocks_.erase(block);
      return true;
    }
  }
  return false;
}

const RangeBucket::Block& RangeBucket::ready(const Block& block) const {
  if (block.valid) return block;
  block.prefix_max_hi.resize(block.entries.size());
  std::string running;
  bool unbounded = false;
  for (std::size_t i = 0; i < block.entries.size(); ++i) {
    widen(running, unbounded, block.entries[i].range.hi);
    block.prefix_max_hi[i] = running;
  }
  block.valid = true;
  return block;
}

void RangeBucket::summarize() const {
  if (summary_valid_) return;
  block_prefix_max_hi_.resize(blocks_.size());
  std::string running;
  bool unbounded = false;
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    widen(running, unbounded, ready(blocks_[b]).prefix_max_hi.back());
    block_prefix_max_hi_[b] = running;
  }
  summary_valid_ = true;
}

void RangeBucket::collect(std::string_view key, std::vector<int>& out) const {
  if (blocks_.empty() || key < std::string_view(blocks_.front().entries.front().range.lo)) return;
  summarize();
  for (auto b = static_cast<std::ptrdiff_t>(block_for(key)); b >= 0; --b) {
    if (cannot_reach(block_prefix_max_hi_[static_cast<std::size_t>(b)], key)) break;
    const Block& block = ready(blocks_[static_cast<std::size_t>(b)]);
    auto end = std::upper_bound(block.entries.begin(), block.entries.end(), key,
                                [](std::string_view k, const Entry& e) { return k < std::string_view(e.range.lo); });
    for (auto i = static_cast<std::ptrdiff_t>(end - block.entries.begin()) - 1; i >= 0; --i) {
      if (cannot_reach(block.prefix_max_hi[static_cast<std::size_t>(i)], key)) break;
      const Entry& e = block.entries[static_cast<std::size_t>(i)];
      if (e.range.contains(key)) out.push_back(e.subscription);
    }
  }
}

void RangeBucket::collect_all(std::vector<int>& out) const {
  for (const Block& block : blocks_) {
    for (const Entry& e : block.entries) {
      if (!e.range.empty()) out.push_back(e.subscription);
    }
  }
}

}  // namespace lunora
