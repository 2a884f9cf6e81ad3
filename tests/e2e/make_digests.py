#!/usr/bin/python3
"""Digest of every HDF5 dataset and attribute twinsim writes for configs/.

Runs the built `twinsim` on every configs/*.yaml (`run`) and every
configs/sweeps/*.yaml (`sweep`, then `merge`) at the seeds written in the
files, and records a SHA-256 of each dataset's values (with its dtype and
shape) and of each attribute except the provenance ones below. A refactoring
that must not change behaviour keeps every digest (LAMMPS keeps reference
files the same way).

  check:       tests/e2e/make_digests.py --twinsim build/cli/twinsim
  regenerate:  tests/e2e/make_digests.py --twinsim build/cli/twinsim --write

The digests are of one toolchain's floating-point results (Debian 12 gcc,
Release): a clang or sanitizer build rounds differently, so the sanitizer
pass skips this test (scripts/sanitize-test.sh).

Machines of the same kind do not always agree in the last bit: two CI
machines, same Debian 12 image and twinsim commit, wrote different
configs/user_model_qtc_hysteresis.yaml etas for EC50_QT (one patient's draw
differs; where exactly in libm or the CPU was not found). A digest in the
fixture may therefore be a list: every entry is the exact digest one known
machine wrote, and any of them passes. Nothing is rounded or tolerated.
  record this machine's values beside the others:  --write --alternate
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

try:
    import h5py
except ImportError:  # scripts/install-deps.sh installs python3-h5py
    sys.exit("make_digests.py: python3-h5py is not installed (run scripts/install-deps.sh)")

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
FIXTURE = os.path.join(HERE, "data", "digests.json")

# Attributes that describe the run rather than its results: the program
# version, when, and the file names it was given (which depend on the cwd).
PROVENANCE_ATTRIBUTES = {
    "twinsim_version", "git_hash", "created_utc", "host", "command_line",
    "wall_seconds", "scenario_file", "sweep_file",
}

# --replicates per config where a full run would cost too much CI time. Every
# config at its own size takes about 11 s on 2 cores (the 3000-patient
# reference cohorts of pkpd_boin_vs_3p3 dominate, and they do not shrink with
# replicates), so none is reduced today; a new large config gets a line here.
REPLICATES = {}

# The sweep run at 1 and at 2 threads by --threads-check: PK/PD patients and
# reference cohorts shared out among OpenMP threads, small enough to run twice.
THREADS_SWEEP = "pkpd_slope.yaml"


def _hash_value(h, value):
    """Feeds one dataset or attribute value into h, type and shape included."""
    if isinstance(value, (str, bytes)):
        data = value.encode() if isinstance(value, str) else value
        h.update(b"s%d:" % len(data))
        h.update(data)
        return
    a = np.asarray(value)
    h.update(("%s%s:" % (a.dtype.str, a.shape)).encode())
    if a.dtype.kind == "O":  # variable-length strings
        for item in a.ravel():
            _hash_value(h, item)
    else:
        h.update(np.ascontiguousarray(a).tobytes())


def digest_file(path):
    """{"/path": sha256 of the dataset, "/path@attr": sha256 of the attribute}."""
    out = {}

    def add_attrs(name, obj):
        for key in sorted(obj.attrs.keys()):
            if key in PROVENANCE_ATTRIBUTES:
                continue
            h = hashlib.sha256()
            _hash_value(h, obj.attrs[key])
            out["%s@%s" % (name, key)] = h.hexdigest()

    with h5py.File(path, "r") as f:
        add_attrs("/", f)

        def visit(name, obj):
            full = "/" + name
            if isinstance(obj, h5py.Dataset):
                h = hashlib.sha256()
                _hash_value(h, obj[()])
                out[full] = h.hexdigest()
            add_attrs(full, obj)

        f.visititems(visit)
    return out


def run(cmd):
    r = subprocess.run(cmd, cwd=SOURCE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.exit("make_digests.py: %s exited %d:\n%s" % (" ".join(cmd), r.returncode, r.stdout))


def yaml_files(folder):
    d = os.path.join(SOURCE_DIR, folder)
    return sorted(f for f in os.listdir(d) if f.endswith(".yaml"))


def digest_config(twinsim, name, tmp, threads):
    out = os.path.join(tmp, name.replace(".yaml", ".h5"))
    cmd = [twinsim, "run", os.path.join("configs", name), "-o", out, "--quiet", "--force"]
    if name in REPLICATES:
        cmd += ["--replicates", str(REPLICATES[name])]
    if threads:
        cmd += ["--threads", str(threads)]
    run(cmd)
    return digest_file(out)


def digest_sweep(twinsim, name, tmp, threads):
    """The merged file and each variant's own file (which alone holds patients)."""
    outdir = os.path.join(tmp, name.replace(".yaml", ""))
    cmd = [twinsim, "sweep", os.path.join("configs", "sweeps", name), "-o", outdir, "--quiet"]
    if threads:
        cmd += ["--threads", str(threads)]
    run(cmd)
    merged = outdir + ".h5"
    run([twinsim, "merge", outdir, "-o", merged, "--quiet", "--force"])
    result = {"merged": digest_file(merged)}
    for v in sorted(os.listdir(outdir)):
        if v.endswith(".h5"):
            result[v] = digest_file(os.path.join(outdir, v))
    return result


def digest_all(twinsim, threads):
    with tempfile.TemporaryDirectory(prefix="twinsim-digests-") as tmp:
        digests = {}
        for name in yaml_files("configs"):
            digests["configs/" + name] = digest_config(twinsim, name, tmp, threads)
        for name in yaml_files(os.path.join("configs", "sweeps")):
            for part, d in digest_sweep(twinsim, name, tmp, threads).items():
                digests["configs/sweeps/%s:%s" % (name, part)] = d
        return digests


def _accepted(entry):
    """The digests one fixture entry accepts: a string, or a list of them."""
    return entry if isinstance(entry, list) else [entry]


def with_alternates(expected, actual):
    """actual, where a digest differs from the fixture's, kept beside the fixture's ones."""
    out = {}
    for f, a in actual.items():
        e = expected.get(f, {})
        out[f] = {}
        for k, v in a.items():
            old = _accepted(e[k]) if k in e else []
            out[f][k] = v if not old or old == [v] else sorted(set(old) | {v})
    return out


def differences(expected, actual):
    """One line per file or entry that was added, removed or changed."""
    lines = []
    for f in sorted(set(expected) | set(actual)):
        if f not in actual:
            lines.append("%s: no longer written" % f)
            continue
        if f not in expected:
            lines.append("%s: new file (regenerate the fixture if intended)" % f)
            continue
        e, a = expected[f], actual[f]
        for k in sorted(set(e) | set(a)):
            if k not in a:
                lines.append("%s %s: missing" % (f, k))
            elif k not in e:
                lines.append("%s %s: new" % (f, k))
            elif a[k] not in _accepted(e[k]):
                lines.append("%s %s: changed" % (f, k))
    return lines


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--twinsim", required=True, help="path of the built twinsim executable")
    p.add_argument("--fixture", default=FIXTURE, help="digest file (default: %(default)s)")
    p.add_argument("--write", action="store_true", help="regenerate the fixture instead of checking it")
    p.add_argument("--alternate", action="store_true",
                   help="with --write: keep the fixture's digests and add this machine's where they differ")
    p.add_argument("--threads", type=int, default=0, help="--threads for every run (default: twinsim's own)")
    p.add_argument("--threads-check", action="store_true",
                   help="run sweeps/%s at 1 and 2 threads and check both digests equal the fixture's" % THREADS_SWEEP)
    args = p.parse_args()
    twinsim = os.path.abspath(args.twinsim)

    if args.threads_check:
        prefix = "configs/sweeps/%s:" % THREADS_SWEEP
        with open(args.fixture) as f:
            expected = {k: v for k, v in json.load(f)["files"].items() if k.startswith(prefix)}
        failed = False
        for t in (1, 2):
            with tempfile.TemporaryDirectory(prefix="twinsim-digests-") as tmp:
                actual = {prefix + part: d for part, d in digest_sweep(twinsim, THREADS_SWEEP, tmp, t).items()}
            diff = differences(expected, actual)
            for line in diff:
                print("threads=%d: %s" % (t, line))
            failed = failed or bool(diff)
        print("threads 1 and 2: %s" % ("DIFFERENT" if failed else "identical to the fixture"))
        return 1 if failed else 0

    actual = digest_all(twinsim, args.threads)
    if args.write:
        if args.alternate:
            with open(args.fixture) as f:
                actual = with_alternates(json.load(f)["files"], actual)
        os.makedirs(os.path.dirname(args.fixture), exist_ok=True)
        with open(args.fixture, "w") as f:
            json.dump({"comment": "tests/e2e/make_digests.py --write regenerates this file (docs/architecture.md)",
                       "files": actual}, f, indent=1, sort_keys=True)
            f.write("\n")
        print("wrote %s: %d files, %d digests" % (args.fixture, len(actual), sum(len(v) for v in actual.values())))
        return 0
    with open(args.fixture) as f:
        expected = json.load(f)["files"]
    diff = differences(expected, actual)
    for line in diff:
        print(line)
    n = sum(len(v) for v in actual.values())
    print("%d files, %d digests: %s" % (len(actual), n, "%d differ" % len(diff) if diff else "all equal"))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
