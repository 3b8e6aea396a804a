#!/usr/bin/env python3
"""An HTTP proxy between an AWS client and moto that injects faults.

    python3 tests/aws/fault_proxy.py --upstream http://127.0.0.1:MOTO \\
        [--port 0] [--log FILE] [--fault SPEC]... [--faults FILE.json]

The client's endpoint URL points here (reverse-proxy style); each request is
forwarded to --upstream with its headers unchanged, Host included: the SigV4
signature covers the Host the client sent (127.0.0.1:PROXYPORT) and moto
checks it against the Host it receives, so it must not be rewritten.

A fault SPEC is MATCH:KIND[:N[:SECONDS]]:
  MATCH   Action=CreateChangeSet   the Query API action (form body or query)
          PUT /bucket/key*         method and path (fnmatch), for S3
          *                        every request
  KIND    throttle  HTTP 400 Throttling "Rate exceeded" (S3: 503 SlowDown)
          500       HTTP 500 InternalFailure (S3: InternalError)
          503       HTTP 503 ServiceUnavailable
          denied    HTTP 403 AccessDenied (a client must not retry it)
          drop      close the connection without answering, not forwarded
          reset     the same with a TCP reset (RST) instead of a close
          lose      forward, then close without answering: the request took
                    effect upstream but the client never hears (idempotency)
          slow      wait SECONDS (default 2), then forward
  N       how many matching requests get the fault (default 1; "all": every)
The first matching rule whose count is not used up applies. --faults FILE
holds a JSON list of {"match": "Action=X", "kind": "throttle", "count": 2,
"after": 0, "seconds": 2}: "after" lets that many matching requests through
before the fault starts.

Control (not forwarded, not logged): GET /__fault_proxy/faults shows the
rules and what is left of them; POST /__fault_proxy/faults with a JSON list
(as --faults) replaces them.

--log FILE gets one JSON object a line per request: {"seq", "time",
"method", "path", "service", "action", "params" (form fields, long values
cut), "fault" (kind or null), "status" (what the client got, null when the
connection was closed), "upstream_status" (null when not forwarded),
"error" (when the upstream failed)}.

--port 0 picks a free port; the port is stdout's first line. SIGTERM and
SIGINT stop it cleanly.
"""
import argparse
import fnmatch
import http.client
import json
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import serve

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
KINDS = {"throttle", "500", "503", "denied", "drop", "reset", "lose", "slow"}
CONTROL = "/__fault_proxy/faults"


class Rule:
    def __init__(self, match, kind, count=1, after=0, seconds=2.0):
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r} (expected one of {', '.join(sorted(KINDS))})")
        self.match = match.strip()
        self.kind = kind
        self.count = None if count in (None, "all") else int(count)
        self.after = int(after)
        self.seconds = float(seconds)
        self.seen = 0  # matching requests so far
        self.applied = 0

    @classmethod
    def parse(cls, spec):
        # MATCH may itself hold ':' only in a path, which is rare; split from the right
        # on the known shape MATCH:KIND[:N[:SECONDS]].
        parts = spec.split(":")
        for i in range(len(parts) - 1, 0, -1):
            if parts[i] in KINDS:
                match, kind, rest = ":".join(parts[:i]), parts[i], parts[i + 1 :]
                break
        else:
            raise ValueError(f"bad fault {spec!r}: expected MATCH:KIND[:N[:SECONDS]]")
        if len(rest) > 2:
            raise ValueError(f"bad fault {spec!r}: expected MATCH:KIND[:N[:SECONDS]]")
        count = rest[0] if rest else 1
        seconds = float(rest[1]) if len(rest) > 1 else 2.0
        return cls(match, kind, count, 0, seconds)

    @classmethod
    def from_json(cls, o):
        return cls(o["match"], str(o["kind"]), o.get("count", 1), o.get("after", 0), o.get("seconds", 2.0))

    def matches(self, method, path, action):
        if self.match == "*":
            return True
        if self.match.startswith("Action="):
            return action == self.match[len("Action=") :]
        m = self.match.split(None, 1)
        if len(m) == 2:
            return method == m[0].upper() and fnmatch.fnmatchcase(path, m[1])
        return fnmatch.fnmatchcase(path, m[0])

    def describe(self):
        return {
            "match": self.match,
            "kind": self.kind,
            "count": "all" if self.count is None else self.count,
            "after": self.after,
            "seconds": self.seconds,
            "seen": self.seen,
            "applied": self.applied,
        }


class State:
    def __init__(self, rules, log_path):
        self.lock = threading.Lock()
        self.rules = rules
        self.seq = 0
        self.log = open(log_path, "a", buffering=1) if log_path else None

    def pick(self, method, path, action):
        """The rule that applies to this request (consuming one use), or None."""
        with self.lock:
            self.seq += 1
            seq = self.seq
            for r in self.rules:
                if not r.matches(method, path, action):
                    continue
                r.seen += 1
                if r.seen <= r.after:
                    continue
                if r.count is not None and r.applied >= r.count:
                    continue
                r.applied += 1
                return seq, r
            return seq, None

    def write(self, entry):
        if self.log:
            with self.lock:
                self.log.write(json.dumps(entry, sort_keys=True) + "\n")


def service_of(headers):
    auth = headers.get("Authorization", "")
    # Credential=AKID/20260101/us-east-1/cloudformation/aws4_request
    i = auth.find("Credential=")
    if i >= 0:
        scope = auth[i + len("Credential=") :].split(",", 1)[0].split("/")
        if len(scope) >= 5:
            return scope[3]
    return None


def error_body(service, code, message, kind_type):
    rid = str(uuid.uuid4())
    if service == "s3":
        return rid, (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
            f"<RequestId>{rid}</RequestId><HostId>{uuid.uuid4().hex}</HostId></Error>"
        ).encode()
    return rid, (
        f'<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">'
        f"<Error><Type>{kind_type}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        f"<RequestId>{rid}</RequestId></ErrorResponse>"
    ).encode()


def fault_response(kind, service, action):
    """(status, code, message, Sender|Receiver) of an answered fault."""
    s3 = service == "s3"
    if kind == "throttle":
        return (503, "SlowDown", "Please reduce your request rate.", "Sender") if s3 else (
            400,
            "Throttling",
            "Rate exceeded",
            "Sender",
        )
    if kind == "500":
        return (500, "InternalError", "We encountered an internal error. Please try again.", "Receiver") if s3 else (
            500,
            "InternalFailure",
            "The request processing has failed because of an unknown error, exception or failure.",
            "Receiver",
        )
    if kind == "503":
        return 503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.", "Receiver"
    if kind == "denied":
        what = f"{service or 'cloudformation'}:{action or 'Unknown'}"
        msg = "Access Denied" if s3 else (
            f"User: arn:aws:iam::123456789012:user/solemate-ci is not authorized to perform: {what}"
            " because no identity-based policy allows the action"
        )
        return 403, "AccessDenied", msg, "Sender"
    raise AssertionError(kind)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fault_proxy"

    def log_message(self, fmt, *args):  # the JSON log is the record; keep stderr quiet
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, body, ctype="text/xml", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def hang_up(self, rst):
        self.close_connection = True
        try:
            if rst:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def control(self, body):
        st = self.server.state
        if self.command == "POST":
            try:
                rules = [Rule.from_json(o) for o in json.loads(body or b"[]")]
            except (ValueError, KeyError, TypeError) as e:
                return self.reply(400, json.dumps({"error": str(e)}).encode(), "application/json")
            with st.lock:
                st.rules = rules
        with st.lock:
            out = [r.describe() for r in st.rules]
        self.reply(200, json.dumps(out).encode(), "application/json")

    def handle_any(self):
        body = self.read_body()
        split = urllib.parse.urlsplit(self.path)
        path = split.path
        if path == CONTROL:
            return self.control(body)
        params = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        ctype = self.headers.get("Content-Type", "")
        if body and "x-www-form-urlencoded" in ctype:
            params.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        action = params.get("Action")
        service = service_of(self.headers) or (None if action else "s3")
        st = self.server.state
        seq, rule = st.pick(self.command, path, action)
        entry = {
            "seq": seq,
            "time": serve.iso(time.time()),
            "method": self.command,
            "path": path,
            "service": service,
            "action": action,
            "params": {k: (v if len(v) <= 200 else v[:200] + "...") for k, v in params.items() if k != "Action"},
            "fault": rule.kind if rule else None,
            "status": None,
            "upstream_status": None,
        }
        try:
            if rule and rule.kind in ("drop", "reset"):
                self.hang_up(rule.kind == "reset")
                return
            if rule and rule.kind in ("throttle", "500", "503", "denied"):
                status, code, msg, typ = fault_response(rule.kind, service, action)
                rid, xml = error_body(service, code, msg, typ)
                entry["status"] = status
                hdr = ("x-amz-request-id", rid) if service == "s3" else ("x-amzn-RequestId", rid)
                return self.reply(status, xml, "application/xml" if service == "s3" else "text/xml", [hdr])
            if rule and rule.kind == "slow":
                time.sleep(rule.seconds)
            try:
                status, headers, rbody = self.forward(body)
            except (OSError, http.client.HTTPException) as e:
                entry["error"] = f"upstream: {e}"
                entry["status"] = 502
                return self.reply(502, f"fault_proxy: upstream {self.server.upstream}: {e}\n".encode(), "text/plain")
            entry["upstream_status"] = status
            if rule and rule.kind == "lose":
                self.hang_up(False)
                return
            entry["status"] = status
            self.send_response(status)
            length = str(len(rbody))
            for k, v in headers:
                if k.lower() == "content-length" and self.command == "HEAD":
                    length = v  # the size of the body a GET would get
                elif k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", length)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(rbody)
        finally:
            st.write(entry)

    def forward(self, body):
        up = self.server.upstream
        conn = http.client.HTTPConnection(up.hostname, up.port or 80, timeout=self.server.upstream_timeout)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for k, v in self.headers.items():
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                    conn.putheader(k, v)
            if body or self.command in ("POST", "PUT", "PATCH"):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            r = conn.getresponse()
            data = r.read()
            return r.status, r.getheaders(), data
        finally:
            conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


def main():
    p = argparse.ArgumentParser(description="fault-injecting proxy in front of moto")
    p.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:5000")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--log", help="JSON lines, one per request")
    p.add_argument("--fault", action="append", default=[], help="MATCH:KIND[:N[:SECONDS]] (repeatable)")
    p.add_argument("--faults", help="JSON file: a list of rules")
    p.add_argument("--upstream-timeout", type=float, default=60.0)
    args = p.parse_args()
    try:
        rules = [Rule.parse(s) for s in args.fault]
        if args.faults:
            with open(args.faults) as f:
                rules += [Rule.from_json(o) for o in json.load(f)]
    except (ValueError, KeyError, TypeError, OSError) as e:
        print(f"fault_proxy: {e}", file=sys.stderr)
        return 2
    up = urllib.parse.urlsplit(args.upstream)
    if up.scheme != "http" or not up.hostname:
        print(f"fault_proxy: --upstream must be http://HOST:PORT, not {args.upstream!r}", file=sys.stderr)
        return 2
    srv = ThreadingHTTPServer((args.host, args.port), Handler)
    srv.upstream = up
    srv.upstream_timeout = args.upstream_timeout
    srv.state = State(rules, args.log)
    return serve.run(srv)


if __name__ == "__main__":
    sys.exit(main())
