#!/usr/bin/env bash
# The sheet for counting wrong words by eye (issue #21): 12 sentences of the team's own, none in the
# corpus (4 with Western European letters), 3 seeds each, at the page's legibility (bias 0.75),
# labelled, as one PNG per model. Count every wrong word: a missing bar or dot, a capital inside a
# word, a letter inserted, doubled, dropped or run into the next word.
#   tools/accuracy_sheet.sh OUT.png MODEL.hwm [hw sample options...]
# Needs build/bin/hw (make build) and rsvg-convert (librsvg2-bin, installed by make setup).
set -euo pipefail
[ $# -ge 2 ] || { sed -n 6,7p "$0" >&2; exit 2; }
out=$1 model=$2
shift 2
hw=${HW:-build/bin/hw}
[ -x "$hw" ] || { echo "accuracy_sheet: $hw is missing (make build)" >&2; exit 2; }
sentences=("The kettle whistled twice before anyone moved." "Fetch the ladder from the barn after lunch."
  "Her tiny garden grows thyme, mint and beans." "Twelve boats drifted past the quiet lighthouse."
  "Please return the atlas to the third shelf." "My brother bakes bread on Saturday mornings."
  "The letter arrived late, but it was worth it." "Foxes hunt at dusk near the frozen river."
  "Der Bäcker öffnet um sieben Uhr früh." "Mañana iré al mercado con mi niña."
  "Le garçon a déjà mangé sa crème." "Il caffè è più forte di così.")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
y=0 width=0 body= n=0 words=0
for s in "${sentences[@]}"; do
  for seed in 21 22 23; do
    n=$((n + 1)); words=$((words + $(echo "$s" | wc -w)))
    if ! "$hw" sample --model "$model" --text "$s" --seed "$seed" --bias 0.75 --height 64 "$@" -o "$tmp/$n.svg" 2>"$tmp/err"; then
      body+="<text x=\"60\" y=\"$((y + 30))\" font-family=\"sans-serif\" font-size=\"14\" fill=\"#c00\">$n: $(sed 's/[<&]/ /g' "$tmp/err" | head -c 150)</text>"
      y=$((y + 40)); continue
    fi
    w=$(grep -o -m1 'width="[0-9]*"' "$tmp/$n.svg" | tr -dc 0-9)
    h=$(grep -o -m1 'height="[0-9]*"' "$tmp/$n.svg" | tr -dc 0-9)
    body+="<text x=\"4\" y=\"$((y + 12))\" font-family=\"sans-serif\" font-size=\"11\" fill=\"#888\">$n (seed $seed)</text>"
    body+=$(grep -v '^<?xml' "$tmp/$n.svg" | sed "1s/^<svg /<svg x=\"60\" y=\"$y\" /")
    y=$((y + h)); [ $((w + 60)) -gt "$width" ] && width=$((w + 60))
  done
done
{ echo "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"$width\" height=\"$y\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
  echo "$body"; echo "</svg>"; } > "$tmp/sheet.svg"
rsvg-convert -o "$tmp/sheet.png" "$tmp/sheet.svg"
mv "$tmp/sheet.png" "$out"
echo "accuracy_sheet: wrote $out ($n lines, $words words)"
