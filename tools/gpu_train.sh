#!/usr/bin/env bash
# One resumable chunk of training the shipped models on the GPU machine (LibTorch from PyTorch,
# no apt there). Builds hw-train if missing, builds the fonts corpus there if missing (from the
# fonts and fortunes carried in .deps/), then trains the synthesis network (CUDA graphs) and, beside
# it on the same GPU, the unconditional network, each stopping cleanly before LIMIT seconds.
# Runs resume from their checkpoints in .train/; outputs worth keeping are copied to $OUT.
#   LIMIT=480|BUDGET=570 STEPS=20000 LR=1e-3 UNCOND=0|1 SYN_INIT=F.hwm|none WIDEN=0|1 MODE=normal|final bash tools/gpu_train.sh
# WIDEN=1: the synthesis run's alphabet becomes SYN_INIT's plus the corpus's (--widen-alphabet).
set -euo pipefail
LIMIT=${LIMIT:-480}
STEPS=${STEPS:-20000}
LINES=${LINES:-100000}
BATCH=${BATCH:-128}
MODE=${MODE:-normal}
LR=${LR:-1e-3}
UNCOND=${UNCOND:-0}   # 1: also train the unconditional network beside it (slows the synthesis run)
OUT=${OUT:-/tmp/out}
DATA=.gpu-data/fonts.hwds
SYN=.train/synthesis
UNC=.train/unconditional
mkdir -p .gpu-data .train "$OUT"

bash tools/gpu_build.sh
export LD_LIBRARY_PATH=$PWD/.deps/root/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
LINES=$LINES bash tools/gpu_corpus.sh

# BUDGET=S: the whole script ends within S seconds of its start (the build and the corpus count).
[ -n "${BUDGET:-}" ] && LIMIT=$((BUDGET - SECONDS)) && echo "training for $LIMIT s"
common=(--data $DATA --steps "$STEPS" --time-limit "$LIMIT" --eval-every 500 --save-every 500 --sample-every 1000
        --valid-lines 1024 --lr "$LR" --clip 10 --precision f16)
unc_init=() syn_init=()
if [ -f .deps/unc-init.hwm ]; then unc_init=(--init .deps/unc-init.hwm); else unc_init=(--init web/models/scribble.hwm); fi
# The synthesis run continues from .deps/syn-init.hwm (an f32 best.hwm brought back from an earlier
# machine) or else from the shipped model, the checkpoint that survives every session. SYN_INIT=none
# starts from scratch. (A checkpoint in .train/ wins over both: the run resumes from it.)
SYN_INIT=${SYN_INIT:-.deps/syn-init.hwm}
if [ "$SYN_INIT" != none ]; then
  [ -f "$SYN_INIT" ] || SYN_INIT=web/models/default.hwm
  syn_init=(--init "$SYN_INIT")
  [ "${WIDEN:-0}" = 1 ] && syn_init+=(--widen-alphabet)
fi
unc=
[ "$UNCOND" = 1 ] && { build-gpu/bin/hw-train train "${unc_init[@]}" --kind unconditional --layers 3 --hidden 400 --mixtures 20 --batch 64 --no-graphs \
  --out $UNC "${common[@]}" >.train/unconditional.log 2>&1 & unc=$!; }
build-gpu/bin/hw-train train "${syn_init[@]}" --kind synthesis --layers 3 --hidden 400 --mixtures 20 --window 10 --batch "$BATCH" \
  --max-batch-points 200000 --sample-text "hello world|The quick brown fox jumps over the lazy dog.|Handwriting 2026" \
  --out $SYN "${common[@]}" >.train/synthesis.log 2>&1 || echo "synthesis run failed: $?"
grep -vE '^step ' .train/synthesis.log | tail -n 30; grep -E '^step ' .train/synthesis.log | tail -n 2
if [ -n "$unc" ]; then
  wait $unc || echo "unconditional run failed"
  grep -E "eval step|updates in|error" .train/unconditional.log | tail -n 4 || true
fi

cp $SYN/metrics.csv "$OUT/syn-metrics.csv"
cp $UNC/best.hwm "$OUT/unc-best.hwm" 2>/dev/null || true
sample=$(ls -1 $SYN/samples/*.svg 2>/dev/null | tail -n 1 || true)
[ -n "$sample" ] && cp "$sample" "$OUT/syn-sample.svg"
if [ "$MODE" = final ]; then
  cp $SYN/checkpoint.json "$OUT/"
  cp $SYN/ckpt-g*.part* "$OUT/"
else
  cp $SYN/best.hwm "$OUT/syn-best.hwm"
  cp $SYN/loss.svg "$OUT/syn-loss.svg"
  cp $UNC/metrics.csv "$OUT/unc-metrics.csv" 2>/dev/null || true
fi
ls -la "$OUT"
