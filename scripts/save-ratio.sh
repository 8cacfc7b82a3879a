#!/usr/bin/env bash
# scripts/save-ratio.sh [BUILD] [PAIRS]: issue 19's save ratio. `mrmigrate
# save` of 1 GiB (pc.ram=1G, 50 % zero pages), 4 multifd channels,
# direct-io, through diofs mounted as `dioharness run` mounts it for a
# migration (strict-4k, mem backend, op log on, --direct-io-all,
# --max-threads max(2, CPUs)) against the same save to tmpfs (/dev/shm),
# PAIRS interleaved pairs (default 6; the order within a pair alternates so
# that neither side always runs second). Prints each pair's times and ratio
# (tmpfs time / diofs time: 1.0 is as fast as tmpfs) and the median.
# A figure for the README, not a test: run it on a quiet machine.
set -euo pipefail
build=${1:-build}
pairs=${2:-6}
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/$build/bin"
work=$(mktemp -d "${TMPDIR:-/tmp}/dioharness-ratio.XXXXXX")
shm=$(mktemp -d /dev/shm/dioharness-ratio.XXXXXX)
mnt="$work/mnt"
mkdir -p "$mnt"
daemon=
cleanup() {
  if mountpoint -q "$mnt"; then fusermount3 -u "$mnt" || umount -l "$mnt"; fi
  [[ -n $daemon ]] && wait "$daemon" 2>/dev/null || true
  rm -rf "$work" "$shm"
}
trap cleanup EXIT
threads=$(( $(nproc) > 2 ? $(nproc) : 2 ))
"$bin/diofs" --foreground --profile strict-4k --log "$work/ops.log" --direct-io-all --max-threads "$threads" "$mnt" &
daemon=$!
for _ in $(seq 100); do mountpoint -q "$mnt" && break; sleep 0.1; done
mountpoint -q "$mnt" || { echo "save-ratio: diofs did not mount" >&2; exit 1; }

save() {  # save TARGET: seconds of one save
  local start end
  start=$(date +%s.%N)
  "$bin/mrmigrate" save --ram pc.ram=1G --capability mapped-ram=on --capability multifd=on \
    --parameter multifd-channels=4 --parameter direct-io=on "$1" >/dev/null 2>"$work/save.err" ||
    { echo "save-ratio: mrmigrate save $1 failed:" >&2; cat "$work/save.err" >&2; exit 1; }
  end=$(date +%s.%N)
  rm -f "$1"
  echo "$end - $start" | bc -l
}

ratios=()
printf '%-5s %10s %10s %7s\n' pair tmpfs_s diofs_s ratio
for i in $(seq "$pairs"); do
  if (( i % 2 )); then t=$(save "$shm/guest.img"); d=$(save "$mnt/guest.img")
  else d=$(save "$mnt/guest.img"); t=$(save "$shm/guest.img"); fi
  r=$(echo "$t / $d" | bc -l)
  ratios+=("$r")
  printf '%-5s %10.3f %10.3f %7.3f\n' "$i" "$t" "$d" "$r"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
printf 'median ratio %.3f over %d pairs (goal >= 0.60); load average %s\n' "$median" "$pairs" "$(cut -d' ' -f1-3 /proc/loadavg)"
