#!/usr/bin/env python3
"""Generate data/cfn-schema.txt (and src/engine/taggable_gen.inc) from the
CloudFormation registry schemas as published in the npm package
@aws-cdk/aws-service-spec (db.json.gz). Run by scripts/refresh-schema.sh.

data/cfn-schema.txt, one record a line, in the order solemate's binary
search over the file's bytes needs (src/analysis/schema.c: header lines, R
lines sorted by type, T lines by numeric id, X lines by type), so that it
reads no line it is not asked for and parses only the types a template uses:

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
def sam_policy_templates():
    """The policy templates the SAM transform knows, with their parameters:
    the policy_templates.json of samtranslator (a dependency of cfn-lint,
    build time only), the list of
    https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html."""
    try:
        import samtranslator
    except ImportError:
        raise SystemExit("refresh-schema: needs samtranslator's policy templates: pip install cfn-lint")
    path = os.path.join(os.path.dirname(samtranslator.__file__), "policy_templates_data", "policy_templates.json")
    return json.load(open(path))["Templates"]

sam_templates = sam_policy_templates()
extra_types = []  # T records added for the policy templates the data lacks
sam_template_ids = {}  # template name -> the id of its record in extra_types

def sam_template_type(tid):
    """Complete the SAMPolicyTemplate type `tid` with the templates it lacks:
    each a property type of its parameters, all required (the transform
    refuses a template with a parameter missing)."""
    t = type_recs[tid]
    if t.get("_done"):
        return
    t["_done"] = True
    next_id = max(int(i) for i in type_recs) + 1
    for name in sorted(sam_templates):
        if name in t["p"]:
            continue
        rid = sam_template_ids.get(name)
        if not rid:
            params = sam_templates[name].get("Parameters", {})
            rid = sam_template_ids[name] = str(next_id)
            next_id += 1
            type_recs[rid] = {"n": name + "SAMPT", "p": {k: "rRs" for k in params}}
            extra_types.append(rid)
        t["p"][name] = "R#" + rid

def sam_corrections(cfn_type, rec):
    """Where the SAM specification data is stricter than the SAM transform.

    Policies of a function or state machine: a string, a policy document, a
    policy template or a list of them; SAM takes a single policy template
    ({DynamoDBCrudPolicy: {TableName: ...}}) as well as a list of one
    (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html#sam-function-policies:
    "Type: String | List | Map"), but the data lists the template only
    inside the list.

    A function's event source: HttpApi and AlexaSkill events have no required
    property, so their Properties may be left out
    (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-httpapi.html,
    .../sam-property-function-alexaskill.html); the data makes Properties
    required for every type. validate_transform.c requires it for the
    other event types.
    """
    if cfn_type not in ("AWS::Serverless::Function", "AWS::Serverless::StateMachine"):
        return
    m = re.fullmatch(r"([rRM]*)\(([^()\[]*)\|\[\(([^()]*)\)\)", rec["p"].get("Policies", ""))
    if m:
        for alt in m.group(3).split("|"):
            if alt.startswith("#") and type_recs[alt[1:]]["n"] == "SAMPolicyTemplate":
                sam_template_type(alt[1:])
        outer = m.group(2).split("|")
        outer += [x for x in m.group(3).split("|") if x not in outer]
        rec["p"]["Policies"] = "%s(%s|[(%s))" % (m.group(1), "|".join(outer), m.group(3))
    # A policy document's Version, and a state machine's Logging fields, are optional:
    # IAM takes a document without Version, and SAM passes Logging on as the state
    # machine's LoggingConfiguration, none of whose properties is required
    # (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-stepfunctions-statemachine-loggingconfiguration.html);
    # the data requires them for a state machine (not for a function).
    for alt in re.findall(r"#(\d+)", rec["p"].get("Policies", "")):
        t = type_recs.get(alt)
        if t and t.get("n") == "IAMPolicyDocument" and "Version" in t["p"]:
            t["p"]["Version"] = t["p"]["Version"].replace("r", "")
    lg = rec["p"].get("Logging", "").lstrip("rRM")
    if cfn_type == "AWS::Serverless::StateMachine" and lg.startswith("#"):
        t = type_recs[lg[1:]]
        for k in t["p"]:
            t["p"][k] = t["p"][k].replace("r", "")
    ev = rec["p"].get("Events", "")
    if cfn_type == "AWS::Serverless::Function" and ev.lstrip("rRM").startswith("{#"):
        t = type_recs[ev.lstrip("rRM")[2:]]
        t["p"]["Properties"] = t["p"]["Properties"].lstrip("r")

def sam_transform_properties():
    """AWS::Serverless::* type -> {property: required} as the SAM transform
    of samtranslator (a dependency of cfn-lint, build time only) takes them:
    the service spec data lags the transform (Function LoggingConfig,
    RecursiveLoop, SnapStart, RuntimeManagementConfig; Api Policy; HttpApi
    Name; StateMachine AutoPublishAlias; the WebSocketApi and
    CapacityProvider types), and validate refused templates the transform
    and CloudFormation accept
    (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html).
    Connector and GraphQLApi are checked by validate_transform.c."""
    from samtranslator.model import sam_resources
    out = {}
    for name in dir(sam_resources):
        c = getattr(sam_resources, name)
        t = getattr(c, "resource_type", None)
        if isinstance(c, type) and isinstance(t, str) and t.startswith("AWS::Serverless::") \
                and isinstance(getattr(c, "property_types", None), dict) \
                and t not in ("AWS::Serverless::Connector", "AWS::Serverless::GraphQLApi"):
            out[t] = {k: bool(getattr(v, "required", False)) for k, v in c.property_types.items()
                      if not k.startswith("__")}
    return out

sam_props = sam_transform_properties()

def sam_event_properties():
    """Event source type (SQS, MSK, ScheduleV2...) -> its properties, of a
    function's and of a state machine's events, as samtranslator takes them
    (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventsource.html,
    .../sam-property-statemachine-statemachineeventsource.html)."""
    import importlib
    out = {"AWS::Serverless::Function": {}, "AWS::Serverless::StateMachine": {}}
    mods = {"AWS::Serverless::Function": ["push", "pull", "scheduler", "cloudwatchlogs"],
            "AWS::Serverless::StateMachine": ["stepfunctions.events", "scheduler"]}
    for owner, names in mods.items():
        for m in names:
            full = "samtranslator.model." + ("eventsources." + m if "." not in m else m)
            mod = importlib.import_module(full)
            for n in dir(mod):
                c = getattr(mod, n)
                if isinstance(c, type) and c.__module__ == full and \
                        isinstance(getattr(c, "resource_type", None), str) and \
                        isinstance(getattr(c, "property_types", None), dict):
                    out[owner][c.resource_type] = sorted(k for k in c.property_types if not k.startswith("__"))
    return out

sam_events = sam_event_properties()

def sam_add_properties(cfn_type, rec):
    """The properties the transform takes and the data lacks: of any type
    ("j": the transform checks their shape), required as the transform
    requires them. The same for the properties of each event source type
    (SQS ScalingConfig, FunctionResponseTypes; Schedule State), and the
    event source types the data lacks (MSK, MQ, SelfManagedKafka,
    DocumentDB, ScheduleV2), none of their properties required."""
    for k, req in sorted(sam_props.get(cfn_type, {}).items()):
        if k not in rec["p"]:
            rec["p"][k] = ("r" if req else "") + "j"
    ev = rec["p"].get("Events", "").lstrip("rRM")
    if cfn_type not in sam_events or not ev.startswith("{#"):
        return
    src = type_recs[ev[2:]]
    m = re.fullmatch(r"([rRM]*)\(([^()]*)\)", src["p"].get("Properties", ""))
    if not m:
        return
    alts = m.group(2).split("|")
    seen = set()
    for alt in alts:
        t = type_recs[alt[1:]]
        kind = t["n"][:-len("Event")] if t["n"].endswith("Event") else t["n"]
        seen.add(kind)
        for k in sam_events[cfn_type].get(kind, []):
            t["p"].setdefault(k, "j")
    next_id = max(int(i) for i in type_recs) + 1
    for kind in sorted(set(sam_events[cfn_type]) - seen):
        rid = str(next_id)
        next_id += 1
        type_recs[rid] = {"n": kind + "Event", "p": {k: "j" for k in sam_events[cfn_type][kind]}}
        extra_types.append(rid)
        alts.append("#" + rid)
    src["p"]["Properties"] = "%s(%s)" % (m.group(1), "|".join(alts))

known_types = {e["cloudFormationType"] for e in db["resource"]["entities"]}
for t in sorted(set(sam_props) - known_types):
    resources.append({"cloudFormationType": t, "properties": {}, "attributes": {}})
resources.sort(key=lambda e: e["cloudFormationType"])

def primary_identifier(cfn_type, rec):
    """The properties that name a resource of the type, when the template sets
    them all (no read-only part): its registry schema's primaryIdentifier
    (cfn-lint E3019). Two resources of a type with the same values would
    name one physical resource; the second fails to create."""
    root = reg.schema(cfn_type)
    if not root:
        return None
    ro = set(root.get("readOnlyProperties", []))
    pid = root.get("primaryIdentifier", [])
    if not pid or any(x in ro or not x.startswith("/properties/") for x in pid):
        return None
    names = [x[len("/properties/"):] for x in pid]
    if any("/" in n or n not in rec["p"] for n in names):
        return None
    return names

for e in resources:
    rec = {"p": props(e.get("properties", {})), "a": sorted(e.get("attributes", {}).keys())}
    sam_corrections(e["cloudFormationType"], rec)
    sam_add_properties(e["cloudFormationType"], rec)
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
    pid = primary_identifier(e["cloudFormationType"], rec)
    if pid:
        rec["pi"] = pid
    # attributes the service spec lacks that the registry schema has (Elasticsearch
    # Domain's DomainArn, a queue's QueueName): cfn-lint takes them, and so does CloudFormation
    rec["a"] = sorted(set(rec["a"]) | schema_constraints.getatt_names(e["cloudFormationType"]))
    af = schema_constraints.getatt_formats(e["cloudFormationType"])
    if af:
        rec["af"] = af
    rf = schema_constraints.ref_format(reg, e["cloudFormationType"])
    if rf is not None:
        rec["rf"] = rf
    lines.append("R\t%s\t%s" % (e["cloudFormationType"], json.dumps(rec, separators=(",", ":"), sort_keys=True)))
for tid in [t["$id"] for t in typedefs] + extra_types:
    rec = type_recs[tid]
    rec.pop("_done", None)
    lines.append("T\t%s\t%s" % (tid, json.dumps(rec, separators=(",", ":"), sort_keys=True)))
lines += schema_rules.lines()  # X lines: cfn-lint's extension rules
# the order src/analysis/schema.c's search needs: header, R by type, T by id, X by type
order = [("#RTX".index(l[0]), int(l.split("\t")[1]) if l[0] == "T" else l.split("\t")[1].encode() if l[0] != "#" else i)
         for i, l in enumerate(lines)]
assert all(a < b for a, b in zip(order, order[1:])), "data/cfn-schema.txt out of order"
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
