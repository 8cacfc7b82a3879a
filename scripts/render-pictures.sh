#!/bin/sh
# Renders the SVG pictures the harness writes to PNG beside them (for a chat,
# a ticket or a slide): the demo's write map and the benchmark chart by
# default, or the SVG files given. Needs rsvg-convert (librsvg2-bin, which
# scripts/install-deps.sh installs). Exit 1 when a picture does not render.
set -eu
if [ "$#" -eq 0 ]; then
  set -- results/demo/write-map.svg results/bench/summary.svg
fi
status=0
for svg in "$@"; do
  if [ ! -f "$svg" ]; then
    echo "render-pictures: $svg: no such file (make demo / make bench write them)" >&2
    status=1
    continue
  fi
  png="${svg%.svg}.png"
  if rsvg-convert -o "$png" "$svg"; then
    echo "$png: $(wc -c < "$png") bytes"
  else
    echo "render-pictures: $svg does not render" >&2
    status=1
  fi
done
exit "$status"
