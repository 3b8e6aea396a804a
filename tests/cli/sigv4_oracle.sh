#!/usr/bin/env bash
# SigV4: our signer gives the Authorization header that botocore's signer
# (installed botocore, an independent implementation) gives on the same fixed
# requests, regenerated here so that a botocore change shows up; and the
# committed fixture still matches what botocore says today.
. tests/lib.sh
if ! python3 -c 'import botocore' 2>/dev/null; then
  if [ "${CI:-}" = true ]; then notok "botocore missing in CI (scripts/install-deps.sh --test)"; else skip "botocore oracle" "botocore not installed"; fi
  done_testing; exit 0
fi
if python3 tests/fixtures/sigv4/make-cases.py "$TMP/cases.json" 2>"$TMP/err"; then
  ok "botocore signed the fixed requests"
else
  notok "botocore signed the fixed requests" "$(tail -3 "$TMP/err")"
fi
SIGV4_CASES="$TMP/cases.json" "$BUILD/tests/test_sigv4" >"$TMP/out" 2>&1; rc=$?
if [ $rc = 0 ] && grep -q '^ok 1 - matches_botocore' "$TMP/out"; then
  ok "our Authorization header equals botocore's on every case"
else
  notok "our Authorization header equals botocore's on every case" "$(grep '^#' "$TMP/out" | head -8)"
fi
python3 - "$TMP/cases.json" tests/fixtures/sigv4/cases.json <<'PY' && ok "committed fixture agrees with botocore today" || notok "committed fixture is stale: run tests/fixtures/sigv4/make-cases.py tests/fixtures/sigv4/cases.json"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
sys.exit(0 if a == b else 1)
PY
done_testing
