#!/usr/bin/python3
"""Tight reference for the W1 typical patient's ANC nadir (bench/peers/w1_model.py,
solved by SciPy at rtol 1e-10, atol 1e-12 with two different methods, DOP853 and
LSODA, restarting at every dose). Prints JSON."""
import json
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
import numpy as np  # noqa: E402
import w1_model as m  # noqa: E402

out = {}
for method in ("DOP853", "LSODA"):
    t0 = time.perf_counter()
    grid, cc, anc, nfev = m.simulate(m.TYPICAL, method=method, rtol=1e-10, atol=1e-12)
    k = int(np.argmin(anc))
    out[method] = {"nadir": float(anc[k]), "nadir_time_h": float(grid[k]), "nfev": int(nfev),
                   "seconds": time.perf_counter() - t0}
out["nadir"] = out["DOP853"]["nadir"]
out["nadir_time_h"] = out["DOP853"]["nadir_time_h"]
out["methods_rel_diff"] = abs(out["DOP853"]["nadir"] - out["LSODA"]["nadir"]) / out["DOP853"]["nadir"]
out["issue_reference"] = 4.5936938503
out["rel_diff_vs_issue"] = abs(out["nadir"] - 4.5936938503) / 4.5936938503
print(json.dumps(out))
