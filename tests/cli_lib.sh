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
# A shell command that caps the memory of what follows it at about 2 GB, so that a reader that
# allocates without bound fails in a test instead of swapping: ulimit -v, or, for a build under
# AddressSanitizer (whose shadow memory needs more address space than that), ASan's own limit on
# resident memory.
mem_cap() {  # the program under test
  if ldd "$1" 2>/dev/null | grep -q libasan; then
    echo "export ASAN_OPTIONS=hard_rss_limit_mb=2000\${ASAN_OPTIONS:+:\$ASAN_OPTIONS}"
  else
    echo "ulimit -v 2000000"
  fi
}
