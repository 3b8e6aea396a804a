"""The services of a regional failover, scripted, for cfn_responder.py:
RDS (Query API, 2014-10-31), ECS and Application Auto Scaling (JSON 1.1)
and Route 53 (REST-XML, 2013-04-01), in the shapes of AWS's API references:

  RDS DescribeDBInstances, PromoteReadReplica
    https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
    https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_PromoteReadReplica.html
  ECS DescribeServices, UpdateService
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
  Application Auto Scaling DescribeScalableTargets, RegisterScalableTarget
    https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
  Route 53 ListResourceRecordSets, ChangeResourceRecordSets, GetChange
    https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
    https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html

The world comes from the scenario file's "dr" object:

  {"rds": {"ID": {"status": "available", "source": "arn:...:db:primary" | null,
                  "replication": "replicating", "normal": true, "retention": 7}},
   "promote": "ok" | "refuse" | "fail",
   "promote_polls": 2,
   "ecs": {"CLUSTER/SERVICE": {"desired": 0, "running": 0, "fail": false}},
   "tasks_per_poll": 2,
   "aas": {"service/CLUSTER/SERVICE": {"min": 0, "max": 60}},
   "route53": {"ZONEID": [{"Name", "Type", "SetIdentifier", "Failover", "HealthCheckId",
                           "TTL", "ResourceRecords": [..], "AliasTarget": {..}}]},
   "change_polls": 1, "page_size": 2,
   "throttle": {"ACTION": N}}

Time moves with requests, as in cfn_responder: after PromoteReadReplica
every DescribeDBInstances of the instance moves it on (modifying, still a
replica; then rebooting, standalone; then available; "fail": failed); after
UpdateService every DescribeServices starts tasks_per_poll more tasks (two
deployments until all run; "fail": rolloutState FAILED); a change is
PENDING for change_polls GetChange answers, then INSYNC. "throttle" answers
the next N requests of ACTION with the service's throttling error.

Errors as the services send them: RDS <ErrorResponse> (DBInstanceNotFound
404, InvalidDBInstanceState 400), ECS/AAS {"__type", "message"}, Route 53
<ErrorResponse> (NoSuchHostedZone 404, NoSuchChange 404, InvalidChangeBatch
400). Route 53 requests must be signed for us-east-1 (its global endpoint's
region), which the scope check enforces.
"""
import json
import re
import uuid
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

RDS_NS = "http://rds.amazonaws.com/doc/2014-10-31/"
R53_NS = "https://route53.amazonaws.com/doc/2013-04-01/"
ECS_PREFIX = "AmazonEC2ContainerServiceV20141113."
AAS_PREFIX = "AnyScaleFrontendService."
RDS_ACTIONS = {"DescribeDBInstances", "PromoteReadReplica"}


class DrError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def service_of(method, path, headers, params):
    """(signing service, action) of a request this module answers, or None."""
    target = headers.get("X-Amz-Target") or ""
    if target.startswith(ECS_PREFIX):
        return "ecs", target[len(ECS_PREFIX):]
    if target.startswith(AAS_PREFIX):
        return "application-autoscaling", target[len(AAS_PREFIX):]
    if path.startswith("/2013-04-01/"):
        if re.fullmatch(r"/2013-04-01/hostedzone/[^/]+/rrset/?", path):
            return "route53", "ChangeResourceRecordSets" if method == "POST" else "ListResourceRecordSets"
        if re.fullmatch(r"/2013-04-01/change/[^/]+", path):
            return "route53", "GetChange"
        return "route53", "Unknown"
    if params.get("Action") in RDS_ACTIONS:
        return "rds", params["Action"]
    return None


def x(tag, value):
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return f"<{tag}>{''.join(value)}</{tag}>"
    return f"<{tag}>{escape(str(value))}</{tag}>"


class DrWorld:
    def __init__(self, opts):
        o = opts or {}
        self.rds = {k: dict(v) for k, v in o.get("rds", {}).items()}
        self.promote_mode = o.get("promote", "ok")
        self.promote_polls = int(o.get("promote_polls", 2))
        self.ecs = {k: dict({"desired": 0, "running": 0}, **v) for k, v in o.get("ecs", {}).items()}
        self.tasks_per_poll = int(o.get("tasks_per_poll", 2))
        self.aas = {k: dict(v) for k, v in o.get("aas", {}).items()}
        self.zones = {k: [dict(r) for r in v] for k, v in o.get("route53", {}).items()}
        self.change_polls = int(o.get("change_polls", 1))
        self.page_size = int(o.get("page_size", 2))
        self.changes = {}
        self.throttle = dict(o.get("throttle", {}))

    # ------------------------------------------------------------ dispatch
    def handle(self, service, action, method, path, params, body, rid):
        """(status, content type, body, error code or None)."""
        try:
            if self.throttle.get(action, 0) > 0:
                self.throttle[action] -= 1
                if service == "rds":
                    raise DrError(400, "Throttling", "Rate exceeded")
                if service == "route53":
                    raise DrError(400, "Throttling", "Rate exceeded")
                raise DrError(400, "ThrottlingException", "Rate exceeded")
            if service == "rds":
                return 200, "text/xml", self.rds_answer(action, getattr(self, "rds_" + action)(params), rid), None
            if service in ("ecs", "application-autoscaling"):
                fn = getattr(self, ("ecs_" if service == "ecs" else "aas_") + action, None)
                if fn is None:
                    raise DrError(400, "UnknownOperationException", f"unknown operation {action}")
                return 200, "application/x-amz-json-1.1", json.dumps(fn(json.loads(body or b"{}"))), None
            fn = getattr(self, "r53_" + action, None)
            if fn is None:
                raise DrError(404, "UnknownOperation", f"unknown Route 53 path {method} {path}")
            return 200, "text/xml", fn(path, params, body, rid), None
        except DrError as e:
            return e.status, *self.error(service, e, rid), e.code

    def error(self, service, e, rid):
        if service in ("ecs", "application-autoscaling"):
            return "application/x-amz-json-1.1", json.dumps({"__type": e.code, "message": e.message})
        ns = RDS_NS if service == "rds" else R53_NS
        return "text/xml", (f'<ErrorResponse xmlns="{ns}"><Error><Type>Sender</Type><Code>{e.code}</Code>'
                            f"<Message>{escape(e.message)}</Message></Error><RequestId>{rid}</RequestId>"
                            "</ErrorResponse>")

    # ------------------------------------------------------------ RDS
    def rds_answer(self, action, result, rid):
        return (f'<{action}Response xmlns="{RDS_NS}"><{action}Result>{result}</{action}Result>'
                f"<ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata></{action}Response>")

    def db(self, ident):
        db = self.rds.get(ident)
        if db is None:
            raise DrError(404, "DBInstanceNotFound", f"DBInstance {ident} not found.")
        return db

    def db_xml(self, ident, db):
        infos = ""
        if db.get("source"):
            infos = x("StatusInfos", [x("DBInstanceStatusInfo", [
                x("StatusType", "read replication"), x("Normal", db.get("normal", True)),
                x("Status", db.get("replication", "replicating")), x("Message", db.get("message"))])])
        endpoint = x("Endpoint", [x("Address", f"{ident}.abcdefghijkl.us-west-2.rds.amazonaws.com"),
                                  x("Port", 5432)]) if db.get("status") != "creating" else ""
        return x("DBInstance", [
            x("DBInstanceIdentifier", ident),
            x("DBInstanceArn", f"arn:aws:rds:us-west-2:123456789012:db:{ident}"),
            x("DBInstanceStatus", db.get("status", "available")),
            x("Engine", "postgres"), endpoint,
            x("BackupRetentionPeriod", db.get("retention", 0)),
            x("ReadReplicaSourceDBInstanceIdentifier", db.get("source")), infos])

    def advance_db(self, db):
        """One step of a promotion under way."""
        left = db.get("promoting")
        if left is None:
            return
        if db.get("fail"):
            db["status"], db["promoting"] = "failed", None
            return
        if left > 1:
            db["promoting"] = left - 1
            db["status"] = "modifying" if db.get("source") else "rebooting"
            if left == 2:
                db["source"] = None  # standalone from here on, rebooting
                db["status"] = "rebooting"
            return
        db["status"], db["promoting"], db["source"] = "available", None, None

    def rds_DescribeDBInstances(self, p):
        ident = p.get("DBInstanceIdentifier")
        if not ident:
            return x("DBInstances", [self.db_xml(i, d) for i, d in sorted(self.rds.items())])
        db = self.db(ident)
        self.advance_db(db)
        return x("DBInstances", [self.db_xml(ident, db)])

    def rds_PromoteReadReplica(self, p):
        ident = p.get("DBInstanceIdentifier") or ""
        db = self.db(ident)
        if not db.get("source"):
            raise DrError(400, "InvalidDBInstanceState", f"DB Instance {ident} is not a read replica.")
        if db.get("status") != "available" or self.promote_mode == "refuse":
            raise DrError(400, "InvalidDBInstanceState",
                          f"DB Instance {ident} is not in available state (it is {db.get('status')}).")
        if "BackupRetentionPeriod" in p:
            db["retention"] = int(p["BackupRetentionPeriod"])
        db["status"] = "modifying"
        db["promoting"] = self.promote_polls + 1
        db["fail"] = self.promote_mode == "fail"
        return self.db_xml(ident, db)

    # ------------------------------------------------------------ ECS
    def service(self, b):
        key = f"{b.get('cluster')}/{b.get('service') or (b.get('services') or [''])[0]}"
        return key, self.ecs.get(key)

    def service_json(self, key, s):
        cluster, name = key.split("/", 1)
        deps = [{"id": "ecs-svc/1", "status": "PRIMARY", "desiredCount": s["desired"],
                 "runningCount": s["running"], "pendingCount": max(0, s["desired"] - s["running"]),
                 "rolloutState": s.get("rollout", "COMPLETED"), "rolloutStateReason": s.get("reason")}]
        if s.get("rolling"):
            deps.append({"id": "ecs-svc/0", "status": "ACTIVE", "desiredCount": 0, "runningCount": 0})
        return {"serviceName": name, "clusterArn": f"arn:aws:ecs:us-west-2:123456789012:cluster/{cluster}",
                "serviceArn": f"arn:aws:ecs:us-west-2:123456789012:service/{cluster}/{name}",
                "status": "ACTIVE", "desiredCount": s["desired"], "runningCount": s["running"],
                "pendingCount": max(0, s["desired"] - s["running"]), "deployments": deps,
                "events": [{"message": s.get("event", f"(service {name}) has reached a steady state.")}]}

    def ecs_DescribeServices(self, b):
        out, failures = [], []
        for name in b.get("services", []):
            key = f"{b.get('cluster')}/{name}"
            s = self.ecs.get(key)
            if s is None:
                failures.append({"arn": f"arn:aws:ecs:us-west-2:123456789012:service/{key}", "reason": "MISSING"})
                continue
            if s.get("rolling"):
                if s.get("fail"):
                    s["rollout"], s["rolling"] = "FAILED", False
                    s["reason"] = "ECS deployment circuit breaker: tasks failed to start."
                else:
                    s["running"] = min(s["desired"], s["running"] + self.tasks_per_poll)
                    s["rolling"] = s["running"] < s["desired"]
                    s["rollout"] = "IN_PROGRESS" if s["rolling"] else "COMPLETED"
            out.append(self.service_json(key, s))
        return {"services": out, "failures": failures}

    def ecs_UpdateService(self, b):
        key, s = self.service(b)
        if s is None:
            raise DrError(400, "ServiceNotFoundException", "Service not found.")
        if "desiredCount" in b:
            s["desired"] = int(b["desiredCount"])
            s["rolling"] = s["running"] != s["desired"]
            if s["running"] > s["desired"]:
                s["running"] = s["desired"]
                s["rolling"] = False
            s["rollout"] = "IN_PROGRESS" if s["rolling"] else "COMPLETED"
        return {"service": self.service_json(key, s)}

    # ------------------------------------------------------------ Application Auto Scaling
    def aas_DescribeScalableTargets(self, b):
        out = []
        for rid in b.get("ResourceIds", sorted(self.aas)):
            t = self.aas.get(rid)
            if t is not None and b.get("ServiceNamespace") == "ecs":
                out.append({"ServiceNamespace": "ecs", "ResourceId": rid,
                            "ScalableDimension": "ecs:service:DesiredCount",
                            "MinCapacity": t["min"], "MaxCapacity": t["max"]})
        return {"ScalableTargets": out}

    def aas_RegisterScalableTarget(self, b):
        rid = b.get("ResourceId", "")
        t = self.aas.setdefault(rid, {"min": 0, "max": 0})
        if "MinCapacity" in b:
            t["min"] = int(b["MinCapacity"])
        if "MaxCapacity" in b:
            t["max"] = int(b["MaxCapacity"])
        if t["min"] > t["max"]:
            raise DrError(400, "ValidationException", "Minimum capacity cannot be greater than maximum capacity")
        key = rid[len("service/"):]
        s = self.ecs.get(key)
        if s is not None and s["desired"] < t["min"]:  # "changes the current capacity to a value inside"
            s["desired"], s["rolling"], s["rollout"] = t["min"], True, "IN_PROGRESS"
        return {"ScalableTargetARN": f"arn:aws:application-autoscaling:us-west-2:123456789012:scalable-target/{rid}"}

    # ------------------------------------------------------------ Route 53
    def zone(self, path):
        zid = path.split("/")[3]
        if zid not in self.zones:
            raise DrError(404, "NoSuchHostedZone", f"No hosted zone found with ID: {zid}")
        return zid, self.zones[zid]

    @staticmethod
    def record_xml(r):
        parts = [x("Name", r["Name"]), x("Type", r["Type"]), x("SetIdentifier", r.get("SetIdentifier")),
                 x("Failover", r.get("Failover")), x("TTL", r.get("TTL"))]
        if r.get("AliasTarget"):
            a = r["AliasTarget"]
            parts.append(x("AliasTarget", [x("HostedZoneId", a["HostedZoneId"]), x("DNSName", a["DNSName"]),
                                           x("EvaluateTargetHealth", bool(a.get("EvaluateTargetHealth")))]))
        if r.get("ResourceRecords"):
            parts.append(x("ResourceRecords", [x("ResourceRecord", [x("Value", v)]) for v in r["ResourceRecords"]]))
        parts.append(x("HealthCheckId", r.get("HealthCheckId")))
        return x("ResourceRecordSet", parts)

    def r53_ListResourceRecordSets(self, path, p, body, rid):
        """Route 53's order: names by reversed labels, then type, then set
        identifier; a page starts at (name, type, identifier). Pages of
        page_size (2 by default, where AWS has 300): the client must follow
        NextRecordName."""
        _, recs = self.zone(path)

        def rev(name):
            return ".".join(reversed(name.rstrip(".").lower().split(".")))

        def key(r):
            return rev(r["Name"]), r["Type"], r.get("SetIdentifier") or ""

        start = (rev(p.get("name", "")), p.get("type", ""), p.get("identifier", ""))
        chosen = [r for r in sorted(recs, key=key) if key(r) >= start]
        page = int(p.get("maxitems", self.page_size))
        items, more = chosen[:page], chosen[page:]
        nxt = ""
        if more:
            nxt = (x("NextRecordName", more[0]["Name"]) + x("NextRecordType", more[0]["Type"])
                   + x("NextRecordIdentifier", more[0].get("SetIdentifier")))
        return (f'<ListResourceRecordSetsResponse xmlns="{R53_NS}">'
                f"{x('ResourceRecordSets', [self.record_xml(r) for r in items])}"
                f"{x('IsTruncated', bool(more))}{nxt}{x('MaxItems', page)}</ListResourceRecordSetsResponse>")

    def r53_ChangeResourceRecordSets(self, path, p, body, rid):
        zid, recs = self.zone(path)
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            raise DrError(400, "InvalidInput", f"the request is not XML: {e}")
        ns = {"r": R53_NS}
        for ch in root.findall("r:ChangeBatch/r:Changes/r:Change", ns):
            action = ch.findtext("r:Action", namespaces=ns)
            rs = ch.find("r:ResourceRecordSet", ns)
            rec = {"Name": rs.findtext("r:Name", namespaces=ns), "Type": rs.findtext("r:Type", namespaces=ns),
                   "SetIdentifier": rs.findtext("r:SetIdentifier", namespaces=ns),
                   "Failover": rs.findtext("r:Failover", namespaces=ns),
                   "HealthCheckId": rs.findtext("r:HealthCheckId", namespaces=ns)}
            ttl = rs.findtext("r:TTL", namespaces=ns)
            if ttl:
                rec["TTL"] = int(ttl)
            alias = rs.find("r:AliasTarget", ns)
            if alias is not None:
                rec["AliasTarget"] = {"HostedZoneId": alias.findtext("r:HostedZoneId", namespaces=ns),
                                      "DNSName": alias.findtext("r:DNSName", namespaces=ns),
                                      "EvaluateTargetHealth":
                                          alias.findtext("r:EvaluateTargetHealth", namespaces=ns) == "true"}
            values = [v.text for v in rs.findall("r:ResourceRecords/r:ResourceRecord/r:Value", ns)]
            if values:
                rec["ResourceRecords"] = values
            if not rec["Name"] or not rec["Type"] or (alias is None and not values) or (alias is not None and values):
                raise DrError(400, "InvalidChangeBatch", "[Invalid resource record set: give AliasTarget or "
                              "ResourceRecords, with Name and Type]")
            if alias is None and ttl is None:
                raise DrError(400, "InvalidChangeBatch", "[TTL is required for a record that is not an alias]")
            if action != "UPSERT":
                raise DrError(400, "InvalidChangeBatch", f"[cfn_responder answers UPSERT only, not {action}]")
            same = [i for i, r in enumerate(recs) if r["Name"].rstrip(".").lower() == rec["Name"].rstrip(".").lower()
                    and r["Type"] == rec["Type"] and (r.get("SetIdentifier") or None) == (rec["SetIdentifier"] or None)]
            rec = {k: v for k, v in rec.items() if v is not None}
            if same:
                recs[same[0]] = rec
            else:
                recs.append(rec)
        cid = "C" + uuid.uuid4().hex[:12].upper()
        self.changes[cid] = self.change_polls
        return (f'<ChangeResourceRecordSetsResponse xmlns="{R53_NS}"><ChangeInfo>{x("Id", "/change/" + cid)}'
                f"{x('Status', 'PENDING')}{x('SubmittedAt', '2026-12-04T03:00:00.000Z')}</ChangeInfo>"
                "</ChangeResourceRecordSetsResponse>")

    def r53_GetChange(self, path, p, body, rid):
        cid = path.rsplit("/", 1)[1]
        if cid not in self.changes:
            raise DrError(404, "NoSuchChange", f"A change with the specified change ID does not exist: {cid}")
        left = self.changes[cid]
        status = "PENDING" if left > 0 else "INSYNC"
        self.changes[cid] = max(0, left - 1)
        return (f'<GetChangeResponse xmlns="{R53_NS}"><ChangeInfo>{x("Id", "/change/" + cid)}'
                f"{x('Status', status)}{x('SubmittedAt', '2026-12-04T03:00:00.000Z')}</ChangeInfo></GetChangeResponse>")

    def dump(self):
        return {"rds": self.rds, "ecs": self.ecs, "aas": self.aas, "route53": self.zones}
