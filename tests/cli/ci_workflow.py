#!/usr/bin/env python3
"""Run the GitHub Actions workflow of docs/ci.md, as far as it is shell.

    ci_workflow.py DOC REPO EVENT LOG

DOC: docs/ci.md. REPO: a git work tree (the jobs run there). EVENT:
pull_request or push. LOG: where each step's output goes (appended).

Each job whose `if:` holds for EVENT runs after the jobs it `needs`: its
`run:` steps in order with `bash --noprofile --norc -eo pipefail`, in REPO,
with the workflow's, job's and step's `env:` (expressions filled from
EXPRESSIONS; any other expression is an error), `$GITHUB_ENV` carried from
step to step, `$RUNNER_TEMP`, and for jobs with `id-token: write` the OIDC
request variables the caller exports as CI_OIDC_URL / CI_OIDC_TOKEN.
`uses:` steps are checked, not run: upload-sarif needs a SARIF 2.1.0 file,
upload-artifact its files, checkout nothing. Prints one line per step;
exit 1 when a step fails, 2 when the document cannot be read.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def block(doc, name):
    """The fenced block after <!-- ci-doc-test: NAME -->."""
    m = re.search(r"<!-- ci-doc-test: %s -->\s*```[a-z]*\n(.*?)\n```" % re.escape(name), doc, re.S)
    if not m:
        raise SystemExit(f"ci_workflow: no block '{name}' in the document")
    return m.group(1)


def expressions(event, repo):
    head = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    base = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD~1"], capture_output=True, text=True).stdout.strip()
    return {
        "github.event_name": event,
        "github.ref": "refs/heads/main" if event == "push" else "refs/pull/7/merge",
        "github.event.pull_request.base.sha": base,
        "github.event.pull_request.number": "7",
        "github.token": "gh-token-for-the-test",
        "github.run_id": "4242",
        "github.sha": head,
        "vars.SOLEMATE_DEPLOY_ROLE_ARN": os.environ["CI_ROLE_ARN"],
    }


def fill(value, table):
    def one(m):
        if m.group(1) not in table:
            raise SystemExit(f"ci_workflow: expression '{m.group(1)}' is not in the test's table")
        return table[m.group(1)]
    return EXPR.sub(one, str(value))


def condition(expr, table):
    """The subset of GitHub's expression language the workflow uses."""
    if expr is None:
        return True
    e = str(expr).strip()
    e = EXPR.sub(lambda m: m.group(1), e)
    e = e.replace("always()", "True").replace("success()", "True")
    e = re.sub(r"[a-z_]+(\.[a-z_]+)+", lambda m: repr(table[m.group(0)]) if m.group(0) in table else m.group(0), e)
    e = e.replace("&&", " and ").replace("||", " or ").replace("!", " not ").replace(" not =", "!=")
    if re.search(r"[a-z_]+\.[a-z_]+", e):
        raise SystemExit(f"ci_workflow: cannot evaluate if: {expr}")
    return bool(eval(e, {"__builtins__": {}}, {"True": True}))  # noqa: S307 - our own document


def check_uses(step, repo):
    uses, w = step["uses"], step.get("with") or {}
    if uses.startswith("github/codeql-action/upload-sarif"):
        d = json.load(open(os.path.join(repo, w["sarif_file"])))
        assert d["version"] == "2.1.0" and d["runs"][0]["tool"]["driver"]["name"] == "solemate", "not solemate's SARIF"
    elif uses.startswith("actions/upload-artifact"):
        for p in str(w["path"]).split():
            assert os.path.isfile(os.path.join(repo, p)), f"{p} missing"
    elif not uses.startswith("actions/checkout"):
        raise AssertionError(f"a step the test does not know: {uses}")


def run_job(name, job, wf_env, table, repo, log):
    temp = tempfile.mkdtemp(prefix=f"runner-{name}-")
    github_env = os.path.join(temp, "github_env")
    open(github_env, "w").close()
    env = dict(os.environ)
    env.update({k: fill(v, table) for k, v in (wf_env or {}).items()})
    env.update({k: fill(v, table) for k, v in (job.get("env") or {}).items()})
    env.update({"RUNNER_TEMP": temp, "GITHUB_ENV": github_env, "CI": "true", "GITHUB_ACTIONS": "true"})
    perms = job.get("permissions") or {}
    if perms.get("id-token") == "write":
        env["ACTIONS_ID_TOKEN_REQUEST_URL"] = os.environ["CI_OIDC_URL"]
        env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = os.environ["CI_OIDC_TOKEN"]
    for i, step in enumerate(job["steps"]):
        label = step.get("name") or step.get("uses") or f"step {i}"
        if not condition(step.get("if"), table):
            print(f"{name}: skip  {label}")
            continue
        if "uses" in step:
            try:
                check_uses(step, repo)
            except (AssertionError, OSError, ValueError, KeyError) as e:
                print(f"{name}: FAIL  {label}: {e}")
                return False
            print(f"{name}: uses  {label}")
            continue
        if EXPR.search(step["run"]):
            print(f"{name}: FAIL  {label}: an expression inside run: (pass it through env:)")
            return False
        senv = dict(env)
        for line in open(github_env):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                senv[k] = env[k] = v
        senv.update({k: fill(v, table) for k, v in (step.get("env") or {}).items()})
        with open(log, "a") as out:
            out.write(f"\n==== {name}: {label}\n")
            out.flush()
            rc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                cwd=repo, env=senv, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL).returncode
        print(f"{name}: {'ok   ' if rc == 0 else 'FAIL '} {label}" + (f" (exit {rc})" if rc else ""))
        if rc and not step.get("continue-on-error"):
            return False
    return True


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    doc, repo, event, log = sys.argv[1:]
    wf = yaml.safe_load(block(open(doc).read(), "github"))
    table = expressions(event, repo)
    done, failed = set(), False
    jobs = wf["jobs"]
    while len(done) < len(jobs) and not failed:
        progressed = False
        for name, job in jobs.items():
            needs = job.get("needs") or []
            needs = [needs] if isinstance(needs, str) else needs
            if name in done or any(n not in done for n in needs):
                continue
            progressed = True
            done.add(name)
            if any(n in skipped for n in needs) or not condition(job.get("if"), table):
                skipped.add(name)
                print(f"{name}: job skipped")
                continue
            if not run_job(name, job, wf.get("env"), table, repo, log):
                failed = True
                break
        if not progressed:
            break
    return 1 if failed else 0


skipped = set()
if __name__ == "__main__":
    sys.exit(main())
