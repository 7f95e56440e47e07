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
