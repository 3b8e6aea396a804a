#!/usr/bin/env bash
# slow
# docs/environments.md cannot rot: its command blocks (each marked
# <!-- environments-doc-test -->) run here in order, as a reader would run
# them at the root of a project with the shipped configurations: add an
# environment 'qa' by copying staging, synth, validate, check, cost,
# bootstrap and deploy it to moto, change it and deploy again, destroy it and
# remove its file. Each block must exit 0; the stacks must exist after the
# deploy and be gone after the destroy.
. tests/lib.sh
ROOT=$PWD
if ! python3 -c 'import moto.server, boto3' 2>/dev/null; then
  skip "docs/environments.md against moto" "moto[server] or boto3 missing (scripts/install-deps.sh --test)"
  done_testing; exit 0
fi
if ! python3 tests/aws/moto_env.py start --dir "$TMP/moto" >"$TMP/moto.out" 2>&1; then
  notok "moto starts" "$(tail -5 "$TMP/moto.out")"; done_testing; exit 1
fi
trap 'python3 "$ROOT/tests/aws/moto_env.py" stop --dir "$TMP/moto" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
. "$TMP/moto/env.sh"
# "localhost": moto reads a TemplateURL from its own S3 only under that name
export AWS_ENDPOINT_URL=http://localhost:$MOTO_PORT
export SOLEMATE_POLL_MS=50 SOLEMATE_RETRY_BASE_MS=1
export HOME=$TMP/home AWS_CONFIG_FILE=$TMP/home/none AWS_SHARED_CREDENTIALS_FILE=$TMP/home/none
mkdir -p "$HOME" "$TMP/bin"
ln -s "$SOLEMATE" "$TMP/bin/solemate"   # the doc says 'solemate', as installed
export PATH="$TMP/bin:$PATH"

# the reader's certificate, imported into moto's ACM: it covers the domain and
# its subdomains (the distribution's aliases), as the doc says
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 7 \
  -subj "/CN=solemate.com" -addext "subjectAltName=DNS:qa.solemate.com,DNS:*.qa.solemate.com" 2>/dev/null
CERT_ARN=$(python3 - "$TMP" <<'PY'
import boto3, os, sys
acm = boto3.client("acm", endpoint_url=os.environ["SOLEMATE_ENDPOINT"])
print(acm.import_certificate(Certificate=open(sys.argv[1] + "/cert.pem", "rb").read(),
                             PrivateKey=open(sys.argv[1] + "/key.pem", "rb").read())["CertificateArn"])
PY
)
export CERT_ARN

# the project as a reader has it: the shipped configurations, nothing else
P=$TMP/project; mkdir -p "$P/config"
cp config/staging.json config/production.json config/baseline.json config/*schema.json "$P/config/"
python3 - "$ROOT/docs/environments.md" "$TMP/blocks" <<'PY'
import os, re, sys
doc = open(sys.argv[1]).read()
blocks = re.findall(r"<!-- environments-doc-test -->\s*```sh\n(.*?)\n```", doc, re.S)
os.makedirs(sys.argv[2])
for i, b in enumerate(blocks):
    open(os.path.join(sys.argv[2], "%02d.sh" % i), "w").write(b + "\n")
PY
n=$(ls "$TMP/blocks" | wc -l)
[ "$n" -ge 6 ] && ok "the doc has its $n command blocks" || notok "command blocks in docs/environments.md" "$n"
stacks() { python3 - <<'PY'
import boto3, os
cf = boto3.client("cloudformation", endpoint_url=os.environ["SOLEMATE_ENDPOINT"])
print(" ".join(sorted(s["StackName"] for s in cf.list_stacks()["StackSummaries"]
                      if s["StackStatus"] != "DELETE_COMPLETE" and s["StackName"].startswith("SolemateQa"))))
PY
}
for b in "$TMP"/blocks/*.sh; do
  name="doc block $(basename "$b" .sh): $(grep -m1 -o '^[a-z]*[^\\]*' "$b" | cut -c1-60)"
  (cd "$P" && bash -e "$b") >"$TMP/out" 2>"$TMP/err"; rc=$?
  if [ $rc != 0 ] && grep -q "solemate destroy" "$b" && grep -q "DependencyViolation: The vpc" "$TMP/err"; then
    # moto leaves network interfaces behind and refuses to delete the VPC (as
    # in deploy_moto.sh): the destroy must name it; the block's other steps run
    ok "$name: moto's DependencyViolation on the VPC is reported"
    (cd "$P" && bash -e <(grep -v "solemate destroy" "$b")) >"$TMP/out" 2>"$TMP/err"; rc=$?
    moto_vpc=SolemateQaNetwork
  fi
  if [ $rc = 0 ]; then ok "$name"; else notok "$name" "exit $rc" "$(grep -h -m6 -i "error" "$TMP/out" "$TMP/err")"; fi
  case "$(cat "$b")" in
    *"solemate check --env qa"*) expect_grep "check passes on the new environment" "0 errors" "$TMP/out" ;;
    *"solemate deploy --env qa --yes"*"diff"*|*"diff --env qa"*)
      expect_grep "the change is seen in the diff" "MaxCapacity" "$TMP/out" ;;
    *"solemate deploy --env qa --yes"*)
      s=$(stacks); case "$s" in *SolemateQaNetwork*SolemateQaData*|*SolemateQaData*SolemateQaNetwork*) ok "qa's stacks exist: $s" ;; *) notok "qa's stacks after the deploy" "$s" ;; esac ;;
    *"solemate destroy --env qa"*)
      # moto may keep the network stack it could not delete; every other must be gone
      s=$(stacks); [ -z "$s" ] || [ "$s" = "${moto_vpc:-}" ] && ok "qa's stacks are gone${moto_vpc:+ (but the network, whose VPC moto keeps)}" || notok "qa's stacks after destroy" "$s"
      [ ! -e "$P/config/qa.json" ] && ok "its file is gone" || notok "config/qa.json still there"
      expect_grep "the other environments are left" "SolemateStagingNetwork" "$TMP/out" ;;
  esac
done
done_testing
