#!/usr/bin/python3
"""SciPy peer of W1: every patient of the cohort solved by scipy.integrate.solve_ivp
(LSODA or BDF, analytic Jacobian, rtol 1e-7 / atol 1e-9 like twinsim's PD
integration), restarting at every dose, hourly Cc and ANC kept in memory.

usage: w1_scipy.py COHORT.csv METHOD [MAX_PATIENTS]
COHORT.csv has a header and columns CL,V1,Q,V2,KA (one row per patient).
Prints JSON: patients simulated, wall and CPU seconds, per patient, typical nadir."""
import csv
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
import w1_model as m  # noqa: E402


def main():
    path, method = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
    with open(path) as f:
        rows = [{k: float(r[k]) for k in ("CL", "V1", "Q", "V2", "KA")} for r in csv.DictReader(f)]
    if limit:
        rows = rows[:limit]
    _, _, anc_typ, nfev_typ = m.simulate(m.TYPICAL, method=method)
    nadirs = np.empty(len(rows))
    t0, c0 = time.perf_counter(), time.process_time()
    for i, p in enumerate(rows):
        _, cc, anc, _ = m.simulate(p, method=method)
        nadirs[i] = anc.min()
    sec, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"peer": "scipy-" + method, "patients": len(rows), "seconds": sec,
                      "cpu_seconds": cpu,
                      "ms_per_patient": 1e3 * sec / len(rows), "cpu_ms_per_patient": 1e3 * cpu / len(rows), "typical_nadir": float(anc_typ.min()),
                      "typical_nfev": int(nfev_typ), "mean_nadir": float(nadirs.mean())}))


if __name__ == "__main__":
    main()
