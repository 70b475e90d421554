#!/usr/bin/env bash
# Fine-tuning on one's own lines (README, "Your own handwriting"), on the CPU with the fixture-size
# synthesis network: a few ink lines in the collect page's format (a stand-in hand, made by
# tests/web/hershey_hand.mjs) -> hw-train data --ink -> hw-train train --init -> the tuned model
# scores those lines (hw score) better than the network it started from.
#   finetune_test.sh path/to/hw-train path/to/hw FIXTURE_DIR SOURCE_DIR
set -euo pipefail
T=$1 HW=$2 FIX=$3 SRC=$4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$dir"/log* >&2 || true; exit 1; }
nats() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).nats_per_point)' "$1"; }

node "$SRC/tests/web/hershey_hand.mjs" "$dir/mine.jsonl" 6 cursive --lower || fail "making the ink lines"
"$T" data --ink "$dir/mine.jsonl" --max-points 3000 --out "$dir/mine.hwds" >"$dir/summary.json" 2>"$dir/log.data" || fail "hw-train data --ink"
grep -q "\"train\":6," "$dir/summary.json" || fail "expected 6 training lines: $(cat "$dir/summary.json")"
"$HW" score --model "$FIX/synthesis_small.hwm" --ink "$dir/mine.jsonl" >"$dir/before.json" 2>"$dir/log.before" || fail "hw score (before)"
"$T" train --init "$FIX/synthesis_small.hwm" --data "$dir/mine.hwds" --out "$dir/run" --steps 20 --batch 6 --lr 3e-3 \
  --eval-every 10 --save-every 20 --sample-every 0 --device cpu >"$dir/log.train" 2>&1 || fail "hw-train train --init"
grep -q "initialised from $FIX/synthesis_small.hwm" "$dir/log.train" || fail "the run did not start from the fixture"
[ -s "$dir/run/model.hwm" ] || fail "no model.hwm"
"$HW" score --model "$dir/run/model.hwm" --ink "$dir/mine.jsonl" >"$dir/after.json" 2>"$dir/log.after" || fail "hw score (after)"
before=$(nats "$dir/before.json") after=$(nats "$dir/after.json")
echo "nats per point of the 6 lines: before $before, after $after"
awk -v b="$before" -v a="$after" 'BEGIN { exit !(a < b - 0.1) }' || fail "fine-tuning did not lower the NLL by 0.1 nats/point ($before -> $after)"
