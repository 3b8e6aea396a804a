#!/usr/bin/env python3
"""The credential endpoints the AWS SDKs ask, on the loopback interface, for
tests: the EC2 instance metadata service (IMDSv2), the container credentials
endpoint (ECS/EKS) and the IAM Identity Center (SSO) portal's
GetRoleCredentials. They hand out the keys given in --keys (a JSON file
{"AccessKeyId", "SecretAccessKey", "SessionToken"?}), so that the keys can
be real ones of the moto server the test runs.

    python3 tests/aws/cred_endpoints.py --port 0 --keys K.json --log L.jsonl \\
        [--container-token T] [--sso-token T] [--expires-in SECONDS]

  PUT  /latest/api/token                       needs X-aws-ec2-metadata-token-ttl-seconds; answers a token
  GET  /latest/meta-data/iam/security-credentials/        needs that token: the role's name
  GET  /latest/meta-data/iam/security-credentials/ROLE    needs that token: the keys (Code Success)
  GET  /container/credentials                  needs Authorization: the container token
  GET  /federation/credentials?account_id=&role_name=     needs x-amz-sso_bearer_token: the SSO token

Wrong or missing tokens get 401, as the real services answer. Each request
is one log line: {"method", "path", "query", "token_ok"} (never a token).
Prints the port on stdout's first line; stops on SIGTERM.
"""
import argparse
import json
import secrets
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import serve

ROLE = "solemate-instance-role"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, body, ctype="application/json"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self, token_ok):
        split = urllib.parse.urlsplit(self.path)
        if self.server.log:
            self.server.log.write(json.dumps({"method": self.command, "path": split.path,
                                              "query": split.query, "token_ok": token_ok}) + "\n")

    def keys(self, names):
        k = self.server.keys
        exp = time.time() + self.server.expires_in
        out = {names[0]: k["AccessKeyId"], names[1]: k["SecretAccessKey"]}
        if k.get("SessionToken"):
            out[names[2]] = k["SessionToken"]
        if names[3] == "expiration":  # the SSO portal: milliseconds since the epoch
            out[names[3]] = int(exp * 1000)
        else:
            out[names[3]] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(exp))
        return out

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        split = urllib.parse.urlsplit(self.path)
        path, srv = split.path, self.server
        meta = "/latest/meta-data/iam/security-credentials/"
        if path == "/latest/api/token" and self.command == "PUT":
            ok = bool(self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"))
            self.record(ok)
            if not ok:
                return self.answer(400, "missing ttl", "text/plain")
            return self.answer(200, srv.imds_token, "text/plain")
        if path.startswith(meta) and self.command == "GET":
            ok = self.headers.get("X-aws-ec2-metadata-token") == srv.imds_token
            self.record(ok)
            if not ok:
                return self.answer(401, "", "text/plain")
            if path == meta:
                return self.answer(200, ROLE, "text/plain")
            if path == meta + ROLE:
                body = {"Code": "Success", "Type": "AWS-HMAC",
                        **self.keys(["AccessKeyId", "SecretAccessKey", "Token", "Expiration"])}
                return self.answer(200, json.dumps(body))
            return self.answer(404, "", "text/plain")
        if path == "/container/credentials" and self.command == "GET":
            ok = self.headers.get("Authorization") == srv.container_token
            self.record(ok)
            if not ok:
                return self.answer(401, json.dumps({"message": "unauthorized"}))
            return self.answer(200, json.dumps(self.keys(["AccessKeyId", "SecretAccessKey", "Token",
                                                          "Expiration"])))
        if path == "/federation/credentials" and self.command == "GET":
            q = dict(urllib.parse.parse_qsl(split.query))
            ok = self.headers.get("x-amz-sso_bearer_token") == srv.sso_token
            self.record(ok)
            if not ok:
                return self.answer(401, json.dumps({"message": "Session token not found or invalid"}))
            if not q.get("account_id") or not q.get("role_name"):
                return self.answer(400, json.dumps({"message": "account_id and role_name are required"}))
            creds = self.keys(["accessKeyId", "secretAccessKey", "sessionToken", "expiration"])
            return self.answer(200, json.dumps({"roleCredentials": creds}))
        self.record(None)
        self.answer(404, json.dumps({"message": "no such endpoint"}))

    do_GET = do_PUT = do_POST = handle_any


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--keys", required=True)
    p.add_argument("--log")
    p.add_argument("--container-token", default="container-" + secrets.token_hex(8))
    p.add_argument("--sso-token", default="sso-" + secrets.token_hex(8))
    p.add_argument("--expires-in", type=int, default=3600)
    a = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    with open(a.keys) as f:
        srv.keys = json.load(f)
    srv.log = open(a.log, "a", buffering=1) if a.log else None
    srv.imds_token = "imds-" + secrets.token_hex(8)
    srv.container_token, srv.sso_token, srv.expires_in = a.container_token, a.sso_token, a.expires_in
    return serve.run(srv)


if __name__ == "__main__":
    sys.exit(main())
