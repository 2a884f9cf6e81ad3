#!/usr/bin/python3
"""The twinsim Python module against the CLI (ctest, PYTHONPATH=build/python).

A PK/PD dose escalation (configs/pkpd_boin_vs_3p3.yaml with time courses and
a small reference cohort) runs through twinsim.run in memory and through
`twinsim run` into an HDF5 file; twinsim.read of the file must give the same
tables (names, dtypes, every value bit for bit), time courses, truth and OC
table. Then validate() and errors, and the dict-of-arrays form without pandas.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

import twinsim


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def check_tables(kind, mem, disk, failures):
    for design in mem.designs:
        m, d = getattr(mem, kind).get(design), getattr(disk, kind).get(design)
        if m is None and d is None:
            continue
        if m is None or d is None:
            failures.append("%s[%s]: only one side has it" % (kind, design))
            continue
        if list(m.keys()) != list(d.keys()):
            failures.append("%s[%s]: columns differ: %s vs %s" % (kind, design, sorted(m.keys()), sorted(d.keys())))
            continue
        for col in m.keys():
            if not same_bits(np.asarray(m[col]), np.asarray(d[col])):
                failures.append("%s[%s][%s] differs" % (kind, design, col))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--twinsim", required=True)
    ap.add_argument("--source", required=True)
    args = ap.parse_args()
    with open(os.path.join(args.source, "configs", "pkpd_boin_vs_3p3.yaml")) as f:
        text = f.read().replace("truth_cohort_size: 3000", "truth_cohort_size: 100")
    text += "output:\n  timecourses: [Cc, ANC]\n  grid_h: 24\n"
    failures = []
    with tempfile.TemporaryDirectory(prefix="twinsim-python-") as tmp:
        scenario = os.path.join(tmp, "scenario.yaml")
        with open(scenario, "w") as f:
            f.write(text)
        out = os.path.join(tmp, "out.h5")
        subprocess.run([args.twinsim, "run", scenario, "-o", out, "--replicates", "6", "--seed", "11", "--quiet",
                        "--threads", "2"], check=True)
        mem = twinsim.run(text, replicates=6, seed=11, threads=1)   # other thread count: same results
        disk = twinsim.read(out)

        if mem.designs != disk.designs or mem.designs != ["3+3", "boin", "crm"]:
            failures.append("designs: %s vs %s" % (mem.designs, disk.designs))
        for key in ("scenario_name", "seed", "replicates", "mode"):
            if getattr(mem, key) != getattr(disk, key):
                failures.append("%s: %r vs %r" % (key, getattr(mem, key), getattr(disk, key)))
        if not isinstance(disk.scenario_name, str) or disk.scenario_yaml != text:
            failures.append("read(): strings not decoded, or scenario text changed")
        if not same_bits(mem.dose_levels, disk.dose_levels) or not same_bits(mem.truth, disk.truth):
            failures.append("dose levels or truth differ")
        for kind in ("trials", "patients", "cycles"):
            check_tables(kind, mem, disk, failures)
        check_tables("timecourses", mem, disk, failures)
        for design in mem.designs:
            tc = mem.timecourses[design]
            if tc["Cc"].shape != (len(mem.patients[design]), len(tc["time"])):
                failures.append("timecourses[%s]: shape %s" % (design, tc["Cc"].shape))
        for kind in ("trials", "patients", "cycles"):
            for design in mem.designs:
                if design in getattr(mem, kind) and not getattr(mem, kind)[design].equals(getattr(disk, kind)[design]):
                    failures.append("%s[%s]: DataFrames not equal" % (kind, design))
        if not mem.oc.equals(disk.oc):
            failures.append("oc tables differ")
        # The OC table is `twinsim report --format csv` of the file.
        csv = subprocess.run([args.twinsim, "report", out, "--format", "csv"], check=True, capture_output=True, text=True)
        import pandas as pd, io
        if not disk.oc.equals(pd.read_csv(io.StringIO(csv.stdout), keep_default_na=False, na_values=[""])):
            failures.append("oc is not report --format csv")
        n = len(mem.trials["boin"])
        if n != 6 or list(mem.trials["boin"].columns) != ["trial", "duration_days", "n_cohorts", "n_dlts", "n_patients", "selected_dose"]:
            failures.append("trials table: %d rows, columns %s" % (n, list(mem.trials["boin"].columns)))

        # validate(): [] for a valid scenario, file:line:col diagnostics for a bad one.
        if twinsim.validate(scenario) != []:
            failures.append("validate of a valid file")
        bad = text.replace("replicates: 200", "replicates: -3")
        line = text.splitlines().index("replicates: 200") + 1
        diags = twinsim.validate(bad)
        if len(diags) != 1 or diags[0]["key_path"] != "replicates" or (diags[0]["line"], diags[0]["column"]) != (line, 13):
            failures.append("validate of a bad text: %r" % (diags,))
        try:
            twinsim.run(bad)
            failures.append("run of a bad scenario did not raise")
        except twinsim.ScenarioError as e:
            if "replicates" not in str(e):
                failures.append("ScenarioError message: %s" % e)

        # Without pandas the tables are dicts of NumPy arrays with the same names.
        twinsim._pd = None
        plain = twinsim.read(out)
        if not isinstance(plain.trials["boin"], dict) or not same_bits(plain.trials["boin"]["selected_dose"],
                                                                       disk.trials["boin"]["selected_dose"].to_numpy()):
            failures.append("tables without pandas")
    for f in failures:
        print("FAIL:", f)
    print("%d checks failed" % len(failures) if failures else "ok: twinsim.run equals the HDF5 file bit for bit")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
