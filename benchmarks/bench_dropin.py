"""Whole-process ``kedro-pure run`` against ``kedro run`` on the unmodified spaceflights starter.

Usage::

    .venv/bin/python benchmarks/bench_dropin.py              # 5 runs per cell
    .venv/bin/python benchmarks/bench_dropin.py --repeat 3

Each run is a fresh process on a fresh copy of the pristine starter
(``/work/shared/kedro-projects/spaceflights-pandas``), as a user starts it, with the same
environment (telemetry off, the project's own ``conf/logging.yml``); the two tools alternate.
Cases: the default pipeline, and ``--pipelines data_processing`` (where kedro-pure, like Kedro
1.7, imports only that pipeline's modules). Printed: medians of wall time and of CPU time
(user + system of the child), the ratio Kedro / kedro-pure (higher is better for us), and a
*floor*: a process that only imports the requested pipelines' modules and reads the raw inputs
with pandas (work any runner must do), so what is left above it is the framework's.

Then, for the default pipeline, what kedro-pure adds that Kedro has not (``--only-changed``):
a plain ``kedro-pure run`` (which caches the next no-op's plan at its end), the same with
``--no-plan-cache`` (the difference is that cost), the no-op ``run --only-changed`` that
follows it (served from the plan cache) and the no-op planned in full (``--no-plan-cache``),
each against Kedro's full ``kedro run`` (Kedro's only way to bring the outputs up to date).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STARTER = Path("/work/shared/kedro-projects/spaceflights-pandas")
BIN = Path(sys.executable).parent
ENV = {"DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "1", "PATH": "/usr/bin:/bin", "COLUMNS": "120"}

CASES: dict[str, tuple[str, ...]] = {
    "default pipeline": (),
    "--pipelines data_processing": ("--pipelines", "data_processing"),
}

_FLOOR = """
import sys
sys.path.insert(0, "src")
import pandas as pd
{imports}
pd.read_csv("data/01_raw/companies.csv"); pd.read_csv("data/01_raw/reviews.csv")
pd.read_excel("data/01_raw/shuttles.xlsx", engine="openpyxl")
"""
_MODULES = {
    "default pipeline": ("data_processing", "data_science", "reporting"),
    "--pipelines data_processing": ("data_processing",),
}


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one child process (which must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def one_run(tool: str, options: tuple[str, ...], scratch: Path) -> tuple[float, float]:
    project = scratch / f"{tool}-{time.monotonic_ns()}"
    shutil.copytree(STARTER, project)
    try:
        return timed([str(BIN / tool), "run", *options], project)
    finally:
        shutil.rmtree(project, ignore_errors=True)


def floor(case: str, scratch: Path) -> tuple[float, float]:
    project = scratch / f"floor-{time.monotonic_ns()}"
    shutil.copytree(STARTER, project)
    imports = "\n".join(
        f"import spaceflights_pandas.pipelines.{name}.pipeline" for name in _MODULES[case]
    )
    try:
        return timed([sys.executable, "-c", _FLOOR.format(imports=imports)], project)
    finally:
        shutil.rmtree(project, ignore_errors=True)


def incremental_cells(scratch: Path) -> dict[str, tuple[float, float]]:
    """One round on two fresh copies: a plain run and its no-ops, and a run with --no-plan-cache."""
    cells: dict[str, tuple[float, float]] = {}
    project = scratch / f"incremental-{time.monotonic_ns()}"
    shutil.copytree(STARTER, project)
    try:
        pure = str(BIN / "kedro-pure")
        cells["kedro-pure run (caches the next no-op's plan)"] = timed([pure, "run"], project)
        cells["no-op run --only-changed (served from the plan cache)"] = timed([pure, "run", "--only-changed"], project)
        cells["no-op run --only-changed --no-plan-cache"] = timed(
            [pure, "run", "--only-changed", "--no-plan-cache"], project
        )
    finally:
        shutil.rmtree(project, ignore_errors=True)
    cells["kedro-pure run --no-plan-cache"] = one_run("kedro-pure", ("--no-plan-cache",), scratch)
    cells["kedro run (Kedro 1.7.0, full)"] = one_run("kedro", (), scratch)
    return cells


def print_incremental(repeat: int, scratch: Path) -> None:
    rounds = [incremental_cells(scratch) for _ in range(repeat)]
    medians = {
        name: (statistics.median(r[name][0] for r in rounds), statistics.median(r[name][1] for r in rounds))
        for name in rounds[0]
    }
    kedro_wall, kedro_cpu = medians["kedro run (Kedro 1.7.0, full)"]
    print("\n| default pipeline | wall | CPU | Kedro full run / this (wall, CPU) |")
    print("|---|---:|---:|---:|")
    for name, (wall, cpu) in medians.items():
        print(f"| {name} | {fmt(wall)} | {fmt(cpu)} | {kedro_wall / wall:.2f}x, {kedro_cpu / cpu:.2f}x |")
    plain, unseeded = medians["kedro-pure run (caches the next no-op's plan)"], medians["kedro-pure run --no-plan-cache"]
    print(f"\ncaching the next no-op's plan: {1e3 * (plain[1] - unseeded[1]):+.0f} ms CPU (median difference)")


def fmt(seconds: float) -> str:
    return f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per tool and case (default 5)")
    parser.add_argument("--no-incremental", action="store_true", help="skip the --only-changed table")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {args.repeat} fresh processes per cell, medians.\n")
    print("| case | kedro-pure wall | Kedro 1.7.0 wall | ratio | kedro-pure CPU | Kedro CPU | floor wall (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as directory:
        scratch = Path(directory)
        for case, options in CASES.items():
            ours: list[tuple[float, float]] = []
            kedro: list[tuple[float, float]] = []
            floors: list[tuple[float, float]] = []
            for _ in range(args.repeat):
                ours.append(one_run("kedro-pure", options, scratch))
                kedro.append(one_run("kedro", options, scratch))
                floors.append(floor(case, scratch))
            ow, oc = (statistics.median(x[i] for x in ours) for i in (0, 1))
            kw, kc = (statistics.median(x[i] for x in kedro) for i in (0, 1))
            fw, fc = (statistics.median(x[i] for x in floors) for i in (0, 1))
            print(
                f"| {case} | {fmt(ow)} | {fmt(kw)} | {kw / ow:.2f}x | {fmt(oc)} | {fmt(kc)} | "
                f"{fmt(fw)} ({fmt(fc)}) |",
                flush=True,
            )
        if not args.no_incremental:
            print_incremental(args.repeat, scratch)


if __name__ == "__main__":
    main()
