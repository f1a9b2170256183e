"""The real-data case: the Kedro starter spaceflights-pandas, whole process, Kedro vs kedro-pure.

Usage::

    .venv/bin/python benchmarks/bench_starter.py                    # 3 rounds, 3 runners
    .venv/bin/python benchmarks/bench_starter.py --rounds 5 --runners ParallelRunner

The pristine starter (``/work/shared/kedro-projects/spaceflights-pandas``, never modified) is
copied to a temporary directory once per tool; kedro-pure runs it unmodified (``kedro-pure
run``, as ``kedro run``). Each round runs ``kedro run --runner R`` and ``kedro-pure run
--runner R`` alternately (so a change of load on the machine hits both), plus the floor:
``starter_floor.py``, the project's node functions called in order with pandas, pickle,
plotly and matplotlib doing the I/O and no framework. One warm-up run of each comes first
(bytecode caches). Figures are medians of wall time and of CPU time (user + system of the
child processes, workers included), and ratios Kedro / kedro-pure.

Needs the starter's requirements (the ``starter`` extra) and Kedro 1.7.0 with
``kedro-datasets``; what is missing is printed instead of figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
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
FLOOR = Path(__file__).resolve().parent / "starter_floor.py"
#: What a run of the starter imports, by both tools (module names).
REQUIRED = ("kedro", "kedro_datasets", "pandas", "openpyxl", "pyarrow", "sklearn", "plotly", "matplotlib")


def missing_requirements() -> list[str]:
    """The modules the starter's runs need that are not installed."""
    problems = [name for name in REQUIRED if importlib.util.find_spec(name) is None]
    if not STARTER.is_dir():
        problems.append(f"the starter at {STARTER}")
    problems += [f"{tool} (in {BIN})" for tool in ("kedro", "kedro-pure") if not (BIN / tool).exists()]
    return problems


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEDRO_")}
    env.update(DO_NOT_TRACK="1", KEDRO_DISABLE_TELEMETRY="1", PYTHONHASHSEED="0")
    return env


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (children's user + system) of one process run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=environment(), capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median_pair(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--runners", nargs="+", default=["SequentialRunner", "ThreadRunner", "ParallelRunner"]
    )
    args = parser.parse_args(argv)
    missing = missing_requirements()
    if missing:
        print("Cannot run the starter benchmark; missing: " + ", ".join(missing))
        print("Install the starter's requirements: .venv/bin/pip install -e '.[dev]' (extra 'starter').")
        return
    print(f"Load average (1, 5, 15 min) at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-starter-") as tmp:
        copies = {tool: shutil.copytree(STARTER, Path(tmp) / tool) for tool in ("kedro", "kedro-pure", "floor")}
        floor_command = [sys.executable, str(FLOOR), str(copies["floor"])]
        timed(floor_command, copies["floor"])  # warm-up
        for runner in args.runners:
            commands = {
                tool: [str(BIN / tool), "run", "--runner", runner] for tool in ("kedro", "kedro-pure")
            }
            for tool, command in commands.items():
                timed(command, copies[tool])  # warm-up
            samples: dict[str, list[tuple[float, float]]] = {"kedro": [], "kedro-pure": [], "floor": []}
            for _ in range(args.rounds):
                for tool, command in commands.items():
                    samples[tool].append(timed(command, copies[tool]))
                samples["floor"].append(timed(floor_command, copies["floor"]))
            (kw, kc), (ow, oc), (fw, fc) = (median_pair(samples[t]) for t in ("kedro", "kedro-pure", "floor"))
            rows.append(
                f"| {runner} | {ow:.2f} s | {oc:.2f} s | {kw:.2f} s | {kc:.2f} s | {fw:.2f} s | "
                f"{fc:.2f} s | {kw / ow:.2f}x | {kc / oc:.2f}x | {oc / fc:.2f}x |"
            )
            print(f"... {runner} done", flush=True)
    print(f"\n### spaceflights-pandas starter, whole process (median of {args.rounds} alternating rounds)\n")
    print(
        "| runner | kedro-pure wall | CPU | Kedro 1.7.0 wall | CPU | floor wall | CPU | ratio "
        "| CPU ratio | vs floor (CPU) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(row)
    print(f"\nLoad average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
