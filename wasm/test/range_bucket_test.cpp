// RangeBucket against a brute-force scan, with blocks small enough that every operation
// splits, empties or crosses blocks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "lunora/occ/range_bucket.hpp"

using namespace lunora;

namespace {

struct Live {
  KeyRange range;
  int subscription;
};

std::vector<int> brute_force(const std::vector<Live>& live, const std::string& key) {
  std::vector<int> out;
  for (const auto& l : live) {
    if (l.range.contains(key)) out.push_back(l.subscription);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("range bucket: inserts, removes and stabbing queries match a brute-force scan", "[occ]") {
  const std::size_t block_size = GENERATE(2, 3, 8);
  std::mt19937 rng(static_cast<unsigned>(11 + block_size));
  auto random_key = [&] {
    std::string key(1 + rng() % 3, 'a');
    for (char& c : key) c = static_cast<char>('a' + rng() % 5);
    return key;
  };
  RangeBucket bucket(block_size);
  std::vector<Live> live;
  for (int step = 0; step < 3000; ++step) {
    const auto op = rng() % 10;
    if (op < 5 || live.empty()) {
      std::string lo = random_key(), hi = random_key();
      if (hi < lo) std::swap(lo, hi);
      if (rng() % 8 == 0) hi.clear();
      const int sub = static_cast<int>(rng() % 50);
      bucket.insert(KeyRange{lo, hi}, sub);
      live.push_back({KeyRange{lo, hi}, sub});
    } else if (op < 8) {
      const std::size_t i = rng() % live.size();
      REQUIRE(bucket.remove(live[i].range, live[i].subscription));
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      const std::string key = random_key();
      std::vector<int> got;
      bucket.collect(key, got);
      std::sort(got.begin(), got.end());
      INFO("step " << step << ", key " << key << ", block size " << block_size);
      CHECK(got == brute_force(live, key));
    }
    REQUIRE(bucket.size() == live.size());
  }
  CHECK_FALSE(bucket.remove(KeyRange{"zz", "zzz"}, 1));
  for (const auto& l : live) REQUIRE(bucket.remove(l.range, l.subscription));
  CHECK(bucket.empty());
  std::vector<int> none;
  bucket.collect("a", none);
  CHECK(none.empty());
}
