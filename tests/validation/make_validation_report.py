#!/usr/bin/python3
"""The validation report: docs/validation-report.md from the validation tier's own results.

    make_validation_report.py --check
        every tests/validation/*.cpp file has an entry in registry.json and every
        entry a file (ctest runs this: a validation check without an entry fails CI)
    make_validation_report.py --tests build/tests/twinsim_validation_tests \
        --json build/validation/results.json --markdown docs/validation-report.md
        runs the tier (Catch2 XML with every assertion), and writes per test case:
        what it backs, oracle and source (registry.json), its credibility factor,
        assertions, the worst observed error against its tolerance, pass.

Observed error and tolerance are read from the assertions themselves:
`a == Approx(b)` gives |a - b| against the larger of the Approx margin and
epsilon * |b| (Catch2's rule; .epsilon()/.margin() read from the assertion's
text when they are numbers there, else Catch's default epsilon and no margin,
which can only overstate the ratio); `e < t` and `e <= t` give e against t when
e is an error (its expression names an error, a difference or an abs()). The worst
is the assertion with the largest error / tolerance; cases whose checks are
all exact (bitwise, integers, booleans) say so.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
FACTORS = [
    ("closed-form", "Code verification: closed-form solutions",
     "The numerical code against exact solutions of the same equations (ASME V&V 40 'code verification'; "
     "FDA 2023 guidance, 'numerical code verification')."),
    ("exact", "Code verification: exact enumeration and independent computation",
     "The implementation against an independent computation that shares no numerics with it: exact "
     "enumeration of trial paths, independent quadrature, finite differences, a second implementation."),
    ("published", "Validation: comparison with published results",
     "Outputs against values printed in peer-reviewed publications or reference packages (the comparator of "
     "ASME V&V 40 'validation: output comparison')."),
    ("monte-carlo", "Calculation verification: Monte-Carlo uncertainty",
     "Simulated operating characteristics and population statistics against their exact values within a "
     "stated number of Monte-Carlo standard errors (the numerical uncertainty of a stochastic simulation)."),
]
DEFAULT_EPSILON = 1.1920928955078125e-07 * 100  # Catch2 v2 Approx default: 100 x float epsilon

NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan"
APPROX = re.compile(r"^\s*(" + NUM + r")\s*==\s*Approx\(\s*(" + NUM + r")\s*\)\s*$")
APPROX_R = re.compile(r"^\s*Approx\(\s*(" + NUM + r")\s*\)\s*==\s*(" + NUM + r")\s*$")
# `x < t` is a tolerance check when x is an error (not a range check such as ANC < 1.5).
ERROR_LIKE = re.compile(r"err|abs\(|worst|diff|dev|delta|vs_|got\s*-|-\s*(want|expected|exact)\b")
LESS = re.compile(r"^\s*(" + NUM + r")\s*(<=?)\s*(" + NUM + r")\s*$")


def load_registry():
    with open(os.path.join(HERE, "registry.json")) as f:
        return json.load(f)


def check(registry):
    files = sorted(f for f in os.listdir(HERE) if f.startswith("test_") and f.endswith(".cpp"))
    entries = registry["files"]
    missing = [f for f in files if f not in entries]
    stale = [f for f in entries if f not in files]
    bad = [f for f, e in entries.items() if e.get("factor") not in dict((k, 1) for k, _, _ in FACTORS)
           or any(v not in [k for k, _, _ in FACTORS] for v in e.get("cases", {}).values())]
    for f in missing:
        print("tests/validation/%s: no entry in tests/validation/registry.json (subject, oracle, source, factor)" % f)
    for f in stale:
        print("tests/validation/registry.json: entry for %s, which does not exist" % f)
    for f in bad:
        print("tests/validation/registry.json: %s has an unknown factor" % f)
    if not (missing or stale or bad):
        print("ok: %d validation files, every one with a registry entry" % len(files))
    return 1 if missing or stale or bad else 0


def number(s):
    return float(s)


def judge(original, expanded):
    """(observed error, tolerance) of one assertion, or None when it is not a tolerance check."""
    m = APPROX.match(expanded) or APPROX_R.match(expanded)
    if m:
        a, b = number(m.group(1)), number(m.group(2))
        if APPROX_R.match(expanded):
            a, b = b, a
        eps, margin = DEFAULT_EPSILON, 0.0
        e = re.search(r"\.epsilon\(\s*(" + NUM + r")\s*\)", original)
        g = re.search(r"\.margin\(\s*(" + NUM + r")\s*\)", original)
        if e:
            eps = number(e.group(1))
        if g:
            margin = number(g.group(1))
        # Catch2 passes within the margin or within epsilon x |expected| (scale 0).
        tol = max(margin, eps * abs(b))
        return abs(a - b), tol
    m = LESS.match(expanded)
    lhs = re.split(r"<=?", original, 1)[0]
    if m and ERROR_LIKE.search(lhs):
        return abs(number(m.group(1))), number(m.group(3))
    return None


def run_tier(binary):
    """Per test case: name, file, success, assertions, failures, worst (ratio, error, tol, text)."""
    proc = subprocess.Popen([binary, "-r", "xml", "-s"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    cases = []
    current = None
    for event, el in ET.iterparse(proc.stdout, events=("start", "end")):
        if event == "start" and el.tag == "TestCase":
            current = {"name": el.get("name"), "file": os.path.basename(el.get("filename", "")),
                       "line": int(el.get("line", 0)), "assertions": 0, "failures": 0, "tolerance_checks": 0,
                       "worst": None}
        elif event == "end" and el.tag == "Expression" and current is not None:
            current["assertions"] += 1
            if el.get("success") != "true":
                current["failures"] += 1
            original = (el.findtext("Original") or "").strip()
            expanded = (el.findtext("Expanded") or "").strip()
            j = judge(original, expanded)
            if j:
                err, tol = j
                current["tolerance_checks"] += 1
                ratio = err / tol if tol > 0 else (0.0 if err == 0 else float("inf"))
                if current["worst"] is None or ratio > current["worst"]["ratio"]:
                    current["worst"] = {"ratio": ratio, "error": err, "tolerance": tol, "assertion": original,
                                        "line": int(el.get("line", 0))}
            el.clear()
        elif event == "end" and el.tag == "OverallResult" and current is not None:
            current["success"] = el.get("success") == "true"
        elif event == "end" and el.tag == "TestCase" and current is not None:
            cases.append(current)
            current = None
            el.clear()
    proc.wait()
    return cases


def factor_of(entry, name):
    for prefix, factor in entry.get("cases", {}).items():
        if name.startswith(prefix):
            return factor
    return entry["factor"]


def fmt(x):
    return "%.3g" % x


def markdown(results, commit, date, not_validated):
    out = ["# Validation report", "",
           "Generated by `make validation-report` (tests/validation/make_validation_report.py) from the results "
           "of the validation tier, `build/validation/results.json`; do not edit by hand.", "",
           "- commit: `%s`" % commit, "- date (UTC): %s" % date,
           "- test cases: %d, passed: %d; assertions: %d" % (
               len(results), sum(r["pass"] for r in results), sum(r["assertions"] for r in results)), "",
           "The checks are grouped by the credibility factors of ASME V&V 40-2018 and of FDA's guidance "
           "*Assessing the Credibility of Computational Modeling and Simulation in Medical Device Submissions* "
           "(2023): code verification, calculation verification, and validation against a comparator. Each row "
           "gives what the check backs (the model, design or endpoint), its oracle and source, the number of "
           "assertions, the worst observed error with its tolerance (`error / tolerance` below 1 passes), and "
           "whether it passed. \"exact\" means every assertion compares exactly (bitwise values, integers, "
           "decisions).", ""]
    for key, title, text in FACTORS:
        rows = [r for r in results if r["factor"] == key]
        if not rows:
            continue
        out += ["## " + title, "", text, "",
                "| check | backs | oracle (source) | assertions | worst error / tolerance | pass |",
                "|---|---|---|---|---|---|"]
        for r in rows:
            w = r["worst"]
            worst = "exact" if w is None else "%s / %s (%s)" % (fmt(w["error"]), fmt(w["tolerance"]), fmt(w["ratio"]))
            cell = lambda s: s.replace("|", "\\|")
            out.append("| %s<br>`%s:%d` | %s | %s (%s) | %d | %s | %s |" % (
                cell(r["name"]), r["file"], r["line"], cell(r["subject"]), cell(r["oracle"]), cell(r["source"]),
                r["assertions"], worst, "yes" if r["pass"] else "**NO**"))
        out.append("")
    out += ["## What is not validated", ""] + ["- " + s for s in not_validated] + [""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--tests")
    ap.add_argument("--json")
    ap.add_argument("--markdown")
    args = ap.parse_args()
    registry = load_registry()
    if args.check:
        return check(registry)
    if check(registry):
        return 1
    cases = run_tier(args.tests)
    results = []
    for c in cases:
        entry = registry["files"][c["file"]]
        results.append(dict(c, subject=entry["subject"], oracle=entry["oracle"], source=entry["source"],
                            factor=factor_of(entry, c["name"]), **{"pass": c.get("success", False) and c["failures"] == 0}))
    src = os.path.dirname(os.path.dirname(HERE))
    commit = subprocess.run(["git", "-C", src, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    date = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M")
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"commit": commit, "date_utc": date, "checks": results}, f, indent=1)
    with open(args.markdown, "w") as f:
        f.write(markdown(results, commit, date, registry["not_validated"]))
    failed = [r["name"] for r in results if not r["pass"]]
    print("%d validation checks, %d failed; wrote %s and %s" % (len(results), len(failed), args.json, args.markdown))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
