"""Run planning: the scheduler state machine and missing-output pruning, kedro-pure vs Kedro 1.7.0.

Usage::

    .venv/bin/python benchmarks/bench_run_planning.py            # N = 1k, 5k, 20k
    .venv/bin/python benchmarks/bench_run_planning.py --sizes 1000 5000

Workloads: a chain (node i reads d{i-1}) and a layered graph (layers of 100 nodes, each
reading two outputs of the previous layer), built identically in both libraries; building is
not timed. Figures are medians, shown **per node**.

* ``scheduler, sequential loop``: ours is a complete simulated run, ``start`` then
  ``next_ready`` / ``mark_submitted`` / ``mark_completed`` for every node (ready tracking and
  release decisions). Kedro has no scheduler value; its column is the bookkeeping its
  sequential runner does around each node: the load counts, then ``_release_datasets`` after
  every node, on a catalog whose ``release`` does nothing.
* ``scheduler, waves``: ours again, driven like an executor runner (``take_ready``, then
  complete the wave); Kedro's column repeats its bookkeeping figure.
* ``pruning``: ``prune_missing_outputs`` vs Kedro's ``_filter_pipeline_for_missing_outputs``
  with every dataset declared persistent and the outputs of even-numbered nodes existing.
* ``Kedro SequentialRunner``: a whole Kedro run with no-op nodes and in-memory data (up to
  ``--run-limit`` nodes, 1k by default), next to our scheduler alone, for context only: it
  includes loading, saving, hooks and logging, which are not the scheduler's job.

Kedro's large measurements run in a forked child with a time limit (its release bookkeeping
recomputes the pipeline's free inputs after every node, which is quadratic). Both libraries
allocate per node, so at 20k nodes Python's cyclic garbage collector (whose full passes scan
everything alive, including the other library's pipeline and catalog) adds noticeably to the
figures; ``--no-gc`` shows the algorithms alone.
"""

from __future__ import annotations

import argparse
import gc
import graphlib
import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from typing import Any

from _harness import Row, growth_exponent, guarded, median_seconds, print_table

import core
from core.catalog.snapshot import CatalogSnapshot
from core.pruning import prune_missing_outputs
from core.scheduler import mark_completed, mark_submitted, next_ready, start, take_ready


def step(*values: object) -> object:
    """A trivial node function accepting any number of inputs."""
    return values[0] if values else None


@dataclass(frozen=True)
class Spec:
    name: str
    inputs: tuple[str, ...]
    output: str


def make_specs(shape: str, n: int, *, seed: int = 7) -> list[Spec]:
    rng = random.Random(seed)
    specs: list[Spec] = []
    width = 100
    for i in range(n):
        if shape == "chain":
            inputs: tuple[str, ...] = (f"d{i - 1}",) if i else ("source",)
        else:
            layer = i // width
            if layer == 0:
                inputs = (f"source{i}",)
            else:
                lo = (layer - 1) * width
                inputs = tuple(sorted({f"d{rng.randrange(lo, lo + width)}" for _ in range(2)}))
        specs.append(Spec(f"n{i:05d}", inputs, f"d{i}"))
    return specs


def existing_names(specs: list[Spec]) -> frozenset[str]:
    """Free inputs and the outputs of even-numbered nodes exist."""
    outputs = {s.output for s in specs}
    free = {i for s in specs for i in s.inputs if i not in outputs}
    return frozenset(free | {s.output for k, s in enumerate(specs) if k % 2 == 0})


# -- ours ------------------------------------------------------------------------------------


def ours_pipeline(specs: list[Spec]) -> core.Pipeline:
    return core.pipeline([core.node(step, list(s.inputs), s.output, name=s.name) for s in specs]).unwrap()


def ours_sequential(p: core.Pipeline) -> None:
    s = start(p)
    while (name := next_ready(s)) is not None:
        s = mark_submitted(s, name)
        s, _ = mark_completed(s, name)


def ours_waves(p: core.Pipeline) -> None:
    s, wave = take_ready(start(p))
    while wave:
        for name in wave:
            s, _ = mark_completed(s, name)
        s, wave = take_ready(s)


# -- Kedro -----------------------------------------------------------------------------------


class _NoRelease:
    def release(self, name: str) -> None:
        return None


def kedro_pipeline(specs: list[Spec]) -> Any:
    from kedro.pipeline import Pipeline as KPipeline
    from kedro.pipeline import node as knode

    return KPipeline([knode(step, list(s.inputs), s.output, name=s.name) for s in specs])


def kedro_bookkeeping(kp: Any) -> None:
    from kedro.runner import AbstractRunner

    nodes = kp.nodes
    load_counts = Counter(chain.from_iterable(n.inputs for n in nodes))
    catalog: Any = _NoRelease()
    for n in nodes:
        AbstractRunner._release_datasets(n, catalog, load_counts, kp)


def kedro_catalog(specs: list[Spec], existing: frozenset[str]) -> Any:
    from kedro.io import AbstractDataset, DataCatalog

    class Probe(AbstractDataset[Any, Any]):
        def __init__(self, present: bool) -> None:
            self._present = present

        def load(self) -> Any:
            return 0

        def save(self, data: Any) -> None:
            return None

        def _exists(self) -> bool:
            return self._present

        def _describe(self) -> dict[str, Any]:
            return {}

    names = {s.output for s in specs} | {i for s in specs for i in s.inputs}
    return DataCatalog(datasets={name: Probe(name in existing) for name in names})


def kedro_prune(kp: Any, catalog: Any) -> None:
    from kedro.runner import SequentialRunner

    SequentialRunner()._filter_pipeline_for_missing_outputs(kp, catalog)


def kedro_noop_run(specs: list[Spec], kp: Any) -> None:
    from kedro.io import DataCatalog, MemoryDataset
    from kedro.runner import SequentialRunner

    outputs = {s.output for s in specs}
    free = {i for s in specs for i in s.inputs if i not in outputs}
    SequentialRunner().run(kp, DataCatalog(datasets={name: MemoryDataset(data=0) for name in free}))


# -- measuring -------------------------------------------------------------------------------


def kedro_timed(work: Callable[[], object], n: int, *, timeout: float) -> float | str:
    """Median seconds of Kedro's ``work``; large sizes in a forked child with a time limit."""
    repeat = 3 if n <= 1_000 else 1
    if n <= 1_000:
        return median_seconds(work, repeat=repeat)
    return guarded(lambda: median_seconds(work, repeat=repeat), timeout=timeout)


def per_node(value: float | str, n: int) -> float | str:
    return value if isinstance(value, str) else value / n


def floor_schedule(specs: list[Spec]) -> None:
    """The floor: graphlib hands out a dict-of-sets graph node by node, with load counts."""
    producer = {s.output: s.name for s in specs}
    graph = {s.name: {producer[i] for i in s.inputs if i in producer} for s in specs}
    loads = Counter(i for s in specs for i in s.inputs)
    sorter = graphlib.TopologicalSorter(graph)
    sorter.prepare()
    by_name = {s.name: s for s in specs}
    while sorter.is_active():
        for name in sorter.get_ready():
            for i in by_name[name].inputs:
                loads[i] -= 1
            sorter.done(name)


def floor_prune(specs: list[Spec], existing: frozenset[str]) -> set[str]:
    """The floor of pruning: walk back from the missing outputs over a dict-of-sets graph."""
    producer = {s.output: s for s in specs}
    needed: set[str] = set()
    todo = [s for s in specs if s.output not in existing]
    while todo:
        spec = todo.pop()
        if spec.name in needed:
            continue
        needed.add(spec.name)
        todo.extend(producer[i] for i in spec.inputs if i in producer and i not in existing)
    return needed


def bench(shape: str, n: int, *, kedro_timeout: float, run_limit: int) -> dict[str, Row]:
    specs = make_specs(shape, n)
    p = ours_pipeline(specs)
    kp = kedro_pipeline(specs)
    _ = kp.nodes  # Kedro sorts lazily: keep its toposort out of the timings
    existing = existing_names(specs)
    names = p.datasets()
    snapshot = CatalogSnapshot(registered=names, ephemeral=frozenset(), existing=existing)
    catalog = kedro_catalog(specs, existing)

    # Ours is cheap: more repetitions make its medians robust on a shared machine.
    ours_seq = median_seconds(lambda: ours_sequential(p), repeat=9)
    ours_wav = median_seconds(lambda: ours_waves(p), repeat=9)
    ours_prune = median_seconds(lambda: prune_missing_outputs(p, snapshot), repeat=9)
    floor_seq = median_seconds(lambda: floor_schedule(specs), repeat=9)
    floor_pr = median_seconds(lambda: floor_prune(specs, frozenset(existing)), repeat=9)
    theirs_book = kedro_timed(lambda: kedro_bookkeeping(kp), n, timeout=kedro_timeout)
    theirs_prune = kedro_timed(lambda: kedro_prune(kp, catalog), n, timeout=kedro_timeout)
    if n <= run_limit:
        theirs_run = kedro_timed(lambda: kedro_noop_run(specs, kp), n, timeout=kedro_timeout)
    else:
        theirs_run = "not run (--run-limit)"

    label = f"{shape} N={n}"
    return {
        "scheduler, sequential loop": Row(f"{label}", ours_seq / n, per_node(theirs_book, n), floor_seq / n),
        "scheduler, waves": Row(f"{label}", ours_wav / n, per_node(theirs_book, n), floor_seq / n),
        "pruning": Row(f"{label}", ours_prune / n, per_node(theirs_prune, n), floor_pr / n),
        "Kedro SequentialRunner (whole no-op run) vs our scheduler alone": Row(
            f"{label}", ours_seq / n, per_node(theirs_run, n), floor_seq / n
        ),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000, 20_000])
    parser.add_argument("--shapes", nargs="+", default=["chain", "layered"])
    parser.add_argument("--kedro-timeout", type=float, default=120.0)
    parser.add_argument("--run-limit", type=int, default=1_000, help="largest N for Kedro's whole run")
    parser.add_argument(
        "--no-gc",
        action="store_true",
        help="disable the cyclic garbage collector on both sides, to separate each algorithm's "
        "cost from the collector's, which grows with everything the process keeps alive",
    )
    args = parser.parse_args(argv)
    if args.no_gc:
        gc.disable()
    # Kedro configures its loggers when its runner package is first imported: import it
    # first, then keep its INFO lines (one per dataset load/save, the pruning lists) off the
    # console, so that neither side pays for terminal rendering.
    import kedro.runner  # noqa: F401

    logging.getLogger("kedro").setLevel(logging.WARNING)

    tables: dict[str, list[Row]] = {}
    points: dict[tuple[str, str], list[tuple[int, float, float | str]]] = {}
    for shape in args.shapes:
        for n in args.sizes:
            for table, row in bench(shape, n, kedro_timeout=args.kedro_timeout, run_limit=args.run_limit).items():
                tables.setdefault(table, []).append(row)
                points.setdefault((table, shape), []).append((n, row.ours, row.kedro))
    for table, rows in tables.items():
        print_table(f"{table} (median per node)", rows)
    if len(args.sizes) > 1:
        print("\n### Growth exponent in N of the whole-run time (1.0 = linear, 2.0 = quadratic)\n")
        print("| operation | shape | kedro-pure | Kedro 1.7.0 |")
        print("|---|---|---:|---:|")
        for (table, shape), series in points.items():
            sizes = [n for n, _, _ in series]
            ours = growth_exponent(sizes, [t * n for n, t, _ in series])
            measured = [(n, k) for n, _, k in series if isinstance(k, float)]
            theirs = (
                f"{growth_exponent([n for n, _ in measured], [k * n for n, k in measured]):.2f}"
                if len(measured) > 1
                else "n/a"
            )
            print(f"| {table} | {shape} | {ours:.2f} | {theirs} |")


if __name__ == "__main__":
    main()
