#!/usr/bin/env bash
# Builds the libFuzzer targets of wasm/fuzz (clang 14, ASan + UBSan) and runs each one.
#   scripts/fuzz.sh [seconds-per-target] [target...]
# Default 60 s per target, every target. Each run starts from the committed seed corpus
# (wasm/fuzz/corpus/<target>/, read only) plus a scratch corpus in build/fuzz/corpus/<target>/;
# a crash leaves its input in build/fuzz/artifacts/ and fails the script. Keep every crash
# input as a regression: copy it into wasm/fuzz/corpus/<target>/ (the smoke run in
# scripts/test.sh replays the corpus) after fixing the core.
# LUNORA_FUZZ_REPLAY_ONLY=1 only replays the committed corpora.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build=build/fuzz
cxx=${CXX_FUZZ:-$(command -v clang++-14 || command -v clang++)}

if [ ! -f "$build/CMakeCache.txt" ]; then
  CXX=$cxx cmake -S . -B "$build" -DLUNORA_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in wasm/fuzz/fuzz_*.cpp; do targets+=("$(basename "$f" .cpp)"); done
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >/dev/null

mkdir -p "$build/artifacts"
printf '%-16s %10s %8s %10s\n' target executions seconds exec/s
for t in "${targets[@]}"; do
  seeds=wasm/fuzz/corpus/$t
  scratch=$build/corpus/$t
  mkdir -p "$scratch"
  log=$build/$t.log
  # Replay every committed input first (crash regressions included).
  if ! "$build/$t" -runs=0 "$seeds" >"$log.replay" 2>&1; then
    cat "$log.replay" >&2
    echo "fuzz: $t fails on its committed corpus" >&2
    exit 1
  fi
  [ "${LUNORA_FUZZ_REPLAY_ONLY:-0}" = 1 ] && { echo "$t: corpus replayed"; continue; }
  if ! "$build/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
       -artifact_prefix="$build/artifacts/$t-" "$scratch" "$seeds" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzz: $t found a crash (input in $build/artifacts/)" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
  printf '%-16s %10s %8s %10s\n' "$t" "$runs" "$time" "$(( runs / (time > 0 ? time : 1) ))"
done
