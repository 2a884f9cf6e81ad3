"""twinsim from Python: run a scenario in memory, read a result file, validate.

    import twinsim
    r = twinsim.run("configs/pkpd_boin_vs_3p3.yaml", replicates=100, seed=1, threads=2)
    r.trials["boin"]        # one row per trial, columns as /designs/boin/trials/ in the file
    r.patients["boin"]      # one row per virtual patient
    r.timecourses["boin"]   # {"time": [T], "Cc": [P, T], ...}
    r.oc                    # the OCs as `twinsim report --format csv` prints them

`read("out.h5")` gives the same from a file (strings decoded to str);
`validate(path_or_text)` the scenario's diagnostics. Tables are pandas
DataFrames, or dicts of NumPy arrays when pandas is not installed.
See docs/python.md.
"""
import io
import os

import numpy as np

from . import _twinsim
from ._twinsim import RuntimeError, ScenarioError, UsageError  # noqa: F401  (re-exported)

try:
    import pandas as _pd
except ImportError:  # the module works without pandas: tables stay dicts of arrays
    _pd = None

__all__ = ["Result", "run", "read", "validate", "ScenarioError", "UsageError", "RuntimeError"]


def _source(path_or_text):
    """(text or path, is_text): a string naming an existing file is a path, anything else YAML text."""
    if isinstance(path_or_text, os.PathLike):
        return os.fspath(path_or_text), False
    if "\n" not in path_or_text and os.path.isfile(path_or_text):
        return path_or_text, False
    return path_or_text, True


# Columns that identify a row come first; the others follow by name, so a run
# and the file it writes give the same column order (HDF5 lists by name).
_KEYS = ("trial", "patient", "cycle")


def _table(columns):
    names = [k for k in _KEYS if k in columns] + sorted(k for k in columns if k not in _KEYS)
    ordered = {k: columns[k] for k in names}
    return _pd.DataFrame(ordered) if _pd is not None else ordered


def _oc(csv_text):
    if _pd is not None:
        return _pd.read_csv(io.StringIO(csv_text), keep_default_na=False, na_values=[""])
    import csv
    rows = list(csv.reader(io.StringIO(csv_text)))
    return {name: np.array([r[i] for r in rows[1:]], dtype=object) for i, name in enumerate(rows[0])}


class Result:
    """One run: per design its tables, time courses and OCs, and the run's metadata.

    trials[design], patients[design], cycles[design]: tables (DataFrame or dict
    of arrays) named as the HDF5 datasets; timecourses[design]: {"time": [T],
    VAR: [patients, T]}; oc: the OC table of `twinsim report --format csv`;
    designs: design names in scenario order; dose_levels, truth (PK/PD mode: the
    reference cohort's P(DLT) per dose, else None), scenario_name,
    scenario_yaml, seed, replicates, mode.
    """

    def __init__(self, meta, designs, oc_csv):
        for key, value in meta.items():
            setattr(self, key, value)
        self.designs = [d["name"] for d in designs]
        self.types = {d["name"]: d["type"] for d in designs}
        self.trials, self.patients, self.cycles, self.timecourses = {}, {}, {}, {}
        for d in designs:
            tables = d["tables"]
            self.trials[d["name"]] = _table(tables.get("trials", {}))
            if "patients" in tables:
                self.patients[d["name"]] = _table(tables["patients"])
            if "cycles" in tables:
                self.cycles[d["name"]] = _table(tables["cycles"])
            if tables.get("timecourses"):
                courses = {"time": np.asarray(d["time"])}
                courses.update(sorted(tables["timecourses"].items()))
                self.timecourses[d["name"]] = courses
        self.oc = _oc(oc_csv)

    def __repr__(self):
        return "<twinsim.Result %r: %d designs, %d replicates, seed %d>" % (
            self.scenario_name, len(self.designs), self.replicates, self.seed)


def run(path_or_yaml_text, replicates=None, seed=None, threads=0):
    """Runs a scenario (a file name or YAML text) in memory; the GIL is released meanwhile.

    replicates, seed: override the scenario's; threads: OpenMP threads (0: all cores).
    Raises ScenarioError (bad input, every diagnostic in the message) or RuntimeError.
    """
    source, is_text = _source(path_or_yaml_text)
    raw = _twinsim.run(source, is_text, replicates, seed, threads)
    designs = raw.pop("designs")
    oc_csv = raw.pop("oc_csv")
    raw["dose_levels"] = np.asarray(raw["dose_levels"], dtype=np.float64)
    raw["truth"] = np.asarray(raw["truth"], dtype=np.float64) if "truth" in raw else None
    return Result(raw, designs, oc_csv)


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _column(dataset):
    import h5py
    if h5py.check_string_dtype(dataset.dtype):
        return dataset.asstr()[()]
    return dataset[()]


def read(path):
    """The tables, time courses and OCs of a result file written by `twinsim run` (needs h5py)."""
    import h5py
    with h5py.File(path, "r") as f:
        a = f.attrs
        meta = {
            "scenario_name": _text(a["scenario_name"]),
            "scenario_yaml": _text(a["scenario_yaml"]),
            "seed": int(a["seed"]),
            "replicates": int(a["replicates"]),
            "mode": _text(a["mode"]) if "mode" in a else None,
            "dose_levels": f["dose_levels"][()],
            "truth": f["truth/dlt_probability"][()] if "truth/dlt_probability" in f else None,
        }
        oc_csv = _twinsim.report_csv(os.fspath(path))
        designs = []
        for name in _design_order(list(f["designs"].keys()), oc_csv):
            g = f["designs"][name]
            tables = {}
            for table in ("trials", "patients", "cycles", "timecourses"):
                if table in g:
                    tables[table] = {k: _column(v) for k, v in g[table].items() if not (table == "timecourses" and k == "time")}
            time = g["timecourses/time"][()] if "timecourses/time" in g else np.zeros(0)
            designs.append({"name": name, "type": _text(g.attrs["type"]), "tables": tables, "time": time})
    return Result(meta, designs, oc_csv)


def _design_order(names, oc_csv):
    """The designs in scenario order (HDF5 lists groups by name): the order of the OC table,
    which `twinsim report` takes from the scenario stored in the file."""
    import csv
    order = []
    for row in list(csv.reader(io.StringIO(oc_csv)))[1:]:
        if row and row[0] in names and row[0] not in order:
            order.append(row[0])
    return order + sorted(n for n in names if n not in order)


def validate(path_or_yaml_text):
    """The scenario's diagnostics: a list of dicts (file, line, column, key_path, message, text); [] when valid."""
    source, is_text = _source(path_or_yaml_text)
    return _twinsim.validate(source, is_text)
