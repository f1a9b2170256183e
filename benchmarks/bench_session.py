"""Session overhead: ``bootstrap + create + run`` of a 10-node project, and import time.

Usage::

    .venv/bin/python benchmarks/bench_session.py
    .venv/bin/python benchmarks/bench_session.py --repeat 30 --imports 5

One project description is written twice (``tests/unit/project_factory.py``): a kedro-pure
flavour and a Kedro 1.7.0 flavour (same ``conf/``, same node functions; each registry builds
the pipeline with its own library). Ten nodes in a chain over parameters and memory
datasets, a catalog with a few entries, nested parameters, globals and an (empty) ``local``
environment: what the session itself costs, not the nodes.

Measured:

* ``bootstrap + create + run``, in this process, interleaved, median of ``--repeat``: Kedro's
  ``bootstrap_project`` + ``KedroSession.create`` + ``run`` + close against ours
  (``KedroSession.create`` bootstraps) + ``run`` + close. The first call of each (which
  imports the project's modules) is shown apart. Kedro's default logging prints a line per
  node through ``rich``; the ``quiet`` rows raise Kedro's and our loggers to WARNING so the
  comparison is of the machinery alone. Our default store is SQLite (a file written per
  session and per run); Kedro's default store keeps nothing, so a row with our in-memory
  ``BaseSessionStore`` is shown too.
* ``import``: wall time of ``python -c "import shell.session"`` against
  ``python -c "import kedro.framework.session"`` in fresh subprocesses (median of
  ``--imports``), and of a fresh process doing import + bootstrap + create + run (what one
  ``kedro run`` costs before any node work).

Telemetry (the ``kedro-telemetry`` plugin installed next to Kedro) is disabled in both
projects' ``settings.py``: it is a plugin, not Kedro.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _harness import Row, print_table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.project_factory import NodeSpec, ProjectSpec, unique_package, write_project

NODES = 10

FUNCTIONS = """
def step(x, k):
    return x + k
"""

CONF = {
    "base/globals.yml": "bucket: data\nversion: 3\n",
    "base/parameters.yml": "start: 1\n"
    + "k:\n"
    + "".join(f"  k{i}: {i}\n" for i in range(NODES))
    + "model:\n  depth: ${globals:version}\n  rate: 0.1\n  layers: [1, 2, 3]\n"
    + "".join(f"extra_{i}: {{a: {i}, b: [x, y]}}\n" for i in range(10)),
    "base/catalog.yml": "".join(f"d{i}:\n  type: MemoryDataset\n" for i in range(0, NODES, 3))
    + "".join(
        f"unused_{i}:\n  type: pickle.PickleDataset\n  filepath: ${{globals:bucket}}/u{i}.pkl\n"
        for i in range(5)
    ),
    "base/credentials.yml": "db:\n  user: me\n",
}


def spec(package: str, *, memory_store: bool = False) -> ProjectSpec:
    nodes = tuple(
        NodeSpec("step", ["params:start" if i == 0 else f"d{i - 1}", f"params:k.k{i}"], f"d{i}", f"n{i}")
        for i in range(NODES)
    )
    settings = 'SESSION_STORE_CLASS = "shell.store.base.BaseSessionStore"\n' if memory_store else ""
    return ProjectSpec(package=package, functions=FUNCTIONS, nodes=nodes, conf=CONF, settings=settings, hooks=False)


def kedro_once(root: Path) -> Callable[[], object]:
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    def work() -> object:
        bootstrap_project(root)
        with KedroSession.create(project_path=root) as session:
            result = session.run()
        assert "d9" in result
        return result

    return work


def ours_once(root: Path) -> Callable[[], object]:
    from shell.session import KedroSession

    def work() -> object:
        with KedroSession.create(root).unwrap() as session:
            result = session.run().unwrap()
        assert "d9" in result
        return result

    return work


def interleaved(ours: Callable[[], object], kedro: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Medians of alternating calls, so machine load hits both sides alike."""
    a, b = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        ours()
        a.append(time.perf_counter() - start)
        start = time.perf_counter()
        kedro()
        b.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def fresh_process(code: str, repeat: int, cwd: Path, pycache: Path) -> float:
    """Median wall time of ``python -c code`` in new processes.

    Bytecode is cached (in ``pycache``, warmed by one unmeasured run) as it is for an
    installed package: Kedro's ``.pyc`` files were written when pip installed it, while a
    source checkout run with ``PYTHONDONTWRITEBYTECODE`` would compile every module of ours
    on every start.
    """
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1", "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, check=True, capture_output=True)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def quiet() -> None:
    for name in ("kedro", "shell", "core", ""):
        logging.getLogger(name).setLevel(logging.WARNING)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="in-process repetitions")
    parser.add_argument("--imports", type=int, default=5, help="fresh processes per import figure")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench_session_"))
    ours_root = write_project(work / "ours", spec(unique_package("bench_ours")), "pure")
    memory_root = write_project(work / "memory", spec(unique_package("bench_mem"), memory_store=True), "pure")
    kedro_root = write_project(work / "kedro", spec(unique_package("bench_kedro")), "kedro")

    ours, memory, theirs = ours_once(ours_root), ours_once(memory_root), kedro_once(kedro_root)
    rows = [
        Row("first call (imports the project)", timed(ours), timed(theirs)),
    ]
    timed(memory)
    rows.append(Row("bootstrap + create + run (default logging)", *interleaved(ours, theirs, args.repeat)))
    quiet()
    rows.append(Row("bootstrap + create + run (quiet)", *interleaved(ours, theirs, args.repeat)))
    rows.append(Row("  ours with in-memory store (quiet)", *interleaved(memory, theirs, args.repeat)))
    print_table(f"Session, {NODES}-node project, one process (median of {args.repeat})", rows)

    here = Path(__file__).resolve().parents[1]
    pycache = work / "pycache"
    bare = fresh_process("pass", args.imports, here, pycache)
    ours_import = fresh_process("import shell.session", args.imports, here, pycache)
    kedro_import = fresh_process("import kedro.framework.session", args.imports, here, pycache)
    ours_cold = fresh_process(
        f"from shell.session import KedroSession\n"
        f"with KedroSession.create({str(ours_root)!r}).unwrap() as s: s.run().unwrap()",
        args.imports,
        here,
        pycache,
    )
    kedro_cold = fresh_process(
        "from kedro.framework.session import KedroSession\n"
        "from kedro.framework.startup import bootstrap_project\n"
        f"bootstrap_project({str(kedro_root)!r})\n"
        f"with KedroSession.create(project_path={str(kedro_root)!r}) as s: s.run()",
        args.imports,
        here,
        pycache,
    )
    print_table(
        f"Fresh processes (median of {args.imports}; bare interpreter start {bare * 1e3:.0f} ms)",
        [
            # The floor of a fresh process is the bare interpreter's start.
            Row("import (wall)", ours_import, kedro_import, bare),
            Row("import (minus interpreter start)", ours_import - bare, kedro_import - bare),
            Row("import + bootstrap + create + run (wall)", ours_cold, kedro_cold, bare),
        ],
    )


if __name__ == "__main__":
    main()
