// What the blind write tests share (blind_patch_test.cpp, blind_delete_test.cpp): their schema,
// envelope helpers, and twin stores (one seed, the same calls) in which a write logged by
// store_log_patch / store_log_delete in one and by tx_begin / tx_update or tx_remove /
// tx_accept / tx_finish in the other must answer the same.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lunora/api/store_api.hpp"

namespace lunora::test {

inline const char* const kSchema = R"({"tables":{"notes":{"global":true,"document":{"kind":"object","fields":{
  "owner":{"kind":"string"},"body":{"kind":"string"},"score":{"kind":"float64"},"n":{"kind":"int64"},
  "done":{"kind":"boolean"},"data":{"kind":"optional","value":{"kind":"bytes"}},
  "meta":{"kind":"optional","value":{"kind":"any"}},"tag":{"kind":"optional","value":{"kind":"string"}},
  "author":{"kind":"optional","value":{"kind":"id","table":"users"}}}},
  "indexes":[{"name":"by_owner","fields":["owner"]},{"name":"by_done_owner","fields":["done","owner"]}]},
  "users":{"global":true,"document":{"kind":"object","fields":{"name":{"kind":"string"}}},"indexes":[]}}})";

inline nlohmann::json value_of(const std::string& envelope) {
  INFO(envelope);
  nlohmann::json parsed = nlohmann::json::parse(envelope);
  REQUIRE(parsed["ok"] == true);
  return parsed["value"];
}

inline nlohmann::json failure(const std::string& envelope) {
  INFO(envelope);
  nlohmann::json parsed = nlohmann::json::parse(envelope);
  REQUIRE(parsed["ok"] == false);
  return parsed;
}

// The error of a call whose success may not be an envelope (store_log_patch's bare array): an
// error envelope, which starts with '{'.
inline nlohmann::json error_envelope(const std::string& answer) {
  INFO(answer);
  REQUIRE(answer.front() == '{');
  return failure(answer);
}

struct Twin {
  int store = 0;
  std::string note;  // {"owner":"a","done":true,...}, committed and confirmed
  double creation_time = 0;
  std::string user;
};

inline Twin open_twin(const char* dialect = "postgres", const char* options = R"({"seed":"00ff"})") {
  Twin t;
  t.store = value_of(api::store_open(kSchema, dialect, options)).get<int>();
  const int tx = value_of(api::tx_begin(t.store)).get<int>();
  const nlohmann::json inserted = value_of(api::tx_insert(
      tx, "notes", R"({"owner":"a","body":"b","score":1,"n":{"$integer":"AQAAAAAAAAA="},"done":true})", 1.0));
  t.note = inserted["_id"];
  t.creation_time = inserted["_creationTime"];
  t.user = value_of(api::tx_insert(tx, "users", R"({"name":"u"})", 1.0))["_id"];
  const nlohmann::json accepted = value_of(api::tx_accept(tx));
  value_of(api::tx_finish(tx, accepted["sequence"].get<double>()));
  return t;
}

// A mutation that read the note by id, one that read by_owner's range of `owner`, one that read
// the user; each also registered as a subscription (1, 2, 3; 4: by_owner "b").
inline std::vector<int> watch(const Twin& t) {
  auto by_owner = [&](int tx, const char* owner) {
    const std::string query =
        std::string(R"({"table":"notes","index":"by_owner","range":[{"op":"eq","field":"owner","value":")") + owner + "\"}]}";
    const nlohmann::json begun = value_of(api::query_begin(t.store, tx, query, "", -1));
    if (!begun.value("finished", false)) value_of(api::query_feed(begun["run"].get<int>(), "[]"));
  };
  std::vector<int> readers;
  for (int sub = 1; sub <= 4; ++sub) {
    for (int copy = 0; copy < 2; ++copy) {
      const int tx = value_of(api::tx_begin(t.store)).get<int>();
      if (sub == 1) value_of(api::tx_get(tx, "", t.note));
      if (sub == 2) by_owner(tx, "a");
      if (sub == 3) value_of(api::tx_get(tx, "", t.user));
      if (sub == 4) by_owner(tx, "b");
      if (copy == 0) {
        value_of(api::sub_set(tx, sub));
        api::tx_end(tx);
      } else {
        readers.push_back(tx);
      }
    }
  }
  return readers;
}

// tx_validate of each reader.
inline nlohmann::json conflicts(const std::vector<int>& readers) {
  nlohmann::json out = nlohmann::json::array();
  for (int tx : readers) out.push_back(value_of(api::tx_validate(tx)));
  return out;
}

}  // namespace lunora::test
