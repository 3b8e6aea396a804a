#!/usr/bin/env bash
# slow
# docs/ci.md cannot rot: its GitHub Actions workflow runs here, step by step
# (tests/cli/ci_workflow.py), as a pull request and then as a push to main,
# against moto, with a loopback server for GitHub's OIDC token endpoint and
# stand-ins for gh (records the comment) and sudo. The pull request's
# comment must carry its cost change and template difference; the push must
# assume the role through solemate's web identity source and deploy both
# environments. The GitLab block must use the same commands; the pre-commit
# hook must pass a good commit and stop a broken configuration.
. tests/lib.sh
ROOT=$PWD

if ! python3 -c 'import moto.server, boto3, yaml' 2>/dev/null; then
  skip "docs/ci.md against moto" "moto[server], boto3 or PyYAML missing (scripts/install-deps.sh --test)"
  done_testing; exit 0
fi
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# moto without authentication: AssumeRoleWithWebIdentity is unsigned (the
# signed-request checks are deploy_moto.sh's), with the change-set fixes
MPORT=$(free_port)
python3 tests/aws/moto_fixes.py -H 127.0.0.1 -p "$MPORT" >"$TMP/moto.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -s "http://127.0.0.1:$MPORT/moto-api/" >/dev/null && break; sleep 0.1; done
EP=http://localhost:$MPORT   # moto reads a TemplateURL from its own S3 only under that name

# GitHub's OIDC token endpoint: a bearer request token in, {"value": JWT} out
OPORT=$(free_port)
cat >"$TMP/oidc.py" <<'PY'
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.headers.get("Authorization") == "bearer request-token-of-the-job"
        open(sys.argv[2], "a").write(self.path + ("" if ok else " REFUSED") + "\n")
        body = json.dumps({"count": 1, "value": "eyJhbGciOiJSUzI1NiJ9.oidc-of-the-job.sig"}).encode()
        self.send_response(200 if ok else 401); self.send_header("Content-Type", "application/json")
        self.end_headers(); self.wfile.write(body if ok else b"{}")
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$TMP/oidc.py" "$OPORT" "$TMP/oidc.log" &
PIDS+=($!)

# the repository as a runner checks it out: this tree (built objects kept, so
# the Build step has little to do), two commits: base, and the pull request
R=$TMP/repo; mkdir -p "$R"
tar -C "$ROOT" --exclude=./.git --exclude=./build-san --exclude=./build-fuzz --exclude=./tests/out \
  --exclude=node_modules --exclude=./cdk.out -cf - . | tar -C "$R" -xf -
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 7 \
  -subj "/CN=solemate.com" \
  -addext "subjectAltName=DNS:solemate.com,DNS:*.solemate.com,DNS:*.staging.solemate.com" 2>/dev/null
import_cert() { # REGION
  python3 - "$TMP" "http://127.0.0.1:$MPORT" "$1" <<'PY'
import boto3, sys
acm = boto3.client("acm", endpoint_url=sys.argv[2], region_name=sys.argv[3],
                   aws_access_key_id="x", aws_secret_access_key="x")
print(acm.import_certificate(Certificate=open(sys.argv[1] + "/cert.pem", "rb").read(),
                             PrivateKey=open(sys.argv[1] + "/key.pem", "rb").read())["CertificateArn"])
PY
}
CERT=$(import_cert us-east-1)
DR_CERT=$(import_cert us-west-2)
# the team's real values: certificates that exist, moto's account for both
python3 - "$R/config" "$CERT" "$DR_CERT" <<'PY'
import json, sys
for env in ("staging", "production"):
    p = f"{sys.argv[1]}/{env}.json"; c = json.load(open(p))
    c["certificateArn"] = sys.argv[2]; c["accountId"] = "123456789012"
    if "drAlbCertificateArn" in c: c["drAlbCertificateArn"] = sys.argv[3]
    json.dump(c, open(p, "w"), indent=2)
PY
# what docs/ci.md asks of an administrator once: each region bootstrapped
# (production's templates, its DR standby's among them, go through S3)
for region in us-east-1 us-west-2; do
  if ! AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x "$SOLEMATE" bootstrap --env production --region "$region" \
      --config-dir "$R/config" --yes --endpoint-url "$EP" >"$TMP/bootstrap.out" 2>&1; then
    notok "bootstrap $region once" "$(tail -5 "$TMP/bootstrap.out")"
  fi
done
git() { command git -C "$R" -c user.name=ci -c user.email=ci@example.com "$@"; }
git init -q -b main && git add -A && git commit -qm base
python3 - "$R/config/staging.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["databaseInstanceType"] = "db.t3.large"
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
git commit -qam "staging: a larger database" && ok "a repository with a base commit and a pull request's"

# stand-ins: gh records the comment; sudo runs its command (root here)
mkdir -p "$TMP/bin"
cat >"$TMP/bin/gh" <<EOF2
#!/bin/sh
echo "gh \$*" >>"$TMP/gh.log"
while [ \$# -gt 0 ]; do [ "\$1" = --body-file ] && cp "\$2" "$TMP/comment.md"; shift; done
EOF2
printf '#!/bin/sh\nexec "$@"\n' >"$TMP/bin/sudo"
chmod +x "$TMP/bin/gh" "$TMP/bin/sudo"

run_workflow() { # EVENT
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
    PATH="$TMP/bin:$PATH" HOME="$TMP/home" AWS_CONFIG_FILE="$TMP/none" AWS_SHARED_CREDENTIALS_FILE="$TMP/none" \
    AWS_ENDPOINT_URL="$EP" SOLEMATE_POLL_MS=50 SOLEMATE_RETRY_BASE_MS=1 \
    CI_ROLE_ARN=arn:aws:iam::123456789012:role/solemate-deploy \
    CI_OIDC_URL="http://127.0.0.1:$OPORT/token?api-version=2.0" CI_OIDC_TOKEN=request-token-of-the-job \
    python3 "$ROOT/tests/cli/ci_workflow.py" "$ROOT/docs/ci.md" "$R" "$1" "$TMP/steps.log"
}

# ---- a pull request
run_workflow pull_request >"$TMP/pr.out" 2>&1; rc=$?
if [ $rc = 0 ]; then ok "pull request: every step of the verify job passes"
else notok "pull request: every step of the verify job passes" "$(tail -5 "$TMP/pr.out")" "$(tail -15 "$TMP/steps.log")"; fi
expect_grep "pull request: the comment step ran" "verify: ok +Comment the cost" "$TMP/pr.out"
expect_grep "pull request: no deploy" "deploy-staging: job skipped" "$TMP/pr.out"
expect_grep "the comment goes to the pull request" "^gh pr comment 7 --body-file comment.md" "$TMP/gh.log"
expect_grep "the comment: staging costs more" "^\| staging \| [0-9.]+ \| [0-9.]+ \| \*\*\+[0-9.]+\*\*" "$TMP/comment.md"
expect_grep "the comment: the database's class change" "Properties.DBInstanceClass.*db.t3.large" "$TMP/comment.md"
expect_grep "the comment: check's summary" "solemate check: 0 errors" "$TMP/comment.md"
for f in validate.xml check.xml check.sarif; do
  [ -s "$R/$f" ] && ok "pull request: $f written" || notok "pull request: $f written"
done

# ---- the push to main: deploy staging, then production
run_workflow push >"$TMP/push.out" 2>&1; rc=$?
if [ $rc = 0 ]; then ok "push to main: verify, deploy-staging, deploy-production pass"
else notok "push to main: verify, deploy-staging, deploy-production pass" "$(tail -5 "$TMP/push.out")" "$(tail -25 "$TMP/steps.log")"; fi
expect_grep "push: production after staging" "deploy-production: ok +Deploy production" "$TMP/push.out"
expect_grep "whoami: the web identity source and the role" "source +web-identity \(arn:aws:iam::123456789012:role/solemate-deploy\)" "$TMP/steps.log"
expect_grep "whoami: the role's session" "assumed-role/solemate-deploy/github-4242" "$TMP/steps.log"
n=$(grep -c "audience=sts.amazonaws.com$" "$TMP/oidc.log" 2>/dev/null)
[ "$n" = 2 ] && ok "one OIDC token per deploy job, for sts.amazonaws.com" || notok "one OIDC token per deploy job" "$(cat "$TMP/oidc.log" 2>/dev/null)"
if grep -q "oidc-of-the-job" "$TMP/steps.log" "$TMP/push.out"; then notok "the OIDC token is never printed"; else ok "the OIDC token is never printed"; fi
python3 - "http://127.0.0.1:$MPORT" <<'PY' && ok "both environments' stacks exist in moto" || notok "both environments' stacks exist in moto"
import boto3, sys
names = set()
for region in ("us-east-1", "us-west-2"):
    cf = boto3.client("cloudformation", endpoint_url=sys.argv[1], region_name=region,
                      aws_access_key_id="x", aws_secret_access_key="x")
    names |= {s["StackName"] for s in cf.list_stacks()["StackSummaries"] if s["StackStatus"].endswith("_COMPLETE") and "DELETE" not in s["StackStatus"]}
assert {"SolemateStagingData", "SolemateProductionData", "SolemateProductionCompute", "SolemateProductionDrStandby"} <= names, names
PY

# ---- GitLab: valid YAML, the same commands
python3 - "$ROOT/docs/ci.md" <<'PY' && ok "GitLab block: valid, and its solemate commands are the GitHub workflow's" || notok "GitLab block"
import re, sys, yaml
doc = open(sys.argv[1]).read()
blk = lambda n: re.search(r"<!-- ci-doc-test: %s -->\s*```[a-z]*\n(.*?)\n```" % n, doc, re.S).group(1)
gh, gl = yaml.safe_load(blk("github")), yaml.safe_load(blk("gitlab"))
runs = "\n".join(s.get("run", "") for j in gh["jobs"].values() for s in j["steps"])
cmds = [l for j in gl.values() if isinstance(j, dict) for l in (j.get("script") or []) + (j.get("before_script") or []) if "solemate" in l]
assert cmds
for c in cmds:
    c = c.replace('"$SOLEMATE_ENV"', "staging")
    assert c.replace("scripts/install-deps.sh", "sudo scripts/install-deps.sh") in runs or c in runs, c
PY

# ---- the pre-commit hook
python3 - "$ROOT/docs/ci.md" "$R/.git/hooks/pre-commit" <<'PY'
import re, sys
doc = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(re.search(r"<!-- ci-doc-test: pre-commit -->\s*```sh\n(.*?)\n```", doc, re.S).group(1) + "\n")
PY
chmod +x "$R/.git/hooks/pre-commit"
(cd "$R" && git commit -q --allow-empty -m "a good commit") >"$TMP/hook.out" 2>&1 \
  && ok "pre-commit hook: a good commit goes through" || notok "pre-commit hook: a good commit goes through" "$(tail -5 "$TMP/hook.out")"
python3 - "$R/config/staging.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["vpcCidr"] = "10.0.0.0/33"
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
if (cd "$R" && git commit -qam "a broken configuration") >"$TMP/hook.out" 2>&1; then
  notok "pre-commit hook: a broken configuration is stopped"
else ok "pre-commit hook: a broken configuration is stopped"; fi
expect_grep "pre-commit hook: it says why" "vpcCidr" "$TMP/hook.out"
done_testing
