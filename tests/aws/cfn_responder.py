#!/usr/bin/env python3
"""A scripted CloudFormation Query API server, for what moto does not do:
per-resource stack events, a resource failure with rollback, a change set
that would replace a database, termination protection.

    python3 tests/aws/cfn_responder.py [--port 0] [--log FILE]
        [--scenario NAME] [--scenario-file FILE.json]
        [--seed-stack NAME=TEMPLATE.json]... [--events-per-poll N]
        [--changeset-polls N] [--page-size N]
        [--fail-resource LOGICALID] [--fail-reason TEXT]

Actions: CreateChangeSet, DescribeChangeSet, ExecuteChangeSet,
DeleteChangeSet, ListChangeSets, DescribeStacks, DescribeStackEvents, GetTemplate,
ListStackResources, DeleteStack, UpdateTerminationProtection, with the XML
real CloudFormation answers (xmlns 2010-05-15, XResponse/XResult/
ResponseMetadata, lists as <member>, errors as <ErrorResponse>), paginated
with NextToken at --page-size (default 5) items a page.

Scenarios (--scenario for every stack, or {"stacks": {NAME: SCENARIO}} in
the scenario file):
  ok, create-ok, update-ok, delete-ok   everything succeeds
  create-fail        the CREATE fails at one resource (--fail-resource, else
                     the first AWS::RDS::DBInstance, else the last one) with
                     --fail-reason (default "DB instance class not
                     supported"); the resource started with it gets
                     "Resource creation cancelled"; then ROLLBACK_IN_PROGRESS,
                     deletions, ROLLBACK_COMPLETE
  update-fail        the same for an UPDATE: UPDATE_ROLLBACK_COMPLETE
  update-replace-db  UPDATE change sets show every AWS::RDS::DBInstance kept
                     in the template as Modify, Replacement True,
                     RequiresRecreation Always (what a template-only diff
                     can miss); executing replaces it
  no-changes         UPDATE change sets end FAILED, "The submitted
                     information didn't contain changes. ..."
  delete-fail        DeleteStack fails at the first S3 bucket not retained
                     (or --fail-resource): DELETE_FAILED
  no-updates-error   an UPDATE CreateChangeSet without changes is answered
                     400 ValidationError "No updates are to be performed."
                     (as moto does) instead of a FAILED change set
Whatever the scenario, an UPDATE whose template equals the deployed one is
FAILED with the no-changes reason, as on AWS, and resources with
DeletionPolicy Retain get DELETE_SKIPPED. Replacement for an ordinary
update comes from the repository's resource schemas (data/cfn-schema.txt):
createOnly properties give RequiresRecreation Always.

Time is counted in requests, not seconds: a new change set is CREATE_PENDING
and every DescribeChangeSet (first page) moves it on, to CREATE_COMPLETE (or
FAILED) after --changeset-polls (default 1) in-between answers; once a
change set is executed or DeleteStack is called, every DescribeStacks of
that stack (or of all stacks), first-page DescribeStackEvents and first-page
ListStackResources emits the next --events-per-poll (default 3) events.
Later pages of a listing never move time, so one poll's pages agree.

A request without an Authorization header gets 403
MissingAuthenticationToken, a malformed one 403 IncompleteSignature, one
scoped to another service 403 SignatureDoesNotMatch. With --credentials
KEY_ID:SECRET (repeatable) the signature itself is recomputed with
botocore's signer over the headers the request says it signed: an unknown
key is 403 InvalidClientTokenId, a wrong signature 403
SignatureDoesNotMatch. Without it any signature is accepted. The header is
recorded in the log.

--log FILE: one JSON object a line per request: {"seq", "time", "action",
"params" (TemplateBody replaced by its length), "status", "error" (AWS code
or null), "authorization", "session_token" (bool), "host"}.

Control (not logged): GET /__responder/state gives the stacks (status,
resources, change sets, events count) as JSON; POST /__responder/scenario
with {"scenario": NAME} or {"stacks": {NAME: SCENARIO}} changes scenarios,
and {"deny": [ACTION or ACTION:STACK, ...]} makes those actions (on that
stack) answer 403 AccessDenied (as an IAM policy without them would; []
allows everything again). A seeded
stack (scenario file "seed": [{"name", "template" | "template_file",
"termination_protection", "tags": {KEY: VALUE}}]) carries those stack tags.

The scenario file's "dr" object scripts RDS, ECS, Application Auto Scaling
and Route 53 for solemate failover (dr_services.py, GET/POST
/__responder/dr).

--port 0 picks a free port, printed as stdout's first line. SIGTERM stops.
"""
import argparse
import base64
import hashlib
import json
import os
import sys
import threading
import time
import urllib.parse
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import dr_services
import serve
from serve import iso

NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
ACCOUNT = "123456789012"
NO_CHANGES = (
    "The submitted information didn't contain changes. Submit different information to create a change set."
)
SCENARIOS = {"ok", "create-ok", "update-ok", "delete-ok", "create-fail", "update-fail", "update-replace-db",
             "no-changes", "delete-fail", "no-updates-error"}
UPDATABLE = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE",
             "IMPORT_ROLLBACK_COMPLETE"}
EC2_PREFIX = {"VPC": "vpc", "Subnet": "subnet", "SecurityGroup": "sg", "InternetGateway": "igw",
              "RouteTable": "rtb", "NatGateway": "nat", "NetworkAcl": "acl", "Instance": "i",
              "LaunchTemplate": "lt", "VPCEndpoint": "vpce", "FlowLog": "fl"}


class ApiError(Exception):
    def __init__(self, status, code, message, kind="Sender"):
        super().__init__(message)
        self.status, self.code, self.message, self.kind = status, code, message, kind


def validation(msg):
    return ApiError(400, "ValidationError", msg)


def required(p, key):
    """The parameter, or AWS's answer to a missing one."""
    v = p.get(key)
    if not v:
        field = key[0].lower() + key[1:]
        raise validation(f"1 validation error detected: Value null at '{field}' failed to satisfy constraint: "
                         "Member must not be null")
    return v


def no_stack(name):
    return validation(f"Stack with id {name} does not exist")


# ---------------------------------------------------------------- XML


def to_xml(tag, value):
    """None is left out; lists become <tag><member>..</member></tag>."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f"<{tag}>{'true' if value else 'false'}</{tag}>"
    if isinstance(value, dict):
        inner = "".join(to_xml(k, v) for k, v in value.items())
        return f"<{tag}>{inner}</{tag}>"
    if isinstance(value, list):
        if not value:
            return f"<{tag}/>"
        inner = "".join(to_xml("member", v) for v in value)
        return f"<{tag}>{inner}</{tag}>"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def response_xml(action, result, rid):
    res = "" if result is None else to_xml(f"{action}Result", result)
    if result == {}:
        res = f"<{action}Result/>"
    return (
        f'<{action}Response xmlns="{NS}">{res}'
        f"<ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata></{action}Response>"
    )


def error_xml(err, rid):
    return (
        f'<ErrorResponse xmlns="{NS}"><Error><Type>{err.kind}</Type><Code>{err.code}</Code>'
        f"<Message>{escape(err.message)}</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>"
    )


# ---------------------------------------------------------------- schema


def load_schema(path):
    """{type: {property: "R" | "M" | ""}} from data/cfn-schema.txt, or {}."""
    out = {}
    try:
        f = open(path)
    except OSError:
        return out
    with f:
        for line in f:
            if not line.startswith("R\t"):
                continue
            _, typ, js = line.rstrip("\n").split("\t", 2)
            props = {}
            for name, flags in json.loads(js).get("p", {}).items():
                head = ""
                for c in flags:
                    if c not in "rRM":
                        break
                    head += c
                props[name] = "R" if "R" in head else "M" if "M" in head else ""
            out[typ] = props
    return out


# ---------------------------------------------------------------- model


class Clock:
    """Wall-clock timestamps, strictly increasing, so that event ids differ and
    a client that drops events older than its own start keeps ours."""

    def __init__(self):
        self.last = 0.0

    def now(self):
        t = max(time.time(), self.last + 0.001)
        self.last = t
        return t


def refs_of(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "Ref" and isinstance(v, str):
                out.add(v)
            elif k == "Fn::GetAtt":
                tgt = v[0] if isinstance(v, list) and v else v.split(".")[0] if isinstance(v, str) else None
                if isinstance(tgt, str):
                    out.add(tgt)
            elif k == "Fn::Sub":
                s = v[0] if isinstance(v, list) and v else v
                if isinstance(s, str):
                    i = 0
                    while True:
                        i = s.find("${", i)
                        if i < 0:
                            break
                        j = s.find("}", i)
                        if j < 0:
                            break
                        out.add(s[i + 2 : j].split(".")[0])
                        i = j
                refs_of(v, out)
            else:
                refs_of(v, out)
    elif isinstance(node, list):
        for v in node:
            refs_of(v, out)


def dependencies(resources):
    """{logical id: [the resources it uses (Ref, GetAtt, Sub, DependsOn)]}"""
    deps = {}
    for lid, r in resources.items():
        d = set()
        refs_of(r.get("Properties", {}), d)
        dep = r.get("DependsOn", [])
        d.update([dep] if isinstance(dep, str) else dep)
        deps[lid] = [x for x in d if x in resources and x != lid]
    return deps


def creation_order(resources):
    """Logical ids, dependencies first, otherwise in template order."""
    deps = dependencies(resources)
    done, order, visiting = set(), [], set()

    def visit(n):
        if n in done or n in visiting:  # a cycle: CloudFormation would refuse it; keep going
            return
        visiting.add(n)
        for m in sorted(deps[n], key=list(resources).index):
            visit(m)
        visiting.discard(n)
        done.add(n)
        order.append(n)

    for lid in resources:
        visit(lid)
    return order


class Resource:
    def __init__(self, lid, typ, physical):
        self.lid, self.type, self.physical = lid, typ, physical
        # how many physical resources it has had: a replacement counts, even
        # when a fixed name keeps the physical id (a rollback gives it back)
        self.generation = 0
        self.status, self.reason, self.updated = None, None, None

    def assign(self, physical):
        self.physical = physical
        self.generation += 1


class ChangeSet:
    def __init__(self, stack, name, typ, template, body, params, description, capabilities, tags, changes,
                 final_status, reason, now, seq):
        self.stack, self.name, self.type = stack, name, typ
        self.id = f"arn:aws:cloudformation:{stack.region}:{ACCOUNT}:changeSet/{name}/{uuid.uuid5(uuid.NAMESPACE_URL, f'cs/{name}/{seq}')}"
        self.template, self.body, self.params = template, body, params
        self.description, self.capabilities, self.tags = description, capabilities, tags
        self.changes = changes
        self.status, self.exec_status, self.reason = "CREATE_PENDING", "UNAVAILABLE", None
        self.final_status, self.final_reason = final_status, reason
        self.polls = 0
        self.created = now


class Stack:
    def __init__(self, name, region, now, seq):
        self.name, self.region = name, region
        self.id = f"arn:aws:cloudformation:{region}:{ACCOUNT}:stack/{name}/{uuid.uuid5(uuid.NAMESPACE_URL, f'stack/{name}/{seq}')}"
        self.status, self.reason = None, None
        self.protection = False
        self.template, self.body = None, None  # the deployed template
        self.params = {}
        self.resources = {}  # logical id -> Resource
        self.events = []  # oldest first
        self.pending = []  # events still to emit (tuples) and hooks (callables)
        self.change_sets = {}
        self.outputs = []
        self.created, self.updated = now, None
        self.deleted = False
        self.tags = []


class World:
    def __init__(self, opts, schema):
        self.opts = opts
        self.schema = schema
        self.clock = Clock()
        self.stacks = {}  # name -> live Stack
        self.by_id = {}  # id -> Stack, deleted ones included
        self.seq = 0
        self.lock = threading.Lock()

    # ------------------------------------------------------------ helpers

    def scenario(self, stack_name):
        return self.opts["stacks"].get(stack_name, self.opts["scenario"])

    def next_seq(self):
        self.seq += 1
        return self.seq

    def find(self, name_or_id):
        if name_or_id.startswith("arn:"):
            s = self.by_id.get(name_or_id)
            if s is None:
                raise no_stack(name_or_id)
            return s
        s = self.stacks.get(name_or_id)
        if s is None:
            raise no_stack(name_or_id)
        return s

    def physical_id(self, stack, lid, typ, props):
        h = hashlib.sha1(f"{stack.id}/{lid}/{self.next_seq()}".encode()).hexdigest()
        suffix = h[:12].upper()
        name_prop = {"AWS::S3::Bucket": "BucketName", "AWS::RDS::DBInstance": "DBInstanceIdentifier",
                     "AWS::IAM::Role": "RoleName", "AWS::Logs::LogGroup": "LogGroupName"}.get(typ)
        if name_prop and isinstance(props.get(name_prop), str):
            return props[name_prop]
        svc, _, kind = typ.partition("::")[2].partition("::")
        if svc == "EC2" and kind in EC2_PREFIX:
            return f"{EC2_PREFIX[kind]}-{h[:17]}"
        if typ in ("AWS::S3::Bucket", "AWS::RDS::DBInstance"):
            return f"{stack.name}-{lid}-{suffix}".lower()[:63]
        if typ == "AWS::KMS::Key":
            return str(uuid.UUID(h[:32]))
        return f"{stack.name}-{lid}-{suffix}"

    def event(self, stack, lid, status, reason=None, opts=None):
        """opts: {"props": the resource's properties (IN_PROGRESS events), "old_physical": the
        event is about the old copy of a replaced resource, which keeps its state}."""
        opts = opts or {}
        t = self.clock.now()
        if lid == stack.name and lid not in stack.resources:
            e = {"StackId": stack.id, "EventId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"ev/{self.next_seq()}")),
                 "StackName": stack.name, "LogicalResourceId": stack.name, "PhysicalResourceId": stack.id,
                 "ResourceType": "AWS::CloudFormation::Stack", "Timestamp": iso(t), "ResourceStatus": status,
                 "ResourceStatusReason": reason}
            stack.status, stack.reason = status, reason
        else:
            r = stack.resources[lid]
            props = opts.get("props")
            e = {"StackId": stack.id, "EventId": f"{lid}-{status}-{iso(t)}", "StackName": stack.name,
                 "LogicalResourceId": lid, "PhysicalResourceId": opts.get("old_physical", r.physical) or "",
                 "ResourceType": r.type, "Timestamp": iso(t), "ResourceStatus": status,
                 "ResourceStatusReason": reason,
                 "ResourceProperties": json.dumps(props) if props is not None else None}
            if "old_physical" not in opts:
                r.status, r.reason, r.updated = status, reason, t
        stack.events.append(e)

    def run_hooks(self, stack):
        while stack.pending and callable(stack.pending[0]):
            stack.pending.pop(0)()

    def advance(self, stack, n=None):
        """One poll: emit the next events of the running operation."""
        n = self.opts["events_per_poll"] if n is None else n
        self.run_hooks(stack)
        for _ in range(n):
            if not stack.pending:
                break
            step = stack.pending.pop(0)
            self.event(stack, *step)
            self.run_hooks(stack)

    # ------------------------------------------------------------ templates

    def parse_template(self, body):
        try:
            t = json.loads(body)
        except json.JSONDecodeError as e:
            raise validation(f"Template format error: JSON not well-formed. (line {e.lineno}, column {e.colno})")
        if not isinstance(t, dict) or not isinstance(t.get("Resources"), dict) or not t["Resources"]:
            raise validation("Template format error: At least one Resources member must be defined.")
        for lid, r in t["Resources"].items():
            if not isinstance(r, dict) or not isinstance(r.get("Type"), str):
                raise validation(f"Template format error: [/Resources/{lid}] Every Resources object must contain a Type member.")
        return t

    def diff(self, stack, new, scenario):
        """The change set's Changes (botocore-shaped dicts) of new against the deployed template."""
        old_res = (stack.template or {}).get("Resources", {})
        new_res = new["Resources"]
        changes = []
        for lid in new_res:
            typ = new_res[lid]["Type"]
            if lid not in old_res:
                changes.append({"Action": "Add", "LogicalResourceId": lid, "ResourceType": typ, "Scope": [],
                                "Details": []})
                continue
            o, n = old_res[lid], new_res[lid]
            phys = stack.resources[lid].physical if lid in stack.resources else None
            details, scope = [], []
            if o["Type"] != typ:
                details.append(self.detail("Properties", None, "Always"))
                scope.append("Properties")
            op, np_ = o.get("Properties", {}), n.get("Properties", {})
            flags = self.schema.get(typ, {})
            for p in sorted(set(op) | set(np_)):
                if op.get(p) == np_.get(p):
                    continue
                if p == "Tags":
                    details.append(self.detail("Tags", None, "Never"))
                    if "Tags" not in scope:
                        scope.append("Tags")
                    continue
                rr = {"R": "Always", "M": "Conditionally"}.get(flags.get(p, ""), "Never")
                details.append(self.detail("Properties", p, rr))
                if "Properties" not in scope:
                    scope.append("Properties")
            if o.get("Metadata") != n.get("Metadata"):
                details.append(self.detail("Metadata", None, "Never"))
                scope.append("Metadata")
            if scenario == "update-replace-db" and typ == "AWS::RDS::DBInstance":
                name = next((d["Target"]["Name"] for d in details if d["Target"].get("Name")), None) or "Engine"
                details = [d for d in details if d["Target"].get("Name") != name]
                details.insert(0, self.detail("Properties", name, "Always"))
                if "Properties" not in scope:
                    scope.insert(0, "Properties")
            if not details:
                continue
            rrs = {d["Target"]["RequiresRecreation"] for d in details}
            repl = "True" if "Always" in rrs else "Conditional" if "Conditionally" in rrs else "False"
            changes.append({"Action": "Modify", "LogicalResourceId": lid, "PhysicalResourceId": phys,
                            "ResourceType": typ, "Replacement": repl, "Scope": scope, "Details": details})
        for lid in old_res:
            if lid not in new_res:
                r = stack.resources.get(lid)
                retain = old_res[lid].get("DeletionPolicy") == "Retain"
                changes.append({"Action": "Remove", "PolicyAction": "Retain" if retain else "Delete",
                                "LogicalResourceId": lid, "PhysicalResourceId": r.physical if r else None,
                                "ResourceType": old_res[lid]["Type"], "Scope": [], "Details": []})
        return changes

    @staticmethod
    def detail(attribute, name, rr):
        target = {"Attribute": attribute, "Name": name, "RequiresRecreation": rr}
        return {"Target": target, "Evaluation": "Static", "ChangeSource": "DirectModification"}

    def resolve(self, stack, v):
        """An output's value, as far as a test needs it."""
        if isinstance(v, str):
            return v
        if isinstance(v, (int, float, bool)):
            return json.dumps(v)
        if isinstance(v, dict) and len(v) == 1:
            (k, a), = v.items()
            if k == "Ref":
                pseudo = {"AWS::Region": stack.region, "AWS::AccountId": ACCOUNT, "AWS::StackName": stack.name,
                          "AWS::StackId": stack.id, "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
                if a in pseudo:
                    return pseudo[a]
                if a in stack.resources:
                    return stack.resources[a].physical
                p = stack.params.get(a)
                if p is None:
                    p = ((stack.template or {}).get("Parameters", {}).get(a) or {}).get("Default", "")
                return str(p)
            if k == "Fn::GetAtt":
                lid, att = (a if isinstance(a, list) else a.split(".", 1))[:2]
                r = stack.resources.get(lid)
                phys = r.physical if r else lid
                if att == "Arn":
                    svc = r.type.split("::")[1].lower() if r else "unknown"
                    return f"arn:aws:{svc}:{stack.region}:{ACCOUNT}:{phys}"
                return f"{phys}.{att}"
            if k == "Fn::Join" and isinstance(a, list) and len(a) == 2:
                return str(a[0]).join(self.resolve(stack, x) for x in a[1])
            if k == "Fn::Sub":
                s = a[0] if isinstance(a, list) else a
                out, i = "", 0
                while True:
                    j = s.find("${", i)
                    if j < 0:
                        return out + s[i:]
                    e = s.find("}", j)
                    ref = s[j + 2 : e]
                    out += s[i:j] + (self.resolve(stack, {"Fn::GetAtt": ref.split(".", 1)}) if "." in ref
                                     else self.resolve(stack, {"Ref": ref}))
                    i = e + 1
        return json.dumps(v, sort_keys=True)

    def compute_outputs(self, stack):
        outs = []
        for k, o in (stack.template or {}).get("Outputs", {}).items():
            exp = o.get("Export", {}).get("Name")
            outs.append({"OutputKey": k, "OutputValue": self.resolve(stack, o.get("Value")),
                         "Description": o.get("Description"),
                         "ExportName": self.resolve(stack, exp) if exp is not None else None})
        stack.outputs = outs

    # ------------------------------------------------------------ operations

    def fail_target(self, order, types, prefer):
        want = self.opts.get("fail_resource")
        if want and want in order:
            return want
        for lid in order:
            if types[lid] == prefer:
                return lid
        return order[-1] if order else None

    def plan_create(self, stack, cs):
        scen = self.scenario(stack.name)
        res = cs.template["Resources"]
        order = creation_order(res)
        for lid in order:
            stack.resources[lid] = Resource(lid, res[lid]["Type"], None)
        stack.template, stack.body, stack.params = cs.template, cs.body, cs.params
        types = {lid: res[lid]["Type"] for lid in order}
        fail = self.fail_target(order, types, "AWS::RDS::DBInstance") if scen == "create-fail" else None
        steps, created = [], []

        def start(lid):
            p = res[lid].get("Properties", {})
            return [(lid, "CREATE_IN_PROGRESS", None, {"props": p}),
                    lambda lid=lid, p=p: stack.resources[lid].assign(self.physical_id(stack, lid, types[lid], p)),
                    (lid, "CREATE_IN_PROGRESS", "Resource creation Initiated")]

        for lid in order:
            if lid == fail:
                break
            steps += start(lid) + [(lid, "CREATE_COMPLETE")]
            created.append(lid)
        if fail is None:
            steps += [(stack.name, "CREATE_COMPLETE"), lambda: self.finish(stack, cs, True)]
        else:
            # the resource started alongside the failing one: the next one
            # that does not wait for it
            deps = dependencies(res)
            later = order[order.index(fail) + 1 :]
            cancelled = next((lid for lid in later if fail not in deps[lid]), None)
            steps += start(fail)
            if cancelled:
                steps += start(cancelled)
            reason = self.opts["fail_reason"]
            steps.append((fail, "CREATE_FAILED", reason))
            failed = [fail]
            if cancelled:
                steps.append((cancelled, "CREATE_FAILED", "Resource creation cancelled"))
                failed.append(cancelled)
            steps.append((stack.name, "ROLLBACK_IN_PROGRESS",
                          f"The following resource(s) failed to create: [{', '.join(sorted(failed))}]. "
                          "Rollback requested by user."))
            for lid in reversed(created + failed):
                steps += [(lid, "DELETE_IN_PROGRESS"), (lid, "DELETE_COMPLETE")]
            steps += [(stack.name, "ROLLBACK_COMPLETE"), lambda: self.finish(stack, cs, False)]
        self.event(stack, stack.name, "CREATE_IN_PROGRESS", "User Initiated")
        stack.pending = steps

    def plan_update(self, stack, cs):
        scen = self.scenario(stack.name)
        new_res = cs.template["Resources"]
        old_res = stack.template.get("Resources", {})
        changes = {c["LogicalResourceId"]: c for c in cs.changes}
        touched = [lid for lid in creation_order(new_res) if lid in changes]
        fail = None
        if scen == "update-fail" and touched:
            fail = self.fail_target(touched, {lid: new_res[lid]["Type"] for lid in touched}, "AWS::RDS::DBInstance")
        steps, done, old_phys = [], [], {}

        def assign(lid, typ, p):
            return lambda: stack.resources[lid].assign(self.physical_id(stack, lid, typ, p))

        for lid in touched:
            c = changes[lid]
            typ, p = new_res[lid]["Type"], new_res[lid].get("Properties", {})
            o = {"props": p}
            if c["Action"] == "Add":
                stack.resources.setdefault(lid, Resource(lid, typ, None))
                steps.append((lid, "CREATE_IN_PROGRESS", None, o))
                if lid == fail:
                    steps.append((lid, "CREATE_FAILED", self.opts["fail_reason"]))
                    break
                steps += [assign(lid, typ, p), (lid, "CREATE_IN_PROGRESS", "Resource creation Initiated"),
                          (lid, "CREATE_COMPLETE")]
            elif c["Replacement"] == "True":
                old_phys[lid] = stack.resources[lid].physical
                steps.append((lid, "UPDATE_IN_PROGRESS", "Requested update requires the creation of a new physical "
                              "resource; hence creating one.", o))
                if lid == fail:
                    steps.append((lid, "UPDATE_FAILED", self.opts["fail_reason"]))
                    break
                steps += [assign(lid, typ, p), (lid, "UPDATE_IN_PROGRESS", "Resource creation Initiated"),
                          (lid, "UPDATE_COMPLETE")]
            else:
                steps.append((lid, "UPDATE_IN_PROGRESS", None, o))
                if lid == fail:
                    steps.append((lid, "UPDATE_FAILED", self.opts["fail_reason"]))
                    break
                steps.append((lid, "UPDATE_COMPLETE"))
            done.append(lid)
        if fail is None:
            steps.append((stack.name, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"))
            for lid in reversed(list(old_phys)):  # the old copies of replaced resources
                old = {"old_physical": old_phys[lid]}
                if old_res[lid].get("UpdateReplacePolicy") == "Retain":
                    steps.append((lid, "DELETE_SKIPPED", None, old))
                else:
                    steps += [(lid, "DELETE_IN_PROGRESS", None, old), (lid, "DELETE_COMPLETE", None, old)]
            for c in cs.changes:
                if c["Action"] == "Remove":
                    lid = c["LogicalResourceId"]
                    if c.get("PolicyAction") == "Retain":
                        steps.append((lid, "DELETE_SKIPPED"))
                    else:
                        steps += [(lid, "DELETE_IN_PROGRESS"), (lid, "DELETE_COMPLETE")]
            steps += [(stack.name, "UPDATE_COMPLETE"), lambda: self.finish(stack, cs, True)]
            stack.template, stack.body, stack.params = cs.template, cs.body, cs.params
        else:
            steps.append((stack.name, "UPDATE_ROLLBACK_IN_PROGRESS",
                          f"The following resource(s) failed to update: [{fail}]. "))
            added = []
            for lid in reversed(done + [fail]):
                if changes[lid]["Action"] == "Add":
                    added.append(lid)
                    continue
                if lid in old_phys:
                    steps.append(lambda lid=lid: (stack.resources[lid].assign(old_phys[lid]),
                                                  setattr(stack.resources[lid], "generation",
                                                          stack.resources[lid].generation - 2)))
                steps += [(lid, "UPDATE_IN_PROGRESS"), (lid, "UPDATE_COMPLETE")]
            steps.append((stack.name, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"))
            for lid in added:
                steps += [(lid, "DELETE_IN_PROGRESS"), (lid, "DELETE_COMPLETE"),
                          lambda lid=lid: stack.resources.pop(lid, None)]
            steps += [(stack.name, "UPDATE_ROLLBACK_COMPLETE"), lambda: self.finish(stack, cs, False)]
        self.event(stack, stack.name, "UPDATE_IN_PROGRESS", "User Initiated")
        stack.pending = steps

    @staticmethod
    def drop_deleted(stack):
        for lid in [lid for lid, r in stack.resources.items() if r.status in ("DELETE_COMPLETE", "DELETE_SKIPPED")]:
            del stack.resources[lid]

    def finish(self, stack, cs, ok):
        cs.exec_status = "EXECUTE_COMPLETE" if ok else "EXECUTE_FAILED"
        if ok:
            self.drop_deleted(stack)
            self.compute_outputs(stack)
        elif cs.type == "CREATE":
            stack.resources = {}
        if cs.type == "UPDATE":
            stack.updated = self.clock.now()

    def plan_delete(self, stack):
        scen = self.scenario(stack.name)
        res = (stack.template or {}).get("Resources", {})
        order = [lid for lid in reversed(creation_order(res)) if lid in stack.resources]
        steps = []
        fail = None
        if scen == "delete-fail":
            want = self.opts.get("fail_resource")
            cand = [lid for lid in order if res[lid].get("DeletionPolicy") != "Retain"]
            fail = want if want in cand else next((lid for lid in cand if res[lid]["Type"] == "AWS::S3::Bucket"),
                                                  cand[0] if cand else None)
        for lid in order:
            if res[lid].get("DeletionPolicy") == "Retain":
                steps.append((lid, "DELETE_SKIPPED"))
            elif lid == fail:
                steps += [(lid, "DELETE_IN_PROGRESS"),
                          (lid, "DELETE_FAILED", "The bucket you tried to delete is not empty (Service: S3, "
                           "Status Code: 409, Request ID: 7Q4GBGTRQ5PNYXD1)"
                           if res[lid]["Type"] == "AWS::S3::Bucket" else self.opts["fail_reason"])]
            else:
                steps += [(lid, "DELETE_IN_PROGRESS"), (lid, "DELETE_COMPLETE")]
        if fail:
            steps += [(stack.name, "DELETE_FAILED", f"The following resource(s) failed to delete: [{fail}]. "),
                      lambda: self.drop_deleted(stack)]
        else:
            steps += [(stack.name, "DELETE_COMPLETE"), lambda: self.finish_delete(stack)]
        self.event(stack, stack.name, "DELETE_IN_PROGRESS", "User Initiated")
        stack.pending = steps

    def finish_delete(self, stack):
        stack.deleted = True
        stack.deleted_at = self.clock.now()
        stack.change_sets = {}
        stack.resources = {}
        stack.outputs = []
        if self.stacks.get(stack.name) is stack:
            del self.stacks[stack.name]

    def seed(self, name, body, protection=False, region="us-east-1", tags=None):
        t = self.parse_template(body)
        st = Stack(name, region, self.clock.now(), self.next_seq())
        st.tags = [{"Key": k, "Value": v} for k, v in (tags or {}).items()]
        self.stacks[name] = st
        self.by_id[st.id] = st
        st.protection = protection
        st.template, st.body = t, body
        self.event(st, name, "CREATE_IN_PROGRESS", "User Initiated")
        for lid in creation_order(t["Resources"]):
            typ, p = t["Resources"][lid]["Type"], t["Resources"][lid].get("Properties", {})
            st.resources[lid] = Resource(lid, typ, None)
            st.resources[lid].assign(self.physical_id(st, lid, typ, p))
            self.event(st, lid, "CREATE_COMPLETE")
        self.event(st, name, "CREATE_COMPLETE")
        self.compute_outputs(st)

    # ------------------------------------------------------------ actions

    @staticmethod
    def token(kind, key, offset):
        return base64.b64encode(json.dumps({"k": kind, "s": key, "o": offset}).encode()).decode()

    @staticmethod
    def untoken(token, kind, key):
        try:
            t = json.loads(base64.b64decode(token))
            assert t["k"] == kind and t["s"] == key
            return int(t["o"])
        except Exception:  # noqa: BLE001 - any garbage is the same error to the client
            raise validation("Invalid NextToken")

    def page(self, items, token, kind, key):
        size = self.opts["page_size"]
        start = self.untoken(token, kind, key) if token else 0
        chunk = items[start : start + size]
        nxt = self.token(kind, key, start + size) if start + size < len(items) else None
        return chunk, nxt

    def find_cs(self, p):
        name = required(p, "ChangeSetName")
        if name.startswith("arn:"):
            for st in list(self.by_id.values()):
                for cs in st.change_sets.values():
                    if cs.id == name:
                        return st, cs
            raise ApiError(404, "ChangeSetNotFound", f"ChangeSet [{name}] does not exist")
        sname = p.get("StackName")
        if not sname:
            raise validation("StackName must be specified if ChangeSetName is not specified as an ARN.")
        st = self.find(sname)
        cs = st.change_sets.get(name)
        if cs is None:
            raise ApiError(404, "ChangeSetNotFound", f"ChangeSet [{name}] does not exist")
        return st, cs

    def a_CreateChangeSet(self, p, region):
        name, csname = required(p, "StackName"), required(p, "ChangeSetName")
        typ = p.get("ChangeSetType", "UPDATE")
        if "TemplateBody" in p:
            body = p["TemplateBody"]
        elif "TemplateURL" in p:
            raise validation("cfn_responder: TemplateURL is not supported here; send TemplateBody")
        else:
            raise validation("Either Template URL or Template Body must be specified.")
        template = self.parse_template(body)
        st = self.stacks.get(name)
        if typ == "CREATE":
            if st is not None and st.status != "REVIEW_IN_PROGRESS":
                raise validation(f"Stack [{name}] already exists and cannot be created again with the changeSet "
                                 f"[{csname}].")
        elif typ == "UPDATE":
            if st is None:
                raise validation(f"Stack [{name}] does not exist")
            if st.status not in UPDATABLE:
                raise validation(f"Stack:{st.id} is in {st.status} state and can not be updated.")
        else:
            raise validation(f"1 validation error detected: Value '{typ}' at 'changeSetType' failed to satisfy "
                             "constraint: Member must satisfy enum value set: [UPDATE, IMPORT, CREATE]")
        if st is not None and csname in st.change_sets:
            raise ApiError(400, "AlreadyExistsException", f"ChangeSet [{csname}] already exists")
        if st is None:
            st = Stack(name, region, self.clock.now(), self.next_seq())
            self.stacks[name] = st
            self.by_id[st.id] = st
            self.event(st, name, "REVIEW_IN_PROGRESS", "User Initiated")
        scen = self.scenario(name)
        changes = self.diff(st, template, scen)
        final, reason = "CREATE_COMPLETE", None
        unchanged = not changes and template == st.template
        if typ == "UPDATE" and scen == "no-updates-error" and unchanged:
            raise validation("No updates are to be performed.")
        if typ == "UPDATE" and (scen == "no-changes" or unchanged):
            final, reason, changes = "FAILED", NO_CHANGES, []
        params = {p[k]: p.get(k[: -len("ParameterKey")] + "ParameterValue", "")
                  for k in p if k.startswith("Parameters.member.") and k.endswith(".ParameterKey")}
        caps = [v for k, v in sorted(p.items()) if k.startswith("Capabilities.member.")]
        tags = []
        i = 1
        while f"Tags.member.{i}.Key" in p:
            tags.append({"Key": p[f"Tags.member.{i}.Key"], "Value": p.get(f"Tags.member.{i}.Value", "")})
            i += 1
        cs = ChangeSet(st, csname, typ, template, body, params, p.get("Description"), caps, tags, changes, final,
                       reason, self.clock.now(), self.next_seq())
        st.change_sets[csname] = cs
        return {"Id": cs.id, "StackId": st.id}

    def a_DescribeChangeSet(self, p, region):
        st, cs = self.find_cs(p)
        if not p.get("NextToken") and cs.status not in ("CREATE_COMPLETE", "FAILED"):
            cs.polls += 1
            if cs.polls > self.opts["changeset_polls"]:
                cs.status, cs.reason = cs.final_status, cs.final_reason
                cs.exec_status = "AVAILABLE" if cs.status == "CREATE_COMPLETE" else "UNAVAILABLE"
            else:
                cs.status = "CREATE_IN_PROGRESS"
        changes, nxt = self.page(cs.changes, p.get("NextToken"), "cs", cs.id)
        if cs.status == "CREATE_PENDING":
            changes, nxt = [], None
        return {
            "ChangeSetName": cs.name, "ChangeSetId": cs.id, "StackId": st.id, "StackName": st.name,
            "Description": cs.description,
            "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in cs.params.items()],
            "CreationTime": iso(cs.created), "ExecutionStatus": cs.exec_status, "Status": cs.status,
            "StatusReason": cs.reason, "NotificationARNs": [], "RollbackConfiguration": {},
            "Capabilities": cs.capabilities, "Tags": cs.tags,
            "Changes": [{"Type": "Resource", "ResourceChange": c} for c in changes],
            "NextToken": nxt, "IncludeNestedStacks": False,
        }

    def a_ListChangeSets(self, p, region):
        st = self.find(required(p, "StackName"))
        css = sorted(st.change_sets.values(), key=lambda c: c.created)
        chunk, nxt = self.page(css, p.get("NextToken"), "css", st.id)
        return {"Summaries": [{"StackId": st.id, "StackName": st.name, "ChangeSetId": c.id,
                               "ChangeSetName": c.name, "ExecutionStatus": c.exec_status, "Status": c.status,
                               "StatusReason": c.reason, "CreationTime": iso(c.created),
                               "Description": c.description, "IncludeNestedStacks": False} for c in chunk],
                "NextToken": nxt}

    def a_ExecuteChangeSet(self, p, region):
        st, cs = self.find_cs(p)
        if cs.exec_status != "AVAILABLE":
            raise ApiError(400, "InvalidChangeSetStatus",
                           f"ChangeSet [{cs.id}] cannot be executed in its current status of [{cs.status}]")
        if st.pending:
            raise validation(f"Stack:{st.id} is in {st.status} state and can not be updated.")
        cs.exec_status = "EXECUTE_IN_PROGRESS"
        # AWS deletes the stack's other change sets once one is executed
        st.change_sets = {cs.name: cs}
        if cs.type == "CREATE":
            self.plan_create(st, cs)
        else:
            self.plan_update(st, cs)
        return {}

    def a_DeleteChangeSet(self, p, region):
        st, cs = self.find_cs(p)
        if cs.exec_status == "EXECUTE_IN_PROGRESS":
            raise ApiError(400, "InvalidChangeSetStatus",
                           f"Cannot delete ChangeSet [{cs.id}] in status EXECUTE_IN_PROGRESS")
        del st.change_sets[cs.name]
        return {}

    def stack_xml(self, st):
        return {
            "StackId": st.id, "StackName": st.name,
            "ChangeSetId": next((c.id for c in st.change_sets.values()
                                 if c.exec_status.startswith("EXECUTE")), None),
            "Description": (st.template or {}).get("Description"),
            "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in st.params.items()],
            "CreationTime": iso(st.created),
            "DeletionTime": iso(st.deleted_at) if st.deleted else None,
            "LastUpdatedTime": iso(st.updated) if st.updated else None,
            "RollbackConfiguration": {}, "StackStatus": st.status, "StackStatusReason": st.reason,
            "DisableRollback": False, "NotificationARNs": [],
            "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
            if st.template else None,
            "Outputs": st.outputs or None, "Tags": st.tags, "EnableTerminationProtection": st.protection,
            "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"},
        }

    def a_DescribeStacks(self, p, region):
        name = p.get("StackName")
        if name:
            st = self.find(name)
            if not p.get("NextToken"):
                self.advance(st)
            return {"Stacks": [self.stack_xml(st)]}
        if not p.get("NextToken"):
            for st in list(self.stacks.values()):
                self.advance(st)
        sts, nxt = self.page(sorted(self.stacks), p.get("NextToken"), "stacks", "")
        return {"Stacks": [self.stack_xml(self.stacks[n]) for n in sts if n in self.stacks], "NextToken": nxt}

    def a_DescribeStackEvents(self, p, region):
        name = required(p, "StackName")
        st = self.find(name)
        tok = p.get("NextToken")
        if not tok:
            self.advance(st)
            top = len(st.events)
        else:
            top = self.untoken(tok, "ev", st.id)
        # newest first; the token holds the position in the stack's history,
        # so events that arrive between two pages do not shift it
        lo = max(0, top - self.opts["page_size"])
        chunk = list(reversed(st.events[lo:top]))
        nxt = self.token("ev", st.id, lo) if lo > 0 else None
        return {"StackEvents": chunk, "NextToken": nxt}

    def a_GetTemplate(self, p, region):
        if p.get("ChangeSetName"):
            _, cs = self.find_cs(p)
            body = cs.body
        else:
            name = required(p, "StackName")
            st = self.find(name)
            if st.body is None:
                raise no_stack(name)
            body = st.body
        return {"TemplateBody": body, "StagesAvailable": ["Original", "Processed"]}

    def a_ListStackResources(self, p, region):
        name = required(p, "StackName")
        st = self.find(name)
        if not p.get("NextToken"):
            self.advance(st)
        rs = [r for r in st.resources.values() if r.status is not None]
        chunk, nxt = self.page(rs, p.get("NextToken"), "res", st.id)
        out = [{"LogicalResourceId": r.lid, "PhysicalResourceId": r.physical, "ResourceType": r.type,
                "LastUpdatedTimestamp": iso(r.updated), "ResourceStatus": r.status,
                "ResourceStatusReason": r.reason,
                "DriftInformation": {"StackResourceDriftStatus": "NOT_CHECKED"}} for r in chunk]
        return {"StackResourceSummaries": out, "NextToken": nxt}

    def a_GetCallerIdentity(self, p, region):
        """STS, for the account check that deploy, destroy and bootstrap make first."""
        return {"UserId": "AIDARESPONDER", "Account": self.account,
                "Arn": f"arn:aws:iam::{self.account}:user/responder"}

    def a_DeleteStack(self, p, region):
        name = required(p, "StackName")
        try:
            st = self.find(name)
        except ApiError:
            return None  # AWS answers a DeleteStack of a missing stack with success
        if st.deleted:
            return None
        if st.protection:
            raise validation(f"Stack [{st.name}] cannot be deleted while TerminationProtection is enabled")
        if st.pending:
            if st.status == "DELETE_IN_PROGRESS":
                return None
            raise validation(f"Stack [{st.name}] is in {st.status} state and can not be deleted now "
                             "(cfn_responder refuses a delete while an operation runs)")
        self.plan_delete(st)
        return None

    def a_UpdateTerminationProtection(self, p, region):
        name, flag = required(p, "StackName"), required(p, "EnableTerminationProtection")
        st = self.find(name)
        st.protection = flag.lower() == "true"
        return {"StackId": st.id}

    def dump(self):
        out = []
        for st in self.by_id.values():
            out.append({
                "name": st.name, "id": st.id, "status": st.status, "reason": st.reason, "deleted": st.deleted,
                "terminationProtection": st.protection, "running": bool(st.pending),
                "resources": {lid: {"type": r.type, "physical": r.physical, "status": r.status,
                                    "generation": r.generation}
                              for lid, r in st.resources.items()},
                "changeSets": {n: {"type": c.type, "status": c.status, "executionStatus": c.exec_status,
                                   "changes": len(c.changes)} for n, c in st.change_sets.items()},
                "events": len(st.events),
                "outputs": {o["OutputKey"]: o["OutputValue"] for o in st.outputs},
            })
        return out


ACTIONS = {n[2:] for n in dir(World) if n.startswith("a_")}


def auth_problem(headers, action=None, service=None):
    auth = headers.get("Authorization")
    if not auth:
        return ApiError(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
    if not auth.startswith("AWS4-HMAC-SHA256 ") or not all(k in auth for k in ("Credential=", "SignedHeaders=",
                                                                              "Signature=")):
        return ApiError(403, "IncompleteSignature",
                        "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.")
    if not headers.get("X-Amz-Date") and not headers.get("Date"):
        return ApiError(403, "IncompleteSignature",
                        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
    service = service or ("sts" if action == "GetCallerIdentity" else "ec2" if action == "DescribeManagedPrefixLists"
                          else "cloudformation")
    if len(scope) != 5 or scope[3] != service or scope[4] != "aws4_request":
        return ApiError(403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: "
                        f"'{service}'.")
    if service == "route53" and scope[2] != "us-east-1":
        # the global endpoint's region (https://docs.aws.amazon.com/general/latest/gr/r53.html)
        return ApiError(403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region. "
                        f"'{scope[2]}' is not 'us-east-1'")
    return None


def signature_problem(method, path, headers, body, secrets):
    """With --credentials: recompute the SigV4 signature with botocore's signer
    over the headers the client says it signed, as AWS does."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest, HTTPHeaders
    from botocore.credentials import Credentials

    auth = headers["Authorization"]
    fields = dict(part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    akid, _, region, service, _ = fields["Credential"].split("/")
    if akid not in secrets:
        return ApiError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    signed = fields["SignedHeaders"].split(";")
    req = AWSRequest(method=method, url=f"http://{headers.get('Host', '')}{path}", data=body)
    signer = SigV4Auth(Credentials(akid, secrets[akid]), service, region)

    def headers_to_sign(request):
        out = HTTPHeaders()
        for h in signed:
            if headers.get(h) is None:
                continue
            out[h] = headers.get(h)
        return out

    signer.headers_to_sign = headers_to_sign
    req.context["timestamp"] = headers.get("X-Amz-Date") or ""
    if "X-Amz-Content-SHA256" in headers:
        req.headers["X-Amz-Content-SHA256"] = headers["X-Amz-Content-SHA256"]
    canonical = signer.canonical_request(req)
    want = signer.signature(signer.string_to_sign(req, canonical), req)
    if want != fields.get("Signature"):
        return ApiError(403, "SignatureDoesNotMatch",
                        "The request signature we calculated does not match the signature you provided. Check your "
                        "AWS Secret Access Key and signing method. Consult the service documentation for details.")
    return None


def expired_problem(headers, path, secrets):
    """--credentials-file: keys that come and go (a credential process writes
    them) and expire: a key past its "expires" (epoch seconds) is refused with
    ExpiredToken, as AWS refuses expired temporary credentials."""
    try:
        with open(path) as f:
            keys = json.load(f)
    except (OSError, ValueError):
        keys = {}
    for k, v in keys.items():
        secrets[k] = v["secret"]
    akid = headers["Authorization"].split("Credential=", 1)[1].split("/", 1)[0]
    exp = keys.get(akid, {}).get("expires")
    if exp is not None and time.time() >= exp:
        return ApiError(403, "ExpiredToken", "The security token included in the request is expired")
    return None


def region_of(headers):
    try:
        return headers.get("Authorization", "").split("Credential=", 1)[1].split("/")[2]
    except IndexError:
        return "us-east-1"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cfn_responder"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, ctype="text/xml", rid=None):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if rid:
            self.send_header("x-amzn-RequestId", rid)
        self.end_headers()
        self.wfile.write(data)

    def control(self, path, body):
        w = self.server.world
        with w.lock:
            if path == "/__responder/scenario" and self.command == "POST":
                try:
                    o = json.loads(body or b"{}")
                    scen = [o["scenario"]] if "scenario" in o else []
                    scen += list(o.get("stacks", {}).values())
                    if not isinstance(o.get("deny", []), list):
                        raise ValueError("deny: a list of actions")
                    bad = [s for s in scen if s not in SCENARIOS]
                    if bad:
                        raise ValueError(f"unknown scenario {bad[0]!r}")
                except (ValueError, TypeError, AttributeError) as e:
                    return self.send(400, json.dumps({"error": str(e)}), "application/json")
                if "scenario" in o:
                    w.opts["scenario"] = o["scenario"]
                if "deny" in o:
                    w.opts["deny"] = list(o["deny"])
                w.opts["stacks"].update(o.get("stacks", {}))
                return self.send(200, json.dumps({"scenario": w.opts["scenario"], "stacks": w.opts["stacks"]}),
                                 "application/json")
            if path == "/__responder/state":
                return self.send(200, json.dumps(w.dump(), indent=1), "application/json")
            if path == "/__responder/dr":
                if self.command == "POST":  # {"throttle": {ACTION: N}} and the like, merged
                    o = json.loads(body or b"{}")
                    w.dr.throttle.update(o.get("throttle", {}))
                return self.send(200, json.dumps(w.dr.dump(), indent=1), "application/json")
        self.send(404, '{"error": "unknown control path"}', "application/json")

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        split = urllib.parse.urlsplit(self.path)
        if split.path.startswith("/__responder/"):
            return self.control(split.path, body)
        params = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        if body:
            params.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        dr = dr_services.service_of(self.command, split.path, self.headers, params)
        action = dr[1] if dr else params.get("Action")
        w = self.server.world
        rid = str(uuid.uuid4())
        entry = {"time": iso(time.time()), "action": action,
                 "params": {k: (f"<{len(v)} bytes>" if k == "TemplateBody" else v) for k, v in params.items()
                            if k != "Action"},
                 "authorization": self.headers.get("Authorization"),
                 "session_token": bool(self.headers.get("X-Amz-Security-Token")),
                 "host": self.headers.get("Host"), "error": None}
        if dr:
            entry["service"] = dr[0]
            if self.headers.get("X-Amz-Target"):
                try:
                    entry["params"] = json.loads(body or b"{}")
                except ValueError:
                    entry["params"] = {"body": body.decode("utf-8", "replace")}
            elif dr[0] == "route53":
                entry["params"] = dict(params, path=split.path, **({"body": body.decode("utf-8", "replace")}
                                                                   if body else {}))
        with w.lock:
            try:
                err = auth_problem(self.headers, action, dr[0] if dr else None)
                secrets = dict(self.server.secrets)
                if err is None and self.server.credentials_file:
                    err = expired_problem(self.headers, self.server.credentials_file, secrets)
                if err is None and secrets:
                    err = signature_problem(self.command, self.path, self.headers, body, secrets)
                if err:
                    raise err
                if dr:
                    if action in w.opts.get("deny", []):
                        raise ApiError(403, "AccessDenied", f"User: arn:aws:iam::{ACCOUNT}:user/ci is not "
                                       f"authorized to perform: {dr[0]}:{action}")
                    status, ctype, text, code = w.dr.handle(dr[0], action, self.command, split.path, params,
                                                            body, rid)
                    entry["error"], entry["status"] = code, status
                    w.seq_req = getattr(w, "seq_req", 0) + 1
                    entry["seq"] = w.seq_req
                    if self.server.log:
                        self.server.log.write(json.dumps(entry, sort_keys=True) + "\n")
                    return self.send(status, text, ctype, rid=rid)
                if action == "DescribeManagedPrefixLists":
                    # EC2's answer for the lookup `deploy` makes of the CloudFront
                    # origin-facing list (its ID differs per region: region-derived here)
                    name = params.get("Filter.1.Value.1", "")
                    pl = "pl-" + format(zlib.crc32(f"{name} {region_of(self.headers)}".encode()), "08x")
                    xml = ('<DescribeManagedPrefixListsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                           f'<requestId>{rid}</requestId><prefixListSet><item><prefixListId>{pl}</prefixListId>'
                           f'<prefixListName>{name}</prefixListName></item></prefixListSet>'
                           '</DescribeManagedPrefixListsResponse>')
                    self.send(200, xml, rid=rid)
                    return
                if action not in ACTIONS:
                    raise ApiError(400, "InvalidAction", f"The action {action} is not valid for this web service.")
                if action in w.opts.get("deny", []) or f"{action}:{params.get('StackName')}" in w.opts.get("deny", []):
                    raise ApiError(403, "AccessDenied", f"User: arn:aws:iam::{ACCOUNT}:user/ci is not authorized to "
                                   f"perform: cloudformation:{action} with an explicit deny in an identity-based "
                                   "policy")
                result = getattr(w, "a_" + action)(params, region_of(self.headers))
                status, xml = 200, response_xml(action, result, rid)
            except ApiError as e:
                status, xml = e.status, error_xml(e, rid)
                entry["error"] = e.code
            except Exception as e:  # noqa: BLE001 - a responder bug must show, as a 500 with the reason
                e2 = ApiError(500, "InternalFailure", f"cfn_responder bug: {type(e).__name__}: {e}", "Receiver")
                status, xml = 500, error_xml(e2, rid)
                entry["error"] = "InternalFailure"
                import traceback

                traceback.print_exc()
            w.seq_req = getattr(w, "seq_req", 0) + 1
            entry["seq"] = w.seq_req
            entry["status"] = status
            if self.server.log:
                self.server.log.write(json.dumps(entry, sort_keys=True) + "\n")
        self.send(status, xml, rid=rid)

    do_GET = do_POST = handle_any


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description="scripted CloudFormation Query API server")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--log")
    p.add_argument("--scenario", default=None)
    p.add_argument("--scenario-file")
    p.add_argument("--seed-stack", action="append", default=[], metavar="NAME=TEMPLATE.json")
    p.add_argument("--events-per-poll", type=int)
    p.add_argument("--changeset-polls", type=int)
    p.add_argument("--page-size", type=int)
    p.add_argument("--fail-resource")
    p.add_argument("--fail-reason")
    p.add_argument("--credentials", action="append", default=[], metavar="KEY_ID:SECRET",
                   help="check signatures: only these keys are known (repeatable)")
    p.add_argument("--credentials-file", metavar="FILE",
                   help='JSON {"KEY_ID": {"secret": S, "expires": EPOCH}}, read at each request: '
                        "keys past their expiry get ExpiredToken")
    p.add_argument("--account", default="123456789012", help="what STS GetCallerIdentity answers")
    p.add_argument("--schema", default=os.path.join(here, "..", "..", "data", "cfn-schema.txt"))
    a = p.parse_args()
    opts = {"scenario": "ok", "stacks": {}, "events_per_poll": 3, "changeset_polls": 1, "page_size": 5,
            "fail_resource": None, "fail_reason": "DB instance class not supported", "seed": [], "dr": {}}
    try:
        if a.scenario_file:
            with open(a.scenario_file) as f:
                fo = json.load(f)
            for k in opts:
                if k in fo:
                    opts[k] = fo[k]
        for k in ("scenario", "events_per_poll", "changeset_polls", "page_size", "fail_resource", "fail_reason"):
            if getattr(a, k) is not None:
                opts[k] = getattr(a, k)
        for s in [opts["scenario"], *opts["stacks"].values()]:
            if s not in SCENARIOS:
                raise ValueError(f"unknown scenario {s!r} (one of {', '.join(sorted(SCENARIOS))})")
        if opts["page_size"] < 1 or opts["events_per_poll"] < 1 or opts["changeset_polls"] < 0:
            raise ValueError("--page-size and --events-per-poll must be >= 1, --changeset-polls >= 0")
        world = World(opts, load_schema(a.schema))
        world.dr = dr_services.DrWorld(opts["dr"])
        seeds = [dict(x) for x in opts["seed"]]
        for s in a.seed_stack:
            name, _, path = s.partition("=")
            seeds.append({"name": name, "template_file": path})
        for s in seeds:
            if "template_file" in s:
                path = s["template_file"]
                if a.scenario_file and not os.path.isabs(path):
                    path = os.path.join(os.path.dirname(a.scenario_file), path)
                with open(path) as f:
                    body = f.read()
            else:
                body = json.dumps(s["template"])
            world.seed(s["name"], body, bool(s.get("termination_protection", False)), tags=s.get("tags"))
    except (OSError, ValueError, KeyError, ApiError) as e:
        print(f"cfn_responder: {getattr(e, 'message', e)}", file=sys.stderr)
        return 2
    srv = ThreadingHTTPServer((a.host, a.port), Handler)
    srv.world = world
    world.account = a.account
    srv.credentials_file = a.credentials_file
    srv.log = open(a.log, "a", buffering=1) if a.log else None
    srv.secrets = dict(c.split(":", 1) for c in a.credentials if ":" in c)
    return serve.run(srv)


if __name__ == "__main__":
    sys.exit(main())
