#!/usr/bin/env python3
"""validate against cfn-lint on cfn-lint's own template fixtures.

  tests/oracle/cfn_lint_corpus.py measure  [--solemate BIN] [--json]
  tests/oracle/cfn_lint_corpus.py snapshot       (re-run cfn-lint, rewrite the snapshot)

The corpus is ../shared/corpus/cfn-lint-templates (good/ and bad/, used in
place). cfn-lint's verdict on every file is kept in
tests/oracle/cfn-lint-corpus.tsv (file, level, rule, path), so that measuring
runs only solemate: `snapshot` regenerates it with the cfn-lint on PATH (one
process for all files, about 30 s).

measure prints:
  (a) false errors: good/ templates cfn-lint accepts (no Error) on which
      validate exits 1, less those listed with a reason in
      tests/oracle/cfn-lint-corpus.expect ("accept-error FILE  reason");
  (b) coverage: bad/ templates cfn-lint rejects on which validate exits 1,
      and of those, how many at a logical ID cfn-lint names too
      (the first two path components, e.g. Resources.MyBucket). A file
      cfn-lint rejects only as unreadable (E0000, E1001) is an error
      finding for both (validate: exit 1, the line named): it counts at
      its position. cfn-lint's E0001 (the SAM transform failed) carries no
      path; the snapshot takes the logical ID its message names ("Resource
      with id [X] is invalid").
Exit 0 when (a) is 0 and (b) and its share at the same logical ID are at
least the floors in the expectation file (bad-floor, at-id-floor).
"""
import argparse, collections, json, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.normpath(os.path.join(ROOT, "..", "..", "shared", "corpus", "cfn-lint-templates"))
if not os.path.isdir(CORPUS):
    CORPUS = "/work/shared/corpus/cfn-lint-templates"
SNAP = os.path.join(ROOT, "tests", "oracle", "cfn-lint-corpus.tsv")
EXPECT = os.path.join(ROOT, "tests", "oracle", "cfn-lint-corpus.expect")


def corpus_files():
    out = []
    for top in ("good", "bad", "public", "quickstart", "integration"):
        for d, _, fs in os.walk(os.path.join(CORPUS, top)):
            for f in fs:
                if f.endswith((".yaml", ".yml", ".json", ".template")):
                    out.append(os.path.relpath(os.path.join(d, f), CORPUS))
    return sorted(out)


def snapshot():
    files = corpus_files()
    r = subprocess.run(["cfn-lint", "--format", "json", *files], cwd=CORPUS,
                       capture_output=True, text=True)
    lint = json.loads(r.stdout or "[]")
    ver = subprocess.run(["cfn-lint", "--version"], capture_output=True, text=True).stdout.strip()
    rows = collections.defaultdict(list)
    for m in lint:
        path = ".".join(str(p) for p in m["Location"].get("Path") or [])
        # E0001 (the SAM transform failed) has no path; its message names the
        # resource: "Error transforming template: Resource with id [X] is invalid."
        found = re.search(r"Resource with id \[([^\]]+)\]", m.get("Message", ""))
        if not path and found:
            path = "Resources." + found.group(1)
        rows[m["Filename"]].append((m["Level"], m["Rule"]["Id"], path))
    with open(SNAP + ".tmp", "w") as f:
        f.write("# cfn-lint verdicts on ../shared/corpus/cfn-lint-templates (%s)\n" % ver)
        f.write("# file\tlevel\trule\tpath; a file with no finding has one row 'ok'\n")
        for fn in files:
            if not rows[fn]:
                f.write("%s\tok\t-\t-\n" % fn)
            for lvl, rule, path in sorted(set(rows[fn])):
                f.write("%s\t%s\t%s\t%s\n" % (fn, lvl, rule, path))
    os.replace(SNAP + ".tmp", SNAP)
    print("snapshot: %d files, %d findings" % (len(files), len(lint)))


def load_snapshot():
    errs = collections.defaultdict(list)
    files = set()
    for line in open(SNAP):
        if line.startswith("#"):
            continue
        fn, lvl, rule, path = line.rstrip("\n").split("\t")
        files.add(fn)
        if lvl == "Error":
            errs[fn].append((rule, path))
    return sorted(files), errs


def load_expect():
    accept, floor = {}, {"bad": 0.0, "at-id": 0.0}
    if os.path.exists(EXPECT):
        for line in open(EXPECT):
            line = line.split("#", 1)[0].strip() if not line.startswith("accept-error") else line.strip()
            if not line:
                continue
            kind, rest = line.split(None, 1)
            if kind == "accept-error":
                fn, reason = (rest.split(None, 1) + [""])[:2]
                accept[fn] = reason
            elif kind == "bad-floor":
                floor["bad"] = float(rest)
            elif kind == "at-id-floor":
                floor["at-id"] = float(rest)
    return accept, floor


def run_validate(bin_, fn):
    r = subprocess.run([bin_, "validate", "--format", "json", fn], cwd=CORPUS,
                       capture_output=True, text=True)
    try:
        diags = json.loads(r.stdout).get("diagnostics", []) if r.stdout.strip() else []
    except ValueError:
        diags = []
    return r.returncode, diags, r.stderr


PARSE_RULES = {"E0000", "E1001"}  # template not readable / not a template


def ids(path):
    parts = (path or "").split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else parts[0]


def measure(args):
    files, errs = load_snapshot()
    accept, floor = load_expect()
    # good/, and the public templates (AWS samples, quickstarts) cfn-lint accepts
    good = [f for f in files if not f.startswith("bad/") and not errs[f]]
    bad = [f for f in files if f.startswith("bad/") and errs[f]]
    false_err, unexpected, crashed = [], [], []
    for f in good:
        rc, diags, err = run_validate(args.solemate, f)
        if rc not in (0, 1, 2):
            crashed.append(f)
        if rc != 0:
            false_err.append((f, rc, [d["message"] for d in diags if d["severity"] == "error"][:2] or [err.strip()[:160]]))
            if f not in accept:
                unexpected.append(f)
    hit, at_id, missed, refused = [], [], [], []
    for f in bad:
        rc, diags, err = run_validate(args.solemate, f)
        if rc not in (0, 1, 2):
            crashed.append(f)
        # a file that does not parse: an error finding for both (cfn-lint's
        # E0000, exit 1 for us), at a line, not at a logical ID
        parse_only = all(r in PARSE_RULES for r, _ in errs[f])
        if rc == 1:
            hit.append(f)
            if parse_only:
                refused.append(f)
                at_id.append(f)
                continue
            ours = {ids(d.get("path")) for d in diags if d["severity"] == "error"}
            theirs = {ids(p) for _, p in errs[f]}
            if ours & theirs:
                at_id.append(f)
        else:
            missed.append((f, rc, sorted({r for r, _ in errs[f]})))
    cov = 100.0 * len(hit) / len(bad) if bad else 0.0
    res = {"good": len(good), "false_errors": len(false_err), "unexpected_false_errors": unexpected,
           "bad_rejected": len(bad), "flagged": len(hit), "flagged_pct": round(cov, 1),
           "at_same_id": len(at_id), "at_same_id_pct": round(100.0 * len(at_id) / len(bad), 1) if bad else 0,
           "crashed": crashed, "floor": floor}
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        print("good/ and public: %d templates cfn-lint accepts; validate errors on %d (%d not in the expectation file)"
              % (len(good), len(false_err), len(unexpected)))
        for f, rc, msgs in false_err:
            print("  %s %s exit %d: %s" % ("accepted" if f in accept else "FALSE", f, rc, "; ".join(msgs)))
        print("bad/: %d templates cfn-lint rejects; validate flags %d with exit 1 (%.1f %%; %d of them cfn-lint rejects only as unreadable or not a template: E0000, E1001), "
              "%d (%.1f %%) at a logical ID cfn-lint names (or the line, for those)"
              % (len(bad), len(hit), cov, len(refused), len(at_id), res["at_same_id_pct"]))
        for f, rc, rules in missed:
            print("  missed %s exit %d: cfn-lint %s" % (f, rc, " ".join(rules)))
    ok = (not unexpected and not crashed and cov >= floor["bad"]
          and res["at_same_id_pct"] >= floor["at-id"])
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["measure", "snapshot"])
    ap.add_argument("--solemate", default=os.path.join(ROOT, "build", "solemate"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    args.solemate = os.path.abspath(args.solemate)
    if args.cmd == "snapshot":
        snapshot()
        return 0
    return measure(args)


if __name__ == "__main__":
    sys.exit(main())
