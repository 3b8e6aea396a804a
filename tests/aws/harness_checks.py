#!/usr/bin/env python3
"""The boto3 side of tests/cli/harness_selftest.sh: drives moto_env, the
fault proxy and the CloudFormation responder with a real AWS client and
prints one line a check, "PASS name" or "FAIL name<TAB>detail", for the
shell script to turn into TAP.

    harness_checks.py moto ENV_JSON
    harness_checks.py proxy ENV_JSON PROXY_URL PROXY_LOG
    harness_checks.py responder RESPONDER_URL RESPONDER_LOG TEMPLATE
"""
import json
import sys
import time
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})
NO_CHANGES = "The submitted information didn't contain changes. Submit different information to create a change set."


def check(name, cond, detail=""):
    if cond:
        print(f"PASS {name}")
    else:
        print(f"FAIL {name}\t{detail}".replace("\n", " "))
    sys.stdout.flush()
    return cond


def err_of(fn):
    """(code, HTTP status) of the ClientError fn raises, or the exception's class name, or None."""
    try:
        fn()
        return None
    except ClientError as e:
        return e.response["Error"].get("Code"), e.response["ResponseMetadata"].get("HTTPStatusCode")
    except Exception as e:  # noqa: BLE001 - the class is what is checked
        return type(e).__name__


def client(service, url, key="test", secret="test", cfg=NO_RETRY):
    return boto3.client(service, endpoint_url=url, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, config=cfg)


def read_log(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


# ------------------------------------------------------------------ moto


def moto(env_path):
    env = json.load(open(env_path))
    url = env["SOLEMATE_ENDPOINT"]
    ci = client("cloudformation", url, env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
    check("moto: the ci user's signed ListStacks is accepted", err_of(ci.list_stacks) is None, err_of(ci.list_stacks))
    bad = client("cloudformation", url, env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] + "x")
    e = err_of(bad.list_stacks)
    check("moto: a wrong secret gets SignatureDoesNotMatch (HTTP 403)", e == ("SignatureDoesNotMatch", 403), e)
    unknown = client("cloudformation", url, "AKIANOTAKEY000000000", "whatever")
    e = err_of(unknown.list_stacks)
    check("moto: an unknown access key gets InvalidClientTokenId", e and e[0] == "InvalidClientTokenId", e)
    ro = client("cloudformation", url, env["RO_ACCESS_KEY_ID"], env["RO_SECRET_ACCESS_KEY"])
    check("moto: the readonly user may DescribeStacks", err_of(ro.describe_stacks) is None, err_of(ro.describe_stacks))
    e = err_of(lambda: ro.create_change_set(StackName="ro", ChangeSetName="c", ChangeSetType="CREATE",
                                            TemplateBody='{"Resources":{}}'))
    check("moto: the readonly user's CreateChangeSet gets AccessDenied (HTTP 403)", e == ("AccessDenied", 403), e)
    # A small deploy through moto's CloudFormation with checking on: the
    # bucket it declares is there afterwards, read back through S3.
    tpl = {"AWSTemplateFormatVersion": "2010-09-09",
           "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "harness-selftest"}}}}
    ci.create_stack(StackName="harness", TemplateBody=json.dumps(tpl))
    st = ci.describe_stacks(StackName="harness")["Stacks"][0]["StackStatus"]
    s3 = client("s3", url, env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    check("moto: a signed CreateStack creates its bucket", st == "CREATE_COMPLETE" and "harness-selftest" in names,
          f"{st} {names}")


# ------------------------------------------------------------------ proxy


def proxy(env_path, url, log_path):
    env = json.load(open(env_path))
    key, secret = env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    cf = client("cloudformation", url, key, secret)
    s3 = client("s3", url, key, secret)
    # The rules were given on the command line (see harness_selftest.sh).
    e = err_of(cf.list_stacks)
    check("proxy: throttle gives HTTP 400 Throttling", e == ("Throttling", 400), e)
    e = err_of(cf.list_stacks)
    check("proxy: throttle:2 throttles the second request too", e == ("Throttling", 400), e)
    e = err_of(cf.list_stacks)
    check("proxy: after the throttles the signed request reaches moto and verifies", e is None, e)
    e = err_of(cf.describe_stacks)
    check("proxy: 500 gives HTTP 500 InternalFailure", e == ("InternalFailure", 500), e)
    e = err_of(cf.list_exports)
    check("proxy: 503 gives HTTP 503 ServiceUnavailable", e == ("ServiceUnavailable", 503), e)
    e = err_of(lambda: cf.validate_template(TemplateBody="{}"))
    check("proxy: denied gives HTTP 403 AccessDenied", e == ("AccessDenied", 403), e)
    e = err_of(lambda: cf.get_template_summary(TemplateBody="{}"))
    check("proxy: drop closes the connection unanswered", e in ("ConnectionClosedError", "ProtocolError"), e)
    e = err_of(cf.list_stack_sets)
    check("proxy: reset resets the connection", e in ("ConnectionClosedError", "EndpointConnectionError",
                                                       "ProtocolError"), e)
    # lose: the bucket is created upstream though the client heard nothing
    e = err_of(lambda: s3.create_bucket(Bucket="lost-answer"))
    check("proxy: lose forwards, then closes unanswered", e == "ConnectionClosedError", e)
    e = err_of(lambda: s3.head_bucket(Bucket="lost-answer"))
    check("proxy: ...and the lost request took effect upstream", e is None, e)
    e = err_of(lambda: s3.put_object(Bucket="lost-answer", Key="assets/a.json", Body=b"{}"))
    check("proxy: S3 faults match on method and path (SlowDown 503)", e == ("SlowDown", 503), e)
    e = err_of(lambda: s3.put_object(Bucket="lost-answer", Key="assets/a.json", Body=b"{}"))
    check("proxy: S3 PutObject through the proxy verifies once the fault is spent", e is None, e)
    slow_cf = client("cloudformation", url, key, secret,
                     Config(retries={"total_max_attempts": 1}, read_timeout=0.5, connect_timeout=2))
    e = err_of(lambda: slow_cf.describe_stacks(StackName="nope"))
    check("proxy: slow (2 s) outlasts a 0.5 s read timeout", e == "ReadTimeoutError", e)
    e = err_of(lambda: cf.describe_stacks(StackName="nope"))
    check("proxy: after the slow fault moto's own error comes through", e == ("ValidationError", 400), e)

    # control endpoint: new rules at run time
    rules = [{"match": "Action=CreateChangeSet", "kind": "throttle", "count": 1, "after": 1}]
    req = urllib.request.Request(url + "/__fault_proxy/faults", data=json.dumps(rules).encode(), method="POST")
    with urllib.request.urlopen(req) as r:
        got = json.load(r)
    check("proxy: POST /__fault_proxy/faults replaces the rules", len(got) == 1 and got[0]["after"] == 1, got)
    tpl = json.dumps({"AWSTemplateFormatVersion": "2010-09-09",
                      "Resources": {"T": {"Type": "AWS::SNS::Topic"}}})
    first = err_of(lambda: cf.create_change_set(StackName="p1", ChangeSetName="c1", ChangeSetType="CREATE",
                                                TemplateBody=tpl))
    second = err_of(lambda: cf.create_change_set(StackName="p2", ChangeSetName="c1", ChangeSetType="CREATE",
                                                 TemplateBody=tpl))
    check("proxy: \"after\": 1 lets the first CreateChangeSet through and throttles the second",
          first is None and second == ("Throttling", 400), (first, second))

    # lines are written when a request is done: the slow one may still be sleeping
    for _ in range(100):
        log = read_log(log_path)
        if any(x["fault"] == "slow" for x in log):
            break
        time.sleep(0.1)
    faults = [x["fault"] for x in log if x["fault"]]
    check("proxy: the log records every fault kind",
          set(faults) == {"throttle", "500", "503", "denied", "drop", "reset", "lose", "slow"}, faults)
    n = sum(1 for x in log if x["action"] == "CreateChangeSet")
    check("proxy: the log counts the CreateChangeSet requests (2)", n == 2, n)
    lost = [x for x in log if x["fault"] == "lose"]
    check("proxy: a lost answer is logged with the upstream status and no client status",
          lost and lost[0]["upstream_status"] == 200 and lost[0]["status"] is None, lost)
    dropped = [x for x in log if x["fault"] == "drop"]
    check("proxy: a dropped request is logged as never forwarded",
          dropped and dropped[0]["upstream_status"] is None and dropped[0]["action"] == "GetTemplateSummary", dropped)
    cs = [x for x in log if x["action"] == "CreateChangeSet"]
    check("proxy: the log has the request's form fields (StackName)",
          [x["params"].get("StackName") for x in cs] == ["p1", "p2"], cs)
    ok = [x for x in log if x["fault"] is None and x["upstream_status"] == 200]
    check("proxy: unfaulted requests are forwarded and answered 200", len(ok) >= 4, len(ok))


# ------------------------------------------------------------------ responder


def wait_change_set(cf, stack, name, limit=20):
    for _ in range(limit):
        d = cf.describe_change_set(StackName=stack, ChangeSetName=name)
        if d["Status"] in ("CREATE_COMPLETE", "FAILED"):
            return d
    return d


def wait_stack(cf, stack, limit=200):
    """Polls DescribeStacks until the stack settles: (final status, every status seen)."""
    seen = []
    for _ in range(limit):
        try:
            s = cf.describe_stacks(StackName=stack)["Stacks"][0]
        except ClientError as e:
            seen.append(e.response["Error"]["Message"])
            return None, seen
        seen.append(s["StackStatus"])
        if not s["StackStatus"].endswith("_IN_PROGRESS"):
            return s, seen
    return s, seen


def all_events(cf, stack):
    pages = list(cf.get_paginator("describe_stack_events").paginate(StackName=stack))
    return [e for p in pages for e in p["StackEvents"]], len(pages)


def responder(url, log_path, template_path):
    body = open(template_path).read()
    tpl = json.loads(body)
    n = len(tpl["Resources"])
    db = next(k for k, v in tpl["Resources"].items() if v["Type"] == "AWS::RDS::DBInstance")
    retained = [k for k, v in tpl["Resources"].items() if v.get("DeletionPolicy") == "Retain"]
    cf = client("cloudformation", url)

    # unsigned requests are refused
    req = urllib.request.Request(url + "/", data=b"Action=DescribeStacks&Version=2010-05-15", method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        urllib.request.urlopen(req)
        code, text = 200, ""
    except urllib.error.HTTPError as e:
        code, text = e.code, e.read().decode()
    check("responder: an unsigned request gets 403 MissingAuthenticationToken",
          code == 403 and "<Code>MissingAuthenticationToken</Code>" in text, (code, text))
    # started with --credentials test:test: the signature itself is checked
    e = err_of(lambda: client("cloudformation", url, "test", "wrong").describe_stacks())
    check("responder: with --credentials a wrong secret gets SignatureDoesNotMatch", e == ("SignatureDoesNotMatch", 403),
          e)
    e = err_of(lambda: client("cloudformation", url, "AKIAOTHER", "test").describe_stacks())
    check("responder: with --credentials an unknown key gets InvalidClientTokenId", e == ("InvalidClientTokenId", 403),
          e)
    e = err_of(lambda: cf.describe_stacks(StackName="Nope"))
    check("responder: an unknown stack is ValidationError 'Stack with id Nope does not exist'",
          e == ("ValidationError", 400), e)
    try:
        cf.describe_stacks(StackName="Nope")
    except ClientError as x:
        check("responder: ...with AWS's message", x.response["Error"]["Message"] == "Stack with id Nope does not exist",
              x.response["Error"]["Message"])

    # create-ok, through boto3's own paginators and waiter
    r = cf.create_change_set(StackName="Ok", ChangeSetName="c1", ChangeSetType="CREATE", TemplateBody=body,
                             Capabilities=["CAPABILITY_IAM"])
    check("responder: CreateChangeSet answers the change set's and the stack's ARNs",
          r["Id"].startswith("arn:aws:cloudformation:us-east-1:") and ":stack/Ok/" in r["StackId"], r)
    e = err_of(lambda: cf.execute_change_set(StackName="Ok", ChangeSetName="c1"))
    check("responder: executing a change set still being created is InvalidChangeSetStatus",
          e == ("InvalidChangeSetStatus", 400), e)
    cf.get_waiter("change_set_create_complete").wait(StackName="Ok", ChangeSetName="c1",
                                                    WaiterConfig={"Delay": 0.01, "MaxAttempts": 20})
    pages = list(cf.get_paginator("describe_change_set").paginate(StackName="Ok", ChangeSetName="c1"))
    changes = [c["ResourceChange"] for p in pages for c in p["Changes"]]
    check(f"responder: DescribeChangeSet pages through all {n} Adds ({len(pages)} pages)",
          len(changes) == n and len(pages) > 1 and all(c["Action"] == "Add" for c in changes), (len(changes), len(pages)))
    cf.execute_change_set(StackName="Ok", ChangeSetName="c1")
    final, seen = wait_stack(cf, "Ok")
    check("responder: create-ok ends CREATE_COMPLETE", final and final["StackStatus"] == "CREATE_COMPLETE", seen[-3:])
    check("responder: the stack is CREATE_IN_PROGRESS for many polls first (a progress bar can move)",
          seen.count("CREATE_IN_PROGRESS") >= 10, seen.count("CREATE_IN_PROGRESS"))
    evs, npages = all_events(cf, "Ok")
    check("responder: DescribeStackEvents pages newest first through boto3's paginator",
          npages > 1 and evs[0]["ResourceStatus"] == "CREATE_COMPLETE" and evs[0]["LogicalResourceId"] == "Ok"
          and evs[-1]["ResourceStatus"] == "REVIEW_IN_PROGRESS" and
          [e["Timestamp"] for e in evs] == sorted((e["Timestamp"] for e in evs), reverse=True), npages)
    done = {e["LogicalResourceId"] for e in evs if e["ResourceStatus"] == "CREATE_COMPLETE"}
    check("responder: every resource has its own CREATE_COMPLETE event", done == set(tpl["Resources"]) | {"Ok"},
          set(tpl["Resources"]) - done)
    check("responder: event ids are unique", len({e["EventId"] for e in evs}) == len(evs))
    res = [s for p in cf.get_paginator("list_stack_resources").paginate(StackName="Ok")
           for s in p["StackResourceSummaries"]]
    check("responder: ListStackResources pages through every resource, all with physical ids",
          len(res) == n and all(s["PhysicalResourceId"] for s in res), len(res))
    got = cf.get_template(StackName="Ok")["TemplateBody"]
    check("responder: GetTemplate gives the deployed template back", got == tpl, type(got))
    cs = cf.describe_change_set(StackName="Ok", ChangeSetName="c1")
    check("responder: the executed change set is EXECUTE_COMPLETE", cs["ExecutionStatus"] == "EXECUTE_COMPLETE",
          cs["ExecutionStatus"])

    # the same template again: no changes, as AWS words it
    cf.create_change_set(StackName="Ok", ChangeSetName="same", TemplateBody=body)
    d = wait_change_set(cf, "Ok", "same")
    check("responder: an unchanged template gives FAILED with AWS's no-changes reason",
          d["Status"] == "FAILED" and d["StatusReason"] == NO_CHANGES and d["ExecutionStatus"] == "UNAVAILABLE", d)
    sums = [x for p in cf.get_paginator("list_change_sets").paginate(StackName="Ok") for x in p["Summaries"]]
    check("responder: ListChangeSets lists the change set through boto3's paginator, with its statuses",
          any(x["ChangeSetName"] == "same" and x["Status"] == "FAILED" and x["ExecutionStatus"] == "UNAVAILABLE"
              for x in sums), sums)
    cf.delete_change_set(StackName="Ok", ChangeSetName="same")
    e = err_of(lambda: cf.describe_change_set(StackName="Ok", ChangeSetName="same"))
    check("responder: a deleted change set is ChangeSetNotFound (404)", e == ("ChangeSetNotFound", 404), e)

    # an ordinary update: Replacement comes from the schemas
    t2 = json.loads(body)
    vpc = next(k for k, v in t2["Resources"].items() if v["Type"] == "AWS::EC2::VPC")
    t2["Resources"][vpc]["Properties"]["CidrBlock"] = "10.99.0.0/16"
    t2["Resources"][db]["Properties"]["DBInstanceClass"] = "db.r6g.large"
    cf.create_change_set(StackName="Ok", ChangeSetName="u1", TemplateBody=json.dumps(t2))
    d = wait_change_set(cf, "Ok", "u1")
    rc = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in d["Changes"]}
    check("responder: a VPC CidrBlock change is Replacement True (createOnly in the schema)",
          rc.get(vpc, {}).get("Replacement") == "True", rc.get(vpc))
    check("responder: a DB DBInstanceClass change is Replacement False, RequiresRecreation Never",
          rc.get(db, {}).get("Replacement") == "False" and
          rc[db]["Details"][0]["Target"] == {"Attribute": "Properties", "Name": "DBInstanceClass",
                                             "RequiresRecreation": "Never"}, rc.get(db))
    cf.execute_change_set(StackName="Ok", ChangeSetName="u1")
    final, _ = wait_stack(cf, "Ok")
    check("responder: update-ok ends UPDATE_COMPLETE", final and final["StackStatus"] == "UPDATE_COMPLETE", final)

    # termination protection, then delete-ok with a retained bucket
    cf.update_termination_protection(StackName="Ok", EnableTerminationProtection=True)
    prot = cf.describe_stacks(StackName="Ok")["Stacks"][0]["EnableTerminationProtection"]
    e = err_of(lambda: cf.delete_stack(StackName="Ok"))
    check("responder: termination protection shows and refuses DeleteStack",
          prot is True and e == ("ValidationError", 400), (prot, e))
    cf.update_termination_protection(StackName="Ok", EnableTerminationProtection=False)
    stack_id = final["StackId"]
    cf.delete_stack(StackName="Ok")
    final, seen = wait_stack(cf, "Ok")
    check("responder: delete-ok ends DELETE_COMPLETE", final and final["StackStatus"] == "DELETE_COMPLETE", seen[-2:])
    e = err_of(lambda: cf.describe_stacks(StackName="Ok"))
    check("responder: after that the stack's name does not exist", e == ("ValidationError", 400), e)
    last = cf.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"]
    check("responder: by its id the deleted stack is DELETE_COMPLETE", last == "DELETE_COMPLETE", last)
    evs, _ = all_events(cf, stack_id)
    skipped = [e["LogicalResourceId"] for e in evs if e["ResourceStatus"] == "DELETE_SKIPPED"]
    check("responder: DeletionPolicy Retain resources are DELETE_SKIPPED", sorted(skipped) == sorted(retained),
          skipped)

    # create-fail (the scenario file gives stack Fail that scenario)
    cf.create_change_set(StackName="Fail", ChangeSetName="c1", ChangeSetType="CREATE", TemplateBody=body)
    wait_change_set(cf, "Fail", "c1")
    cf.execute_change_set(StackName="Fail", ChangeSetName="c1")
    final, seen = wait_stack(cf, "Fail")
    check("responder: create-fail rolls back to ROLLBACK_COMPLETE",
          final and final["StackStatus"] == "ROLLBACK_COMPLETE" and "ROLLBACK_IN_PROGRESS" in seen, seen[-3:])
    evs, _ = all_events(cf, "Fail")
    failed = [e for e in reversed(evs) if e["ResourceStatus"].endswith("_FAILED")]
    check("responder: the first failure is the database's, with its reason (the root cause)",
          failed and failed[0]["LogicalResourceId"] == db and
          failed[0]["ResourceStatusReason"] == "DB instance class not supported", failed[:1])
    cancelled = [e["LogicalResourceId"] for e in failed[1:] if e["ResourceStatusReason"] == "Resource creation cancelled"]
    check("responder: the cascade says 'Resource creation cancelled'", len(cancelled) == 1, failed[1:])
    check("responder: ...for a resource that does not itself use the database",
          cancelled and db not in json.dumps(tpl["Resources"][cancelled[0]]), cancelled)
    e = err_of(lambda: cf.create_change_set(StackName="Fail", ChangeSetName="c2", TemplateBody=body))
    check("responder: a ROLLBACK_COMPLETE stack cannot be updated", e == ("ValidationError", 400), e)

    # update-replace-db on a seeded stack, with no change to the database in the template
    t3 = json.loads(body)
    t3["Resources"][vpc]["Properties"].setdefault("Tags", []).append({"Key": "touched", "Value": "yes"})
    cf.create_change_set(StackName="Repl", ChangeSetName="u1", TemplateBody=json.dumps(t3))
    d = wait_change_set(cf, "Repl", "u1")
    rc = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in d["Changes"]}
    dbc = rc.get(db, {})
    check("responder: update-replace-db shows the DBInstance as Modify, Replacement True",
          dbc.get("Action") == "Modify" and dbc.get("Replacement") == "True" and
          dbc.get("ResourceType") == "AWS::RDS::DBInstance", dbc)
    check("responder: ...with RequiresRecreation Always in its Details",
          any(x["Target"]["RequiresRecreation"] == "Always" for x in dbc.get("Details", [])), dbc.get("Details"))
    check("responder: a Tags-only change is Scope Tags, Replacement False",
          rc.get(vpc, {}).get("Scope") == ["Tags"] and rc[vpc]["Replacement"] == "False", rc.get(vpc))
    cf.delete_change_set(StackName="Repl", ChangeSetName="u1")

    # no-changes forced by the scenario, whatever the template
    cf.create_change_set(StackName="Same", ChangeSetName="u1", TemplateBody=json.dumps(t3))
    d = wait_change_set(cf, "Same", "u1")
    check("responder: no-changes gives FAILED with AWS's reason", d["Status"] == "FAILED" and
          d["StatusReason"] == NO_CHANGES, d.get("StatusReason"))

    state = json.load(urllib.request.urlopen(url + "/__responder/state"))
    pending = {s["name"]: list(s["changeSets"]) for s in state if s["changeSets"] and not s["deleted"]}
    check("responder: /__responder/state shows what change sets are left",
          pending == {"Fail": ["c1"], "Same": ["u1"]}, pending)
    log = read_log(log_path)
    check("responder: the log records each request's action and Authorization",
          all(x["action"] and x["authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
              for x in log if x["authorization"]) and
          any("Credential=AKIAOTHER/" in x["authorization"] and x["error"] == "InvalidClientTokenId"
              for x in log if x["authorization"]), log[:3])
    check("responder: the log records the unsigned request as MissingAuthenticationToken",
          any(x["error"] == "MissingAuthenticationToken" and x["authorization"] is None for x in log))


def main():
    part = sys.argv[1]
    try:
        {"moto": moto, "proxy": proxy, "responder": responder}[part](*sys.argv[2:])
    except Exception as e:  # noqa: BLE001 - a crash is one failed check, with what happened
        import traceback

        traceback.print_exc()
        check(f"{part}: the checks ran to the end", False, f"{type(e).__name__}: {e}")
    print("DONE")


if __name__ == "__main__":
    main()
