#!/usr/bin/env bash
# make profile: where the CPU goes on 1 MiB O_DIRECT writes from 4 threads
# (the point of issue 9's goals), to tmpfs and through diofs with the op log
# off and on. For each target, diofs_io_bench runs that benchmark alone under
#   perf stat -a   -> CPU time of the whole machine per MiB written
#   perf record -a -> the top symbols by command (diofs, the benchmark, kernel)
# and the figures go to results/bench/profiles/ (PROFILE.md and one
# TARGET.txt each). Needs perf (Debian: linux-perf); make test and make bench
# do not run it.
set -euo pipefail
build=${1:-build}
out=results/bench/profiles
bench="$build/bin/diofs_io_bench"
command -v perf > /dev/null || { echo "profile: perf not found (apt-get install linux-perf)" >&2; exit 1; }
command -v python3 > /dev/null || { echo "profile: python3 not found" >&2; exit 1; }
[[ -x $bench ]] || { echo "profile: $bench not built (make build)" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repetitions=${PROFILE_REPETITIONS:-10}

run() {  # run TARGET PERF-ARGS...: the benchmark of TARGET alone, under perf
  local target=$1
  shift
  perf "$@" -- "$bench" --benchmark_filter="^odirect_write/$target/1048576/.*threads:4\$" \
    --benchmark_repetitions="$repetitions" --benchmark_out="$work/$target.json" --benchmark_out_format=json > /dev/null
}

{
  echo "## CPU profile of 1 MiB O_DIRECT writes from 4 threads"
  echo
  echo "Written by \`make profile\` (scripts/profile.sh) on $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs,"
  echo "kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
  echo "CPU is perf stat's task-clock over the whole machine (-a) while diofs_io_bench"
  echo "ran that benchmark alone ($repetitions repetitions; its mounts are set up in the same window)."
  echo
  echo "| target | MiB written | CPU seconds | CPU us per MiB | MiB/s (median) |"
  echo "|---|---|---|---|---|"
} > "$work/PROFILE.md"

for target in tmpfs diofs_log_off diofs_log_on; do
  echo "== $target"
  run "$target" stat -a -x, -e task-clock -o "$work/$target.stat"
  python3 - "$work/$target.json" "$work/$target.stat" "$target" >> "$work/PROFILE.md" << 'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
iterations = [r for r in runs if r.get("run_type") == "iteration"]
# real_time is per iteration (wall / iterations), iterations the total over the threads
mib = sum(r["bytes_per_second"] * r["real_time"] * r["iterations"] / 1e9 for r in iterations) / 2**20
median = sorted(r["bytes_per_second"] for r in iterations)[len(iterations) // 2] / 2**20
cpu_ms = next(float(line.split(",")[0]) for line in open(sys.argv[2]) if "task-clock" in line)
print(f"| {sys.argv[3]} | {mib:.0f} | {cpu_ms / 1000:.2f} | {cpu_ms * 1000 / mib:.0f} | {median:.0f} |")
PY
  run "$target" record -a -g -o "$work/$target.data"
  {
    echo "# perf record -a, 1 MiB O_DIRECT writes from 4 threads to $target: share of all samples"
    echo "# (children not added in), by command and symbol, 0.5 % and above"
    perf report -i "$work/$target.data" --no-children --sort comm,dso,sym -g none --percent-limit 0.5 -q 2> /dev/null
  } > "$out/$target.txt"
done
echo >> "$work/PROFILE.md"
echo "Top symbols by command for each target: profiles/tmpfs.txt, profiles/diofs_log_off.txt, profiles/diofs_log_on.txt." >> "$work/PROFILE.md"
mv "$work/PROFILE.md" "$out/PROFILE.md"
echo "profiles in $out/"
