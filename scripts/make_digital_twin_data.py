#!/usr/bin/python3
"""Writes configs/data/digital_twin_patients.csv: six "real" patients of
configs/digital_twin_fit.yaml after cycle 1 (docs/fit.md, "The example").

Patient k (ID k + 1) is patient k of trial 0 of the scenario's population
(`twinsim simulate --iiv`: random effects from the scenario's seed); each
took 100 mg once daily for 21 days (one record, II 24, ADDL 20) and has
sparse PK (Cc at 2, 23.5, 170 and 335.5 h) and ANC counts (at 168, 336, 480
and 503 h). Residual errors are the scenario's (Cc: combined, additive 0.02
mg/L, proportional 15 %; ANC: proportional 10 %), drawn with Python's
random.Random(20261204) in record order, DV rounded to 4 significant digits.

usage: scripts/make_digital_twin_data.py [--twinsim build/cli/twinsim]
"""
import argparse
import csv
import io
import math
import os
import random
import subprocess
import tempfile

SEED = 20261204
DOSE, II, ADDL = 100, 24, 20
CC_TIMES = [2, 23.5, 170, 335.5]
ANC_TIMES = [168, 336, 480, 503]
PATIENTS = 6


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--twinsim", default=os.path.join(here, "build", "cli", "twinsim"))
    a = ap.parse_args()
    scenario = os.path.join(here, "configs", "digital_twin_fit.yaml")
    rows = []  # (ID, TIME, output or None)
    for k in range(PATIENTS):
        rows.append((k + 1, 0, None))
        rows += sorted([(k + 1, t, "Cc") for t in CC_TIMES] + [(k + 1, t, "ANC") for t in ANC_TIMES],
                       key=lambda r: r[1])
    skeleton = "ID,TIME,AMT,II,ADDL,EVID,CMT\n"
    for i, t, out in rows:
        skeleton += f"{i},{t},{DOSE},{II},{ADDL},1,1\n" if out is None else f"{i},{t},.,.,.,0,2\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "skeleton.csv")
        with open(path, "w") as f:
            f.write(skeleton)
        sim = subprocess.run([a.twinsim, "simulate", scenario, "--data", path, "--iiv", "--format", "csv"],
                             check=True, capture_output=True, text=True).stdout
    pred = list(csv.DictReader(io.StringIO(sim)))
    rng = random.Random(SEED)
    out = io.StringIO()
    out.write("ID,TIME,AMT,II,ADDL,EVID,CMT,DV,OUTPUT\n")
    j = 0
    for i, t, name in rows:
        if name is None:
            out.write(f"{i},{t},{DOSE},{II},{ADDL},1,1,.,.\n")
            continue
        f = float(pred[j][name])
        assert float(pred[j]["ID"]) == i and float(pred[j]["TIME"]) == t
        j += 1
        if name == "Cc":
            y = f + math.sqrt(0.02 ** 2 + (0.15 * f) ** 2) * rng.gauss(0, 1)
        else:
            y = f * (1 + 0.1 * rng.gauss(0, 1))
        out.write(f"{i},{t},.,.,.,0,2,{float(f'{y:.4g}'):g},{name}\n")
    target = os.path.join(here, "configs", "data", "digital_twin_patients.csv")
    with open(target, "w") as f:
        f.write(out.getvalue())
    print("wrote", target)


if __name__ == "__main__":
    main()
