#!/usr/bin/env bash
# Fails (and cleans up) if a diofs mount is still up after the tests:
# every test that mounts must unmount, also when it fails.
set -u
left=$(awk '$3 == "fuse.diofs" || $1 == "diofs" {print $2}' /proc/mounts)
[[ -z "$left" ]] && exit 0
echo "error: diofs mounts left behind by the tests:" >&2
echo "$left" >&2
while read -r m; do fusermount3 -u -z "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done <<< "$left"
exit 1
