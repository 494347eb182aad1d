#!/usr/bin/env python3
"""Runs the notebooks headless against a data root and writes the executed copies, outputs included.

    python3 notebooks/execute.py [--data-root PATH|file:URI] [--out DIR] [NOTEBOOK.ipynb ...]

Without notebook arguments it runs every *.ipynb beside this file, in name order. Each runs in a fresh "python3"
kernel whose working folder is this one (so ``import s2f_outputs`` works) and whose S2F_DATA_ROOT is --data-root.
Exits 1 at the first cell that raises, naming the notebook and the cell; the executed copy, error included, is
still written to --out. Needs nbclient, nbformat, ipykernel, matplotlib and numpy (Debian: python3-nbclient
python3-nbformat python3-ipykernel python3-matplotlib python3-numpy).
"""
import argparse
import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = pathlib.Path(__file__).resolve().parent


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", default=os.environ.get("S2F_DATA_ROOT", str(HERE.parent / "work")))
    parser.add_argument("--out", default=str(HERE.parent / "work" / "notebooks"),
                        help="folder for the executed notebooks (default: work/notebooks)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    args = parser.parse_args(argv)

    notebooks = [p if p.exists() else HERE / p for p in args.notebooks] or sorted(HERE.glob("*.ipynb"))
    absent = [str(p) for p in notebooks if not p.exists()]
    if absent:
        print(f"execute.py: no notebook {', '.join(absent)} (looked here and in {HERE}).", file=sys.stderr)
        return 2
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ["S2F_DATA_ROOT"] = args.data_root  # the kernel inherits this process's environment
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # ipykernel's debugger warns on Python 3.11
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=args.timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(HERE)}})
        started = time.monotonic()
        failed = None
        try:
            client.execute()
        except CellExecutionError as e:
            failed = e
        finally:
            nbformat.write(nb, out / path.name)
        if failed is not None:
            print(f"execute.py: {path.name} failed in a cell; the executed copy is {out / path.name}.\n{failed}",
                  file=sys.stderr)
            return 1
        images = sum(1 for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
        print(f"executed {path.name}: {len(nb.cells)} cells, {images} images, {time.monotonic() - started:.1f} s "
              f"-> {out / path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
