#!/usr/bin/env bash
# make bench: run every Google Benchmark binary (build/bin/*_bench, *_benchmark) and keep
# its JSON in results/bench/NAME.json. Benchmarks report ratios against a
# baseline measured in the same run; nothing here asserts a time.
set -euo pipefail
build=${1:-build}
out=results/bench
mkdir -p "$out"
shopt -s nullglob
benches=("$build"/bin/*_bench "$build"/bin/*_benchmark)
[[ ${#benches[@]} -gt 0 ]] || { echo "bench: no *_bench or *_benchmark binaries in $build/bin (DIOHARNESS_BUILD_BENCHMARKS=OFF?)" >&2; exit 1; }
for bench in "${benches[@]}"; do
  name=$(basename "$bench")
  echo "== $name"
  # Interleaving spreads a drift of the machine's load over every configuration.
  "$bench" --benchmark_repetitions="${BENCH_REPETITIONS:-3}" --benchmark_report_aggregates_only=true \
    --benchmark_enable_random_interleaving=true \
    --benchmark_out="$out/$name.json" --benchmark_out_format=json
done
"$build"/bin/dioharness bench-report --dir "$out"
echo "JSON, summary.md and summary.svg in $out/"
