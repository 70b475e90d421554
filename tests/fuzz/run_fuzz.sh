#!/usr/bin/env bash
# make fuzz: runs each libFuzzer target of tests/fuzz for a set time, seeded with tests/fuzz/NAME/
# and the regression inputs, with the tokens of tests/fuzz/dict/NAME.dict where there is one; the
# corpus it grows stays in BUILD/fuzz-corpus/NAME/ (not committed).
# A crash is copied into tests/fuzz/regressions/NAME/ (commit it with the fix: `make test` replays
# it) and the run ends non-zero after the last target. Prints the executions per target.
#   run_fuzz.sh BUILD SECONDS [NAME ...]
set -uo pipefail
build=$1
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(hwm ink iam_xml iam_ascii text render)
found=()
failed=0
for name in "${names[@]}"; do
  bin=$build/bin/fuzz_$name
  [ -x "$bin" ] || { echo "run_fuzz: $bin is missing (build the fuzz-targets target)" >&2; exit 2; }
  corpus=$build/fuzz-corpus/$name
  artifacts=$build/fuzz-artifacts/$name
  regressions=$here/regressions/$name
  mkdir -p "$corpus" "$artifacts" "$regressions"
  log=$build/fuzz-$name.log
  dict=()
  [ -f "$here/dict/$name.dict" ] && dict=(-dict="$here/dict/$name.dict")
  "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 -max_len=16384 "${dict[@]}" \
    -artifact_prefix="$artifacts/" "$corpus" "$here/$name" "$regressions" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
  echo "fuzz_$name: ${execs:-?} executions in ${seconds} s, exit $rc (log: $log)"
  for f in "$artifacts"/*; do
    [ -f "$f" ] || continue
    cp "$f" "$regressions/" && found+=("$regressions/$(basename "$f")")
    rm -f "$f"
  done
  if [ $rc -ne 0 ]; then failed=1; grep -m 5 -E 'ERROR|fuzz invariant|SUMMARY|runtime error' "$log" | sed 's/^/  /'; fi
done
if [ ${#found[@]} -gt 0 ]; then
  echo "run_fuzz: inputs that crash were kept as regressions (fix the code, then commit them):" >&2
  printf '  %s\n' "${found[@]}" >&2
  exit 1
fi
exit $failed
