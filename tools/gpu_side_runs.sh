#!/usr/bin/env bash
# One GPU call of side runs beside a synthesis chunk (tools/gpu_train.sh, which resumes from
# .train/ when the machine is still up): the clockwork RNN and an LSTM of the same parameter count
# (1 x 212, 209,789 against 209,721) from scratch, the unconditional 3 x 400 network continued on
# the corpus, and the fine-tuning sweep (lr x updates) on .deps/ft/mine.hwds (hw-train data --ink
# of a writer's lines). Outputs: $OUT/call3.tgz (logs, metrics, the small models), $OUT/ft-a.tgz and
# ft-b.tgz (the tuned models, int8), and gpu_train.sh's own. This is how the clockwork, scribble
# and fine-tuning figures of web/models/README.md and README.md were made (2026-11-29).
# The stand-in writer of the sweep, made here before the call: node tests/web/hershey_hand.mjs
# hand.jsonl 40; head -30 hand.jsonl > mine30.jsonl; build/bin/hw-train data --ink mine30.jsonl
# --max-points 3000 --out .deps/ft/mine.hwds (lines 31-40 held out, scored here with hw score).
#   OUT=/tmp/out bash tools/gpu_side_runs.sh
set -uo pipefail
[ -f .deps/ft/mine.hwds ] || { echo "gpu_side_runs: .deps/ft/mine.hwds is missing (see the header)"; exit 2; }
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT" .train/ft
export LD_LIBRARY_PATH=$PWD/.deps/root/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
T=build-gpu/bin/hw-train DATA=.gpu-data/fonts.hwds
[ -x $T ] && [ -f $DATA ] || { echo "gpu_side_runs: run tools/gpu_train.sh on this machine first (it builds $T and $DATA)"; exit 2; }
small=(--data $DATA --mixtures 20 --batch 64 --no-graphs --time-limit 500 --eval-every 250 --save-every 500 --sample-every 0
       --valid-lines 1024 --precision int8 --steps 100000)
$T train --kind clockwork --layers 3 --hidden 400 --groups 8 --lr 1e-3 --out .train/cw "${small[@]}" > .train/cw.log 2>&1 &
$T train --kind unconditional --layers 1 --hidden 212 --lr 1e-3 --out .train/lstm212 "${small[@]}" > .train/lstm212.log 2>&1 &
$T train --init web/models/scribble.hwm --kind unconditional --lr 5e-4 --out .train/scribble "${small[@]}" > .train/scribble.log 2>&1 &
(
  for lr in 1e-4 3e-4 1e-3; do for steps in 20 40; do
    /usr/bin/time -f "wall %e s" $T train --init web/models/default.hwm --data .deps/ft/mine.hwds --out .train/ft/lr$lr-s$steps \
      --steps $steps --batch 9 --lr $lr --eval-every 10 --save-every $steps --valid-lines 0 --sample-every 0 --precision int8 \
      > .train/ft/lr$lr-s$steps.log 2>&1
  done; done
) &
LIMIT=520 bash tools/gpu_train.sh > .train/syn-call3.log 2>&1
wait
grep -hE "eval step|updates in" .train/syn-call3.log .train/synthesis.log | tail -4
for n in cw lstm212 scribble; do echo "== $n"; grep -E "eval step|updates in|error" .train/$n.log | tail -3; done
for f in .train/ft/*.log; do echo "== $f"; grep -E "eval step|updates in|wall" $f | tr '\n' ' '; echo; done
mkdir -p pack && for n in cw lstm212 scribble; do cp .train/$n/model.hwm pack/$n.hwm; cp .train/$n/metrics.csv pack/$n-metrics.csv; cp .train/$n.log pack/; done
mkdir -p packa packb
for d in .train/ft/lr1e-4-s20 .train/ft/lr1e-4-s40 .train/ft/lr3e-4-s20; do cp $d/model.hwm packa/ft-$(basename $d).hwm; done
for d in .train/ft/lr3e-4-s40 .train/ft/lr1e-3-s20 .train/ft/lr1e-3-s40; do cp $d/model.hwm packb/ft-$(basename $d).hwm; done
tar czf "$OUT/ft-a.tgz" -C packa . ; tar czf "$OUT/ft-b.tgz" -C packb .
cp .train/ft/*.log pack/; cp .train/synthesis/metrics.csv pack/syn-metrics.csv; cp .train/synthesis.log pack/
tar czf "$OUT/call3.tgz" -C pack . && ls -la "$OUT"
