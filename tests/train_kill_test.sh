#!/usr/bin/env bash
# hw-train train survives a kill: SIGKILL a CPU run after a checkpoint, start it again, and it goes
# on from that checkpoint's step (nothing lost beyond the last save) to the step asked for.
#   train_kill_test.sh path/to/hw-train
set -euo pipefail
T=$1
dir=$(mktemp -d)
trap 'kill -9 $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
pid=
fail() { echo "FAIL: $*" >&2; tail -n 20 "$dir"/log* >&2 || true; exit 1; }
step_of() { grep -o '"step": *[0-9]*' "$1" | head -n 1 | grep -o '[0-9]*$'; }

"$T" data --fonts --lines 240 --seed 3 --threads 2 --out "$dir/d.hwds" >/dev/null 2>"$dir/log.data" || fail "hw-train data"
args=(train --data "$dir/d.hwds" --out "$dir/run" --layers 1 --hidden 32 --mixtures 3 --window 2 --batch 8
      --max-batch-points 20000 --save-every 5 --eval-every 100000 --sample-every 0 --valid-lines 16 --device cpu)

"$T" "${args[@]}" --steps 1000000 >"$dir/log1" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  if [ -f "$dir/run/checkpoint.json" ] && [ "$(step_of "$dir/run/checkpoint.json")" -ge 10 ]; then break; fi
  kill -0 $pid 2>/dev/null || fail "the first run ended by itself"
  sleep 0.2
done
kill -9 $pid
wait $pid 2>/dev/null || true
pid=
saved=$(step_of "$dir/run/checkpoint.json")
[ "$saved" -ge 10 ] || fail "no checkpoint at step >= 10 before the kill"
echo "killed after the checkpoint of step $saved"

target=$((saved + 7))
"$T" "${args[@]}" --steps $target >"$dir/log2" 2>&1 || fail "the resumed run failed"
grep -q "resumed from $dir/run at step $saved" "$dir/log2" || fail "the second run did not resume from step $saved"
[ "$(step_of "$dir/run/checkpoint.json")" = "$target" ] || fail "the resumed run did not reach step $target"
[ -s "$dir/run/model.hwm" ] || fail "no model.hwm after the resumed run"
echo "resumed at $saved and reached $target"
