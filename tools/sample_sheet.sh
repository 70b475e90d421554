#!/usr/bin/env bash
# A sheet of samples, one line per seed, as PNG: how a model's random hands look side by side.
#   tools/sample_sheet.sh MODEL.hwm OUT.png "text" [SEEDS] [hw sample options...]
# e.g. tools/sample_sheet.sh web/models/default.hwm docs/img/random-hands.png "The quick brown fox" 8 --bias 1
# Needs build/bin/hw (make build) and rsvg-convert (librsvg2-bin, installed by make setup).
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,4p "$0" >&2; exit 2; }
model=$1 out=$2 text=$3 seeds=${4:-8}
shift $(( $# >= 4 ? 4 : 3 ))
hw=${HW:-build/bin/hw}
[ -x "$hw" ] || { echo "sample_sheet: $hw is missing (make build)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
y=0 width=0 body=
for seed in $(seq 1 "$seeds"); do
  "$hw" sample --model "$model" --text "$text" --seed "$seed" --height 70 "$@" -o "$tmp/$seed.svg"
  w=$(grep -o -m1 'width="[0-9]*"' "$tmp/$seed.svg" | tr -dc 0-9)
  h=$(grep -o -m1 'height="[0-9]*"' "$tmp/$seed.svg" | tr -dc 0-9)
  body+=$(grep -v '^<?xml' "$tmp/$seed.svg" | sed "1s/^<svg /<svg x=\"0\" y=\"$y\" /")
  y=$((y + h)); [ "$w" -gt "$width" ] && width=$w
done
{ echo "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"$width\" height=\"$y\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
  echo "$body"; echo "</svg>"; } > "$tmp/sheet.svg"
rsvg-convert -o "$tmp/sheet.png" "$tmp/sheet.svg"
mv "$tmp/sheet.png" "$out"
echo "sample_sheet: wrote $out ($seeds lines)"
