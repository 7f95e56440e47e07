#include "lunora/occ/read_set.hpp"

#include <algorithm>

#include "lunora/value/index_key.hpp"

namespace lunora {
namespace {

// fn(value) for each entry of `map` (keyed by (table, index)) of `table` on an index other than
// by_id, until fn answers true: whether it did.
template <typename Map, typename Fn>
bool any_off_id(const Map& map, std::string_view table, Fn&& fn) {
  for (auto it = map.lower_bound(TableIndexRef(table, std::string_view())); it != map.end() && it->first.first == table; ++it) {
    if (it->first.second != kById && fn(it->second)) return true;
  }
  return false;
}

}  // namespace

KeyRange& ReadSet::next_range(std::string_view table, std::string_view index) {
  auto it = ranges_.find(TableIndexRef(table, index));
  if (it == ranges_.end()) it = ranges_.try_emplace(std::make_pair(std::string(table), std::string(index))).first;
  Ranges& ranges = it->second;
  if (ranges.used == ranges.items.size()) ranges.items.emplace_back();
  return ranges.items[ranges.used++];
}

void ReadSet::add_range(std::string_view table, std::string_view index, KeyRange range) {
  next_range(table, index) = std::move(range);
}

void ReadSet::add_point(std::string_view table, std::string_view id) {
  // Written over the kept range's strings: [key, key + "\0") holds exactly key, the index_key
  // of the id as a string value.
  KeyRange& range = next_range(table, kById);
  range.lo.clear();
  append_index_key_string(range.lo, id);
  range.hi.assign(range.lo);
  range.hi.push_back('\0');
}

std::size_t ReadSet::size() const noexcept {
  std::size_t n = 0;
  for (const auto& [_, ranges] : ranges_) n += ranges.used;
  return n;
}

void ReadSet::clear() noexcept {
  std::size_t kept = 0;
  for (const auto& [_, ranges] : ranges_) kept += ranges.items.size();
  if (kept > kKeptRanges) {
    ranges_.clear();
    return;
  }
  for (auto& [_, ranges] : ranges_) ranges.used = 0;
}

bool ReadSet::reads_off_id(std::string_view table) const {
  return any_off_id(ranges_, table, [](const Ranges& ranges) {
    for (std::size_t i = 0; i < ranges.used; ++i) {
      if (!ranges.items[i].empty()) return true;
    }
    return false;
  });
}

const WriteRecord* ReadSet::first_conflict(const std::vector<WriteRecord>& writes) const {
  for (const auto& write : writes) {
    if (write.by_id_only && reads_off_id(write.table)) return &write;
    for (const auto& keys : write.keys) {
      auto it = ranges_.find(TableIndexRef(write.table, keys.index));
      if (it == ranges_.end()) continue;
      for (std::size_t i = 0; i < it->second.used; ++i) {
        const KeyRange& range = it->second.items[i];
        if ((keys.before && range.contains(*keys.before)) || (keys.after && range.contains(*keys.after))) {
          return &write;
        }
      }
    }
  }
  return nullptr;
}

void SubscriptionIndex::set(int subscription, const ReadSet& reads) {
  std::vector<std::pair<std::pair<std::string, std::string>, KeyRange>> wanted;
  reads.for_each([&](const std::string& table, const std::string& index, const KeyRange& range) {
    wanted.emplace_back(std::make_pair(table, index), range);
  });
  // A re-run that read exactly the ranges it read before (the usual case) changes nothing:
  // leave the buckets, and their lazily built prefix maxima, untouched.
  if (auto it = by_subscription_.find(subscription); it != by_subscription_.end() && it->second == wanted) return;
  remove(subscription);
  for (const auto& [bucket_key, range] : wanted) buckets_[bucket_key].insert(range, subscription);
  by_subscription_[subscription] = std::move(wanted);
}

void SubscriptionIndex::remove(int subscription) {
  auto it = by_subscription_.find(subscription);
  if (it == by_subscription_.end()) return;
  for (const auto& [bucket_key, range] : it->second) {
    auto bucket = buckets_.find(bucket_key);
    if (bucket == buckets_.end()) continue;
    bucket->second.remove(range, subscription);
    if (bucket->second.empty()) buckets_.erase(bucket);
  }
  by_subscription_.erase(it);
}

bool SubscriptionIndex::reads_off_id(std::string_view table) const {
  // Buckets are erased when emptied: any bucket of the table off by_id holds a range.
  return any_off_id(buckets_, table, [](const RangeBucket&) { return true; });
}

std::vector<int> SubscriptionIndex::affected(const std::vector<WriteRecord>& writes) const {
  std::vector<int> out;
  for (const auto& write : writes) {
    if (write.by_id_only) {
      // Its keys off by_id are unknown: every range there may hold the document.
      any_off_id(buckets_, write.table, [&](const RangeBucket& bucket) {
        bucket.collect_all(out);
        return false;
      });
    }
    for (const auto& keys : write.keys) {
      auto bucket = buckets_.find(TableIndexRef(write.table, keys.index));
      if (bucket == buckets_.end()) continue;
      if (keys.before) bucket->second.collect(*keys.before, out);
      if (keys.after) bucket->second.collect(*keys.after, out);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::uint64_t CommitLog::append(std::vector<WriteRecord> writes) {
  const std::uint64_t sequence = next_++;
  entries_.emplace_back(sequence, std::move(writes));
  return sequence;
}

const WriteRecord* CommitLog::first_conflict(const ReadSet& reads, std::uint64_t since) const {
  for (const auto& [sequence, writes] : entries_) {
    if (sequence <= since) continue;
    if (const WriteRecord* hit = reads.first_conflict(writes)) return hit;
  }
  return nullptr;
}

void CommitLog::confirm(std::uint64_t sequence) noexcept {
  if (sequence > durable_) durable_ = sequence;
}

void CommitLog::retract(std::uint64_t sequence) {
  while (!entries_.empty() && entries_.back().first >= sequence) {
    recycle(std::move(entries_.back().second));
    entries_.pop_back();
  }
}

bool CommitLog::lone_pending(std::uint64_t sequence) const noexcept {
  if (sequence <= durable_ || entries_.empty() || entries_.back().first != sequence) return false;
  return entries_.size() == 1 || entries_[entries_.size() - 2].first <= durable_;
}

void CommitLog::trim(std::uint64_t keep_after) {
  while (!entries_.empty() && entries_.front().first <= keep_after) {
    recycle(std::move(entries_.front().second));
    entries_.pop_front();
  }
}

void CommitLog::recycle(std::vector<WriteRecord>&& writes) {
  if (recycled_.size() < kRecycledEntries && writes.size() <= kRecycledRecords) recycled_.push_back(std::move(writes));
}

std::vector<WriteRecord> CommitLog::recycled() {
  if (recycled_.empty()) return {};
  std::vector<WriteRecord> writes = std::move(recycled_.back());
  recycled_.pop_back();
  return writes;
}

}  // namespace lunora
