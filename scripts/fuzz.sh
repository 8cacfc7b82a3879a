#!/usr/bin/env bash
# make fuzz [FUZZ_SECONDS=N] [FUZZ_RUNS=M] [FUZZ_TARGETS="a b"]: builds the
# libFuzzer targets of fuzz/ with clang, ASan and UBSan in BUILD (build-fuzz),
# then runs each for N seconds (or until M executions, whichever comes first)
# on a copy of its seed corpus (fuzz/corpus/NAME). Prints the
# executions and findings of each; exits 1 if any target found a crash, a
# leak or a timeout (the input is kept in BUILD/findings/NAME/).
set -euo pipefail
build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
runs=${FUZZ_RUNS:--1}
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

CC=clang CXX=clang++ cmake -S "$top" -B "$build" -G Ninja -DDIOHARNESS_FUZZ=ON \
  -DDIOHARNESS_SANITIZE=address,undefined -DDIOHARNESS_BUILD_BENCHMARKS=OFF \
  -DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS="-O1 -g1" -DCMAKE_CXX_FLAGS="-O1 -g1" ${CMAKE_FLAGS:-} >/dev/null
cmake --build "$build" -j "$jobs" --target fuzz_targets

targets=${FUZZ_TARGETS:-$(cd "$top/fuzz" && ls ./*_fuzz.cc | sed 's|^\./||; s|\.cc$||')}
status=0
printf '%-22s %12s %8s %s\n' target executions corpus result
for t in $targets; do
  corpus="$build/corpus/$t" findings="$build/findings/$t"
  mkdir -p "$corpus" "$findings"
  [[ -d "$top/fuzz/corpus/$t" ]] && cp -n "$top/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null || true
  log="$build/$t.log"
  rc=0
  # -rss_limit_mb: a parser that grows without bound is a finding too.
  ASAN_OPTIONS=detect_leaks=1 "$build/bin/$t" -max_total_time="$seconds" -runs="$runs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" >"$log" 2>&1 || rc=$?
  executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  size=$(ls "$corpus" | wc -l)
  if [[ $rc -eq 0 ]]; then
    result=clean
  else
    result="FOUND (exit $rc): $(ls "$findings" | head -3 | tr '\n' ' ')see $log"
    status=1
  fi
  printf '%-22s %12s %8s %s\n' "$t" "$executed" "$size" "$result"
done
exit $status
