#!/usr/bin/env bash
# Quality after equal updates on the GPU machine: the trainer's options against the plain run, and
# the PyTorch-Python reference on the same batches. Every run trains a fresh synthesis network
# (3 x 400, K = 10, M = 20, lr 1e-3 at batch 128) on the first batches of the fonts corpus in one
# fixed order and reports its validation NLL on the same 1,024 validation lines every EVAL updates
# (hw-train bench --data; bench/train_reference.py --batches). Lines go to $OUT/quality.jsonl.
#   UPDATES=500 EVAL=125 PY_UPDATES=250 bash bench/gpu_quality.sh
set -uo pipefail
UPDATES=${UPDATES:-500}
EVAL=${EVAL:-125}
PY_UPDATES=${PY_UPDATES:-250}
OUT=${OUT:-/tmp/out}
DATA=.gpu-data/fonts.hwds
mkdir -p "$OUT"
bash tools/gpu_build.sh && bash tools/gpu_corpus.sh || exit 1
export LD_LIBRARY_PATH=$PWD/.deps/root/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
q="$OUT/quality.jsonl"
: > "$q"
bench() {  # bench TAG ARGS...: one hw-train run, its line tagged
  local tag=$1; shift
  build-gpu/bin/hw-train bench --data $DATA --graphs --eval-every "$EVAL" "$@" 2>>"$OUT/quality.log" |
    sed "s/^{/{\"contender\":\"hw-train graphs\",\"run\":\"$tag\",/" >> "$q"
  tail -n 1 "$q" | cut -c1-300
}
# The plain run first: it writes the batches the Python reference trains on (its first PY_UPDATES).
bench "batch 128" --batch 128 --steps "$UPDATES" --export /tmp/quality-batches.pt
# The reference beside the other runs (the GPU is shared from here on: their times are not speeds).
python3 bench/train_reference.py --batches /tmp/quality-batches.pt --updates "$PY_UPDATES" --eval-every "$EVAL" \
  > "$OUT/quality-python.jsonl" 2>>"$OUT/quality.log" &
py=$!
bench "batch 128, TF32" --batch 128 --steps "$UPDATES" --tf32
bench "batch 256, lr sqrt, warm-up 100" --batch 256 --steps $((UPDATES / 2)) --lr-scale sqrt --warmup 100
bench "batch 256, lr 1e-3" --batch 256 --steps $((UPDATES / 2))
wait $py || echo "gpu_quality: the Python reference failed (see quality.log)"
sed 's/^{/{"run":"batch 128",/' "$OUT/quality-python.jsonl" >> "$q"
tail -n 20 "$OUT/quality.log"
