#!/usr/bin/env bash
# The trainer benchmark on the GPU machine: hw-train bench (CUDA graphs, and eager) beside the
# PyTorch-Python eager reference (bench/train_reference.py) on the same shapes, in interleaved
# rounds; at batch 128 also the graphs without one piece each (layer 1 step by step through
# autograd; also the window step as tensor operations; lengths padded to 128) and with TF32. First,
# hw-train bench --check compares the CUDA window and layer-1 kernels with the reference
# operations. Medians and ratios go to $OUT/results-gpu.json (commit it as bench/results-gpu.json).
#   ROUNDS=3 BATCHES="64 128 256" STEPS=10 POINTS=400 bash bench/gpu_bench.sh
set -euo pipefail
ROUNDS=${ROUNDS:-3}
BATCHES=${BATCHES:-"64 128 256"}
STEPS=${STEPS:-10}
POINTS=${POINTS:-400}
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
bash tools/gpu_build.sh
export LD_LIBRARY_PATH=$PWD/.deps/root/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
raw="$OUT/gpu-bench-raw.jsonl"
: > "$raw"
build-gpu/bin/hw-train bench --check | tee "$OUT/window-check.json" || echo "gpu_bench: the window check FAILED"
for r in $(seq 1 "$ROUNDS"); do
  for b in $BATCHES; do
    args=(--batch "$b" --points "$POINTS" --chars 30 --steps "$STEPS")
    tag() { sed "s/^{/{\"contender\":\"$1\",\"round\":$r,/"; }
    build-gpu/bin/hw-train bench "${args[@]}" --graphs | tag "hw-train graphs" >> "$raw"
    if [ "$b" = 128 ]; then  # what each piece gives, at the batch of the goal
      build-gpu/bin/hw-train bench "${args[@]}" --graphs --step-loop | tag "hw-train graphs, layer 1 step by step" >> "$raw"
      build-gpu/bin/hw-train bench "${args[@]}" --graphs --reference-window | tag "hw-train graphs, window as tensor ops" >> "$raw"
      build-gpu/bin/hw-train bench "${args[@]}" --graphs --pad 128 | tag "hw-train graphs, padded to 128" >> "$raw"
      build-gpu/bin/hw-train bench "${args[@]}" --graphs --tf32 | tag "hw-train graphs, TF32" >> "$raw"
    fi
    build-gpu/bin/hw-train bench "${args[@]}" | tag "hw-train eager" >> "$raw"
    python3 bench/train_reference.py "${args[@]}" | sed "s/^{/{\"round\":$r,/" >> "$raw"
  done
done
python3 bench/gpu_summary.py "$raw" "$OUT/results-gpu.json" --check "$OUT/window-check.json"
# Quality after equal updates (validation NLL): bench/gpu_quality.sh.
