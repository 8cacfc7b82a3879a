#!/usr/bin/env bash
# Fails (and cleans up) if a diofs mount made by this checkout's tests is
# still up after them: every test that mounts must unmount, also when it
# fails. ctest gives every test a TMPDIR of this build folder's own (cmake/Testing.cmake,
# its path in BUILD/test-tmpdir),
# so only mounts under that folder are looked at: other users' mounts, and
# this user's other work, are never touched.
# Usage: scripts/check-no-mounts.sh [BUILD]   (default: build, beside scripts/)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
[[ "$build" == /* ]] || build="$root/$build"
# The tests' TMPDIR, as cmake/Testing.cmake chose it for this build folder.
[[ -f "$build/test-tmpdir" ]] || exit 0
tests_tmp=$(head -n 1 "$build/test-tmpdir")
[[ -d "$tests_tmp" ]] || exit 0
tests_tmp=$(realpath "$tests_tmp")  # /proc/mounts names resolved paths
# Field 2 is the mount point, with space, tab, newline and backslash as \ooo.
left=$(awk -v dir="$tests_tmp/" '($3 == "fuse.diofs" || $1 ~ /^diofs(:|$)/) && index($2, dir) == 1 {print $2}' /proc/mounts)
[[ -z "$left" ]] && exit 0
echo "error: diofs mounts left behind by the tests (under $tests_tmp):" >&2
echo "$left" >&2
while read -r m; do
  m=$(printf '%b' "${m//\\/\\0}")  # \040 -> space (printf's %b wants \0ooo)
  fusermount3 -u -z "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
done <<< "$left"
exit 1
