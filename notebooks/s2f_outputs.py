"""Readers for what an s2f run leaves under its data root, for the notebooks beside this file.

Python here reads no Parquet (Debian ships no pyarrow), so the notebooks use the files s2f writes for people and
tools: the run reports (``<dataset>/_reports/latest.json``), the per-epoch training metrics (``metrics/``), the
evaluation reports (``reports/``) and the sample ``s2f export`` writes (``exports/``: PNG, .npy, CSV).

The data root comes from the ``S2F_DATA_ROOT`` environment variable (a local path or a ``file:`` URI), else
``../work`` next to this folder, where ``bin/s2f`` writes by default. For data on HDFS or S3, copy the root (or the
folders above) to local disk first, e.g. ``hdfs dfs -get /speech2face ./s2f-run``.
"""
import csv
import glob
import json
import os
import pathlib
from urllib.parse import urlparse

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent


def data_root():
    """The data root as a local path; raises ValueError for a remote URI, which must be copied first."""
    value = os.environ.get("S2F_DATA_ROOT", str(HERE.parent / "work"))
    url = urlparse(value)
    if url.scheme in ("", "file"):
        return pathlib.Path(url.path if url.scheme else value).resolve()
    raise ValueError(f"S2F_DATA_ROOT is {value}, which is not on this machine; copy it to local disk "
                     f"(e.g. hdfs dfs -get) and point S2F_DATA_ROOT at the copy.")


ROOT = data_root()


def missing(what, command):
    """Says, as a sentence, that an output does not exist yet and which command makes it."""
    print(f"No {what} under {ROOT} yet: run `{command}` first (see the README).")


def report(dataset):
    """The latest run report of the stage that writes ``dataset`` (e.g. 'faces', 'priors', 'models/gender'), or None."""
    path = ROOT / dataset / "_reports" / "latest.json"
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def markdown_table(header, rows):
    """A Markdown table, for IPython.display.Markdown."""
    lines = ["| " + " | ".join(str(h) for h in header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def samples():
    """Rows of ``exports/samples.csv`` as dicts (clip_id, split, face_png, spectrogram_npy, p_male, ...), or None."""
    path = ROOT / "exports" / "samples.csv"
    if not path.exists():
        return None
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def exported(relative):
    """The path of a file ``s2f export`` wrote, from its samples.csv entry."""
    return ROOT / "exports" / relative


def spectrogram_magnitude(relative):
    """|real + i imag| of an exported spectrogram ([frames][bins][2]) as [bins][frames], low frequencies first."""
    spec = np.load(exported(relative))
    return np.hypot(spec[..., 0], spec[..., 1]).T


def epoch_metrics():
    """Per-epoch training metrics by (net, variant), each a list of dicts sorted by epoch; empty if none yet."""
    runs = {}
    for path in sorted(glob.glob(str(ROOT / "metrics" / "*" / "*" / "epoch-*.json"))):
        with open(path, encoding="utf-8") as f:
            m = json.load(f)
        runs.setdefault((m["net"], m["variant"]), []).append(m)
    for epochs in runs.values():
        epochs.sort(key=lambda m: m["epoch"])
    return runs


def files(pattern):
    """Files under the data root matching a glob pattern such as 'reports/*.md', sorted."""
    return sorted(pathlib.Path(p) for p in glob.glob(str(ROOT / pattern)))
