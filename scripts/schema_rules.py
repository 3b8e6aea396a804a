"""cfn-lint's extension rules as data: the JSON schemas of
cfnlint/data/schemas/extensions (if/then relations between a resource's
properties that the registry schemas do not state: a FIFO queue's name ends
in .fifo, an Auto Scaling group's MaxSize is not below its MinSize, a target
group of type lambda takes no Port, ...), each with the rule ID cfn-lint
gives it (its rules/**.py name the schema file and the places it applies to).
Read at build time only (scripts/refresh-schema.py, or this file alone:
`python3 scripts/schema_rules.py data/cfn-schema.txt` replaces the X lines).

Each resource type with rules gets one line of data/cfn-schema.txt:
  X <TAB> AWS::Type <TAB> {"r": [{"id": "E3501", "d": "cfn-lint's short description", "at": ["Properties"...], "s": SCHEMA,
                                     "lc": [properties compared in lower case]}, ...]}
"at" is the path below the resource ("*" for each item of a list), SCHEMA a
JSON schema in the subset src/analysis/validate_ext.c evaluates: its
"pattern"s already translated to POSIX ERE. Left out: error-level rules
only; schemas that look values up elsewhere in the template or by region
(cfnGather, $data, cfnContext, $ref, region-keyed enums) and schemas with a
pattern ERE cannot express.
"""
import glob, json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import schema_constraints  # noqa: E402

KEYWORDS = {
    "type", "const", "enum", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "multipleOf", "minLength", "maxLength", "minItems", "maxItems", "items", "contains", "required",
    "properties", "additionalProperties", "propertyNames", "not", "allOf", "anyOf", "oneOf", "if",
    "then", "else", "description", "format", "dependentExcluded", "dependentRequired",
}
SUBSCHEMA_MAPS = {"properties"}
SUBSCHEMAS = {"items", "contains", "additionalProperties", "propertyNames", "not", "if", "then", "else"}
SUBSCHEMA_LISTS = {"allOf", "anyOf", "oneOf"}


class Skip(Exception):
    pass


def _convert(s):
    """The schema with ERE patterns, or Skip when it leaves the subset."""
    if isinstance(s, bool):
        return s
    if not isinstance(s, dict):
        raise Skip("not a schema")
    out = {}
    for k, v in s.items():
        if k not in KEYWORDS:
            raise Skip(k)
        if k == "description":
            continue
        if k == "format":
            continue  # cfn-lint's own formats: not checked here
        if k == "pattern":
            ere = schema_constraints.translate(v)
            if ere is None:
                raise Skip("pattern " + v)
            out[k] = ere
        elif k in SUBSCHEMA_MAPS:
            out[k] = {p: _convert(x) for p, x in v.items()}
        elif k in SUBSCHEMAS:
            out[k] = _convert(v)
        elif k in SUBSCHEMA_LISTS:
            out[k] = [_convert(x) for x in v]
        else:
            out[k] = v
    return out


def _rules(cfnlint_dir):
    """(rule id, short description, [properties compared in lower case], [keyword paths], schema file) from cfn-lint's rule sources."""
    for f in sorted(glob.glob(os.path.join(cfnlint_dir, "rules", "**", "*.py"), recursive=True)):
        t = open(f).read()
        if "schemas.extensions" not in t or "filename=" not in t:
            continue
        rid = re.search(r'\bid = "([EWI]\d+)"', t)
        mods = re.findall(r"module=cfnlint\.data\.schemas\.extensions\.(\w+)", t)
        names = re.findall(r'filename="([^"]+)"', t)
        if not rid or len(mods) != 1 or len(names) != 1:
            continue
        paths = re.findall(r'"(Resources/[^"]+)"', t)
        # a rule that compares a property without case (RDS's Engine) says so
        lower = re.findall(r'instance\["(\w+)"\] = instance\["\1"\]\.lower\(\)', t)
        desc = re.search(r'shortdesc = \(?\s*"([^"]+)"', t)
        yield rid.group(1), desc.group(1) if desc else "", lower, paths, os.path.join(cfnlint_dir, "data", "schemas", "extensions", mods[0], names[0])


def collect():
    """{type: [rule]} and counts of kept and skipped schemas."""
    import cfnlint

    out, kept, skipped = {}, 0, []
    for rid, desc, lower, paths, fname in _rules(os.path.dirname(cfnlint.__file__)):
        if not rid.startswith("E"):
            continue
        try:
            raw = json.load(open(fname))
            schema = _convert(raw)
        except (Skip, OSError) as e:
            skipped.append((rid, os.path.basename(fname), str(e)))
            continue
        for p in paths:
            parts = p.split("/")  # Resources/AWS::X::Y/Properties/...
            if len(parts) < 3 or parts[2] != "Properties":
                continue
            # the schema's own description says more than the rule's title
            d = raw.get("description") if isinstance(raw.get("description"), str) else desc
            rule = {"id": rid, "d": d, "at": parts[2:], "s": schema}
            if lower:
                rule["lc"] = lower
            out.setdefault(parts[1], []).append(rule)
        kept += 1
    return out, kept, skipped


def lines():
    rules, _, _ = collect()
    return ["X\t%s\t%s" % (t, json.dumps({"r": rules[t]}, separators=(",", ":"), sort_keys=True))
            for t in sorted(rules)]


if __name__ == "__main__":
    path = sys.argv[1]
    old = [l for l in open(path).read().split("\n") if l and not l.startswith("X\t")]
    rules, kept, skipped = collect()
    new = old + lines()
    tmp = path + ".tmp"
    open(tmp, "w").write("\n".join(new) + "\n")
    os.replace(tmp, path)
    print("schema_rules: %d rule schemas kept for %d types, %d left out" % (kept, len(rules), len(skipped)))
    for s in skipped:
        print("  left out %s %s: %s" % s)
