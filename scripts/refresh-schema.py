#!/usr/bin/env python3
"""Generate data/cfn-schema.txt (and src/engine/taggable_gen.inc) from the
CloudFormation registry schemas as published in the npm package
@aws-cdk/aws-service-spec (db.json.gz). Run by scripts/refresh-schema.sh.

data/cfn-schema.txt, one record a line, so that solemate can index it with
one scan and parse only the types a template uses:

  # source and version lines
  R<TAB>AWS::S3::Bucket<TAB>{"p":{...},"a":[...],"s":1,"t":"Tags"}
  T<TAB>1641<TAB>{"n":"Ingress","p":{...}}

Property encoding: "Name": "<flags><type>" where flags are any of
  r (required), R (changing it replaces the resource), M (may replace),
and type is s string, i integer, n number, b boolean, j json, t tag,
d date-time, [X array of X, {X map of X, #ID a property type,
(X|Y) a union.

Value constraints (enums, patterns, lengths, ranges, list sizes) and the
relations between properties (exactly one of, at least one of, requires,
excludes) come from the registry schemas bundled with cfn-lint; see
scripts/schema_constraints.py for their encoding (key "c" and others).
"""
import gzip, json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import schema_constraints
import schema_rules

src, version, out_schema, out_tags = sys.argv[1:5]
exclude = set()
try:
    for line in open("data/taggable-exclude.txt"):
        line = line.strip()
        if line and not line.startswith("#"):
            exclude.add(line)
except FileNotFoundError:
    pass
db = json.load(gzip.open(src))["schema"]

def enc(t):
    k = t.get("type")
    if k == "string": return "s"
    if k == "integer": return "i"
    if k == "number": return "n"
    if k == "boolean": return "b"
    if k == "json": return "j"
    if k == "tag": return "t"
    if k == "date-time": return "d"
    if k == "null": return "j"
    if k == "array": return "[" + enc(t["element"])
    if k == "map": return "{" + enc(t["element"])
    if k == "ref": return "#" + t["reference"]["$ref"]
    if k == "union": return "(" + "|".join(enc(x) for x in t["types"]) + ")"
    raise SystemExit("unknown type kind %r" % k)

def props(ps):
    out = {}
    for name, p in ps.items():
        flags = ""
        if p.get("required"): flags += "r"
        cr = p.get("causesReplacement")
        if cr == "yes": flags += "R"
        elif cr == "maybe": flags += "M"
        out[name] = flags + enc(p["type"])
    return out

reg = schema_constraints.Registry()
typedef_by_id = {t["$id"]: t for t in db["typeDefinition"]["entities"]}

def key_value(ref):
    """A property type of exactly the fields Key and Value (both strings)."""
    t = typedef_by_id.get(ref.get("reference", {}).get("$ref"), {})
    ps = t.get("properties", {})
    return set(ps) == {"Key", "Value"} and all(ps[k]["type"].get("type") == "string" for k in ps)
lines = ["# CloudFormation resource schemas for solemate validate/diff",
         "# source: npm @aws-cdk/aws-service-spec %s (db.json.gz)" % version,
         "# constraints: the CloudFormation registry schemas of cfn-lint %s (pip cfn-lint)" % reg.version]
used = set()
tags = []
resources = sorted(db["resource"]["entities"], key=lambda e: e["cloudFormationType"])
typedefs = sorted(db["typeDefinition"]["entities"], key=lambda x: int(x["$id"]))
type_recs = {t["$id"]: {"n": t.get("name", ""), "p": props(t.get("properties", {}))} for t in typedefs}
for e in resources:
    rec = {"p": props(e.get("properties", {})), "a": sorted(e.get("attributes", {}).keys())}
    if e.get("isStateful"): rec["s"] = 1
    ti = e.get("tagInformation")
    if ti:
        rec["t"] = ti["tagPropertyName"]
        rec["v"] = ti.get("variant", "standard")
        p = e.get("properties", {}).get(ti["tagPropertyName"], {}).get("type", {})
        el = p.get("element", {}) if p.get("type") == "array" else {}
        if ti.get("variant") == "asg":
            # [{Key, Value, PropagateAtLaunch}] (AWS::AutoScaling::AutoScalingGroup)
            style = "SM_TAGS_ASG"
        elif el.get("type") == "tag" or (el.get("type") == "ref" and key_value(el)):
            # a list of {Key, Value}: the standard Tag, or a type of the same
            # shape under another name (AWS::CE::AnomalyMonitor ResourceTags)
            style = "SM_TAGS_LIST"
        else:
            style = "SM_TAGS_MAP" if p.get("type") == "map" else None
        if style and e["cloudFormationType"] not in exclude:
            tags.append((e["cloudFormationType"], style, ti["tagPropertyName"]))
    schema_constraints.annotate(reg, e["cloudFormationType"], rec, type_recs)
    lines.append("R\t%s\t%s" % (e["cloudFormationType"], json.dumps(rec, separators=(",", ":"), sort_keys=True)))
for t in typedefs:
    rec = type_recs[t["$id"]]
    lines.append("T\t%s\t%s" % (t["$id"], json.dumps(rec, separators=(",", ":"), sort_keys=True)))
lines += schema_rules.lines()  # X lines: cfn-lint's extension rules
# src/analysis/validate_props.c reads at most UNION_PARTS_MAX (32) alternatives of a union
widest = max((u.count("|") + 1 for l in lines for u in re.findall(r"\(([^()]*)\)", l)), default=0)
assert widest <= 32, "a union of %d alternatives: raise UNION_PARTS_MAX in validate_props.c" % widest
open(out_schema, "w").write("\n".join(lines) + "\n")

with open(out_tags, "w") as f:
    f.write("/* Generated by scripts/refresh-schema.py from @aws-cdk/aws-service-spec %s: do not edit. */\n" % version)
    f.write("static const struct tag_entry taggable[] = {\n")
    for name, style, prop in sorted(tags):
        f.write('\t{ "%s", %s, "%s" },\n' % (name, style, prop))
    f.write("};\n")
print("constraints: %(patterns)d patterns, %(dropped)d left out (not expressible as POSIX ERE)" % reg.stats)
print("%d resource types, %d property types, %d taggable" % (len(resources), len(db["typeDefinition"]["entities"]), len(tags)))
