#!/usr/bin/env bash
# report: the production page is well-formed, self-contained (no script, no
# network reference), shows every stack, a finding and the cost total, escapes
# what templates say; --format json has the same facts; headless Chromium
# renders it (skipped under SOLEMATE_FAST=1 or without chromium).
. tests/lib.sh
ROOT=$PWD
expect_exit "report --env production --out FILE" 0 "$SOLEMATE" report --env production --out "$TMP/p.html"
expect_grep "says where it wrote" "wrote $TMP/p.html" "$TMP/out"
expect_exit "report --format json" 0 "$SOLEMATE" report --env production --format json
cp "$TMP/out" "$TMP/p.json"
"$SOLEMATE" cost --env production --format json >"$TMP/cost.json" 2>/dev/null

# well-formed: every element closed in order (void elements aside)
cat >"$TMP/check_html.py" <<'PY'
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "hr", "img", "link", "input", "wbr", "col", "area", "base", "source"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.errors = []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID: self.stack.append((tag, self.getpos()))
    def handle_startendtag(self, tag, attrs): pass
    def handle_endtag(self, tag):
        if tag in VOID: return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append("</%s> at %s closes %s" % (tag, self.getpos(), self.stack[-1] if self.stack else "nothing"))
            return
        self.stack.pop()
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
for e in p.errors[:5]: print(e)
for t in p.stack[:5]: print("unclosed <%s> at %s" % t)
sys.exit(1 if p.errors or p.stack else 0)
PY
if python3 "$TMP/check_html.py" "$TMP/p.html" >"$TMP/err"; then ok "HTML: every tag closed"; else notok "HTML: every tag closed" "$(head -5 "$TMP/err")"; fi
if grep -qiE '(src|href)[[:space:]]*=[[:space:]]*["'"'"']?[[:space:]]*(https?:)?//|@import|url\(' "$TMP/p.html"; then
  notok "no external reference (src/href to the network, @import, url())" "$(grep -oiE '(src|href)=["'"'"']?(https?:)?//[^"'"'"' ]*' "$TMP/p.html" | head -3)"
else ok "no external reference (src/href to the network, @import, url())"; fi
if grep -qi '<script' "$TMP/p.html"; then notok "no script"; else ok "no script"; fi
expect_grep "diagram inlined as SVG" '<svg role="img"' "$TMP/p.html"

# the facts of the JSON are on the page
cat >"$TMP/facts.py" <<'PY'
import json, sys
facts = json.load(open(sys.argv[1])); page = open(sys.argv[2], encoding="utf-8").read()
cost = json.load(open(sys.argv[3]))
def check(name, cond, detail=""):
    print(("ok - " if cond else "not ok - ") + name + ("" if cond else " # " + detail))
names = [s["name"] for s in facts["stacks"]]
check("json: production stacks", len(names) >= 5 and all(n.startswith("SolemateProduction") for n in names), str(names))
missing = [n for n in names if n not in page]
check("page: every stack named", not missing, str(missing))
f = facts["findings"]
check("json: findings of check (suppressed ones with reasons)", len(f) > 0 and all(x.get("reason") for x in f if x["suppressed"]), str(len(f)))
r = [x for x in f if x.get("reason")]
check("page: a finding's rule and reason", r and r[0]["rule"] in page and r[0]["reason"].replace("'", "&#39;") in page, r[0]["rule"] if r else "")
total = facts["summary"]["monthlyCost"]
check("json: cost total equals `cost`'s", abs(total - cost["monthlyTotal"]) < 0.005, "%s vs %s" % (total, cost["monthlyTotal"]))
check("page: the cost total", "${:,.2f}".format(total) in page, "${:,.2f}".format(total))
a = facts["availability"]["composite"]
check("json: availability.composite in (0, 1], as `cost` says", 0 < a <= 1 and abs(a - cost["availability"]["composite"]) < 1e-12, str(a))
check("page: composite availability", "%.4f %%" % (a * 100) in page, "%.4f %%" % (a * 100))
check("json: capacity and summary", facts["capacity"]["targetUsers"] == facts["summary"]["targetUsers"] and facts["summary"]["stacks"] == len(names), "")
check("json: no section unavailable", facts["errors"] == [], str(facts["errors"]))
m = facts["metricsCost"]
check("json: metricsCost as `cost` gives it", m == cost["metricsCost"], "")
lv = m["levels"]
check("page: each readiness level's monthly cost", all("${:,.2f}".format(x["monthly"]) in page for x in lv), str([x["monthly"] for x in lv]))
over = m["prdSample"]["overSampleMonthly"]
check("page: what meeting the metrics costs over the PRD sample", "Meeting the metrics costs <b>${:,.2f}</b>".format(over) in page, str(over))
lt = facts["latency"]
check("json: latency legs and the p95 alarm at 200 ms", [x["leg"] for x in lt["legs"]] == ["static assets", "API path", "database distance"] and lt["alarm"]["thresholdMs"] == 200 and lt["meets"] and lt == cost["latency"], str(lt.get("alarm")))
check("page: the latency section with its sources", 'id="latency"' in page and "LatencyP95Alarm" in page and "single-digit millisecond" in page and "ConfiguringCaching.html" in page, "")
check("page: per 1,000 concurrent users", "${:,.2f}".format(m["perThousandUsers"]["atCapacity"]) in page and 'id="metrics-cost"' in page, "")
PY
python3 "$TMP/facts.py" "$TMP/p.json" "$TMP/p.html" "$TMP/cost.json" >"$TMP/facts.out" 2>&1 || true
while IFS= read -r line; do
  case "$line" in
    "ok - "*) ok "${line#ok - }" ;;
    "not ok - "*) rest=${line#not ok - }; notok "${rest%% # *}" "${rest#* # }" ;;
    *) notok "facts check crashed" "$line" ;;
  esac
done <"$TMP/facts.out"

# escaping: names and values from a template are text, never markup
cat >"$TMP/evil.json" <<'JSON'
{"Resources": {
  "Evil<script>alert(1)</script>": {"Type": "AWS::S3::Bucket",
    "Properties": {"BucketName": "<img src=x onerror=alert(2)>"}}}}
JSON
expect_exit "report on a template file" 0 "$SOLEMATE" report "$TMP/evil.json" --out "$TMP/evil.html"
if grep -qiE '<script|<img' "$TMP/evil.html"; then notok "template text is escaped" "$(grep -oiE '.{20}<(script|img).{20}' "$TMP/evil.html" | head -2)"
else ok "template text is escaped"; fi
expect_grep "escaped name is shown" 'Evil&lt;script&gt;alert\(1\)&lt;/script&gt;' "$TMP/evil.html"
if python3 "$TMP/check_html.py" "$TMP/evil.html" >"$TMP/err"; then ok "HTML of a hostile template: every tag closed"; else notok "HTML of a hostile template" "$(head -3 "$TMP/err")"; fi

# default name, Graphviz missing, bad usage
mkdir -p "$TMP/cwd" "$TMP/empty"
(cd "$TMP/cwd" && "$SOLEMATE" report --env staging --config-dir "$ROOT/config" >/dev/null 2>&1)
if [ -s "$TMP/cwd/report-staging.html" ]; then ok "default output: report-NAME.html"; else notok "default output: report-NAME.html"; fi
PATH="$TMP/empty" "$SOLEMATE" report --env production --out "$TMP/nodot.html" >"$TMP/out" 2>"$TMP/err"; rc=$?
if [ $rc = 0 ] && grep -q "diagram not available" "$TMP/nodot.html" && grep -q "Graphviz" "$TMP/err"; then
  ok "no Graphviz: the page says the diagram is not available"
else notok "no Graphviz: page without diagram" "exit $rc" "$(head -2 "$TMP/err")"; fi
mkdir -p "$TMP/noprices"
expect_exit "missing price files: the report is still written" 0 "$SOLEMATE" report --env production --prices "$TMP/noprices" --out "$TMP/noprices.html"
expect_grep "missing price files: cost marked not available" 'class="na">cost not available: ' "$TMP/noprices.html"
expect_grep "missing price files: warned on stderr" 'warning' "$TMP/err"
(cd "$TMP/cwd" && "$SOLEMATE" report --env all --config-dir "$ROOT/config" >"$TMP/out" 2>&1)
if [ -s "$TMP/cwd/report-production.html" ] && grep -q "wrote report-production.html for production" "$TMP/out"; then
  ok "--env all: one page per environment"; else notok "--env all: one page per environment" "$(head -3 "$TMP/out")"; fi
expect_exit "--env all with --out is bad usage" 2 "$SOLEMATE" report --env all --out "$TMP/x.html"
expect_exit "unknown format is bad usage" 2 "$SOLEMATE" report --env production --format pdf
expect_exit "no environment is bad usage" 2 "$SOLEMATE" report
expect_exit "unknown environment is bad input" 2 "$SOLEMATE" report --env nowhere
expect_exit "report --help" 0 "$SOLEMATE" report --help

# rendered by a browser
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -n "${SOLEMATE_FAST:-}" ] || [ -z "$CHROMIUM" ]; then
  skip "headless Chromium renders the page" "${SOLEMATE_FAST:+SOLEMATE_FAST}${CHROMIUM:-no chromium}"
else
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$TMP/shot.png" \
    --window-size=1280,2000 "file://$TMP/p.html" >/dev/null 2>&1
  size=$(stat -c %s "$TMP/shot.png" 2>/dev/null || echo 0)
  if [ "$size" -gt 50000 ]; then ok "headless Chromium renders the page ($size bytes of PNG)"
  else notok "headless Chromium renders the page" "PNG of $size bytes"; fi
fi
# the title comes from the configuration (its project tag and environment),
# never a product's name for templates a user hands in (issue 17)
expect_grep "title from the configuration's project and environment" "<title>SoleMate production · " "$TMP/p.html"
"$SOLEMATE" synth --env staging --out "$TMP/stg" --quiet
expect_exit "report on bare templates" 0 "$SOLEMATE" report "$TMP/stg" --out "$TMP/t.html"
if grep -q "SoleMate" <(grep -o "<title>[^<]*</title>\|<h1>[^<]*</h1>" "$TMP/t.html"); then
  notok "bare templates: no product name in the title" "$(grep -o '<title>[^<]*</title>' "$TMP/t.html")"
else
  ok "bare templates: no product name in the title"
fi
expect_exit "--set project=Acme" 0 "$SOLEMATE" report --env staging --set project=Acme --out "$TMP/a.html"
expect_grep "the title follows the project tag" "<title>Acme staging · " "$TMP/a.html"
done_testing
