#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "lunora/occ/read_set.hpp"
#include "lunora/value/index_key.hpp"

using namespace lunora;

namespace {

WriteRecord write(const std::string& table, const std::string& index, std::optional<std::string> before,
                  std::optional<std::string> after) {
  return WriteRecord{table, "doc", {IndexKeys{index, std::move(before), std::move(after)}}};
}

}  // namespace

TEST_CASE("a read set conflicts with a write whose old or new key falls in a range read", "[occ]") {
  ReadSet reads;
  reads.add_range("t", "by_x", KeyRange{"b", "d"});
  CHECK(reads.first_conflict({write("t", "by_x", std::nullopt, "c")}) != nullptr);     // insert into range
  CHECK(reads.first_conflict({write("t", "by_x", "c", std::nullopt)}) != nullptr);     // delete from range
  CHECK(reads.first_conflict({write("t", "by_x", "a", "e")}) == nullptr);              // moves around it
  CHECK(reads.first_conflict({write("t", "by_x", "a", "b")}) != nullptr);              // lo is inclusive
  CHECK(reads.first_conflict({write("t", "by_x", "d", std::nullopt)}) == nullptr);     // hi is exclusive
  CHECK(reads.first_conflict({write("t", "by_y", "c", "c")}) == nullptr);              // another index
  CHECK(reads.first_conflict({write("u", "by_x", "c", "c")}) == nullptr);              // another table
  reads.add_range("t", "by_z", KeyRange{"m", ""});
  CHECK(reads.first_conflict({write("t", "by_z", std::nullopt, "zzzz")}) != nullptr);  // unbounded above
}

TEST_CASE("a point read covers exactly that document", "[occ]") {
  ReadSet reads;
  reads.add_point("t", "abc");
  Value id(std::string("abc"));
  Value other(std::string("abcd"));
  CHECK(reads.first_conflict({write("t", std::string(kById), std::nullopt, index_key(&id))}) != nullptr);
  CHECK(reads.first_conflict({write("t", std::string(kById), std::nullopt, index_key(&other))}) == nullptr);
}

TEST_CASE("the commit log checks only commits after the reader began, and trims", "[occ]") {
  CommitLog log;
  ReadSet reads;
  reads.add_range("t", "i", KeyRange{"a", "z"});
  const auto first = log.append({write("t", "i", std::nullopt, "m")});
  CHECK(log.first_conflict(reads, 0) != nullptr);
  CHECK(log.first_conflict(reads, first) == nullptr);
  log.append({write("t", "i", std::nullopt, "zz")});
  CHECK(log.first_conflict(reads, first) == nullptr);
  log.trim(first);
  CHECK(log.first_conflict(reads, 0) == nullptr);  // the conflicting commit was trimmed
}

TEST_CASE("the subscription index finds exactly the subscriptions a brute-force scan finds", "[occ]") {
  std::mt19937 rng(7);
  auto random_key = [&] {
    std::string key(1 + rng() % 4, 'a');
    for (char& c : key) c = static_cast<char>('a' + rng() % 6);
    return key;
  };
  SubscriptionIndex index;
  std::map<int, ReadSet> reads;
  for (int sub = 0; sub < 300; ++sub) {
    ReadSet r;
    for (int n = 0; n < 1 + static_cast<int>(rng() % 3); ++n) {
      std::string lo = random_key(), hi = random_key();
      if (hi < lo) std::swap(lo, hi);
      if (rng() % 10 == 0) hi.clear();  // unbounded
      r.add_range(rng() % 2 ? "t" : "u", rng() % 2 ? "i" : "j", KeyRange{lo, hi});
    }
    index.set(sub, r);
    reads[sub] = r;
  }
  for (int sub = 0; sub < 300; sub += 7) {
    index.remove(sub);
    reads.erase(sub);
  }
  for (int round = 0; round < 500; ++round) {
    std::vector<WriteRecord> writes{write(rng() % 2 ? "t" : "u", rng() % 2 ? "i" : "j",
                                          rng() % 3 ? std::optional(random_key()) : std::nullopt, random_key())};
    std::vector<int> expected;
    for (const auto& [sub, r] : reads) {
      if (r.first_conflict(writes) != nullptr) expected.push_back(sub);
    }
    INFO("round " << round);
    CHECK(index.affected(writes) == expected);
  }
  CHECK(index.size() == reads.size());
}

TEST_CASE("pending commit log entries are checked, confirmed or retracted", "[occ]") {
  CommitLog log;
  ReadSet reads;
  reads.add_range("t", "i", KeyRange{"a", "z"});
  const auto begin = log.durable_sequence();
  const auto pending = log.append({write("t", "i", std::nullopt, "m")});
  CHECK(log.durable_sequence() == begin);  // not yet committed
  CHECK(log.first_conflict(reads, begin) != nullptr);  // but later group members see it
  log.retract(pending);
  CHECK(log.first_conflict(reads, begin) == nullptr);
  const auto next = log.append({write("t", "i", std::nullopt, "n")});
  CHECK(next > pending);  // sequences are never reused
  log.confirm(next);
  CHECK(log.durable_sequence() == next);
}

TEST_CASE("a cleared read set covers nothing, and reads again as a fresh one", "[occ]") {
  for (int reads_before : {1, 100}) {  // few: kept for reuse; many: dropped
    ReadSet reads;
    for (int i = 0; i < reads_before; ++i) reads.add_point("t", "doc" + std::to_string(i));
    reads.add_range("t", "by_x", KeyRange{"b", "d"});
    reads.clear();
    CHECK(reads.empty());
    CHECK(reads.size() == 0);
    CHECK(reads.first_conflict({write("t", "by_x", std::nullopt, "c")}) == nullptr);
    int visited = 0;
    reads.for_each([&](const std::string&, const std::string&, const KeyRange&) { ++visited; });
    CHECK(visited == 0);
    reads.add_point("t", "abcd");
    reads.add_range("t", "by_x", KeyRange{"x", "y"});
    CHECK(reads.size() == 2);
    Value id(std::string("abcd"));
    Value other(std::string("abc"));
    CHECK(reads.first_conflict({write("t", std::string(kById), std::nullopt, index_key(&id))}) != nullptr);
    CHECK(reads.first_conflict({write("t", std::string(kById), std::nullopt, index_key(&other))}) == nullptr);
    CHECK(reads.first_conflict({write("t", "by_x", std::nullopt, "c")}) == nullptr);  // the old range is gone
    CHECK(reads.first_conflict({write("t", "by_x", std::nullopt, "xa")}) != nullptr);
  }
}
