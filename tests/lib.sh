# Shared helpers for CLI tests (sourced). Prints TAP.
# SOLEMATE: the binary under test. Run from the repository root.
: "${SOLEMATE:=$PWD/build/solemate}"
export NO_COLOR=1
# no test ever reaches the real instance metadata address (169.254.169.254)
export AWS_EC2_METADATA_DISABLED=true
_n=0 _failed=0
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
ok() { _n=$((_n+1)); echo "ok $_n - $1"; }
notok() { _n=$((_n+1)) _failed=$((_failed+1)); echo "not ok $_n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
skip() { _n=$((_n+1)); echo "ok $_n - $1 # SKIP $2"; }
# expect_exit NAME CODE CMD...: run CMD, stdout to $TMP/out, stderr to $TMP/err
expect_exit() {
  local name=$1 code=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?
  if [ "$rc" = "$code" ]; then ok "$name"; else notok "$name" "exit $rc, expected $code" "$(head -5 "$TMP/err")"; fi
}
# expect_grep NAME PATTERN FILE
expect_grep() {
  if grep -qE -- "$2" "$3"; then ok "$1"; else notok "$1" "no /$2/ in $3:" "$(head -5 "$3")"; fi
}
# the plan; the script's status is nonzero when a case failed, so that
# `bash tests/cli/x.sh && ...` (landing, CI steps) stops on a failure
done_testing() { echo "1..$_n"; [ "$_failed" = 0 ]; }
# cfn-lint with its bundled schemas brought up to data/cfn-schema.txt's tag
# properties (tests/oracle/cfnlint-schemas.py says why): cfnlint ARGS...
cfnlint() {
  [ -d "$TMP/cfnlint-schemas" ] || python3 tests/oracle/cfnlint-schemas.py "$TMP/cfnlint-schemas" >/dev/null
  cfn-lint "$@" --registry-schemas "$TMP/cfnlint-schemas"
}
