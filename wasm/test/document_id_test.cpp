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
