"""Incremental runs: fingerprinting and journal overhead, no-op runs, the digest cache (issue 14).

Usage::

    .venv/bin/python benchmarks/bench_incremental.py               # everything (~3 min)
    .venv/bin/python benchmarks/bench_incremental.py --quick       # smaller sizes (~1 min)
    .venv/bin/python benchmarks/bench_incremental.py --only trivial --nodes 2000

Kedro 1.7.0 has no fingerprints, journal or content-based skipping, so there is no Kedro
column; the comparisons are against our own plain run, and each table has a *floor* column:
the cost of the least work the feature cannot avoid.

1. ``trivial``: ``SequentialRunner`` over a chain of N trivial memory nodes, plain, with
   fingerprinting only (what the journal computes at each node's start), and with the full
   journal (fingerprint, then one SQLite transaction at the start and one at the end of each
   node). Per-node overhead, wall and CPU (plain and fingerprinted runs alternate; the
   overhead is the median of the per-pair differences). Floor: one SHA-256 of a 200-byte text per node
   (fingerprint) and two empty committed SQLite transactions per node (journal).
2. ``spaceflights``: the example project, whole ``kedro-pure`` processes (median of
   ``--repeat``, 5 by default): a full run with the journal (which caches the next no-op's
   plan at its end; with ``--no-plan-cache`` it does not, the difference is that cost), a
   full run with a store that keeps no journal, and no-op ``run --only-changed`` runs
   (nothing changed): the first after a plain full run (served from the plan cache that
   run wrote), the next ones (served from
   the plan cache before the command line starts, see ``shell.incremental.plan_cache`` and
   ``shell.incremental.fast_entry``), and with ``--no-plan-cache``; then the common
   workflow: an ``--only-changed`` run that runs every node (outputs cleared; it caches the
   next no-op's plan at its end) and the first no-op after it. Ratios
   full / no-op; journal overhead in % of the full run. Floor: ``kedro-pure --version``
   (interpreter and CLI start-up). The processes keep a bytecode cache (in a temporary
   ``PYTHONPYCACHEPREFIX``), as an installed kedro-pure has; ``--no-bytecode-cache`` keeps
   the environment's ``PYTHONDONTWRITEBYTECODE``, compiling every module at every start.
3. ``digests``: a first fingerprint pass over SIZE MB of files (every byte hashed) and a
   second pass with the digest cache read back from the store (only ``stat`` calls).
   Floor: the ``stat`` calls alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _harness import median_seconds

import core
from core.incremental import Fingerprint
from shell.incremental.datasets import DigestCache
from shell.incremental.observe import Observer
from shell.incremental.recorder import JournalRecorder
from shell.io import DataCatalog, MemoryDataset
from shell.runners import SequentialRunner
from shell.runners.progress import ProgressEvent, ProgressKind
from shell.store.journal import SQLiteJournal

_REPO = Path(__file__).resolve().parents[1]
_KEDRO_PURE = str(Path(sys.executable).with_name("kedro-pure"))


def step(*values: object) -> object:
    """A trivial node: returns its first input."""
    return values[0] if values else None


def chain(n: int) -> core.Pipeline:
    nodes = [core.node(step, f"d{i - 1}" if i else "source", f"d{i}", name=f"n{i}") for i in range(n)]
    return core.pipeline(nodes).unwrap()


def _catalog() -> DataCatalog:
    return DataCatalog({"source": MemoryDataset(data=1)})


def _cpu() -> float:
    return time.process_time()


def _timed(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``work``."""
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(repeat):
        c0, w0 = _cpu(), time.perf_counter()
        work()
        walls.append(time.perf_counter() - w0)
        cpus.append(_cpu() - c0)
    return statistics.median(walls), statistics.median(cpus)


# -- 1. trivial nodes ----------------------------------------------------------------------


class FingerprintOnly:
    """The journal's fingerprinting without its writes."""

    def __init__(self, pipeline: core.Pipeline, catalog: DataCatalog) -> None:
        self._pipeline = pipeline
        self._observer = Observer(catalog, DigestCache())
        self._digests: dict[str, str] = {}
        self.made: list[Fingerprint] = []

    def __call__(self, event: ProgressEvent) -> None:
        if event.kind is ProgressKind.STARTED:
            node = self._pipeline.graph.by_name[event.node]
            made = self._observer.fingerprint_value(self._pipeline, node, self._digests)
            assert isinstance(made, Fingerprint), made
            self._digests[event.node] = made.digest
            self.made.append(made)


def bench_trivial(sizes: list[int], repeat: int) -> None:
    print("\n1. SequentialRunner over a chain of trivial memory nodes (per node, median)")
    print(f"{'N':>6} | {'plain wall/cpu':>15} | {'+fingerprint wall/cpu':>17} {'floor':>7} | {'+journal wall/cpu':>17} {'floor':>8}")
    logging.getLogger("shell").setLevel(logging.WARNING)
    for n in sizes:
        _trivial_row(n, repeat)
    print("   (+x: overhead per node over the plain run, wall and CPU; CPU is steadier on a shared machine)")


def _paired(base: Callable[[], object], extra: Callable[[], object], repeat: int) -> tuple[float, float, float, float]:
    """Median wall and CPU of ``base``, and the median per-pair extra wall and CPU of
    ``extra`` over it, the two run alternately (so a change in the machine's load hits both)."""
    walls: list[float] = []
    cpus: list[float] = []
    extra_walls: list[float] = []
    extra_cpus: list[float] = []
    for _ in range(repeat):
        (w0, c0), (w1, c1) = _timed(base, 1), _timed(extra, 1)
        walls.append(w0)
        cpus.append(c0)
        extra_walls.append(w1 - w0)
        extra_cpus.append(c1 - c0)
    return (
        statistics.median(walls), statistics.median(cpus),
        statistics.median(extra_walls), statistics.median(extra_cpus),
    )


def _trivial_row(n: int, repeat: int) -> None:
    p = chain(n)

    def fingerprinted() -> None:
        catalog = _catalog()
        SequentialRunner().run(p, catalog, observer=FingerprintOnly(p, catalog))

    plain, plain_cpu, fp_extra, fp_extra_cpu = _paired(lambda: SequentialRunner().run(p, _catalog()), fingerprinted, repeat)
    text = "x" * 200
    fp_floor = median_seconds(lambda: [hashlib.sha256(text.encode()).hexdigest() for _ in range(n)], repeat=repeat)
    with tempfile.TemporaryDirectory() as tmp:
        journal = SQLiteJournal(Path(tmp) / "store.sqlite3", 5.0)

        def journaled() -> None:
            catalog = _catalog()
            recorder = JournalRecorder(journal, p, Observer(catalog, DigestCache()), "bench", {}, lambda: "t")
            SequentialRunner().run(p, catalog, observer=recorder)
            recorder.finish()

        j_wall, j_cpu = _timed(journaled, repeat)
        j_floor = median_seconds(lambda: _empty_transactions(Path(tmp) / "floor.sqlite3", 2 * n), repeat=repeat)
    per = 1e6 / n
    print(
        f"{n:>6} | {plain * per:>6.1f} {plain_cpu * per:>6.1f}µs"
        f" | {fp_extra * per:>+7.1f} {fp_extra_cpu * per:>+7.1f}µs {fp_floor * per:>5.1f}µs"
        f" | {(j_wall - plain) * per:>+7.1f} {(j_cpu - plain_cpu) * per:>+7.1f}µs {j_floor * per:>6.1f}µs"
    )


def _empty_transactions(file: Path, count: int) -> None:
    connection = sqlite3.connect(file, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("CREATE TABLE IF NOT EXISTS t (x)")
    for i in range(count):
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO t VALUES (?)", (i,))
        connection.execute("COMMIT")
    connection.close()


# -- 2. spaceflights -----------------------------------------------------------------------


_ENV: dict[str, str] = dict(os.environ)


def _process(args: list[str], cwd: Path, *, noop: bool = True) -> tuple[float, float, float]:
    """Wall and CPU (children's user + system) seconds of one ``kedro-pure`` process, and the
    run's own seconds as its ``--json`` summary reports them (``session.run`` alone)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([_KEDRO_PURE, *args], cwd=cwd, capture_output=True, text=True, check=False, env=_ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"kedro-pure {' '.join(args)} failed:\n{done.stderr}")
    summary = json.loads(done.stdout) if "--json" in args else {}
    inner = float(summary.get("seconds", 0.0))
    if noop and "--only-changed" in args and summary.get("nodes_run") != 0:
        raise SystemExit(f"kedro-pure {' '.join(args)} was not a no-op: {summary}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), inner


def _fresh_example(root: Path, *, journal: bool) -> Path:
    project = root / ("journal" if journal else "plain")
    shutil.copytree(_REPO / "examples" / "spaceflights", project, ignore=shutil.ignore_patterns("sessions", "0[2-9]_*"))
    if not journal:
        settings = next(project.glob("src/*/settings.py"))
        settings.write_text(
            settings.read_text() + "\nfrom shell.store.base import BaseSessionStore\nSESSION_STORE_CLASS = BaseSessionStore\n"
        )
    return project


def _clear_outputs(project: Path) -> None:
    for folder in (project / "data").iterdir():
        if folder.name != "01_raw":
            shutil.rmtree(folder)


def bench_spaceflights(repeat: int, *, bytecode_cache: bool) -> None:
    print("\n2. examples/spaceflights, whole kedro-pure processes (median wall / CPU)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if bytecode_cache:
            _ENV.pop("PYTHONDONTWRITEBYTECODE", None)
            _ENV["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        print(f"   bytecode cache: {'on (as installed)' if bytecode_cache else 'as the environment says'}"
              f", PYTHONDONTWRITEBYTECODE={_ENV.get('PYTHONDONTWRITEBYTECODE', '(unset)')}")
        journaled, plain = _fresh_example(root, journal=True), _fresh_example(root, journal=False)
        _process(["-q", "run", "--json"], journaled)  # warm-up: fills the bytecode cache
        floor = [_process(["--version"], journaled) for _ in range(repeat)]
        full_j, full_p, cold, warm, uncached, changed, after = [], [], [], [], [], [], []
        unseeded: list[tuple[float, float, float]] = []
        for _ in range(repeat):
            _clear_outputs(plain)
            full_p.append(_process(["-q", "run", "--json"], plain))
            # A plain run without caching the next --only-changed plan: its cost is the difference.
            _clear_outputs(journaled)
            unseeded.append(_process(["-q", "run", "--no-plan-cache", "--json"], journaled))
            _clear_outputs(journaled)
            full_j.append(_process(["-q", "run", "--json"], journaled))
            cold.append(_process(["-q", "run", "--only-changed", "--json"], journaled))
            warm.append(_process(["-q", "run", "--only-changed", "--json"], journaled))
            uncached.append(_process(["-q", "run", "--only-changed", "--no-plan-cache", "--json"], journaled))
            # The common workflow: an --only-changed run that runs nodes (here every node:
            # its outputs are missing), then the next --only-changed with nothing changed.
            _clear_outputs(journaled)
            changed.append(_process(["-q", "run", "--only-changed", "--json"], journaled, noop=False))
            after.append(_process(["-q", "run", "--only-changed", "--json"], journaled))
        rows = [
            ("full run, store without journal", full_p),
            ("full run, journaled (default)", full_j),
            ("full run, journaled, --no-plan-cache", unseeded),
            ("--only-changed run of every node", changed),
            ("no-op, first after a plain run", cold),
            ("no-op, first after --only-changed run", after),
            ("no-op, plan cache hit", warm),
            ("no-op, --no-plan-cache", uncached),
            ("floor: kedro-pure --version", floor),
        ]
        print(f"   {'':<38} {'process':>9}   {'cpu':>9}   {'session.run':>11}")
        for label, samples in rows:
            wall = statistics.median(s[0] for s in samples)
            cpu = statistics.median(s[1] for s in samples)
            inner = statistics.median(s[2] for s in samples)
            print(f"   {label:<38} {wall:>7.3f} s   {cpu:>7.3f} s   {inner:>9.3f} s")

        def med(samples: list[tuple[float, float, float]], i: int) -> float:
            return statistics.median(s[i] for s in samples)

        seeding_cpu = med(full_j, 1) - med(unseeded, 1)
        print(f"   caching the next no-op's plan at the end of a plain run: {seeding_cpu * 1e3:+.0f} ms CPU "
              f"({100 * seeding_cpu / med(unseeded, 1):+.1f}% of the process; --no-plan-cache skips it)")
        ij, ip = med(full_j, 2), med(full_p, 2)
        print(f"   journal + fingerprint overhead: {100 * (ij - ip) / ip:+.1f}% of session.run, "
              f"{100 * (med(full_j, 0) - med(full_p, 0)) / med(full_p, 0):+.1f}% of the process")
        for label, samples in (
            ("plan cache hit", warm), ("first no-op after --only-changed run", after),
            ("first no-op after a plain run", cold), ("--no-plan-cache", uncached),
        ):
            print(f"   full / no-op ({label}): {med(full_j, 0) / med(samples, 0):.2f}x wall, "
                  f"{med(full_j, 1) / med(samples, 1):.2f}x CPU (whole process)")


def bench_spaceflights_in_process(repeat: int) -> None:
    """The journal's (fingerprints and SQLite) share of ``session.run`` on the example, in one
    process (imports paid once): journaled and plain runs alternate, CPU beside wall."""
    from shell.session import KedroSession

    print("\n2b. examples/spaceflights in one process: session.run (median wall / CPU), alternating")
    logging.getLogger().setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        journaled, plain = _fresh_example(root, journal=True), _fresh_example(root, journal=False)
        samples: dict[str, list[tuple[float, float]]] = {"journaled": [], "plain": []}
        for index in range(repeat + 1):
            for label, project in (("plain", plain), ("journaled", journaled)):
                _clear_outputs(project)
                with KedroSession.create(project).unwrap() as session:
                    c0, w0 = _cpu(), time.perf_counter()
                    session.run().unwrap()
                    wall, cpu = time.perf_counter() - w0, _cpu() - c0
                if index:  # the first round imports the project's libraries
                    samples[label].append((wall, cpu))
        (pw, pc), (jw, jc) = (
            (statistics.median(s[0] for s in samples[k]), statistics.median(s[1] for s in samples[k]))
            for k in ("plain", "journaled")
        )
        print(f"   plain (store without journal)   {pw:>7.3f} s   {pc:>7.3f} s cpu")
        print(f"   journaled (default)             {jw:>7.3f} s   {jc:>7.3f} s cpu")
        print(f"   journal + fingerprint overhead: {100 * (jw - pw) / pw:+.1f}% wall, {100 * (jc - pc) / pc:+.1f}% CPU")


# -- 3. the digest cache -------------------------------------------------------------------


def bench_digests(size_mb: int, files: int) -> None:
    print(f"\n3. Fingerprints of {size_mb} MB of input files in {files} files")
    block = os.urandom(1 << 20)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths: list[str] = []
        per_file = max(1, size_mb // files)
        for i in range(files):
            target = root / f"input{i}.bin"
            with target.open("wb") as handle:
                for j in range(per_file):
                    handle.write(block[j % 7 :] + block[: j % 7])
            paths.append(str(target))
        journal = SQLiteJournal(root / "store.sqlite3", 5.0)
        start = time.perf_counter()
        cache = DigestCache(journal.cached_digests().unwrap())
        for path in paths:
            cache.digest(path)
        journal.store_digests(cache.take_changed()).unwrap()
        first = time.perf_counter() - start

        def second_pass() -> None:
            warm = DigestCache(journal.cached_digests().unwrap())
            for path in paths:
                warm.digest(path)
            assert not warm.changed

        second = median_seconds(second_pass, repeat=5)
        floor = median_seconds(lambda: [os.stat(p) for p in paths], repeat=5)
        print(f"   first pass (hash every byte)        {first:>8.3f} s  ({per_file * files / first:,.0f} MB/s)")
        print(f"   second pass (cache read + stat)     {second * 1e3:>8.2f} ms")
        print(f"   floor: stat of every file           {floor * 1e3:>8.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--only", choices=["trivial", "spaceflights", "overhead", "digests"], default=None)
    parser.add_argument("--nodes", type=int, nargs="*", default=None, help="chain sizes for 'trivial'")
    parser.add_argument("--size-mb", type=int, default=None, help="total size of the files for 'digests'")
    parser.add_argument("--repeat", type=int, default=None, help="rounds of the spaceflights processes (default 5)")
    parser.add_argument("--no-bytecode-cache", action="store_true", help="keep the environment's PYTHONDONTWRITEBYTECODE")
    args = parser.parse_args()
    sizes = args.nodes or ([500] if args.quick else [500, 2000])
    if args.only in (None, "trivial"):
        bench_trivial(sizes, repeat=3 if args.quick else 5)
    if args.only in (None, "spaceflights"):
        bench_spaceflights(repeat=args.repeat or (2 if args.quick else 5), bytecode_cache=not args.no_bytecode_cache)
    if args.only in (None, "overhead"):
        bench_spaceflights_in_process(repeat=3 if args.quick else 7)
    if args.only in (None, "digests"):
        bench_digests(args.size_mb or (128 if args.quick else 1024), files=16)


if __name__ == "__main__":
    main()
