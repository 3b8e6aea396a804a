#!/usr/bin/env bash
# refresh_prices: scripts/refresh-prices regenerates data/prices/<region>.json
# from AWS Price List bulk offer files (the JSON format AWS publishes; a small
# fixture of it in tests/fixtures/prices), and cost warns on stderr, without
# failing, when a price file's recorded date is more than 180 days old.
. tests/lib.sh
R=scripts/refresh-prices
F=tests/fixtures/prices
mkdir -p "$TMP/p"; cp data/prices/*.json "$TMP/p/"
expect_exit "refresh from an EC2 and an RDS offer file" 0 $R --prices "$TMP/p" $F/AmazonEC2.offer.json $F/AmazonRDS.offer.json
expect_grep "it says what changed" "natGateway.hour: 0.045 -> 0.048" "$TMP/out"
python3 - "$TMP/p" <<'PY' && ok "the region's figures are taken, the others' and other products' not" || notok "refreshed figures"
import json, sys
e = json.load(open(sys.argv[1] + "/us-east-1.json"))
w = json.load(open(sys.argv[1] + "/us-west-2.json"))
assert e["natGateway"] == {"hour": 0.048, "gb": 0.047}, e["natGateway"]
assert e["ec2"]["t3.micro"] == 0.0111            # Linux, not the Windows SKU's 0.0196
assert "x9.huge" not in e["ec2"]                  # a type the cost model does not list
assert e["rds"]["postgres"]["db.t3.micro"] == {"hour": 0.019, "vcpu": 2, "memoryGiB": 1}  # Single-AZ, not Multi-AZ
assert w["ec2"]["t3.micro"] == 0.0112 and w["natGateway"]["hour"] == 0.045  # us-west-2's own; eu-west-1 ignored
PY
python3 - "$TMP/p" <<'PY' && ok "date is the oldest publicationDate; source names each offer file" || notok "date and source"
import json, sys
e = json.load(open(sys.argv[1] + "/us-east-1.json"))
assert e["date"] == "2027-01-05", e["date"]
assert [o["offerCode"] for o in e["source"]["offers"]] == ["AmazonEC2", "AmazonRDS"]
assert e["source"]["offers"][0]["version"] == "20270110000000"
PY
python3 - data/prices/us-east-1.json "$TMP/p/us-east-1.json" <<'PY' && ok "every other figure is kept as it was" || notok "other figures changed"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for k in ("date", "source", "natGateway"): a.pop(k); b.pop(k)
a["ec2"].pop("t3.micro"); b["ec2"].pop("t3.micro")
a["rds"]["postgres"].pop("db.t3.micro"); b["rds"]["postgres"].pop("db.t3.micro")
assert a == b
PY
[ -z "$(ls -A "$TMP/p" | grep -v '\.json$')" ] && ok "no temporary file left" || notok "leftovers" "$(ls -A "$TMP/p")"
"$SOLEMATE" cost --env staging --prices "$TMP/p" >"$TMP/out" 2>"$TMP/err"
expect_grep "cost reads the refreshed file" "NAT gateway hours +730 h +\\\$0.048 +35.04" "$TMP/out"
cp "$TMP/p/us-east-1.json" "$TMP/before"
echo '{"products": {}}' >"$TMP/bad.json"
expect_exit "a file that is not an offer file is bad input" 2 $R --prices "$TMP/p" "$TMP/bad.json"
expect_grep "and says so" "not an AWS price list offer file" "$TMP/err"
cmp -s "$TMP/before" "$TMP/p/us-east-1.json" && ok "nothing written then" || notok "price file changed by a failed run"
expect_exit "no offer file at all is bad usage" 2 $R --prices "$TMP/p"

# stale prices: a warning naming the file and its date, once, exit 0
mkdir -p "$TMP/old"; cp data/prices/*.json "$TMP/old/"
sed -i 's/"date": "[0-9-]*"/"date": "2020-01-15"/' "$TMP/old/"*.json
expect_exit "cost with two-year-old prices still estimates" 0 "$SOLEMATE" cost --env all --prices "$TMP/old"
expect_grep "and warns, naming the file and the recorded date" "us-east-1.json: warning: the prices are of the price list of 2020-01-15, [0-9]+ days ago \\(more than 180\\)" "$TMP/err"
[ "$(grep -c 'us-east-1.json: warning' "$TMP/err")" = 1 ] && ok "once, not once per environment" || notok "warning count" "$(grep -c warning "$TMP/err")"
expect_grep "pointing to the refresh" "scripts/refresh-prices" "$TMP/err"
sed -i "s/\"date\": \"[0-9-]*\"/\"date\": \"$(date -u +%F)\"/" "$TMP/p/"*.json
touch -d '2019-01-01' "$TMP/p/"*.json   # an old mtime is not an old price list
expect_exit "prices of today" 0 "$SOLEMATE" cost --env staging --prices "$TMP/p"
grep -q warning "$TMP/err" && notok "no warning for a fresh price list (by its date, not its mtime)" "$(cat "$TMP/err")" || ok "no warning for a fresh price list (by its date, not its mtime)"
expect_exit "-q" 0 "$SOLEMATE" cost -q --env staging --prices "$TMP/old"
grep -q warning "$TMP/err" && notok "-q silences the warning" || ok "-q silences the warning"
done_testing
