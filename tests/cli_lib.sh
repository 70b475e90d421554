# Shared by the command-line tests (sourced): a temporary folder, pass/fail counters and
# expect_exit, which runs a command with its output in $tmp/out and $tmp/err and checks its exit code.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_exit() {  # code, description, command...
  local want=$1 what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [ "$rc" = "$want" ]; then ok; else bad "$what: exit $rc, wanted $want ($(head -c 300 "$tmp/err"))"; fi
}
