#!/usr/bin/env bash
# verbose: -v shows each AWS request made (service and operation, method,
# URL without its query, status, time, the attempt that answered), -vv each
# attempt of a retried one, on stderr; never a key, secret or token; without
# -v nothing. A local STS stand-in answers 503 first, then GetCallerIdentity.
. tests/lib.sh
cat >"$TMP/sts.py" <<'PY'
import http.server, sys
sys.path.insert(0, "tests/aws")
from serve import run
n = [0]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        n[0] += 1
        if n[0] % 2:
            self.send_response(503); self.send_header("Content-Length", "0"); self.end_headers(); return
        body = (b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                b'<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn>'
                b'<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>'
                b'<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>')
        self.send_response(200); self.send_header("Content-Type", "text/xml")
        self.send_header("x-amzn-RequestId", "req-1")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
sys.exit(run(http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)))
PY
python3 "$TMP/sts.py" >"$TMP/port" 2>"$TMP/sts.err" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
ep=http://127.0.0.1:$(head -1 "$TMP/port")
export AWS_ACCESS_KEY_ID=AKIAVERBOSETESTKEY01 AWS_SECRET_ACCESS_KEY=verbose-secret-never-shown AWS_SESSION_TOKEN=verbose-token-never-shown
export AWS_REGION=us-east-1 SOLEMATE_RETRY_BASE_MS=1
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_STS
expect_exit "whoami -v answers after a retry" 0 "$SOLEMATE" whoami -v --endpoint-url "$ep"
expect_grep "-v: the request, its status, time and the attempt that answered" "^solemate: STS GetCallerIdentity POST $ep/ -> 200 [0-9]+ ms, attempt 2 \(request id req-1\)$" "$TMP/err"
[ "$(grep -c '^solemate: STS' "$TMP/err")" = 1 ] && ok "-v: one line per request" || notok "-v: one line per request" "$(cat "$TMP/err")"
expect_exit "whoami -vv" 0 "$SOLEMATE" whoami -vv --endpoint-url "$ep"
expect_grep "-vv: the failed attempt too" "^solemate: STS GetCallerIdentity POST $ep/ -> 503 [0-9]+ ms$" "$TMP/err"
[ "$(grep -c '^solemate: STS' "$TMP/err")" = 2 ] && ok "-vv: one line per attempt" || notok "-vv: one line per attempt" "$(cat "$TMP/err")"
"$SOLEMATE" whoami --verbose --verbose --endpoint-url "$ep" --format json >"$TMP/all" 2>&1
grep -qE 'verbose-secret|verbose-token|AKIAVERBOSETESTKEY01|Signature=|Credential=' "$TMP/all" && notok "no key, secret or token in the output" "$(cat "$TMP/all")" || ok "no key, secret or token in the output"
expect_exit "whoami without -v" 0 "$SOLEMATE" whoami --endpoint-url "$ep"
[ ! -s "$TMP/err" ] && ok "without -v: no request lines" || notok "without -v: no request lines" "$(cat "$TMP/err")"
done_testing
