#!/usr/bin/env python3
"""Write, into DIR, registry schemas that bring cfn-lint's bundled schemas up
to the CloudFormation registry we synthesize against (data/cfn-schema.txt,
from @aws-cdk/aws-service-spec): for each resource type whose tag property
the registry has and cfn-lint's copy lacks, cfn-lint's own schema plus that
property. Nothing else changes, so cfn-lint still checks every other
property of those types. Usage: cfnlint-schemas.py DIR (then
`cfn-lint --registry-schemas DIR ...`). Prints the patched types.
"""
import copy, json, os, sys

from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TAG = {"type": "object", "additionalProperties": False, "required": ["Key", "Value"],
       "properties": {"Key": {"type": "string", "minLength": 1, "maxLength": 128},
                      "Value": {"type": "string", "maxLength": 256}}}
for line in open(os.path.join(root, "data", "cfn-schema.txt")):
    if not line.startswith("R\t"):
        continue
    _, rtype, rec = line.rstrip("\n").split("\t", 2)
    rec = json.loads(rec)
    prop = rec.get("t")
    # only the standard [{Key, Value}] form: the one the engine writes
    if not prop or rec.get("v") != "standard" or rec["p"].get(prop, "").lstrip("rRM") != "[t":
        continue
    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", rtype).schema
    except Exception:
        continue
    if prop in schema.get("properties", {}):
        continue
    patched = copy.deepcopy(schema)
    patched["properties"][prop] = {"type": "array", "uniqueItems": False, "items": TAG}
    name = rtype.replace("::", "-").lower() + ".json"
    with open(os.path.join(out, name), "w") as f:
        json.dump(patched, f)
    print(rtype)
