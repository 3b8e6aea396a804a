"""Value constraints for data/cfn-schema.txt, taken at build time from the
CloudFormation registry schemas that cfn-lint bundles (the Python package
cfnlint, data/schemas/resources: the registry's schemas with cfn-lint's
corrections), because @aws-cdk/aws-service-spec keeps types, not patterns,
lengths or ranges. Imported by scripts/refresh-schema.py; nothing here is
needed at run time.

A record gains "c": {property: C} and, for relations between its
properties, the keys below. C is a compact object:
  "e": [allowed values], "p": [POSIX extended regexes, all must match],
  "l"/"L": min/max string length, "m"/"M": minimum/maximum,
  "i"/"I": min/max items, "u": 1 items unique, "*": C of each item,
  "f": "ipv4" | "ipv6" | "ipv4-network" | "ipv6-network" (an address, or a
  network: a block with no bit set past its prefix), "F": the format of the
  resource identifier the value is ("AWS::EC2::VPC.Id": a Ref given here must
  be to a resource whose Ref returns that).
A record gains "rf": the format of what a Ref to a resource of the type
returns (its single primaryIdentifier's, "" when it has none), when the type
has a registry schema; "af": {attribute: format, [formats] or ""}, what its
Fn::GetAtt attributes return, when one of them has such a format.
Relations on a record: "rx": [[props]] exactly one of (requiredXor),
"ro": [[[props]...]] exactly one of the sets (oneOf required),
"ra": [[[props]...]] at least one of the sets (anyOf required, requiredOr),
"dr": {prop: [props it requires]}, "dx": {prop: [props it excludes]}.
"""
import ctypes, ctypes.util, json, os, re

MAX_BOUND = 32  # a{n,m} above this becomes a+ / a*: glibc expands bounds at regcomp


class _Libc:
    def __init__(self):
        self.c = ctypes.CDLL(ctypes.util.find_library("c"))
        self.buf = ctypes.create_string_buffer(256)  # >= sizeof(regex_t)

    def compiles(self, ere):
        rc = self.c.regcomp(self.buf, ere.encode(), 1 | 8)  # REG_EXTENDED | REG_NOSUB
        if rc == 0:
            self.c.regfree(self.buf)
        return rc == 0


_libc = _Libc()
CLASS_ESC = {"d": "0-9", "w": "A-Za-z0-9_", "s": " \t\n\r\f\v"}
NEG_ESC = {"D": "[^0-9]", "W": "[^A-Za-z0-9_]", "S": "[^ \t\n\r\f\v]"}
LITERAL_ESC = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}


class Untranslatable(Exception):
    pass


def _class(p, i):
    """Translate the bracket expression starting after '[' at p[i]; return (ere, next i)."""
    neg = False
    if i < len(p) and p[i] == "^":
        neg, i = True, i + 1
    items, first = [], True
    while i < len(p) and (p[i] != "]" or first and False):
        ch = p[i]
        if ch == "]":
            break
        first = False
        if ch == "\\":
            i += 1
            e = p[i]
            if e in CLASS_ESC:
                items.append(CLASS_ESC[e])
            elif e in LITERAL_ESC:
                items.append(LITERAL_ESC[e])
            elif e in "uxUDWS" or e.isdigit() or e.isalpha():
                raise Untranslatable(e)
            else:
                items.append(e if e not in "]-^" else {"]": "]", "-": "-", "^": "^"}[e])
                # a literal ']', '-' or '^' is placed where ERE reads it as a literal below
                if e in "]-^":
                    items[-1] = "\x00" + e
            i += 1
            continue
        if ch == "[" and p[i + 1 : i + 2] == ":":
            end = p.index(":]", i)
            items.append(p[i : end + 2])
            i = end + 2
            continue
        if ord(ch) > 0x7F:
            raise Untranslatable(ch)
        items.append(ch)
        i += 1
    if i >= len(p):
        raise Untranslatable("unterminated class")
    body = "".join(x for x in items if not x.startswith("\x00"))
    lits = [x[1] for x in items if x.startswith("\x00")]
    # a '-' that is neither first nor a range must go last; ']' first; '^' not first
    if body.endswith("-") and not body.endswith("\\-"):
        body, lits = body[:-1], lits + ["-"]
    if body.startswith("-"):
        body, lits = body[1:], lits + ["-"]
    out = "[" + ("^" if neg else "")
    if "]" in lits:
        out += "]"
    if body.startswith("^") and not neg and "]" not in lits:
        body = body[1:] + "^"
    out += body
    if "^" in lits:
        out += "^"
    if "-" in lits:
        out += "-"
    return out + "]", i + 1


def translate(p):
    """Python regex (JSON schema 'pattern') to POSIX ERE with the same matches, or None."""
    try:
        out, i = [], 0
        while i < len(p):
            ch = p[i]
            if ch == "\\":
                e = p[i + 1]
                if e in CLASS_ESC:
                    out.append("[" + CLASS_ESC[e] + "]")
                elif e in NEG_ESC:
                    out.append(NEG_ESC[e])
                elif e in "Zz":
                    out.append("$")
                elif e == "A":
                    out.append("^")
                elif e in LITERAL_ESC:
                    out.append(LITERAL_ESC[e])
                elif e.isalnum():
                    raise Untranslatable(e)  # \b, \u, \x, back references
                elif e in ".[]()*+?{}|^$\\":
                    out.append("\\" + e)
                else:
                    out.append(e)
                i += 2
            elif ch == "[":
                cls, i = _class(p, i + 1)
                out.append(cls)
            elif ch == "(":
                if p[i + 1 : i + 2] == "?":
                    if p[i + 2 : i + 3] != ":":
                        raise Untranslatable("(?")  # lookaround, flags, named groups
                    i += 3
                else:
                    i += 1
                out.append("(")
            elif ch in "*+?" and p[i + 1 : i + 2] == "?":
                out.append(ch)  # lazy: same set of matching strings
                i += 2
            elif ch == "{":
                m = re.match(r"\{(\d*)(,?)(\d*)\}", p[i:])
                if not m:
                    out.append("\\{")
                    i += 1
                    continue
                lo, comma, hi = m.group(1) or "0", m.group(2), m.group(3)
                big = (comma and (not hi or int(hi) > MAX_BOUND)) or int(lo) > MAX_BOUND
                if big:
                    out.append("*" if int(lo) == 0 else "+")
                else:
                    out.append("{%s%s%s}" % (lo, comma, hi))
                i += len(m.group(0))
                if p[i : i + 1] == "?":
                    i += 1
            elif ord(ch) > 0x7F:
                raise Untranslatable(ch)
            else:
                out.append(ch)
                i += 1
        ere = "".join(out)
    except (Untranslatable, IndexError, ValueError):
        return None
    return ere if _libc.compiles(ere) else None


class Registry:
    def __init__(self):
        import cfnlint.data.schemas.providers.us_east_1 as prov
        from cfnlint.version import __version__

        self.version = __version__
        self.dir = os.path.join(os.path.dirname(prov.__file__), "..", "resources")
        self.types = prov.types
        self.formats = self._formats()
        self.stats = {"patterns": 0, "dropped": 0}

    @staticmethod
    def _formats():
        """format keyword -> pattern, from cfn-lint's format rules (E1152)."""
        import importlib, pkgutil
        import cfnlint.rules.formats as fm
        from cfnlint.rules.formats.FormatKeyword import FormatKeyword

        out = {}
        for mod in pkgutil.iter_modules(fm.__path__):
            m = importlib.import_module("cfnlint.rules.formats." + mod.name)
            for obj in vars(m).values():
                if isinstance(obj, type) and issubclass(obj, FormatKeyword) and obj is not FormatKeyword:
                    try:
                        inst = obj()
                    except TypeError:
                        continue
                    fmt = getattr(inst, "format_keyword", None)
                    if isinstance(fmt, str) and inst.pattern:
                        out[fmt] = inst.pattern
        return out

    def schema(self, cfn_type):
        h = self.types.get(cfn_type)
        if not h:
            return None
        with open(os.path.join(self.dir, h + ".json")) as f:
            return json.load(f)

    def pattern(self, pat, anchored):
        if anchored and not pat.startswith("^"):
            pat = "^(" + pat + ")"
        ere = translate(pat)
        self.stats["patterns" if ere else "dropped"] += 1
        return ere


def _deref(root, s):
    seen = 0
    while isinstance(s, dict) and "$ref" in s and seen < 8:
        ref = s["$ref"]
        if not ref.startswith("#/definitions/"):
            return {}
        merged = dict(root.get("definitions", {}).get(ref.split("/")[-1], {}))
        merged.update({k: v for k, v in s.items() if k != "$ref"})
        s, seen = merged, seen + 1
    return s if isinstance(s, dict) else {}


NETWORK_FORMATS = ("ipv4", "ipv6", "ipv4-network", "ipv6-network")


def _value_constraints(reg, root, s):
    s = _deref(root, s)
    c = {}
    if isinstance(s.get("enum"), list) and s["enum"] and all(isinstance(x, (str, int, float, bool)) for x in s["enum"]):
        c["e"] = s["enum"]
    pats = []
    if isinstance(s.get("pattern"), str):
        pats.append(reg.pattern(s["pattern"], False))
    fmt = s.get("format")
    if isinstance(fmt, str) and fmt in reg.formats and "anyOf" not in s:
        pats.append(reg.pattern(reg.formats[fmt], True))
    pats = [p for p in pats if p]
    if pats:
        c["p"] = pats
    # the formats cfn-lint's own checker reads (cfnlint/jsonschema/_format.py)
    # and validate tests through base/cidr.h: "f"
    if fmt in NETWORK_FORMATS:
        c["f"] = fmt
    # what a Ref given here must return (cfn-lint E1041): "F"
    if isinstance(fmt, str) and fmt.startswith("AWS::"):
        c["F"] = fmt
    for k, key in (("minLength", "l"), ("maxLength", "L"), ("minimum", "m"), ("maximum", "M"),
                   ("minItems", "i"), ("maxItems", "I")):
        v = s.get(k)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if key in "lLiI" and v == 0 and key in "li":
                continue
            c[key] = v
    if s.get("uniqueItems") is True:
        c["u"] = 1
    items = s.get("items")
    if isinstance(items, dict):
        ic = _value_constraints(reg, root, items)
        if ic:
            c["*"] = ic
    return c


def ref_format(reg, cfn_type):
    """The format of what Ref returns for `cfn_type` (cfnlint/schema/_ref.py:
    its one primaryIdentifier's schema), "" when it has none, None without a
    registry schema. AWS::EC2::SecurityGroup's is one of two (Id with a VpcId,
    else Name): validate decides it."""
    root = reg.schema(cfn_type)
    if not root:
        return None
    pid = root.get("primaryIdentifier", [])
    if len(pid) != 1 or not pid[0].startswith("/properties/"):
        return ""
    s = _deref(root, root.get("properties", {}).get(pid[0][len("/properties/"):], {}))
    fmt = s.get("format")
    return fmt if isinstance(fmt, str) and fmt.startswith("AWS::") else ""


def getatt_names(cfn_type):
    """The attributes cfn-lint's Fn::GetAtt takes of `cfn_type` (cfnlint/schema/_getatts.py:
    the registry schema's readOnlyProperties, and every property of the types whose
    handlers return them all), without its pattern keys ("Outputs\\..*")."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
    try:
        atts = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", cfn_type).get_atts
    except Exception:  # no registry schema (SAM, a type cfn-lint does not know)
        return set()
    return {k for k in atts.keys() if re.fullmatch(r"[A-Za-z0-9_.]+", k)}


def getatt_formats(cfn_type):
    """What each attribute cfn-lint's Fn::GetAtt takes of `cfn_type` returns
    (cfnlint/rules/functions/GetAttFormat.py, E1040): the format of its
    schema ("AWS::IAM::Role.Arn"), the formats of its anyOf, "" for none.
    Only for the types with at least one such attribute, else None."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
    try:
        s = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", cfn_type)
    except Exception:
        return None
    out = {}
    for k, ptr in s.get_atts.items():
        if not re.fullmatch(r"[A-Za-z0-9_.]+", k):
            continue
        try:
            sch = s.resolver.resolve_cfn_pointer(ptr)
        except Exception:
            sch = {}
        f = sch.get("format")
        alts = [x.get("format") for x in sch.get("anyOf", [])
                if isinstance(x, dict) and str(x.get("format", "")).startswith("AWS::")]
        out[k] = f if isinstance(f, str) and f.startswith("AWS::") else alts if alts else ""
    return out if any(out.values()) else None


def _required_sets(alts):
    sets = []
    for a in alts:
        if not isinstance(a, dict) or set(a) != {"required"} or not isinstance(a["required"], list):
            return None
        sets.append(a["required"])
    return sets or None


def _relations(s, rec):
    if isinstance(s.get("requiredXor"), list):
        rec.setdefault("rx", []).append(s["requiredXor"])
    if isinstance(s.get("requiredOr"), list):
        rec.setdefault("ra", []).append([[p] for p in s["requiredOr"]])
    o = _required_sets(s.get("oneOf", []))
    if o:
        rec.setdefault("ro", []).append(o)
    a = _required_sets(s.get("anyOf", []))
    if a:
        rec.setdefault("ra", []).append(a)
    for key, out in (("dependentRequired", "dr"), ("dependencies", "dr"), ("dependentExcluded", "dx")):
        d = s.get(key)
        if isinstance(d, dict):
            for p, deps in d.items():
                if isinstance(deps, list) and all(isinstance(x, str) for x in deps):
                    rec.setdefault(out, {}).setdefault(p, [])
                    rec[out][p] += [x for x in deps if x not in rec[out][p]]


def _element_type(code):
    """'rR[#12' -> '12' (the property type of an object, list or map), else None."""
    code = code.lstrip("rRM")
    code = code.lstrip("[{")
    return code[1:] if code.startswith("#") else None


def annotate(reg, cfn_type, rec, type_recs):
    """Add constraints from the registry schema of `cfn_type` to its record `rec`
    and to the records of its property types (type_recs: id -> record)."""
    root = reg.schema(cfn_type)
    if not root:
        return
    _annotate_object(reg, root, root, rec, type_recs, set())


def _annotate_object(reg, root, s, rec, type_recs, seen):
    s = _deref(root, s)
    _relations(s, rec)
    props = s.get("properties", {})
    cons = {}
    for name, code in rec.get("p", {}).items():
        ps = props.get(name)
        if not isinstance(ps, dict):
            continue
        c = _value_constraints(reg, root, ps)
        if c:
            cons[name] = c
        tid = _element_type(code)
        if tid and tid not in seen and tid in type_recs:
            d = _deref(root, ps)
            if d.get("type") == "array" or "items" in d:
                d = d.get("items", {})
            elif d.get("type") == "object" and "properties" not in d and isinstance(d.get("patternProperties"), dict):
                d = next(iter(d["patternProperties"].values()), {})
            seen.add(tid)
            _annotate_object(reg, root, d, type_recs[tid], type_recs, seen)
    if cons:
        rec["c"] = cons
