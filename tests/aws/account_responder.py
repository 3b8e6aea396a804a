#!/usr/bin/env python3
"""A scripted responder for the read-only calls of `solemate preflight`
beside CloudFormation: what moto does not model (RDS orderable options of
PostgreSQL, RDS account quotas, Cost Explorer anomaly monitors, Service
Quotas, Route 53 GetHostedZone with a chosen answer, IAM GetRole, S3 HeadBucket of a
bucket of another account) and what a test must choose exactly.

    python3 tests/aws/account_responder.py --port 0 --log FILE --scenario FILE.json

One endpoint for every service (--endpoint-url); the service is read from
the SigV4 credential scope (.../REGION/SERVICE/aws4_request), the action
from the form's Action (query protocols), X-Amz-Target (JSON protocols),
the path (Route 53 REST, S3 HEAD). The answers are AWS's formats (XML with
the service's namespace, JSON 1.1 with __type errors, S3 status codes).

Scenario (every key optional):
  {"account": "123456789012",
   "certificates": {ARN: {"Status": "ISSUED", "DomainName": D, "SubjectAlternativeNames": [...]}},
   "orderable": [{"Engine": "postgres", "EngineVersion": "16.4", "DBInstanceClass": "db.t4g.micro"}],
   "rds_quotas": {"DBInstances": [USED, MAX]},
   "ec2": {"DescribeVpcs": N, "DescribeAddresses": N, "DescribeInternetGateways": N,
           "DescribeNatGateways": N},
   "quotas": {"vpc/L-F678F1CE": VALUE},            applied values (GetServiceQuota)
   "default_quotas": {"fargate/L-3032A538": VALUE}, AWS defaults (GetAWSDefaultServiceQuota)
   "recorders": [NAME], "anomaly_monitors": [{"MonitorName": N, "MonitorDimension": "SERVICE"}],
   "hosted_zones": {ID: {"Name": "example.com.", "Private": false,
                         "Records": [{"Name": "www.example.com.", "Type": "CNAME"}]}},
   "buckets": {NAME: 200 | 403 | 301},              others: 404
   "stacks": [NAME],                                 DescribeStacks finds these
   "missing_roles": [NAME],                          IAM GetRole: NoSuchEntity (others exist)
   "deny": ["servicequotas:*", "rds:DescribeAccountAttributes", ...]}  403 AccessDenied

Log: one JSON object a line: {"service", "action", "params", "status"}.
--port 0 prints the port as stdout's first line; SIGTERM stops it.
"""
import argparse
import json
import os
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve  # noqa: E402

NS = {"ec2": "http://ec2.amazonaws.com/doc/2016-11-15/", "rds": "http://rds.amazonaws.com/doc/2014-10-31/",
      "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
      "cloudformation": "http://cloudformation.amazonaws.com/doc/2010-05-15/",
      "route53": "https://route53.amazonaws.com/doc/2013-04-01/",
      "iam": "https://iam.amazonaws.com/doc/2010-05-08/"}


def esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Answer(Exception):
    def __init__(self, status, body=b"", ctype="text/xml"):
        self.status, self.body, self.ctype = status, body, ctype


class Responder:
    def __init__(self, sc, log):
        self.sc, self.log, self.lock = sc, log, threading.Lock()

    # ---- errors in each protocol's shape ----
    def query_error(self, service, status, code, msg):
        if service == "ec2":
            body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{esc(msg)}</Message></Error>"
                    "</Errors><RequestID>rq-1</RequestID></Response>")
        else:
            body = (f'<ErrorResponse xmlns="{NS.get(service, "")}"><Error><Type>Sender</Type><Code>{code}</Code>'
                    f"<Message>{esc(msg)}</Message></Error><RequestId>rq-1</RequestId></ErrorResponse>")
        return Answer(status, body.encode())

    def json_error(self, status, code, msg):
        return Answer(status, json.dumps({"__type": code, "message": msg}).encode(), "application/x-amz-json-1.1")

    def denied(self, service, action):
        d = self.sc.get("deny", [])
        return f"{service}:*" in d or f"{service}:{action}" in d

    def xml(self, service, action, inner):
        return Answer(200, (f'<{action}Response xmlns="{NS[service]}"><{action}Result>{inner}</{action}Result>'
                            f"<ResponseMetadata><RequestId>rq-1</RequestId></ResponseMetadata></{action}Response>").encode())

    # ---- query protocols ----
    def query(self, service, p):
        a = p.get("Action", "")
        if self.denied(service, a):
            raise self.query_error(service, 403, "AccessDenied", f"not authorized to perform: {service}:{a}")
        acct = self.sc.get("account", "123456789012")
        if service == "sts" and a == "GetCallerIdentity":
            raise self.xml("sts", a, f"<Arn>arn:aws:iam::{acct}:user/responder</Arn><UserId>AIDARESPONDER</UserId>"
                                     f"<Account>{acct}</Account>")
        if service == "iam" and a == "GetRole":
            name = p.get("RoleName", "")
            if name in self.sc.get("missing_roles", []):
                raise self.query_error(service, 404, "NoSuchEntity", f"The role with name {name} cannot be found.")
            raise self.xml("iam", a, f"<Role><RoleName>{esc(name)}</RoleName>"
                                     f"<Arn>arn:aws:iam::{acct}:role/{esc(name)}</Arn></Role>")
        if service == "cloudformation" and a == "DescribeStacks":
            name = p.get("StackName", "")
            if name not in self.sc.get("stacks", []):
                raise self.query_error(service, 400, "ValidationError", f"Stack with id {name} does not exist")
            raise self.xml(service, a, (f"<Stacks><member><StackName>{esc(name)}</StackName>"
                                        f"<StackId>arn:aws:cloudformation:us-east-1:{acct}:stack/{esc(name)}/1</StackId>"
                                        "<StackStatus>CREATE_COMPLETE</StackStatus>"
                                        "<CreationTime>2026-12-01T00:00:00.000Z</CreationTime></member></Stacks>"))
        if service == "rds" and a == "DescribeOrderableDBInstanceOptions":
            keys = ("Engine", "EngineVersion", "DBInstanceClass")
            hits = [o for o in self.sc.get("orderable", []) if all(k not in p or o.get(k) == p[k] for k in keys)]
            inner = "".join("<OrderableDBInstanceOption>" + "".join(f"<{k}>{esc(o[k])}</{k}>" for k in keys if k in o)
                            + "</OrderableDBInstanceOption>" for o in hits)
            raise self.xml(service, a, f"<OrderableDBInstanceOptions>{inner}</OrderableDBInstanceOptions>")
        if service == "rds" and a == "DescribeAccountAttributes":
            inner = "".join(f"<AccountQuota><AccountQuotaName>{n}</AccountQuotaName><Used>{u}</Used><Max>{m}</Max>"
                            "</AccountQuota>" for n, (u, m) in self.sc.get("rds_quotas", {}).items())
            raise self.xml(service, a, f"<AccountQuotas>{inner}</AccountQuotas>")
        if service == "ec2" and a.startswith("Describe"):
            sets = {"DescribeVpcs": ("vpcSet", "vpcId"), "DescribeAddresses": ("addressesSet", "allocationId"),
                    "DescribeInternetGateways": ("internetGatewaySet", "internetGatewayId"),
                    "DescribeNatGateways": ("natGatewaySet", "natGatewayId")}
            if a in sets:
                s, idk = sets[a]
                n = self.sc.get("ec2", {}).get(a, 0)
                # every item holds a nested set of items, as a real answer does (tags, attachments)
                items = "".join(f"<item><{idk}>x-{i}</{idk}><tagSet><item><key>k</key></item></tagSet></item>"
                                for i in range(n))
                raise Answer(200, (f'<{a}Response xmlns="{NS["ec2"]}"><requestId>rq-1</requestId>'
                                   f"<{s}>{items}</{s}></{a}Response>").encode())
        raise self.query_error(service, 400, "InvalidAction", f"{service} {a} is not scripted")

    # ---- JSON 1.1 ----
    def json_call(self, service, target, body):
        op = target.split(".", 1)[-1]
        if self.denied(service, op):
            raise self.json_error(400, "AccessDeniedException", f"not authorized to perform: {service}:{op}")
        out = None
        if op == "DescribeCertificate":
            c = self.sc.get("certificates", {}).get(body.get("CertificateArn"))
            if c is None:
                raise self.json_error(400, "ResourceNotFoundException", "Could not find certificate")
            out = {"Certificate": dict(c, CertificateArn=body["CertificateArn"])}
        elif op == "DescribeConfigurationRecorders":
            out = {"ConfigurationRecorders": [{"name": n} for n in self.sc.get("recorders", [])]}
        elif op == "GetAnomalyMonitors":
            out = {"AnomalyMonitors": self.sc.get("anomaly_monitors", [])}
        elif op in ("GetServiceQuota", "GetAWSDefaultServiceQuota"):
            key = f'{body.get("ServiceCode")}/{body.get("QuotaCode")}'
            table = self.sc.get("quotas" if op == "GetServiceQuota" else "default_quotas", {})
            if key not in table:
                raise self.json_error(400, "NoSuchResourceException", f"The request failed because the "
                                      f"specified service quota {key} does not exist.")
            out = {"Quota": {"ServiceCode": body["ServiceCode"], "QuotaCode": body["QuotaCode"],
                             "Value": table[key]}}
        if out is None:
            raise self.json_error(400, "UnknownOperationException", f"{target} is not scripted")
        raise Answer(200, json.dumps(out).encode(), "application/x-amz-json-1.1")

    def handle(self, method, path, headers, body, query=""):
        auth = headers.get("Authorization", "")
        scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/") if "Credential=" in auth else []
        service = scope[3] if len(scope) == 5 else "?"
        action, params = "?", {}
        try:
            if not auth:
                raise Answer(403, b"<Error><Code>MissingAuthenticationToken</Code></Error>")
            if method == "HEAD" and service == "s3":
                action, params = "HeadBucket", {"Bucket": path.strip("/")}
                if self.denied("s3", "HeadBucket"):
                    raise Answer(403)
                raise Answer(self.sc.get("buckets", {}).get(params["Bucket"], 404))
            if method == "GET" and service == "route53" and path.rstrip("/").endswith("/rrset"):
                zid = path.rstrip("/").split("/")[-2]
                name = urllib.parse.parse_qs(query).get("name", [""])[0]
                action, params = "ListResourceRecordSets", {"Id": zid, "name": name}
                z = self.sc.get("hosted_zones", {}).get(zid)
                if z is None:
                    raise self.query_error("route53", 404, "NoSuchHostedZone", f"No hosted zone found with ID: {zid}")
                same = [r for r in z.get("Records", [])
                        if r["Name"].rstrip(".").lower() == name.rstrip(".").lower()]
                sets = "".join(f"<ResourceRecordSet><Name>{esc(r['Name'])}</Name><Type>{r['Type']}</Type>"
                               "<TTL>300</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value>"
                               "</ResourceRecord></ResourceRecords></ResourceRecordSet>" for r in same)
                raise Answer(200, (f'<ListResourceRecordSetsResponse xmlns="{NS["route53"]}">'
                                   f"<ResourceRecordSets>{sets}</ResourceRecordSets><IsTruncated>false</IsTruncated>"
                                   "<MaxItems>300</MaxItems></ListResourceRecordSetsResponse>").encode())
            if method == "GET" and service == "route53":
                zid = path.rsplit("/", 1)[-1]
                action, params = "GetHostedZone", {"Id": zid}
                if self.denied("route53", action):
                    raise self.query_error("route53", 403, "AccessDenied", "not authorized")
                z = self.sc.get("hosted_zones", {}).get(zid)
                if z is None:
                    raise self.query_error("route53", 404, "NoSuchHostedZone", f"No hosted zone found with ID: {zid}")
                raise Answer(200, (f'<GetHostedZoneResponse xmlns="{NS["route53"]}"><HostedZone>'
                                   f"<Id>/hostedzone/{zid}</Id><Name>{esc(z['Name'])}</Name><CallerReference>c</CallerReference>"
                                   f"<Config><PrivateZone>{'true' if z.get('Private') else 'false'}</PrivateZone></Config>"
                                   "<ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone></GetHostedZoneResponse>").encode())
            target = headers.get("X-Amz-Target")
            if method == "POST" and target:
                action = target.split(".", 1)[-1]
                params = json.loads(body or b"{}")
                self.json_call(service, target, params)
            if method == "POST":
                params = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items()}
                action = params.get("Action", "?")
                self.query(service, params)
            raise Answer(400, b"<Error><Code>NotScripted</Code></Error>")
        except Answer as ans:
            with self.lock, open(self.log, "a") as f:
                f.write(json.dumps({"service": service, "action": action, "params": params,
                                    "status": ans.status}) + "\n")
            return ans


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--log", required=True)
    ap.add_argument("--scenario", required=True)
    args = ap.parse_args()
    rsp = Responder(json.load(open(args.scenario)), args.log)

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def answer(self, method):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            u = urllib.parse.urlsplit(self.path)
            ans = rsp.handle(method, u.path, self.headers, body, u.query)
            self.send_response(ans.status)
            self.send_header("Content-Type", ans.ctype)
            self.send_header("x-amzn-RequestId", "rq-1")
            self.send_header("Content-Length", str(len(ans.body)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(ans.body)

        def do_POST(self):
            self.answer("POST")

        def do_GET(self):
            self.answer("GET")

        def do_HEAD(self):
            self.answer("HEAD")

    return serve.run(ThreadingHTTPServer(("127.0.0.1", args.port), H))


if __name__ == "__main__":
    sys.exit(main())
