#!/usr/bin/env python3
"""Start and stop a moto server that checks every SigV4 signature and IAM
permission, with two IAM users made for the tests.

    python3 tests/aws/moto_env.py start --dir D [--port N] [--region R]
    python3 tests/aws/moto_env.py stop --dir D

`start` runs `python3 -m moto.server -H 127.0.0.1 -p PORT` (PORT: a free
port unless given) in its own session with INITIAL_NO_AUTH_ACTION_COUNT set
to exactly the number of set-up requests below. moto lets that many actions
through unchecked; every later request must carry a valid signature from a
known access key, and the key's user must be allowed the action. During that
window it creates:

  solemate-ci        inline policy Allow "*" on "*" (moto loads no AWS
                     managed policies, so an inline one is needed)
  solemate-readonly  inline policy Allow cloudformation:Describe*, Get*,
                     List* only: a denied call proves AccessDenied handling

then checks that auth really is on: the ci key's ListStacks is accepted, the
same request signed with a wrong secret gets SignatureDoesNotMatch, and the
readonly user's CreateChangeSet gets AccessDenied. Any surprise fails
`start` (exit 1) and stops the server.

Writes D/env.sh (source it), D/env.json (the same values), D/moto.log
(moto's output), D/moto.pid. Prints the endpoint on stdout.
"""
import argparse
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

CI_USER = "solemate-ci"
RO_USER = "solemate-readonly"
CI_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
RO_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["cloudformation:Describe*", "cloudformation:Get*", "cloudformation:List*"],
            "Resource": "*",
        }
    ],
}

# moto counts actions (one per request that reaches a service backend;
# /moto-api/ requests are not counted). These are the set-up requests, in
# order; INITIAL_NO_AUTH_ACTION_COUNT is their number, so the first request
# after set-up is already checked. The self-check in start() proves it.
SETUP_ACTIONS = [
    ("CreateUser", CI_USER),
    ("PutUserPolicy", CI_USER),
    ("CreateAccessKey", CI_USER),
    ("CreateUser", RO_USER),
    ("PutUserPolicy", RO_USER),
    ("CreateAccessKey", RO_USER),
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ready(endpoint, proc, timeout=30.0):
    """Until moto answers /moto-api/ (which does not use up an action)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(endpoint + "/moto-api/", timeout=2) as r:
                if r.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    return False


def client(service, endpoint, region, key, secret):
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )


def setup_users(endpoint, region):
    iam = client("iam", endpoint, region, "testing", "testing")
    keys = {}
    for action, user in SETUP_ACTIONS:
        if action == "CreateUser":
            iam.create_user(UserName=user)
        elif action == "PutUserPolicy":
            pol = CI_POLICY if user == CI_USER else RO_POLICY
            iam.put_user_policy(UserName=user, PolicyName=user + "-inline", PolicyDocument=json.dumps(pol))
        elif action == "CreateAccessKey":
            k = iam.create_access_key(UserName=user)["AccessKey"]
            keys[user] = (k["AccessKeyId"], k["SecretAccessKey"])
    return keys


def error_code(fn):
    from botocore.exceptions import ClientError

    try:
        fn()
        return None
    except ClientError as e:
        return e.response.get("Error", {}).get("Code", "?")


def self_check(endpoint, region, keys):
    """Auth is on from the first request after set-up: a list of failures."""
    problems = []
    ci_key, ci_secret = keys[CI_USER]
    ro_key, ro_secret = keys[RO_USER]
    # The wrong secret goes first: were the count one too high, this very
    # request would be let through and the check would fail.
    bad = client("cloudformation", endpoint, region, ci_key, ci_secret + "x")
    code = error_code(lambda: bad.list_stacks())
    if code != "SignatureDoesNotMatch":
        problems.append(f"a wrong secret got {code or 'success'}, expected SignatureDoesNotMatch")
    good = client("cloudformation", endpoint, region, ci_key, ci_secret)
    code = error_code(lambda: good.list_stacks())
    if code is not None:
        problems.append(f"ListStacks with {CI_USER}'s key failed: {code}")
    ro = client("cloudformation", endpoint, region, ro_key, ro_secret)
    code = error_code(lambda: ro.list_stacks())
    if code is not None:
        problems.append(f"ListStacks with {RO_USER}'s key failed: {code}")
    code = error_code(
        lambda: ro.create_change_set(
            StackName="moto-env-check", ChangeSetName="c", ChangeSetType="CREATE", TemplateBody="{}"
        )
    )
    if code != "AccessDenied":
        problems.append(f"{RO_USER}'s CreateChangeSet got {code or 'success'}, expected AccessDenied")
    return problems


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def kill_pid(pid):
    try:
        os.killpg(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        try:  # reap it when it is our child
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            pass
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def start(args):
    os.makedirs(args.dir, exist_ok=True)
    d = os.path.abspath(args.dir)
    pidfile = os.path.join(d, "moto.pid")
    if os.path.exists(pidfile):
        print(f"moto_env: {pidfile} exists: stop the running server first", file=sys.stderr)
        return 2
    port = args.port or free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    count = len(SETUP_ACTIONS) if args.no_auth_count is None else args.no_auth_count
    env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(count)
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        env.pop(k, None)
    log = open(os.path.join(d, "moto.log"), "ab")
    proc = subprocess.Popen(
        # moto.server with the CloudFormation gaps that block change-set
        # deploys filled (tests/aws/moto_fixes.py says which and why)
        [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "moto_fixes.py"),
         "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    log.close()
    write_atomic(pidfile, f"{proc.pid}\n")

    def fail(msg):
        print(f"moto_env: {msg} (see {d}/moto.log)", file=sys.stderr)
        kill_pid(proc.pid)
        os.unlink(pidfile)
        return 1

    if not wait_ready(endpoint, proc):
        return fail(f"moto did not answer on {endpoint}")
    try:
        keys = setup_users(endpoint, args.region)
    except Exception as e:  # noqa: BLE001 - any failure here means no usable server
        return fail(f"set-up failed: {e}")
    problems = self_check(endpoint, args.region, keys)
    if problems:
        return fail("auth self-check failed: " + "; ".join(problems))

    values = {
        "AWS_ACCESS_KEY_ID": keys[CI_USER][0],
        "AWS_SECRET_ACCESS_KEY": keys[CI_USER][1],
        "AWS_REGION": args.region,
        "AWS_DEFAULT_REGION": args.region,
        "SOLEMATE_ENDPOINT": endpoint,
        "MOTO_PORT": str(port),
        "MOTO_PID": str(proc.pid),
        "RO_ACCESS_KEY_ID": keys[RO_USER][0],
        "RO_SECRET_ACCESS_KEY": keys[RO_USER][1],
    }
    lines = ["# written by tests/aws/moto_env.py; source it", "unset AWS_SESSION_TOKEN AWS_PROFILE"]
    lines += [f"export {k}={shlex.quote(v)}" for k, v in values.items()]
    write_atomic(os.path.join(d, "env.sh"), "\n".join(lines) + "\n")
    write_atomic(os.path.join(d, "env.json"), json.dumps(values, indent=1) + "\n")
    print(endpoint)
    return 0


def stop(args):
    d = os.path.abspath(args.dir)
    pidfile = os.path.join(d, "moto.pid")
    try:
        pid = int(open(pidfile).read().strip())
    except (OSError, ValueError):
        print(f"moto_env: no server recorded in {pidfile}", file=sys.stderr)
        return 1
    kill_pid(pid)
    os.unlink(pidfile)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("start")
    s.add_argument("--dir", required=True)
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--region", default="us-east-1")
    # for the self-test only: prove that one more or one less breaks start
    s.add_argument("--no-auth-count", type=int, default=None, help=argparse.SUPPRESS)
    t = sub.add_parser("stop")
    t.add_argument("--dir", required=True)
    args = p.parse_args()
    return start(args) if args.cmd == "start" else stop(args)


if __name__ == "__main__":
    sys.exit(main())
