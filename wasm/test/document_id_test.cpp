#include <catch2/catch.hpp>

#include <string>

#include "lunora/store/document_id.hpp"

TEST_CASE("generated ids carry their table's hash and use the id alphabet") {
  lunora::IdGenerator ids;
  ids.seed(std::string(32, '\x5a'));
  for (int i = 0; i < 500; ++i) {
    const std::string table = "table_" + std::to_string(i);
    const std::string id = ids.next(table);
    INFO(id);
    REQUIRE(id.size() == lunora::kIdLength);
    CHECK(id.find_first_not_of("0123456789abcdefghjkmnpqrstvwxyz") == std::string::npos);
    CHECK(lunora::is_id_of_table(id, table));
    CHECK_FALSE(lunora::is_id_of_table(id, table + "x"));
    CHECK(lunora::id_table_hash(id) == lunora::table_hash(table));
  }
}

TEST_CASE("only 32 digits of the lowercase alphabet are ids") {
  lunora::IdGenerator ids;
  const std::string id = ids.next("orders");
  REQUIRE(lunora::is_id_of_table(id, "orders"));
  for (std::size_t at : {std::size_t{0}, std::size_t{7}, std::size_t{8}, std::size_t{31}}) {
    for (char bad : {'i', 'l', 'o', 'u', 'A', '\0', '\xff', '-'}) {
      std::string broken = id;
      broken[at] = bad;
      INFO(at << " " << static_cast<int>(bad));
      CHECK_FALSE(lunora::id_table_hash(broken));
    }
  }
  CHECK_FALSE(lunora::id_table_hash(id.substr(1)));
  CHECK_FALSE(lunora::id_table_hash(id + "0"));
  // All zero bits and all one bits.
  CHECK(lunora::id_table_hash(std::string(32, '0')) == 0u);
  CHECK(lunora::id_table_hash(std::string(32, 'z')) == 0xffffffffu);
}

// The shim keeps a query's point-read answers by table tag (js-shim/src/global/core-store.ts,
// idTableTag): what the core answers for an id must not depend on its first 25 characters.
TEST_CASE("an id's table is in its last 7 characters") {
  lunora::IdGenerator ids;
  ids.seed(std::string(32, '\x17'));
  const std::string alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  for (int i = 0; i < 200; ++i) {
    const std::string id = ids.next("table_" + std::to_string(i));
    for (std::size_t at = 0; at < 25; ++at) {
      std::string other = id;
      other[at] = alphabet[(alphabet.find(id[at]) + 1 + i) % 32];
      INFO(id << " " << other);
      CHECK(lunora::id_table_hash(other) == lunora::id_table_hash(id));
    }
    std::string moved = id;
    moved[25] = alphabet[alphabet.find(id[25]) ^ 1u];  // the lowest bit of char 25 is the hash's
    CHECK(lunora::id_table_hash(moved) != lunora::id_table_hash(id));
  }
}
