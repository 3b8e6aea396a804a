#!/usr/bin/env bash
# deploy --all (issue 15) against the scripted responder: the plan first, in
# order (account baselines, then unprotected environments, then protected
# ones), each unit with the single deploy's checks; a unit in another
# account than the credentials' stops the run with exit 2 before any of its
# stacks is touched, and the units after it are not started.
. tests/lib.sh
command -v python3 >/dev/null || { skip "responder" "no python3"; done_testing; exit 0; }
. tests/aws/responder.sh
responder_env
start_responder "$TMP/log.jsonl"
E=(--endpoint-url "$RSP")

expect_exit "--all with --env is bad usage" 2 "$SOLEMATE" deploy --all --env staging --yes "${E[@]}"
expect_exit "--account-profile without --all is bad usage" 2 "$SOLEMATE" deploy --env staging --account-profile 123456789012=x "${E[@]}"
expect_exit "--account-profile wants ACCOUNT=PROFILE" 2 "$SOLEMATE" deploy --all --account-profile 1234=x "${E[@]}"

# production in another account than the credentials'; a second account's baseline
cp -r "$TMP/config" "$TMP/cfg2"
python3 - "$TMP/cfg2" <<'PY'
import json, sys
d = sys.argv[1]
c = json.load(open(f"{d}/production.json")); c["accountId"] = "210987654321"
json.dump(c, open(f"{d}/production.json", "w"), indent=2)
PY
expect_exit "deploy --all: production's account is not the credentials': exit 2" 2 \
  "$SOLEMATE" deploy --all --yes --config-dir "$TMP/cfg2" "${E[@]}"
cp "$TMP/out" "$TMP/all.out"
python3 - "$TMP/all.out" <<'PY' && ok "the plan comes first, baseline, staging, production" || notok "the plan's order" "$(head -6 "$TMP/all.out")"
import re, sys
out = open(sys.argv[1]).read()
plan = re.findall(r"^  (\d)\. (\w+) +account (\d+)", out, re.M)
assert plan == [("1", "baseline", "123456789012"), ("2", "staging", "123456789012"), ("3", "production", "210987654321")], plan
assert out.index("deploy --all: 3 units") < out.index("== 1/3: baseline") < out.index("== 2/3: staging") < out.index("== 3/3: production")
PY
expect_grep "it says where it stopped" "^deploy --all: stopped at production \(exit 2\)$" "$TMP/all.out"
expect_grep "production: both accounts named" "account 123456789012 .*production is account 210987654321" "$TMP/err"
expect_state "baseline and staging deployed, production untouched" \
  "sorted(set(n[:15] for n in st))" "['SolemateBaselin', 'SolemateStaging']"
python3 - "$TMP/log.jsonl" <<'PY' && ok "no request for a production stack" || notok "a production stack was asked about"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
assert not [e for e in log if "SolemateProduction" in json.dumps(e["params"])]
PY

# a later unit that fails stops the ones after it: the baseline of another account first
cp "$TMP/cfg2/baseline.json" "$TMP/cfg2/baseline-eu.json"
python3 - "$TMP/cfg2/baseline-eu.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["accountId"] = "210987654321"; c["region"] = "eu-west-1"
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
expect_exit "two accounts: the second account's baseline stops the run" 2 \
  "$SOLEMATE" deploy --all --yes --config-dir "$TMP/cfg2" "${E[@]}"
expect_grep "baselines first, by account" "^  2\. baseline-eu +account 210987654321, eu-west-1, account baseline$" "$TMP/out"
expect_grep "the environments were not started" "stopped at baseline-eu \(exit 2\); not started: staging, production$" "$TMP/out"
done_testing
