#!/usr/bin/env bash
# hw-train train survives a kill (issue #15 #14):
#  1. SIGKILL a CPU run after a checkpoint, start it again: it goes on from that checkpoint's step
#     (nothing lost beyond the last save) to the step asked for;
#  2. SIGKILL a run in the middle of writing a checkpoint, between its parts (the test hook
#     HW_TEST_CHECKPOINT_STALL holds it there): the run started again resumes from the previous,
#     intact checkpoint and removes the parts the kill left.
# After each resume: metrics.csv names every step once, in order; no temporary file or stray
# checkpoint part is left; the checkpoint's best loss is the one best.hwm holds.
#   train_kill_test.sh path/to/hw-train path/to/hw
set -euo pipefail
T=$1
HW=$2
dir=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill -9 $pid 2>/dev/null || true; fi; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$dir"/log* >&2 || true; exit 1; }
step_of() { grep -o '"step": *[0-9]*' "$1" | head -n 1 | grep -o '[0-9]*$'; }

"$T" data --fonts --lines 240 --seed 3 --threads 2 --out "$dir/d.hwds" >/dev/null 2>"$dir/log.data" || fail "hw-train data"
args=(train --data "$dir/d.hwds" --layers 1 --hidden 32 --mixtures 3 --window 2 --batch 8
      --max-batch-points 20000 --save-every 5 --eval-every 5 --sample-every 0 --valid-lines 16 --device cpu)

# Waits (up to 2 minutes) until the command "$@" succeeds while the run $pid goes on.
wait_for() {
  for _ in $(seq 1 600); do
    if "$@"; then return 0; fi
    kill -0 $pid 2>/dev/null || fail "the run ended by itself"
    sleep 0.2
  done
  fail "timed out waiting for: $*"
}
kill_run() { kill -9 $pid; wait $pid 2>/dev/null || true; pid=; }
checkpoint_at_least() { [ -f "$1/checkpoint.json" ] && [ "$(step_of "$1/checkpoint.json")" -ge "$2" ]; }

# What every resumed run must leave: rows in order, each step once; no stale file; best agrees.
check_folder() {
  local run=$1
  python3 - "$run" <<'EOF' || fail "metrics.csv of $run"
import csv, sys
steps = [int(r["step"]) for r in csv.DictReader(open(sys.argv[1] + "/metrics.csv"))]
assert steps and all(a < b for a, b in zip(steps, steps[1:])), f"steps not each once and in order: {steps}"
EOF
  if ls "$run" | grep -q '\.tmp-[0-9]*$'; then fail "temporary files left in $run: $(ls "$run")"; fi
  python3 - "$run" <<'EOF' || fail "checkpoint parts of $run"
import json, os, sys
run = sys.argv[1]
named = {p["file"] for p in json.load(open(run + "/checkpoint.json"))["parts"]}
parts = {f for f in os.listdir(run) if f.startswith("ckpt-g")}
assert parts == named, f"parts on disk {sorted(parts)} but the index names {sorted(named)}"
EOF
  "$HW" info "$run/best.hwm" > "$dir/best.json" || fail "hw info best.hwm"
  python3 - "$run" "$dir/best.json" <<'EOF' || fail "best.hwm and the checkpoint disagree in $run"
import json, sys
ck = json.load(open(sys.argv[1] + "/checkpoint.json"))
best = json.load(open(sys.argv[2]))["meta"]["valid_nll_per_line"]
assert ck["best_valid"] == best, f"checkpoint best_valid {ck['best_valid']}, best.hwm {best}"
EOF
}

# 1. A kill at an arbitrary moment after the checkpoint of step 10.
run="$dir/run"
"$T" "${args[@]}" --out "$run" --steps 1000000 >"$dir/log1" 2>&1 &
pid=$!
wait_for checkpoint_at_least "$run" 10
kill_run
saved=$(step_of "$run/checkpoint.json")
echo "1: killed after the checkpoint of step $saved"
target=$((saved + 7))
"$T" "${args[@]}" --out "$run" --steps $target >"$dir/log2" 2>&1 || fail "the resumed run failed"
grep -q "resumed from $run at step $saved" "$dir/log2" || fail "the second run did not resume from step $saved"
[ "$(step_of "$run/checkpoint.json")" = "$target" ] || fail "the resumed run did not reach step $target"
[ -s "$run/model.hwm" ] || fail "no model.hwm after the resumed run"
check_folder "$run"
echo "1: resumed at $saved and reached $target"

# 2. A kill between the parts of a checkpoint: the first checkpoint (step 5) is whole; the second
# (step 10) stalls after its first part.
run="$dir/run2"
HW_TEST_CHECKPOINT_STALL="$dir/stalled" "$T" "${args[@]}" --out "$run" --steps 1000000 >"$dir/log3" 2>&1 &
pid=$!
wait_for test -f "$dir/stalled"
saved=$(step_of "$run/checkpoint.json")
ls "$run" | grep -q '^ckpt-g1\.part000$' || fail "no part of the second checkpoint on disk at the stall: $(ls "$run")"
grep -q '"ckpt-g1\.part000"' "$run/checkpoint.json" && fail "the index already names the checkpoint being written"
kill_run
echo "2: killed between the parts of a checkpoint; the index is at step $saved"
[ "$saved" = 5 ] || fail "expected the index at step 5 when the second checkpoint stalls, not $saved"
target=$((saved + 12))
"$T" "${args[@]}" --out "$run" --steps $target >"$dir/log4" 2>&1 || fail "the run after a kill between checkpoint parts failed"
grep -q "resumed from $run at step $saved" "$dir/log4" || fail "the run did not resume from the intact checkpoint of step $saved"
grep -q "removed [0-9]* files a killed run left half-written" "$dir/log4" || fail "the stray checkpoint part was not reported removed"
[ "$(step_of "$run/checkpoint.json")" = "$target" ] || fail "the resumed run did not reach step $target"
check_folder "$run"
echo "2: resumed at $saved from the intact checkpoint and reached $target"
