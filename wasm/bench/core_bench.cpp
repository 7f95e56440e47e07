// Native benchmarks of the core (built only with -DLUNORA_BENCH=ON; see docs/BENCHMARKS.md).
//
//   lunora_core_bench replay <fixtures.json> [iterations] [engine] [op]
//       Replays, through lunora::api (the functions embind exposes), the exact core calls the
//       package made for one point operation / query page, as recorded by scripts/bench/run.mjs.
//       Same inputs as the WASM measurement, minus embind and V8: the native floor.
//       With LUNORA_BENCH_EVICT_MB=64 each timed operation starts with cold caches (below).
//   lunora_core_bench subs [max_subscriptions]
//       lunora::SubscriptionIndex: time to find the subscriptions affected by a commit of 10
//       writes with 1k / 10k / 100k live subscriptions over distinct index ranges.
// Output: one JSON object on stdout.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lunora/api/store_api.hpp"
#include "lunora/occ/read_set.hpp"
#include "lunora/value/index_key.hpp"

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

json summarize(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<std::size_t>(q * (us.size() - 1) + 0.5))]; };
  double sum = 0;
  for (double v : us) sum += v;
  return {{"n", us.size()}, {"median_us", at(0.5)}, {"p99_us", at(0.99)}, {"mean_us", sum / us.size()}};
}

// ---- replay -------------------------------------------------------------------------------

int arg_int(const json& a) { return static_cast<int>(a.get<double>()); }

// Calls one api function by its embind name; returns the envelope.
std::string call(const std::string& fn, const std::vector<json>& a) {
  using namespace lunora::api;
  auto s = [&](std::size_t i) { return a.at(i).get<std::string>(); };
  auto n = [&](std::size_t i) { return arg_int(a.at(i)); };
  auto d = [&](std::size_t i) { return a.at(i).get<double>(); };
  if (fn == "storeGet") return store_get(n(0), s(1), s(2));
  if (fn == "storeBlindPatch") return store_blind_patch_compact(n(0), s(1), s(2), s(3), a.size() < 5 || a.at(4).get<bool>());
  if (fn == "storeLogPatch") return store_log_patch(n(0), s(1), d(2), s(3), s(4));
  if (fn == "storeLogPatchPending") return store_log_patch_pending(n(0), s(1));
  if (fn == "storeSettlePending") return store_settle_pending(n(0), d(1), a.at(2).get<bool>());
  if (fn == "storeBlindDelete") return store_blind_delete(n(0), s(1));
  if (fn == "storeLogDelete") return store_log_delete(n(0), s(1), d(2), s(3));
  if (fn == "storeGetText") return std::to_string(store_get_text(n(0), s(1), s(2)));
  if (fn == "txGetText") return std::to_string(tx_get_text(n(0), s(1), s(2)));
  if (fn == "storeNormalizeId") return store_normalize_id(n(0), s(1), s(2));
  if (fn == "txBegin") return tx_begin(n(0));
  if (fn == "txBeginHandle") return std::to_string(tx_begin_handle(n(0)));
  if (fn == "txInsert") return tx_insert(n(0), s(1), s(2), d(3));
  if (fn == "txInsertCompact") return tx_insert_compact(n(0), s(1), s(2), d(3));
  if (fn == "txGet") return tx_get(n(0), s(1), s(2));
  if (fn == "txUpdate") return tx_update(n(0), s(1), s(2), d(3), s(4), s(5), a.size() > 6 ? s(6) : std::string());
  if (fn == "txPatch") return tx_patch(n(0), s(1), s(2), d(3), s(4), s(5), s(6), d(7));
  if (fn == "txRemove") return tx_remove(n(0), s(1), s(2), d(3), s(4));
  if (fn == "txValidate") return tx_validate(n(0));
  if (fn == "txRecordCommit") return tx_record_commit(n(0));
  if (fn == "txRecordCommitCompact") return tx_record_commit_compact(n(0));
  if (fn == "txAccept") return tx_accept(n(0));
  if (fn == "txAcceptCompact") return tx_accept_compact(n(0));
  if (fn == "txCommitPlan") return tx_commit_plan(n(0));
  if (fn == "txBatchPlan") return tx_batch_plan(s(0));
  if (fn == "txBatchPlanCompact") return tx_batch_plan_compact(s(0));
  if (fn == "txAcceptPlan") return tx_accept_plan(n(0));
  if (fn == "txAcceptPlanCompact") return tx_accept_plan_compact(n(0));
  if (fn == "txCheckPlanCompact") return tx_check_plan_compact(n(0));
  if (fn == "txFinish") return tx_finish(n(0), d(1));
  if (fn == "storeConfirm") return store_confirm(n(0), d(1));
  if (fn == "storeRetract") return store_retract(n(0), d(1));
  if (fn == "txDescribe") return tx_describe(n(0), n(1));
  if (fn == "txEnd") return tx_end(n(0));
  if (fn == "subSet") return sub_set(n(0), n(1));
  if (fn == "subRemove") return sub_remove(n(0), n(1));
  if (fn == "queryBegin") return query_begin(n(0), n(1), s(2), s(3), d(4));
  if (fn == "queryFeed") return query_feed(n(0), s(1));
  if (fn == "queryFeedCount") return query_feed_count(n(0), d(1), s(2));
  if (fn == "queryEnd") return query_end(n(0));
  throw std::runtime_error("replay: unknown core function " + fn);
}

// Handles (store, tx, query run) are small integers returned in envelopes; a recorded call's
// handle arguments are mapped to the handles this replay got back.
struct Replayer {
  std::map<int, int> handles;
  // Commit log sequences are this replay's own too (a recorded one would leave every
  // replayed commit pending, and the log would grow without bound).
  double sequence = -1;
  std::vector<json> calls;  // [{fn, args, handleArgs: [i...], returns: recorded handle or null}]

  void run_once() {
    for (const auto& c : calls) {
      std::vector<json> args = c["args"].get<std::vector<json>>();
      for (const auto& i : c["handleArgs"]) {
        const auto idx = i.get<std::size_t>();
        auto it = handles.find(arg_int(args[idx]));
        if (it != handles.end()) args[idx] = it->second;
      }
      if (c["fn"] == "txBatchPlan" || c["fn"] == "txBatchPlanCompact") {  // a JSON array of mutation handles
        json txs = json::parse(args[0].get<std::string>());
        for (auto& h : txs) {
          auto it = handles.find(h.get<int>());
          if (it != handles.end()) h = it->second;
        }
        args[0] = txs.dump();
      }
      const std::string fn = c["fn"].get<std::string>();
      if ((fn == "storeConfirm" || fn == "storeRetract" || fn == "txFinish" || fn == "storeSettlePending") && sequence >= 0) {
        args[1] = sequence;
      }
      std::string out = call(fn, args);
      const bool compact_accept =
          (fn == "txAcceptCompact" || fn == "txAcceptPlanCompact" || fn == "storeLogPatchPending") && out.front() == '[';
      if (fn == "txRecordCommitCompact" && out.front() != '{') {
        sequence = std::strtod(out.c_str(), nullptr);  // sequence[,affected...]
      } else if (compact_accept) {
        // [[affected...],sequence,...]: the number after the first "],", read without a JSON tree.
        sequence = std::strtod(out.c_str() + out.find("],") + 2, nullptr);
      } else if (fn == "txRecordCommit" || fn == "txAccept" || fn == "txAcceptPlan" || fn == "txAcceptCompact" ||
                 fn == "txAcceptPlanCompact") {
        auto env = json::parse(out);
        if (auto s = env["value"].find("sequence"); s != env["value"].end()) sequence = s->get<double>();
      }
      // The point reads answered by a number (store_get_text): -2 asks for the envelope, as
      // the shim does the first time a table is read in a fresh store (this replay's).
      const bool number_answer = fn == "storeGetText" || fn == "txGetText";
      if (number_answer && out == "-2") out = call(fn == "txGetText" ? "txGet" : "storeGet", args);
      // Answers are envelopes, numbers (point reads above, tx_begin_handle) or compact text
      // (tx_insert_compact, tx_accept_compact, tx_accept_plan_compact, tx_batch_plan_compact),
      // whose errors are envelopes.
      if (out.compare(0, 11, "{\"ok\":false") == 0) throw std::runtime_error("replay: " + fn + " failed: " + out.substr(0, 300));
      if (c.contains("returns") && c["returns"].is_number()) {
        // {"ok":true,"value":<int>}, {"ok":true,"value":{"run":<int>,...}} or <int> (txBeginHandle)
        auto env = json::parse(out);
        const json& v = env.is_number() ? env : env["value"];
        const int fresh = v.is_number() ? v.get<int>() : v.at("run").get<int>();
        handles[c["returns"].get<int>()] = fresh;
      }
    }
  }
};

// LUNORA_BENCH_EVICT_MB=N: before each timed operation, stream through N MiB of other data,
// as the machine does to the core while a live operation waits for its server (a cold run;
// under callgrind --cache-sim=yes its misses are those of a cold operation).
void evict_caches() {
  static const std::size_t bytes = [] {
    const char* mb = std::getenv("LUNORA_BENCH_EVICT_MB");
    return mb == nullptr ? std::size_t{0} : static_cast<std::size_t>(std::atoi(mb)) << 20;
  }();
  if (bytes == 0) return;
  static std::vector<unsigned char> junk(bytes, 1);
  static volatile unsigned sink = 0;
  unsigned sum = 0;
  for (std::size_t i = 0; i < bytes; i += 64) sum += junk[i]++;
  sink = sink + sum;  // (kept: the loads are not optimised away)
}

int replay(const std::string& path, int iterations, const std::string& only_engine, const std::string& only_op) {
  std::ifstream in(path);
  json fixtures = json::parse(in);
  json result = json::object();
  for (const auto& [engine, spec] : fixtures["engines"].items()) {
    if (!only_engine.empty() && engine != only_engine) continue;
    std::string env = lunora::api::store_open(spec["schema"].get<std::string>(), engine, spec["options"].get<std::string>());
    const int store = json::parse(env)["value"].get<int>();
    json per_op = json::object();
    for (const auto& [op, calls] : spec["ops"].items()) {
      if (!only_op.empty() && op != only_op) continue;
      Replayer r;
      r.handles[spec["store"].get<int>()] = store;
      r.calls = calls.get<std::vector<json>>();
      for (int i = 0; i < std::max(10, iterations / 10); ++i) r.run_once();  // warm-up
      std::vector<double> us;
      us.reserve(iterations);
      for (int i = 0; i < iterations; ++i) {
        evict_caches();
        auto t0 = Clock::now();
        r.run_once();
        us.push_back(micros(Clock::now() - t0));
      }
      json s = summarize(us);
      s["core_calls"] = r.calls.size();
      per_op[op] = s;
    }
    result[engine] = per_op;
    lunora::api::store_close(store);
  }
  std::cout << json({{"replay", result}}).dump() << "\n";
  return 0;
}

// ---- subscription invalidation -------------------------------------------------------------

std::string age_key(double age) {
  lunora::Value v(age);
  return lunora::index_key(&v);
}

int subs(int max_subscriptions) {
  json out = json::array();
  std::mt19937_64 rng(42);
  for (int n : {1000, 10000, 100000, 1000000}) {
    if (n > max_subscriptions) break;
    lunora::SubscriptionIndex index;
    // Subscription i reads the by_age range of age == i: [key(i), successor(key(i))).
    auto t_build = Clock::now();
    for (int i = 0; i < n; ++i) {
      lunora::ReadSet reads;
      std::string lo = age_key(i);
      reads.add_range("bench_docs", "by_age", lunora::KeyRange{lo, lunora::prefix_successor(lo)});
      index.set(i + 1, reads);
    }
    const double build_ms = micros(Clock::now() - t_build) / 1000;

    // A commit of 10 updates: each moves a document from one age to another; every write
    // carries its keys in by_age, by_creation_time and by_id (the latter two unread here).
    auto commit = [&](std::vector<lunora::WriteRecord>& writes) {
      writes.clear();
      for (int w = 0; w < 10; ++w) {
        const double from = static_cast<double>(rng() % n), to = static_cast<double>(rng() % n);
        std::string id = "doc" + std::to_string(rng() % 1000000);
        lunora::WriteRecord rec{"bench_docs", id, {}};
        rec.keys.push_back({"by_age", age_key(from) + id, age_key(to) + id});
        rec.keys.push_back({std::string(lunora::kByCreationTime), age_key(1.7e12) + id, age_key(1.7e12) + id});
        rec.keys.push_back({std::string(lunora::kById), id, id});
        writes.push_back(std::move(rec));
      }
    };
    std::vector<lunora::WriteRecord> writes;
    // First commit after the index changed pays the lazy prefix-max rebuild.
    commit(writes);
    auto t0 = Clock::now();
    auto first = index.affected(writes);
    const double first_us = micros(Clock::now() - t0);

    std::vector<double> steady;
    std::size_t found = 0;
    const int rounds = 2000;
    for (int r = 0; r < rounds; ++r) {
      commit(writes);
      auto t = Clock::now();
      auto hit = index.affected(writes);
      steady.push_back(micros(Clock::now() - t));
      found += hit.size();
    }

    // The live cycle: each commit re-runs the subscriptions it hit, which re-register their
    // read set (set = remove + insert), so the next commit rebuilds the bucket's prefix max.
    // Two cases: the re-run read the same range as before (`same`), or a different one
    // (`changed`: the range's upper bound moves every round).
    auto cycle = [&](bool change, std::vector<double>& cycle_affected, std::vector<double>& cycle_reregister) {
      const int cycle_rounds = n >= 100000 ? 50 : 200;
      for (int r = 0; r < cycle_rounds; ++r) {
        commit(writes);
        auto t = Clock::now();
        auto hit = index.affected(writes);
        cycle_affected.push_back(micros(Clock::now() - t));
        auto t2 = Clock::now();
        for (int sub : hit) {
          lunora::ReadSet reads;
          std::string lo = age_key(sub - 1);
          std::string hi = lunora::prefix_successor(lo);
          if (change && r % 2 == 0) hi.push_back('\0');
          reads.add_range("bench_docs", "by_age", lunora::KeyRange{lo, hi});
          index.set(sub, reads);
        }
        cycle_reregister.push_back(micros(Clock::now() - t2) / std::max<std::size_t>(1, hit.size()));
      }
    };
    std::vector<double> cycle_affected, cycle_reregister, changed_affected, changed_reregister;
    cycle(false, cycle_affected, cycle_reregister);
    cycle(true, changed_affected, changed_reregister);
    out.push_back({{"subscriptions", n},
                   {"build_ms", build_ms},
                   {"first_commit_us", first_us},
                   {"first_commit_affected", first.size()},
                   {"steady", summarize(steady)},
                   {"avg_affected", static_cast<double>(found) / rounds},
                   {"after_reregister", summarize(cycle_affected)},
                   {"reregister_per_sub", summarize(cycle_reregister)},
                   {"after_changed_reregister", summarize(changed_affected)},
                   {"changed_reregister_per_sub", summarize(changed_reregister)}});
  }
  std::cout << json({{"subscriptions", out}}).dump() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "replay" && argc > 2) {
      return replay(argv[2], argc > 3 ? std::atoi(argv[3]) : 20000, argc > 4 ? argv[4] : "", argc > 5 ? argv[5] : "");
    }
    if (mode == "subs") return subs(argc > 2 ? std::atoi(argv[2]) : 100000);
    std::cerr << "usage: lunora_core_bench replay <fixtures.json> [iterations] [engine] [op] | subs [max]\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "lunora_core_bench: " << e.what() << "\n";
    return 1;
  }
}
