#!/usr/bin/env bash
# The trainer benchmark on the GPU machine: hw-train bench (CUDA graphs, and eager) beside the
# PyTorch-Python eager reference (bench/train_reference.py) on the same shapes, in interleaved
# rounds; medians and ratios go to $OUT/results-gpu.json (commit it as bench/results-gpu.json).
#   ROUNDS=3 BATCHES="64 128 256" STEPS=10 POINTS=400 bash bench/gpu_bench.sh
set -euo pipefail
ROUNDS=${ROUNDS:-3}
BATCHES=${BATCHES:-"64 128 256"}
STEPS=${STEPS:-10}
POINTS=${POINTS:-400}
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
if [ ! -x build-gpu/bin/hw-train ]; then
  TP=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
  cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DHW_TESTS=OFF \
    -DCMAKE_PREFIX_PATH="$TP;$PWD/.deps/root/usr" >build-gpu.log 2>&1 || { tail -30 build-gpu.log; exit 1; }
  ninja -C build-gpu hw-train >>build-gpu.log 2>&1 || { tail -30 build-gpu.log; exit 1; }
fi
export LD_LIBRARY_PATH=$PWD/.deps/root/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
raw="$OUT/gpu-bench-raw.jsonl"
: > "$raw"
for r in $(seq 1 "$ROUNDS"); do
  for b in $BATCHES; do
    args=(--batch "$b" --points "$POINTS" --chars 30 --steps "$STEPS")
    build-gpu/bin/hw-train bench "${args[@]}" --graphs | sed "s/^{/{\"contender\":\"hw-train graphs\",\"round\":$r,/" >> "$raw"
    build-gpu/bin/hw-train bench "${args[@]}" | sed "s/^{/{\"contender\":\"hw-train eager\",\"round\":$r,/" >> "$raw"
    python3 bench/train_reference.py "${args[@]}" | sed "s/^{/{\"round\":$r,/" >> "$raw"
  done
done
python3 - "$raw" "$OUT/results-gpu.json" <<'PY'
import json, statistics, subprocess, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
gpu = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True, text=True).stdout.strip()
out = {"machine": gpu, "rounds": max(r["round"] for r in rows), "note": "medians of interleaved rounds; ratios within this run", "by_batch": {}}
for b in sorted({r["batch"] for r in rows}):
    med = {}
    for c in sorted({r["contender"] for r in rows}):
        v = [r["s_per_update"] for r in rows if r["batch"] == b and r["contender"] == c]
        med[c] = {"s_per_update": statistics.median(v), "points_per_s": statistics.median(
            [r["points_per_s"] for r in rows if r["batch"] == b and r["contender"] == c])}
    ref = med["pytorch-python-eager"]["s_per_update"]
    for c in med:
        med[c]["speedup_vs_pytorch_eager"] = ref / med[c]["s_per_update"]
    out["by_batch"][str(b)] = med
json.dump(out, open(sys.argv[2], "w"), indent=2)
print(json.dumps(out, indent=2))
PY
