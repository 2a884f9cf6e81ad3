#!/usr/bin/python3
"""twinsim benchmark driver (issue 8): runs the fixed workloads W1-W3 through the
twinsim CLI on 1 and 2 threads, the W1 peers (R deSolve with the model in C,
SciPy LSODA/BDF, a plain CVODE loop) in the same run, a tight reference for the
W1 accuracy check, a perf profile, and writes the tables into
docs/performance.md between the markers <!-- bench:begin --> / <!-- bench:end -->.

usage (normally through `make bench`):
  /usr/bin/python3 bench/run_bench.py [--build build-bench] [--quick] [--no-peers]
      [--no-doc] [--repeats K]

Timing: every twinsim run is timed end to end by /usr/bin/time -v (process start,
YAML, simulation, HDF5 writing). Short runs are repeated and the fastest run is
kept (min of K), since this machine is shared. The cost "on one core" is the CPU
time (user + sys) of the 1-thread run divided by the patients (or trials):
unlike wall time it does not grow when other processes compete for the cores.
Peers time only their patient loop (not R/Python start-up or compilation).
Needs /usr/bin/python3 with numpy, scipy, h5py; R with deSolve (see
bench/install-bench-deps.sh).
"""
import argparse
import csv
import datetime
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ISSUE_NADIR = 4.5936938503  # typical-patient ANC nadir at 504 h given in issue 8
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=isinstance(cmd, str), text=True, capture_output=True, **kw)


# ---------------------------------------------------------------- twinsim runs
def parse_time_v(text):
    def grab(key, conv=float):
        m = re.search(re.escape(key) + r":\s*(.+)", text)
        return conv(m.group(1).strip()) if m else None

    wall = grab("Elapsed (wall clock) time (h:mm:ss or m:ss)", str)
    parts = [float(x) for x in wall.split(":")] if wall else [0.0]
    secs = 0.0
    for p in parts:
        secs = secs * 60 + p
    return {"wall": secs, "user": grab("User time (seconds)"), "sys": grab("System time (seconds)"),
            "rss_kb": grab("Maximum resident set size (kbytes)", int)}


def cpu_ticks():
    """(busy, idle) jiffies summed over all CPUs, from /proc/stat."""
    v = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    idle = v[3] + v[4]  # idle + iowait
    busy = sum(v[:8]) - idle  # user nice system idle iowait irq softirq steal
    return busy, idle


HZ = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1


class Runner:
    def __init__(self, build, outdir, repeats, quiet_wait):
        self.cli = os.path.join(build, "cli", "twinsim")
        self.outdir = outdir
        self.repeats = repeats
        self.quiet_budget = quiet_wait  # seconds we may spend in total waiting for a quiet machine
        self.waited = 0.0

    def wait_quiet(self, max_each=20.0):
        """The machine is shared: before a timed run, wait (within a budget) until
        other processes use less than 0.15 of a core over half a second."""
        start = time.time()
        while True:
            b0, i0 = cpu_ticks()
            time.sleep(0.5)
            b1, i1 = cpu_ticks()
            if (b1 - b0) / HZ / 0.5 < 0.15 or time.time() - start > max_each or self.waited > self.quiet_budget:
                break
        self.waited += time.time() - start

    def validates(self, scenario):
        return sh([self.cli, "validate", scenario]).returncode == 0

    def run(self, scenario, out_name, threads, replicates=None, repeats=None):
        """Runs twinsim under /usr/bin/time -v; returns the fastest of `repeats` runs."""
        out = os.path.join(self.outdir, out_name)
        cmd = ["/usr/bin/time", "-v", self.cli, "run", scenario, "-o", out, "--force", "--quiet",
               "--threads", str(threads)]
        # The HDF5 output runs on its own thread beside the simulation threads:
        # a 1-thread run is pinned to one core, so its wall time is the cost on
        # one core and wall(1) / (2 wall(2)) a fair 2-core efficiency.
        if threads == 1 and shutil.which("taskset"):
            cmd = ["taskset", "-c", "0"] + cmd
        if replicates is not None:
            cmd += ["--replicates", str(replicates)]
        best = None
        for _ in range(repeats or self.repeats):
            self.wait_quiet()
            b0, _ = cpu_ticks()
            r = sh(cmd)
            b1, _ = cpu_ticks()
            if r.returncode != 0:
                raise RuntimeError(f"twinsim failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout}\n{r.stderr}")
            t = parse_time_v(r.stderr)
            t["cpu"] = t["user"] + t["sys"]
            # CPU used by other processes during the run, in cores (0 = machine to ourselves).
            t["foreign"] = max(0.0, ((b1 - b0) / HZ - t["cpu"]) / max(t["wall"], 1e-3))
            if best is None or t["wall"] < best["wall"]:
                best = t
            best["rss_kb"] = max(best["rss_kb"], t["rss_kb"])  # peak over the repeats
        best["file"] = out
        best["cmd"] = " ".join(cmd[cmd.index(self.cli):]).replace(ROOT + "/", "")
        return best


def h5_info(path, design):
    import h5py
    import numpy as np

    info = {}
    with h5py.File(path, "r") as f:
        g = f[f"designs/{design}"]
        info["trials"] = int(g["trials/trial"].shape[0])
        info["patients"] = int(np.sum(g["trials/n_patients"][:]))
        if "truth/dlt_probability" in f:
            t = f["truth/dlt_probability"]
            info["truth"] = [float(x) for x in t[:]]
            info["truth_patients"] = int(t.attrs.get("cohort_size", 0)) * len(info["truth"])
        p = g["patients"]
        if "anc_nadir" in p:
            info["anc_nadir"] = p["anc_nadir"][:]
        if "CL" in p:
            info["params"] = {k: p[k][:] for k in ("CL", "V1", "Q", "V2", "KA")}
        if "oc/p_select" in g:
            info["p_select"] = [float(x) for x in g["oc/p_select"][:]]
    return info


# ---------------------------------------------------------------- peers
def write_cohort(path, params=None, n=1000, seed=1, cv=0.3):
    """The W1 cohort for the peers: twinsim's own patients when available, else
    drawn here (log-normal, omega^2 = log(1 + CV^2), numpy seed 1)."""
    import numpy as np

    if params is None:
        rng = np.random.default_rng(seed)
        w = math.sqrt(math.log(1 + cv * cv))
        typ = {"CL": 10.0, "V1": 50.0, "Q": 5.0, "V2": 100.0, "KA": 1.0}
        params = {k: v * np.exp(rng.normal(0.0, w, n)) for k, v in typ.items()}
    n = len(params["CL"])
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "CL", "V1", "Q", "V2", "KA"])
        for i in range(n):
            w.writerow([i] + [repr(float(params[k][i])) for k in ("CL", "V1", "Q", "V2", "KA")])
    return n


def run_json(cmd, timeout=900):
    r = sh(cmd, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"failed: {cmd}\n{r.stdout}\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def run_peers(build, outdir, cohort_csv, sizes, wait=lambda: None):
    peers = []
    py = "/usr/bin/python3"
    cvode = os.path.join(build, "bench", "w1_cvode_loop")
    if os.path.exists(cvode):
        log(f"peer: plain CVODE loop ({sizes['cvode']} patients)")
        wait()
        peers.append(run_json([cvode, cohort_csv, str(sizes["cvode"])]))
    if shutil.which("Rscript") and sh(["Rscript", "-e", "library(deSolve)"]).returncode == 0:
        pdir = os.path.join(outdir, "rpeer")
        os.makedirs(pdir, exist_ok=True)
        shutil.copy(os.path.join(HERE, "peers", "w1_desolve.c"), pdir)
        r = sh(["R", "CMD", "SHLIB", "w1_desolve.c"], cwd=pdir)
        if r.returncode != 0:
            raise RuntimeError("R CMD SHLIB failed:\n" + r.stdout + r.stderr)
        log(f"peer: R deSolve lsoda, model in C ({sizes['desolve']} patients)")
        wait()
        peers.append(run_json(["Rscript", os.path.join(HERE, "peers", "w1_desolve.R"), cohort_csv,
                               os.path.join(pdir, "w1_desolve.so"), str(sizes["desolve"])]))
    else:
        log("peer: R/deSolve missing, skipped (bench/install-bench-deps.sh installs it)")
    for method, n in (("LSODA", sizes["scipy_lsoda"]), ("BDF", sizes["scipy_bdf"])):
        log(f"peer: SciPy solve_ivp {method} ({n} patients)")
        wait()
        peers.append(run_json([py, os.path.join(HERE, "peers", "w1_scipy.py"), cohort_csv, method, str(n)]))
    return peers


# ---------------------------------------------------------------- machine
def machine():
    m = {"date_utc": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), "kernel": platform.release()}
    lscpu = sh("lscpu").stdout
    for key in ("Model name", "CPU(s)", "Thread(s) per core", "Core(s) per socket", "Socket(s)", "CPU max MHz",
                "L1d cache", "L2 cache", "L3 cache", "Hypervisor vendor", "Virtualization type"):
        mm = re.search(r"^" + re.escape(key) + r":\s*(.+)$", lscpu, re.M)
        if mm:
            m[key] = mm.group(1).strip()
    mem = re.search(r"MemTotal:\s+(\d+) kB", open("/proc/meminfo").read())
    m["memory"] = f"{int(mem.group(1)) / 1048576:.1f} GiB" if mem else "?"
    m["compiler"] = sh("c++ --version").stdout.splitlines()[0] if shutil.which("c++") else "?"
    m["os"] = sh(". /etc/os-release && echo $PRETTY_NAME").stdout.strip()
    r = sh(["Rscript", "-e", "cat(R.version.string, ' deSolve', as.character(packageVersion('deSolve')))"]) \
        if shutil.which("Rscript") else None
    m["R"] = r.stdout.strip() if r is not None and r.returncode == 0 else "not installed"
    import numpy
    import scipy

    m["python"] = f"Python {platform.python_version()}, NumPy {numpy.__version__}, SciPy {scipy.__version__}"
    return m


def loadavg():
    return open("/proc/loadavg").read().split()[:3]


# ---------------------------------------------------------------- profile
def perf_profile(cli, scenario, outdir, replicates, top=15):
    if not shutil.which("perf"):
        return None
    data = os.path.join(outdir, "perf.data")
    r = sh(["perf", "record", "-F", "2000", "-g", "-o", data, cli, "run", scenario, "-o",
            os.path.join(outdir, "perf.h5"), "--force", "--quiet", "--threads", "1", "--replicates", str(replicates)])
    if r.returncode != 0:
        return None
    rep = sh(["perf", "report", "-i", data, "--no-children", "--stdio", "--sort", "dso,symbol", "-g", "none"])
    rows = []
    for line in rep.stdout.splitlines():
        mm = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.+)$", line)
        if mm:
            sym = re.split(r"\s{2,}", mm.group(3).strip())[0]  # drop perf's trailing padding columns
            sym = re.sub(r"\(.*\)$", "", sym) if len(sym) > 90 else sym
            rows.append((float(mm.group(1)), mm.group(2), sym[:110]))
    dsos = {}
    for pct, dso, _ in rows:
        dsos[dso] = dsos.get(dso, 0.0) + pct
    cats = {}
    for pct, dso, sym in rows:
        c = classify(dso, sym)
        cats[c] = cats.get(c, 0.0) + pct
    return {"top": rows[:top], "by_dso": sorted(dsos.items(), key=lambda x: -x[1])[:8],
            "by_category": sorted(cats.items(), key=lambda x: -x[1])}


# Self time grouped by what the code is for (first match wins). Heuristic, by
# library and symbol name: the profile is sampled without reliable call stacks.
CATEGORIES = [
    ("HDF5 output: zlib compression, HDF5, ResultWriter", r"libz|libhdf5", r"ResultWriter|^H5|^adler32|deflate"),
    ("PD integration: Dormand-Prince / CVODE, PD right-hand sides", None,
     r"Dopri5|[Cc][Vv]ode|N_V|SUN|::rhs|pd_rhs|PdOde|Friberg"),
    ("libm pow/exp (Friberg feedback term, PK exponentials)", r"libm\.", None),
    ("analytic PK: superposition, Eigen products", None,
     r"AnalyticPropagator|ConcentrationCurve|PkSimulator|Eigen::|HybridEngine|hybrid"),
    ("random numbers (Philox streams)", None, r"philox|RngStream|normal_draw|uniform"),
    ("memory: kernel page faults, malloc/free, copies", r"kernel|ld-linux",
     r"malloc|free|memmove|memcpy|memset|realloc|_int_|operator new|operator delete"),
    ("designs, endpoints, trial runner, OC", None, r"twinsim::trial|Boin|Crm|ThreePlus|select_mtd|Oc"),
]


def classify(dso, sym):
    for name, dso_re, sym_re in CATEGORIES:
        if (dso_re and re.search(dso_re, dso)) or (sym_re and re.search(sym_re, sym)):
            return name
    return "other"


# ---------------------------------------------------------------- report
def fmt_t(s):
    return f"{s:.2f}" if s >= 1 else f"{s:.3f}"


def fmt_cost(sec):
    if sec >= 1e-3:
        return f"{sec * 1e3:.2f} ms"
    return f"{sec * 1e6:.1f} µs"


def render(res):
    L = []
    m = res["machine"]
    L.append(f"Measured {m['date_utc']} by `make bench` (bench/run_bench.py{' --quick' if res['quick'] else ''}).")
    L.append("")
    L.append("### Machine")
    L.append("")
    L.append("| | |")
    L.append("|---|---|")
    for k in ("Model name", "CPU(s)", "Thread(s) per core", "Core(s) per socket", "CPU max MHz", "L2 cache",
              "L3 cache", "Hypervisor vendor", "memory", "os", "kernel", "compiler", "R", "python"):
        if k in m:
            L.append(f"| {k} | {m[k]} |")
    L.append(f"| load average (1/5/15 min) at start / end | {' '.join(res['load_start'])} / {' '.join(res['load_end'])} |")
    L.append(f"| time spent waiting for other processes to go idle | {res['waited']:.0f} s |")
    L.append("")
    L.append(f"Population model: {res['population_note']}")
    L.append("")
    L.append("### Workloads")
    L.append("")
    L.append("Cost per unit = CPU time (user + sys) of the 1-thread run / units; wall times are the fastest of "
             f"{res['repeats']} runs for W1, W3 and the 10,000-trial comparison, one run for W2. \"1 thread\" = one simulation "
             "thread, with the process pinned to one core (`taskset -c 0`), so the HDF5 writer thread shares that core; "
             "\"2 threads\" = two simulation threads plus the writer on two cores. Speed-up = wall(1 thread) / "
             "wall(2 threads); efficiency = speed-up / 2. Peak RSS from /usr/bin/time -v.")
    L.append("")
    L.append("| workload | units | wall 1 thr (s) | CPU 1 thr (s) | cost per unit, 1 core | wall 2 thr (s) | "
             "CPU 2 thr (s) | speed-up | efficiency | other load 1 / 2 thr (cores) | peak RSS 1 / 2 thr (MB) |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for w in res["workloads"]:
        t1, t2 = w["t1"], w["t2"]
        sp = t1["wall"] / t2["wall"]
        L.append(f"| {w['label']} | {w['units']:,} {w['unit']} | {fmt_t(t1['wall'])} | {fmt_t(t1['cpu'])} | "
                 f"{fmt_cost(t1['cpu'] / w['units'])} | {fmt_t(t2['wall'])} | {fmt_t(t2['cpu'])} | {sp:.2f}× | "
                 f"{100 * sp / 2:.0f} % | {t1['foreign']:.2f} / {t2['foreign']:.2f} | "
                 f"{t1['rss_kb'] / 1024:.0f} / {t2['rss_kb'] / 1024:.0f} |")
    L.append("")
    L.append("Other load = CPU time used by other processes during the kept run (from /proc/stat, in cores; "
             f"the machine has {NCPU}). A 2-thread run with other load near 1 core had one core, not two, so its "
             "speed-up says nothing about twinsim's parallel efficiency.")
    L.append("")
    L.append("")
    for w in res["workloads"]:
        if w.get("note"):
            L.append(f"- {w['label']}: {w['note']}")
    L.append("")
    if res.get("peers"):
        L.append("### W1 against peers (same machine, same run)")
        L.append("")
        L.append(f"Cohort: {res['cohort_note']} Each peer simulates the first n patients of that cohort with hourly "
                 "Cc and ANC output; cost per patient is flat in N, so the slow peers run on a subset. "
                 "Ratio = peer CPU per patient / twinsim CPU per patient (W1, N = "
                 f"{res['w1_ref_units']:,}, 1 thread, end to end including HDF5 output).")
        L.append("")
        L.append("| implementation | patients run | CPU per patient | wall per patient | typical nadir | "
                 "rel. error vs reference | mean nadir of the patients run | twinsim is faster by |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        tw = res["twinsim_w1"]
        L.append(f"| twinsim (analytic PK + Dormand-Prince PD) | {tw['patients']:,} | {fmt_cost(tw['cpu_per'])} | "
                 f"{fmt_cost(tw['wall_per'])} | {tw['nadir']:.10f} | {tw['rel_err']:.1e} | "
                 f"{tw.get('mean_nadir_note', '')} | 1× |")
        names = {"cvode-plain-loop": "plain CVODE loop (BDF, all 8 states, re-init per dose)",
                 "deSolve-lsoda-C": "R deSolve lsoda, model compiled in C",
                 "scipy-LSODA": "SciPy solve_ivp LSODA (+ Jacobian)",
                 "scipy-BDF": "SciPy solve_ivp BDF (+ Jacobian)"}
        for p in res["peers"]:
            cpu_per = p["cpu_ms_per_patient"] / 1e3
            mean_tw = p.get("twinsim_mean_nadir")
            mean_txt = f"{p['mean_nadir']:.6f}" + (f" (twinsim {mean_tw:.6f})" if mean_tw is not None else "")
            L.append(f"| {names.get(p['peer'], p['peer'])} | {p['patients']:,} | {fmt_cost(cpu_per)} | "
                     f"{fmt_cost(p['ms_per_patient'] / 1e3)} | {p['typical_nadir']:.10f} | "
                     f"{abs(p['typical_nadir'] - res['reference']['nadir']) / res['reference']['nadir']:.1e} | "
                     f"{mean_txt} | {cpu_per / tw['cpu_per']:.1f}× |")
        L.append("")
        L.append("Peers use rtol 1e-7 / atol 1e-9 (twinsim's PD tolerances) and restart at every dose.")
        L.append("")
    ref = res["reference"]
    L.append("### W1 accuracy (typical patient, ANC nadir)")
    L.append("")
    L.append("| solution | nadir (10^9/L) | time (h) | rel. diff. vs SciPy DOP853 reference |")
    L.append("|---|---:|---:|---:|")
    L.append(f"| reference: SciPy DOP853, rtol 1e-10, atol 1e-12 | {ref['nadir']:.10f} | {ref['nadir_time_h']:.0f} | 0 |")
    L.append(f"| cross-check: SciPy LSODA, rtol 1e-10, atol 1e-12 | {ref['LSODA']['nadir']:.10f} | "
             f"{ref['LSODA']['nadir_time_h']:.0f} | {abs(ref['LSODA']['nadir'] - ref['nadir']) / ref['nadir']:.1e} |")
    if res.get("desolve_tight") is not None:
        L.append(f"| cross-check: R deSolve lsoda, rtol 1e-10, atol 1e-12 | {res['desolve_tight']:.10f} | 504 | "
                 f"{abs(res['desolve_tight'] - ref['nadir']) / ref['nadir']:.1e} |")
    L.append(f"| issue 8 | {ISSUE_NADIR:.10f} | 504 | {abs(ISSUE_NADIR - ref['nadir']) / ref['nadir']:.1e} |")
    tw = res["twinsim_w1"]
    L.append(f"| **twinsim** (bench/w1_typical.yaml) | {tw['nadir']:.10f} | {tw['nadir_time']:.0f} | "
             f"**{tw['rel_err']:.1e}** |")
    L.append("")
    L.append("### Memory as N grows")
    L.append("")
    L.append("| run | N | threads | peak RSS (MB) | output file (MB) |")
    L.append("|---|---:|---:|---:|---:|")
    for r in res["memory"]:
        L.append(f"| {r['label']} | {r['n']:,} | {r['threads']} | {r['rss_kb'] / 1024:.1f} | {r['file_mb']:.1f} |")
    L.append("")
    if res.get("w3_truth"):
        L.append(f"W3 population DLT curve (/truth/dlt_probability, doses {res['w3_doses']}): "
                 + ", ".join(f"{p:.3f}" for p in res["w3_truth"]) + "; BOIN P(select): "
                 + ", ".join(f"{p:.3f}" for p in res["w3_p_select"]) + ".")
        L.append("")
    L.append("### Targets of issue 8")
    L.append("")
    L.append("| target | measured | met |")
    L.append("|---|---|---|")
    for t in res["targets"]:
        L.append(f"| {t[0]} | {t[1]} | {t[2]} |")
    L.append("")
    if res.get("profiles"):
        for title, prof in res["profiles"]:
            if not prof:
                continue
            L.append(f"### Profile: {title}")
            L.append("")
            L.append("By shared object: " + ", ".join(f"{d} {p:.1f} %" for d, p in prof["by_dso"]) + ".")
            L.append("")
            L.append("By purpose (self time, classified by library and symbol name): "
                     + "; ".join(f"{c} {p:.0f} %" for c, p in prof["by_category"]) + ".")
            L.append("")
            L.append("| self % | object | function |")
            L.append("|---:|---|---|")
            for pct, dso, sym in prof["top"]:
                L.append(f"| {pct:.2f} | {dso} | `{sym}` |")
            L.append("")
    L.append("### Commands")
    L.append("")
    L.append("```")
    for c in res["commands"]:
        L.append(c)
    L.append("```")
    return "\n".join(L)


def write_doc(path, block):
    text = open(path).read() if os.path.exists(path) else "# Performance\n\n" + BEGIN + "\n" + END + "\n"
    if BEGIN not in text or END not in text:
        text += "\n" + BEGIN + "\n" + END + "\n"
    a, b = text.index(BEGIN) + len(BEGIN), text.index(END)
    text = text[:a] + "\n" + block + "\n" + text[b:]
    with open(path, "w") as f:
        f.write(text)


def yes(ok):
    return "yes" if ok else "**no**"


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--quick", action="store_true", help="small sizes (checks the harness, not the figures)")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--no-doc", action="store_true", help="do not rewrite docs/performance.md")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--repeats", type=int, default=3, help="repeats of the short runs (fastest kept)")
    ap.add_argument("--quiet-wait", type=float, default=180.0,
                    help="total seconds the driver may wait for other processes to go idle before timed runs")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    outdir = os.path.join(build, "bench-out")
    os.makedirs(outdir, exist_ok=True)
    run = Runner(build, outdir, 1 if args.quick else args.repeats, 0 if args.quick else args.quiet_wait)
    q = args.quick
    N1, N2 = (100, 1000) if q else (1000, 10000)
    W2_R = 20000 if q else 1000000
    W3_R = 50 if q else 1000
    DO_R = 1000 if q else 10000
    t_start = time.time()
    res = {"quick": q, "repeats": run.repeats, "load_start": loadavg(), "workloads": [], "memory": [],
           "commands": ["make bench                      # = the lines below",
                        "bash bench/install-bench-deps.sh  # r-base-core r-cran-desolve python3-scipy python3-h5py linux-perf",
                        "cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DTWINSIM_BUILD_BENCH=ON",
                        "cmake --build build-bench -j 2 --target twinsim w1_cvode_loop",
                        "/usr/bin/python3 bench/run_bench.py --build build-bench",
                        "# single runs, e.g.:"]}
    res["machine"] = machine()

    # Population block accepted? Otherwise the typical-patient variants.
    w1_pop, w3_pop = os.path.join(HERE, "w1_cohort.yaml"), os.path.join(HERE, "w3_boin_pkpd.yaml")
    w1_typ, w3_typ = os.path.join(HERE, "w1_typical.yaml"), os.path.join(HERE, "w3_boin_pkpd_typical.yaml")
    population = run.validates(w1_pop) and run.validates(w3_pop)
    w1, w3 = (w1_pop, w3_pop) if population else (w1_typ, w3_typ)
    res["population_note"] = (
        "W1 and W3 ran with 30 % log-normal IIV on CL, V1, Q, V2, KA (`population:` block of "
        "bench/w1_cohort.yaml, bench/w3_boin_pkpd.yaml)." if population else
        "**`twinsim validate` did not accept the `population:` key in this build, so W1 and W3 ran their "
        "typical-patient variants (bench/w1_typical.yaml, bench/w3_boin_pkpd_typical.yaml): every twinsim "
        "patient is the typical patient** (same engine work per patient; W3's operating characteristics "
        "are then degenerate).")
    log("population block " + ("accepted" if population else "NOT accepted: typical-patient variants"))
    rel = lambda p: os.path.relpath(p, ROOT)

    # ---- accuracy: tight reference and twinsim's typical patient
    log("reference: SciPy DOP853 / LSODA at rtol 1e-10, atol 1e-12")
    res["reference"] = run_json(["/usr/bin/python3", os.path.join(HERE, "peers", "reference.py")])
    t = run.run(w1_typ, "w1_typical.h5", 1, replicates=1, repeats=1)
    info = h5_info(t["file"], "w1")
    tw_nadir = float(info["anc_nadir"][0])
    with __import__("h5py").File(t["file"], "r") as f:
        tw_nadir_time = float(f["designs/w1/patients/anc_nadir_time_h"][0])
    ref_nadir = res["reference"]["nadir"]

    # ---- W1
    w1res = {}
    for n in (N1, N2):
        log(f"W1 N = {n:,} on 1 and 2 threads")
        t1 = run.run(w1, f"w1_{n}_t1.h5", 1, replicates=n)
        t2 = run.run(w1, f"w1_{n}_t2.h5", 2, replicates=n)
        w1res[n] = (t1, t2)
        res["workloads"].append({"label": f"W1 cohort, N = {n:,}", "units": n, "unit": "patients", "t1": t1, "t2": t2})
        for th, tt in ((1, t1), (2, t2)):
            res["memory"].append({"label": "W1", "n": n, "threads": th, "rss_kb": tt["rss_kb"],
                                  "file_mb": os.path.getsize(tt["file"]) / 1e6})
    res["commands"].append(w1res[N2][0]["cmd"])
    t1 = w1res[N2][0]
    res["w1_ref_units"] = N2
    res["twinsim_w1"] = {"patients": N2, "cpu_per": t1["cpu"] / N2, "wall_per": t1["wall"] / N2,
                         "nadir": tw_nadir, "nadir_time": tw_nadir_time,
                         "rel_err": abs(tw_nadir - ref_nadir) / ref_nadir}
    w1_info = h5_info(w1res[N1][0]["file"], "w1")

    # ---- peers on the same cohort
    cohort_csv = os.path.join(outdir, "w1_cohort.csv")
    params = w1_info.get("params")
    varied = params is not None and float(params["CL"].std()) > 0
    if varied:
        write_cohort(cohort_csv, params)
        res["cohort_note"] = (f"the {len(params['CL']):,} patients of twinsim's W1 N = {N1:,} run (patients/CL, V1, Q, "
                              "V2, KA read from its HDF5 output, written to a CSV the peers read).")
    else:
        write_cohort(cohort_csv, None, n=N1)
        res["cohort_note"] = (f"{N1:,} patients drawn by the driver with NumPy (seed 1, log-normal, "
                              "omega^2 = log(1 + 0.3^2) on CL, V1, Q, V2, KA), since twinsim's run had no IIV; "
                              "twinsim's own patients were all typical, so the mean nadirs are not comparable.")
    if not args.no_peers:
        sizes = {"cvode": N1, "desolve": N1, "scipy_lsoda": 10 if q else 50, "scipy_bdf": 3 if q else 10}
        res["peers"] = run_peers(build, outdir, cohort_csv, sizes, run.wait_quiet)
        for p in res["peers"]:
            if varied and "anc_nadir" in w1_info:
                p["twinsim_mean_nadir"] = float(w1_info["anc_nadir"][:p["patients"]].mean())
            if p["peer"] == "deSolve-lsoda-C":
                res["desolve_tight"] = p.get("tight_nadir")
        res["commands"].append("/usr/bin/python3 bench/peers/w1_scipy.py build-bench/bench-out/w1_cohort.csv LSODA 50")
        res["commands"].append("Rscript bench/peers/w1_desolve.R build-bench/bench-out/w1_cohort.csv "
                               "build-bench/bench-out/rpeer/w1_desolve.so 1000")
        res["commands"].append("build-bench/bench/w1_cvode_loop build-bench/bench-out/w1_cohort.csv 1000")

    # ---- W2
    w2 = {}
    for name, label in (("3p3", "3+3"), ("boin", "BOIN"), ("crm", "CRM empiric")):
        log(f"W2 {label}: {W2_R:,} trials on 1 and 2 threads")
        scen = os.path.join(HERE, f"w2_{name}.yaml")
        t1 = run.run(scen, f"w2_{name}_t1.h5", 1, replicates=W2_R, repeats=1)
        t2 = run.run(scen, f"w2_{name}_t2.h5", 2, replicates=W2_R, repeats=1)
        w2[name] = (t1, t2)
        res["workloads"].append({"label": f"W2 design-only, {label}", "units": W2_R, "unit": "trials", "t1": t1, "t2": t2})
        res["memory"].append({"label": f"W2 {label}", "n": W2_R, "threads": 1, "rss_kb": t1["rss_kb"],
                              "file_mb": os.path.getsize(t1["file"]) / 1e6})
    res["commands"].append(w2["boin"][0]["cmd"])
    # The same BOIN run writing every patient row (30 M rows): what the output costs.
    full = os.path.join(outdir, "w2_boin_patients.yaml")
    with open(os.path.join(HERE, "w2_boin.yaml")) as f:
        text = f.read().replace("output:\n  patients: false\n", "")
    with open(full, "w") as f:
        f.write(text)
    log(f"W2 BOIN with patient rows: {W2_R:,} trials on 1 and 2 threads")
    t1 = run.run(full, "w2_boin_patients_t1.h5", 1, replicates=W2_R, repeats=1)
    t2 = run.run(full, "w2_boin_patients_t2.h5", 2, replicates=W2_R, repeats=1)
    w2["boin_patients"] = (t1, t2)
    res["workloads"].append({"label": "W2 BOIN writing all patient rows", "units": W2_R, "unit": "trials",
                             "t1": t1, "t2": t2, "note": "the W2 BOIN scenario without `output.patients: false`"})

    # ---- W3
    log(f"W3 BOIN PK/PD: {W3_R:,} trials on 1 and 2 threads")
    t1 = run.run(w3, "w3_t1.h5", 1, replicates=W3_R)
    t2 = run.run(w3, "w3_t2.h5", 2, replicates=W3_R)
    w3i = h5_info(t1["file"], "boin")
    n_pat = w3i["patients"] + w3i.get("truth_patients", 0)
    res["workloads"].append({"label": "W3 BOIN on the W1 model", "units": n_pat, "unit": "patients", "t1": t1, "t2": t2,
                             "note": f"{W3_R:,} trials = {w3i['patients']:,} trial patients + "
                                     f"{w3i.get('truth_patients', 0):,} patients of the truth curve "
                                     f"(truth_cohort_size 1,000 per dose); per trial on 1 core: "
                                     f"{fmt_cost(t1['cpu'] / W3_R)}."})
    res["commands"].append(t1["cmd"])
    res["w3_truth"] = w3i.get("truth")
    res["w3_p_select"] = w3i.get("p_select")
    res["w3_doses"] = "1400, 1700, 2000, 2300, 2700 mg"

    # ---- the design-only comparison of configs/ (3 designs, 10,000 replicates)
    log(f"configs/design_only_3p3_boin_crm.yaml, {DO_R:,} replicates, 1 and 2 threads")
    cfg = os.path.join(ROOT, "configs", "design_only_3p3_boin_crm.yaml")
    t1 = run.run(cfg, "design_only_t1.h5", 1, replicates=DO_R)
    t2 = run.run(cfg, "design_only_t2.h5", 2, replicates=DO_R)
    res["workloads"].append({"label": "3-design comparison (configs/design_only_3p3_boin_crm.yaml)", "units": DO_R,
                             "unit": "replicates", "t1": t1, "t2": t2,
                             "note": "3+3, BOIN and CRM on the same simulated patients; one unit = one replicate "
                                     "of all three designs."})
    res["commands"].append(t1["cmd"])

    # ---- memory at 100 x N1 (W1, 2 threads): flat RSS as N grows
    if not q:
        n3 = 10 * N2
        log(f"W1 N = {n3:,} on 2 threads (memory)")
        t = run.run(w1, f"w1_{n3}_t2.h5", 2, replicates=n3, repeats=1)
        res["memory"].append({"label": "W1", "n": n3, "threads": 2, "rss_kb": t["rss_kb"],
                              "file_mb": os.path.getsize(t["file"]) / 1e6})
        os.remove(t["file"])

    # ---- profiles
    if not args.no_profile:
        log("perf profiles")
        res["profiles"] = [
            (f"W1, {N2:,} patients, 1 thread (`perf record`, self time)",
             perf_profile(run.cli, w1, outdir, N2)),
            (f"W2 BOIN, {W2_R // 10:,} trials, 1 thread", perf_profile(run.cli, os.path.join(HERE, "w2_boin.yaml"),
                                                                    outdir, W2_R // 10)),
            (f"W3, {W3_R // 4:,} trials, 1 thread", perf_profile(run.cli, w3, outdir, W3_R // 4)),
        ]

    # ---- targets
    tw = res["twinsim_w1"]
    per_us = tw["cpu_per"] * 1e6
    peers = {p["peer"]: p for p in res.get("peers", [])}
    tg = []
    tg.append(("W1 ≤ 500 µs per patient per core (stretch 250 µs)", f"{per_us:.0f} µs (N = {N2:,}, CPU time, 1 thread)",
               yes(per_us <= 500) + (", stretch " + ("met" if per_us <= 250 else "not met"))))
    if "deSolve-lsoda-C" in peers:
        r = peers["deSolve-lsoda-C"]["cpu_ms_per_patient"] / 1e3 / tw["cpu_per"]
        tg.append(("W1 ≥ 6× R deSolve (lsoda, model in C)", f"{r:.1f}×", yes(r >= 6)))
    if "cvode-plain-loop" in peers:
        r = peers["cvode-plain-loop"]["cpu_ms_per_patient"] / 1e3 / tw["cpu_per"]
        tg.append(("W1 ≥ 12× the plain CVODE loop", f"{r:.1f}× ({peers['cvode-plain-loop']['typical_steps']:,} "
                   "CVODE steps for the typical patient)", yes(r >= 12)))
    tg.append(("W1 typical ANC nadir within 1e-4 relative of the rtol 1e-10 reference",
               f"{tw['rel_err']:.1e} ({tw['nadir']:.7f} vs {ref_nadir:.10f})", yes(tw["rel_err"] <= 1e-4)))
    b1 = w2["boin"][0]["cpu"] * 1e6 / W2_R
    tg.append(("W2 1,000,000 BOIN trials ≤ 3 s per core", f"{b1:.2f} s per core per 10^6 trials "
               f"({W2_R:,} run; wall {w2['boin'][0]['wall']:.1f} s)", yes(b1 <= 3)))
    c1 = w2["crm"][0]["cpu"] / w2["boin"][0]["cpu"]
    tg.append(("W2 CRM within 5× of BOIN", f"{c1:.2f}× BOIN", yes(c1 <= 5)))
    for wl in res["workloads"]:
        if wl["label"].startswith("W1 cohort, N = " + f"{N2:,}") or wl["label"].startswith("W3"):
            e = wl["t1"]["wall"] / wl["t2"]["wall"] / 2
            f2 = wl["t2"]["foreign"]
            verdict = yes(e >= 0.9)
            text = f"{100 * e:.0f} % (other load during the 2-thread run: {f2:.2f} cores)"
            if e < 0.9 and f2 > 0.25:
                verdict = "not measurable here (other processes held a core)"
            tg.append((f"2-thread efficiency ≥ 90 %: {wl['label']}", text, verdict))
    m = {(r["label"], r["n"], r["threads"]): r["rss_kb"] for r in res["memory"]}
    for th in (1, 2):
        a, b = m[("W1", N1, th)], m[("W1", N2, th)]
        tg.append((f"Peak memory flat as N grows ×10 (W1, {th} thread{'s' if th > 1 else ''})",
                   f"{a / 1024:.1f} MB at N = {N1:,} → {b / 1024:.1f} MB at N = {N2:,} ({b / a:.2f}×)",
                   yes(b / a <= 1.25)))
    if ("W1", 10 * N2, 2) in m:
        a, b = m[("W1", N2, 2)], m[("W1", 10 * N2, 2)]
        tg.append(("Peak memory flat as N grows ×10 (W1, 2 threads, above the 64 MB result block)",
                   f"{a / 1024:.1f} MB at N = {N2:,} → {b / 1024:.1f} MB at N = {10 * N2:,} ({b / a:.2f}×)",
                   yes(b / a <= 1.25)))
    res["targets"] = tg
    res["load_end"] = loadavg()
    res["waited"] = run.waited
    res["total_seconds"] = time.time() - t_start

    # ---- output
    block = render(res)
    print()
    print(block)
    with open(os.path.join(outdir, "results.json"), "w") as f:
        json.dump(res, f, indent=1, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))
    if not args.no_doc and not q:
        write_doc(os.path.join(ROOT, "docs", "performance.md"), block)
        log("docs/performance.md updated")
    log(f"done in {res['total_seconds']:.0f} s")


if __name__ == "__main__":
    main()
