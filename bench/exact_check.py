#!/usr/bin/python3
"""Issue 18 acceptance: `run --exact` OCs of 3+3, BOIN, CRM, mTPI-2 and i3+3
agree with 10^6 simulated trials within 4 Monte-Carlo SEs (the simulated SEs).

    bench/exact_check.py --twinsim build/cli/twinsim [--replicates 1000000]

Prints one line per (design, OC) and exits 1 if any differs by more than 4 SE.
"""
import argparse, csv, io, os, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))


def report(twinsim, h5):
    out = subprocess.run([twinsim, "report", h5, "--format", "csv"], check=True, capture_output=True, text=True).stdout
    rows = {}
    for r in csv.DictReader(io.StringIO(out)):
        if r["value"] == "":
            continue
        rows[(r["design"], r["metric"], r["dose_index"])] = (float(r["value"]), float(r["se"] or "nan"))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--twinsim", required=True)
    ap.add_argument("--replicates", type=int, default=1000000)
    ap.add_argument("--scenario", default=os.path.join(HERE, "exact_5designs.yaml"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        exact, sim = os.path.join(tmp, "exact.h5"), os.path.join(tmp, "sim.h5")
        t0 = time.time()
        subprocess.run([a.twinsim, "run", a.scenario, "--exact", "--quiet", "-o", exact], check=True)
        t1 = time.time()
        subprocess.run([a.twinsim, "run", a.scenario, "--quiet", "--replicates", str(a.replicates), "-o", sim], check=True)
        t2 = time.time()
        e, s = report(a.twinsim, exact), report(a.twinsim, sim)
    print(f"exact {t1 - t0:.2f} s, simulated ({a.replicates} trials per design) {t2 - t1:.1f} s")
    worst, bad = 0.0, 0
    for key, (value, _) in sorted(e.items()):
        if key not in s:
            continue
        sv, se = s[key]
        if not se > 0:
            ok = abs(sv - value) <= 1e-9
            z = 0.0
        else:
            z = abs(sv - value) / se
            ok = z <= 4.0
        worst = max(worst, z)
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {key[0]:6s} {key[1]:22s} {key[2]:>2s} exact {value:.6f} simulated {sv:.6f} ± {se:.6f} ({z:.2f} SE)")
    print(f"largest difference {worst:.2f} SE; {bad} beyond 4 SE")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
