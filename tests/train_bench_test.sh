#!/usr/bin/env bash
# hw-train bench --data: a few updates on a dataset's own batches, the validation NLL after them,
# and --export writing those batches as a torch.save archive (zip with archive/data.pkl) for
# bench/train_reference.py --batches.
#   train_bench_test.sh path/to/hw-train SOURCE_DIR
set -euo pipefail
T=$1 SRC=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$dir"/log* >&2 || true; exit 1; }
field() { node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(j[process.argv[2]])' "$1" "$2"; }

node "$SRC/tests/web/hershey_hand.mjs" "$dir/ink.jsonl" 12 cursive --lower || fail "making the ink lines"
"$T" data --ink "$dir/ink.jsonl" --max-points 3000 --out "$dir/d.hwds" >/dev/null 2>"$dir/log.data" || fail "hw-train data --ink"
"$T" bench --data "$dir/d.hwds" --steps 2 --batch 4 --hidden 16 --layers 2 --valid-lines 8 --device cpu \
  --export "$dir/b.pt" >"$dir/out.json" 2>"$dir/log.bench" || fail "hw-train bench --data"
[ "$(field "$dir/out.json" updates)" = 2 ] || fail "expected 2 updates: $(cat "$dir/out.json")"
node -e 'const v = Number(process.argv[1]); process.exit(Number.isFinite(v) && v !== 0 ? 0 : 1)' "$(field "$dir/out.json" valid_nll_per_point)" ||
  fail "no finite validation NLL: $(cat "$dir/out.json")"
[ "$(head -c 2 "$dir/b.pt")" = PK ] || fail "the export is not a zip archive"
grep -q "data.pkl" "$dir/b.pt" || fail "the export has no data.pkl"
# --eval-every: a curve with a point every 2 updates and at the end; --lr-scale and --warmup as the trainer takes them.
"$T" bench --data "$dir/d.hwds" --steps 5 --batch 4 --hidden 16 --layers 2 --valid-lines 8 --device cpu --eval-every 2 \
  --lr-scale sqrt --warmup 3 >"$dir/curve.json" 2>"$dir/log.curve" || fail "hw-train bench --eval-every"
node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const at = j.curve.map((p) => p.updates).join(",");
  if (at !== "2,4,5" || !j.curve.every((p) => Number.isFinite(p.valid_nll_per_point))) throw new Error("curve at " + at);
  if (Math.abs(j.lr - 1e-3 * Math.sqrt(4 / 128)) > 1e-12 || j.warmup !== 3) throw new Error("lr " + j.lr + " warm-up " + j.warmup);' \
  "$dir/curve.json" || fail "the curve or the learning rate: $(cat "$dir/curve.json")"
"$T" bench --data "$dir/d.hwds" --steps 1 --device cpu --lr-scale cube >/dev/null 2>"$dir/log.scale" && fail "--lr-scale cube was accepted"
grep -q "lr-scale" "$dir/log.scale" || fail "the error does not name --lr-scale: $(cat "$dir/log.scale")"
"$T" bench --data "$dir/missing.hwds" --steps 1 --device cpu >/dev/null 2>"$dir/log.missing" && fail "a missing dataset was accepted"
grep -q "missing.hwds" "$dir/log.missing" || fail "the error does not name the file: $(cat "$dir/log.missing")"
echo "bench --data: $(cat "$dir/out.json")"
