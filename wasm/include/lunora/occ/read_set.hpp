// Read sets and the commit log: how a mutation (and, later, a subscription) learns that a
// commit through the store changed something it read.
//
// Every read is a range of index keys (value/index_key.hpp) of one (table, index); a point
// read is the range of one `_id` in the implicit by_id index. A write touches, in every index
// of its table, the key of the document before it and the key after it. A read and a write
// conflict when either key falls in a range read. The same bytes order the SQL indexes, so
// a range here is exactly the rows SQL scanned.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lunora/occ/key_range.hpp"
#include "lunora/occ/range_bucket.hpp"

namespace lunora {

// The implicit indexes every table has, beside its schema indexes.
inline constexpr std::string_view kByCreationTime = "by_creation_time";
inline constexpr std::string_view kById = "by_id";

// Orders (table, index) pairs as std::pair<std::string, std::string> does, and also finds
// them by a pair of string_views (no copies of the names for a lookup).
struct TableIndexLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const noexcept {
    const std::string_view a_table(a.first);
    const std::string_view b_table(b.first);
    if (a_table != b_table) return a_table < b_table;
    return std::string_view(a.second) < std::string_view(b.second);
  }
};

// A (table, index) pair to look up without copying its names.
using TableIndexRef = std::pair<std::string_view, std::string_view>;

struct IndexKeys {
  std::string index;                 // schema index name, kByCreationTime or kById
  std::optional<std::string> before;  // key of the old document (none for an insert)
  std::optional<std::string> after;   // key of the new document (none for a delete)
};

struct WriteRecord {
  std::string table;
  std::string id;
  std::vector<IndexKeys> keys;
  // `keys` holds only the by_id key: the write (a blind patch naming no indexed field) moved no
  // other key of the document, but its keys there are not known. It then touches, in every
  // other index of its table (by_creation_time included), any range read: matching stays
  // conservative.
  bool by_id_only = false;
};

class ReadSet {
 public:
  void add_range(std::string_view table, std::string_view index, KeyRange range);
  void add_point(std::string_view table, std::string_view id);

  // The first write of `writes` that touches something this read set covers.
  const WriteRecord* first_conflict(const std::vector<WriteRecord>& writes) const;
  // Whether a non-empty range of `table` was read on an index other than by_id (what a write
  // logged by id alone, WriteRecord::by_id_only, touches whatever its keys).
  bool reads_off_id(std::string_view table) const;
  bool empty() const noexcept { return size() == 0; }
  std::size_t size() const noexcept;
  // Forgets every range read. The (table, index) entries and the ranges' strings are kept
  // for the next reads (a restarted write set reads much as the last one did), unless there
  // were many.
  void clear() noexcept;

  // fn(table, index, range) for every range read.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (const auto& [key, ranges] : ranges_) {
      for (std::size_t i = 0; i < ranges.used; ++i) fn(key.first, key.second, ranges.items[i]);
    }
  }

 private:
  // The ranges read in one (table, index): items[0, used); the items past them are kept
  // (cleared ones) for their strings' capacity.
  struct Ranges {
    std::vector<KeyRange> items;
    std::size_t used = 0;
  };
  // The next unused range of (table, index), to be written over.
  KeyRange& next_range(std::string_view table, std::string_view index);
  static constexpr std::size_t kKeptRanges = 64;

  // (table, index) -> ranges read
  std::map<std::pair<std::string, std::string>, Ranges, TableIndexLess> ranges_;
};

// The read sets of live subscriptions, indexed by (table, index), so that a commit finds the
// subscriptions it affects without visiting the others. Within one (table, index) the ranges
// live in one RangeBucket (occ/range_bucket.hpp).
class SubscriptionIndex {
 public:
  void set(int subscription, const ReadSet& reads);
  void remove(int subscription);
  // Subscriptions whose reads any of `writes` touched, ascending, without duplicates.
  std::vector<int> affected(const std::vector<WriteRecord>& writes) const;
  // Whether a subscription holds a range of `table` on an index other than by_id (a write
  // logged by id alone would re-run every such subscription).
  bool reads_off_id(std::string_view table) const;
  std::size_t size() const noexcept { return by_subscription_.size(); }

 private:
  std::map<std::pair<std::string, std::string>, RangeBucket, TableIndexLess> buckets_;
  // subscription -> its ranges, by (table, index): lets set() skip an unchanged read set.
  std::map<int, std::vector<std::pair<std::pair<std::string, std::string>, KeyRange>>> by_subscription_;
};

// The writes of recent commits through one store, by commit sequence number.
//
// Entries are appended before their SQL runs (so that later mutations of the same batch are
// checked against them) and confirmed once it succeeded, or retracted if it failed. A new
// mutation starts from the last confirmed sequence: it may have read the database before a
// pending batch landed, so it must be checked against that batch.
class CommitLog {
 public:
  std::uint64_t last_sequence() const noexcept { return next_ - 1; }
  std::uint64_t durable_sequence() const noexcept { return durable_; }
  std::uint64_t append(std::vector<WriteRecord> writes);
  // The SQL of every entry up to `sequence` has committed.
  void confirm(std::uint64_t sequence) noexcept;
  // The SQL of the entries from `sequence` on failed: forget them (sequences are not reused).
  void retract(std::uint64_t sequence);
  // Whether `sequence` is the log's one pending entry: appended, neither confirmed nor
  // retracted, and no other entry pending before or after it, so that confirm(sequence) and
  // retract(sequence) settle that entry alone.
  bool lone_pending(std::uint64_t sequence) const noexcept;
  // The first write committed after `since` that conflicts with `reads`.
  const WriteRecord* first_conflict(const ReadSet& reads, std::uint64_t since) const;
  // Forgets commits no open reader can still need.
  void trim(std::uint64_t keep_after);
  // The records of a forgotten entry (trim, retract) with their strings' capacity, to be
  // overwritten by the next append (WriteSet::record_commit); empty when there is none. Their
  // contents are stale.
  std::vector<WriteRecord> recycled();

 private:
  // Keeps a forgotten entry's records for recycled(): a point write's commit then allocates
  // nothing, and none of its strings is freed. Only small entries are kept.
  void recycle(std::vector<WriteRecord>&& writes);
  static constexpr std::size_t kRecycledEntries = 2;
  static constexpr std::size_t kRecycledRecords = 16;

  std::deque<std::pair<std::uint64_t, std::vector<WriteRecord>>> entries_;
  std::vector<std::vector<WriteRecord>> recycled_;
  std::uint64_t next_ = 1;
  std::uint64_t durable_ = 0;
};

}  // namespace lunora
