#!/usr/bin/env bash
# refresh_prices: scripts/refresh-prices regenerates data/prices/<region>.json
# from AWS Price List bulk offer files (the JSON format AWS publishes; small
# synthetic ones of it in tests/fixtures/prices, one per service, each with
# products of other regions and decoys: other product families, usage types
# and tiers that must not match), and cost warns on stderr, without failing,
# when a price file's recorded date is more than 180 days old.
. tests/lib.sh
R=scripts/refresh-prices
F=tests/fixtures/prices
mkdir -p "$TMP/p"; cp data/prices/*.json "$TMP/p/"
expect_exit "refresh from an EC2 and an RDS offer file" 0 $R --prices "$TMP/p" $F/AmazonEC2.offer.json $F/AmazonRDS.offer.json
expect_grep "it says what changed" "natGateway.hour: 0.045 -> 0.048" "$TMP/out"
expect_grep "and what it kept, and why" "not in these offer files, kept: applicationLoadBalancer.hour" "$TMP/out"
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
[ -z "$(ls -A "$TMP/p" | grep -v '\.json$')" ] && ok "no temporary file left" || notok "leftovers" "$(ls -A "$TMP/p")"
"$SOLEMATE" cost --env staging --prices "$TMP/p" >"$TMP/out" 2>"$TMP/err"
expect_grep "cost reads the refreshed file" "NAT gateway hours +730 h +\\\$0.048 +35.04" "$TMP/out"
cp "$TMP/p/us-east-1.json" "$TMP/before"
echo '{"products": {}}' >"$TMP/bad.json"
expect_exit "a file that is not an offer file is bad input" 2 $R --prices "$TMP/p" "$TMP/bad.json"
expect_grep "and says so" "not an AWS price list offer file" "$TMP/err"
cmp -s "$TMP/before" "$TMP/p/us-east-1.json" && ok "nothing written then" || notok "price file changed by a failed run"
expect_exit "no offer file at all is bad usage" 2 $R --prices "$TMP/p"

# Every service's offer file at once: each mapped figure becomes the offer's
# (per unit of the price file: per 1k, 10k, 100k, 1M; the tier the key means),
# and nothing else changes, in each region.
mkdir -p "$TMP/all"; cp data/prices/*.json "$TMP/all/"
expect_exit "refresh from every service's offer file" 0 $R --prices "$TMP/all" $F/*.offer.json
cp "$TMP/out" "$TMP/all.out"
cat >"$TMP/expected.py" <<'PY'
E1 = {  # us-east-1: the fixtures' us-east-1 (and global) products
    "ec2.t3.micro": 0.0111, "natGateway.hour": 0.048, "natGateway.gb": 0.047,
    "ebs.gp3GbMonth": 0.081, "ebs.gp2GbMonth": 0.11, "ebs.io1GbMonth": 0.126, "ebs.io2GbMonth": 0.127,
    "ebs.st1GbMonth": 0.046, "ebs.sc1GbMonth": 0.016, "ebs.standardGbMonth": 0.051, "publicIpv4.hour": 0.0051,
    "rds.postgres.db.t3.micro.hour": 0.019,
    "rds.storageGbMonth.gp2": 0.116, "rds.storageGbMonth.gp3": 0.117, "rds.storageGbMonth.io1": 0.126,
    "rds.storageGbMonth.io2": 0.127, "rds.storageGbMonth.standard": 0.101, "rds.provisionedIopsMonth": 0.11,
    "rds.backupGbMonth": 0.096, "backup.rdsSnapshotGbMonth": 0.096,
    "fargate.vcpuHour": 0.0405, "fargate.gbHour": 0.00445, "fargate.vcpuHourArm": 0.0324, "fargate.gbHourArm": 0.0036,
    "applicationLoadBalancer.hour": 0.0226, "applicationLoadBalancer.lcuHour": 0.0081,
    "networkLoadBalancer.hour": 0.0227, "networkLoadBalancer.nlcuHour": 0.0061,
    "s3.standardGbMonth": 0.024, "s3.putPer1000": 0.0051, "s3.getPer1000": 0.00041,
    "kms.keyMonth": 1.01, "secretsManager.secretMonth": 0.41,
    "cloudwatch.alarmMetricMonth": 0.11, "cloudwatch.highResolutionAlarmMetricMonth": 0.31,
    "cloudwatch.compositeAlarmMonth": 0.51, "cloudwatch.dashboardMonth": 3.1,
    "cloudwatch.logsIngestGb": 0.51, "cloudwatch.logsStorageGbMonth": 0.031,
    "vpcEndpoint.interfaceAzHour": 0.011, "vpcEndpoint.gb": 0.011,
    "waf.webAclMonth": 5.1, "waf.ruleMonth": 1.1, "waf.millionRequests": 0.61,
    "cloudfront.gbOut": 0.086, "cloudfront.httpsPer10k": 0.011, "cloudfront.httpPer10k": 0.0076,
    "cloudtrail.additionalCopyPer100k": 2.1, "cloudtrail.dataEventsPer100k": 0.11,
    "config.configurationItem": 0.0031, "config.ruleEvaluation": 0.0011,
    "xray.millionTraces": 5.1, "sns.millionRequests": 0.51, "sns.emailPer100k": 2.1,
}
W2 = {  # us-west-2: its own few products, and the global ones
    "ec2.t3.micro": 0.0112, "fargate.gbHour": 0.00446, "cloudwatch.logsIngestGb": 0.52,
    "cloudwatch.dashboardMonth": 3.1, "cloudfront.gbOut": 0.086, "cloudfront.httpsPer10k": 0.011,
    "cloudfront.httpPer10k": 0.0076,
}
PY
python3 - data/prices "$TMP/all" "$TMP/expected.py" <<'PY' && ok "each mapped figure takes the offer's value, and nothing else changes" || notok "figures after a refresh from every offer file"
import json, sys
exec(open(sys.argv[3]).read())
def flat(d, pre=""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from flat(v, pre + k + ".")
        else:
            yield pre + k, v
for region, want in (("us-east-1", E1), ("us-west-2", W2)):
    old = dict(flat(json.load(open("%s/%s.json" % (sys.argv[1], region)))))
    new = dict(flat(json.load(open("%s/%s.json" % (sys.argv[2], region)))))
    for k in ("date",): old.pop(k), new.pop(k)
    assert set(new) - set(old) <= {k for k in new if k.startswith("source.")}, set(new) - set(old)
    for k, v in old.items():
        if k.startswith("source."):
            continue
        if k in want:
            assert want[k] != v, "%s %s: the fixture's figure must differ from the file's" % (region, k)
            assert new[k] == want[k], "%s %s: %r, expected %r" % (region, k, new[k], want[k])
        else:
            assert new[k] == v, "%s %s changed: %r -> %r" % (region, k, v, new[k])
    assert set(want) <= set(old), set(want) - set(old)
PY
python3 - "$TMP/expected.py" <<'PY' && ok "every mapping is exercised: each mapped key has its fixture figure" || notok "a mapping the fixtures do not exercise"
import importlib.machinery, json, sys
exec(open(sys.argv[1]).read())
rp = importlib.machinery.SourceFileLoader("rp", "scripts/refresh-prices").load_module()
missing = [".".join(m["path"]) for m in rp.MAPPINGS if "{" not in "".join(m["path"]) and ".".join(m["path"]) not in E1]
assert not missing, missing
PY
sed -n '/us-east-1.json/,/us-west-2.json/p' "$TMP/all.out" | grep "kept" >"$TMP/kept"
[ "$(wc -l <"$TMP/kept")" = 2 ] && ! grep -q "not in these offer files\|ambiguous\|unclassified" "$TMP/kept" \
  && ok "us-east-1 keeps only the instance types the fixtures do not list, and the gap" || notok "us-east-1's kept figures" "$(cat "$TMP/kept")"
expect_grep "the instance types not in the fixtures are counted, not listed" "no product in the offer files, kept: ec2.\\{instanceType\\} \\(64\\), rds.postgres.\\{instanceType\\}.hour \\(73\\)" "$TMP/all.out"
expect_grep "a real gap is named as one" "no price list mapping yet \\(GAPS\\), kept: rds.databaseInsightsVcpuHour$" "$TMP/all.out"
grep -q "performanceInsightsFreeDays\|freeTracesPerMonth\|budgetMonth\|managementEventsFirstCopy\|memoryGiB" "$TMP/all.out" \
  && notok "figures that are no price list figure are not reported as kept" "$(cat "$TMP/all.out")" \
  || ok "figures that are no price list figure are not reported as kept"
python3 - "$TMP/all" <<'PY' && ok "the refreshed file's date is the oldest offer's, every offer file recorded" || notok "date and source of the full refresh"
import json, sys
e = json.load(open(sys.argv[1] + "/us-east-1.json"))
assert e["date"] == "2027-01-01", e["date"]
assert len(e["source"]["offers"]) == 15, e["source"]["offers"]
PY
"$SOLEMATE" cost --env staging --prices "$TMP/all" >"$TMP/out" 2>"$TMP/err"
expect_grep "cost reads the refreshed WAF figure (per 1M requests)" "WAF requests +30 1M requests +\\\$0.61 +18.30" "$TMP/out"
expect_grep "and CloudFront's (per 10k requests)" "CloudFront HTTPS requests +5000 10k requests +\\\$0.011 +55.00" "$TMP/out"

# Every figure of the shipped price files is mapped, no price list figure
# (NOT_PRICE_LIST) or a named gap (GAPS): a new key must be classified.
cat >"$TMP/classify.py" <<'PY'
import importlib.machinery, json, os, sys
rp = importlib.machinery.SourceFileLoader("rp", "scripts/refresh-prices").load_module()
bad = []
for f in sorted(os.listdir(sys.argv[1])):
    for key in rp.leaves(json.load(open(os.path.join(sys.argv[1], f)))):
        if rp.classify(key)[0] is None:
            bad.append("%s: %s" % (f, ".".join(key)))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
python3 "$TMP/classify.py" data/prices >"$TMP/out" && ok "every figure of data/prices is mapped, not a price list figure, or a named gap" \
  || notok "unclassified figures of data/prices" "$(cat "$TMP/out")"
mkdir -p "$TMP/new"; cp data/prices/*.json "$TMP/new/"
python3 -c 'import json,sys; p=sys.argv[1]; d=json.load(open(p)); d["waf"]["captchaPer1000"]=0.4; json.dump(d,open(p,"w"))' "$TMP/new/us-east-1.json"
python3 "$TMP/classify.py" "$TMP/new" >"$TMP/out"
[ $? = 1 ] && grep -q "us-east-1.json: waf.captchaPer1000" "$TMP/out" && ok "a new figure nobody classified fails the check, named" \
  || notok "a new figure nobody classified fails the check, named" "$(cat "$TMP/out")"
expect_exit "the refresh itself names it" 0 $R --prices "$TMP/new" $F/awswaf.offer.json
expect_grep "as unclassified" "unclassified \\(add it to MAPPINGS, NOT_PRICE_LIST or GAPS\\), kept: waf.captchaPer1000" "$TMP/out"

# Two products of a region that match one mapping with different prices: the
# figure is kept and both are named; with one price, it is taken.
python3 - "$TMP" <<'PY'
import json, sys
def kms(skus):
    d = json.load(open("tests/fixtures/prices/awskms.offer.json"))
    src = d["products"]["FFFFKMSKEYUSE1"]; term = d["terms"]["OnDemand"]["FFFFKMSKEYUSE1"]
    for sku, usd in skus:
        p = json.loads(json.dumps(src)); p["sku"] = sku; d["products"][sku] = p
        t = json.loads(json.dumps(term).replace("FFFFKMSKEYUSE1", sku).replace("1.0100000000", usd))
        d["terms"]["OnDemand"][sku] = t
    return d
json.dump(kms([("FFFFKMSKEYDUP", "1.5000000000")]), open(sys.argv[1] + "/ambiguous.json", "w"))
json.dump(kms([("FFFFKMSKEYSAME", "1.0100000000")]), open(sys.argv[1] + "/same.json", "w"))
PY
mkdir -p "$TMP/amb"; cp data/prices/*.json "$TMP/amb/"; cp "$TMP/amb/us-east-1.json" "$TMP/before"
expect_exit "an ambiguous figure is no figure (exit 1: none found)" 1 $R --prices "$TMP/amb" "$TMP/ambiguous.json"
expect_grep "it names both products and their prices" "kms.keyMonth: ambiguous, kept: awskms FFFFKMSKEYUSE1 at 1.01, awskms FFFFKMSKEYDUP at 1.5" "$TMP/out"
cmp -s "$TMP/before" "$TMP/amb/us-east-1.json" && ok "and keeps the file as it was" || notok "ambiguous figure written"
expect_exit "two products at one price are one figure" 0 $R --prices "$TMP/amb" "$TMP/same.json"
expect_grep "taken" "kms.keyMonth: 1.0 -> 1.01" "$TMP/out"

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
