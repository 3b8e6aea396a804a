"""Compare cdk-nag's unsuppressed errors (JSON lines from cdk-nag-check.js)
with `solemate check --production --format sarif` on the same templates
(cdk-nag knows no environment: it holds both to the production rules): every (resource,
cdk-nag rule) must be found by one of our rules that maps to that cdk-nag
rule (its cdkNag IDs). Prints the coverage; exit 1 below 100 %."""
import json, subprocess, sys
solemate, nag_file, *templates = sys.argv[1:]
nag = [json.loads(l) for l in open(nag_file) if l.strip()]
sarif = json.loads(subprocess.run([solemate, "check", "--production", "--severity", "info", "--format", "sarif", *templates],
                                  capture_output=True, text=True).stdout)
run = sarif["runs"][0]
nag_ids = {r["id"]: r["help"]["text"] for r in run["tool"]["driver"]["rules"]}
meta = subprocess.run([solemate, "check", "--rules"], capture_output=True, text=True).stdout
found = {}
for res in run["results"]:
    for loc in res["locations"]:
        for ll in loc.get("logicalLocations", []):
            found.setdefault(ll["name"], set()).add(res["ruleId"])
# cdkNag IDs per our rule, from the JSON rule table
rules = json.loads(subprocess.run([solemate, "check", "--rules", "--format", "json"], capture_output=True, text=True).stdout)
mapping = {r["id"]: set((r.get("cdkNag") or "").split()) for r in rules["rules"]}
missed = []
for n in nag:
    res = n["resource"].split("/")[-1]
    base = n["rule"].split("[")[0]
    if not any(base in mapping.get(rid, set()) for rid in found.get(res, set())):
        missed.append((base, res))
total = len(nag)
print("cdk-nag errors: %d; found by solemate under a mapped rule: %d (%.0f %%)" %
      (total, total - len(missed), 100.0 * (total - len(missed)) / max(total, 1)))
for m in sorted(set(missed)):
    print("  missed: %s on %s" % m)
sys.exit(1 if missed or not total else 0)
