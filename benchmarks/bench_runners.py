"""Runners: kedro-pure vs Kedro 1.7.0, side by side (issue 5, section 5).

Usage::

    .venv/bin/python benchmarks/bench_runners.py                 # everything (~10 min)
    .venv/bin/python benchmarks/bench_runners.py --quick         # smaller sizes (~2 min)
    .venv/bin/python benchmarks/bench_runners.py --only sequential --sizes 1000 5000

Three measurements, each run in both libraries with the same node functions, names and
dataset names, memory datasets for everything (only the free input ``source`` is declared),
and one no-op hook object implementing the six node and dataset hooks registered in each
library's hook manager (so hook dispatch is included). Logging is switched off below
WARNING for both libraries: both log every load and save at INFO.

1. ``SequentialRunner`` over a chain and a layered graph (layers of 100, two parents each)
   of trivial nodes: time per run, per node, the ratio Kedro / kedro-pure and the growth
   exponent of time in N (1.0 = linear, 2.0 = quadratic). Kedro's large runs go through a
   forked child with a time limit.
2. Per-node overhead of ``ThreadRunner`` and ``ParallelRunner`` on 200 trivial nodes
   (10 layers of 20), pool start-up included (both libraries start a pool per run). Kedro's
   ``ParallelRunner`` is also measured on 40 nodes, in a child with a time limit.
3. Speed-up of 8 independent CPU-bound nodes of about 0.5 s each with 2 workers, against
   each library's own ``SequentialRunner`` (goal for ``ParallelRunner``: at most 0.55x).

Every figure is a median of several runs (fewer for the slow Kedro cases).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

from _harness import cpu_of, growth_exponent, guarded, median_seconds

import core
from shell.hooks import _create_hook_manager, hook_impl
from shell.io import DataCatalog, MemoryDataset
from shell.runners import AbstractRunner, ParallelRunner, SequentialRunner, ThreadRunner

# -- node functions and hooks (module level: the process runners pickle them) --------------


def step(*values: object) -> object:
    """A trivial node: returns its first input."""
    return values[0] if values else None


#: Iterations of :func:`burn` taking about 0.5 s here (set by :func:`calibrate`).
_BURN = {"iterations": 5_000_000}


def burn(seed: object, iterations: int) -> int:
    """A CPU-bound node: pure Python arithmetic, holding the GIL."""
    total = 0
    for i in range(iterations):
        total = (total + i * i) % 1_000_003
    return total


class NoOpHooks:
    """Implements every node and dataset hook and does nothing: measures hook dispatch.

    Our ``hook_impl`` and Kedro's share pluggy's project name, so both managers accept it.
    """

    @hook_impl
    def before_dataset_loaded(self, dataset_name: str) -> None:
        return None

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str) -> None:
        return None

    @hook_impl
    def before_node_run(self, node: Any) -> None:
        return None

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        return None

    @hook_impl
    def before_dataset_saved(self, dataset_name: str) -> None:
        return None

    @hook_impl
    def after_dataset_saved(self, dataset_name: str) -> None:
        return None


# -- workloads -------------------------------------------------------------------------------

#: (name, inputs, output) of one node
Spec = tuple[str, tuple[str, ...], str]


def make_specs(shape: str, n: int, *, width: int = 100) -> list[Spec]:
    specs: list[Spec] = []
    for i in range(n):
        if shape == "chain":
            inputs: tuple[str, ...] = (f"d{i - 1}",) if i else ("source",)
        else:
            layer, j = divmod(i, width)
            if layer == 0:
                inputs = ("source",)
            else:
                up = (layer - 1) * width
                inputs = (f"d{up + j}", f"d{up + (j + 1) % width}")
        specs.append((f"n{i}", inputs, f"d{i}"))
    return specs


def ours_pipeline(specs: list[Spec], func: Callable[..., object] = step) -> core.Pipeline:
    return core.pipeline([core.node(func, list(i), o, name=n) for n, i, o in specs]).unwrap()


def kedro_pipeline(specs: list[Spec], func: Callable[..., object] = step) -> Any:
    from kedro.pipeline import Pipeline as KedroPipeline
    from kedro.pipeline import node as kedro_node

    return KedroPipeline([kedro_node(func, list(i), o, name=n) for n, i, o in specs])


def run_ours(runner: AbstractRunner, p: core.Pipeline, free: dict[str, object]) -> None:
    hooks = _create_hook_manager()
    hooks.register(NoOpHooks())
    catalog = DataCatalog({name: MemoryDataset(data=value) for name, value in free.items()})
    result = runner.run(p, catalog, hooks)
    if not isinstance(result.value_or(None), dict):
        raise RuntimeError(f"kedro-pure run failed: {result}")


def run_kedro(make_runner: Callable[[], Any], kp: Any, free: dict[str, object], *, shared: bool = False) -> None:
    from kedro.framework.hooks.manager import _create_hook_manager as kedro_hook_manager
    from kedro.io import DataCatalog as KedroCatalog
    from kedro.io import MemoryDataset as KedroMemoryDataset
    from kedro.io import SharedMemoryDataCatalog

    hooks = kedro_hook_manager()
    hooks.register(NoOpHooks())
    catalog_class = SharedMemoryDataCatalog if shared else KedroCatalog
    catalog = catalog_class({name: KedroMemoryDataset(data=value) for name, value in free.items()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        make_runner().run(kp, catalog, hooks)


def floor_run(specs: list[Spec], free: dict[str, object], func: Callable[..., object] = step) -> dict[str, object]:
    """The floor: the node functions called in topological order (``specs`` are), into a dict."""
    data = dict(free)
    for _, inputs, output in specs:
        data[output] = func(*[data[i] for i in inputs])
    return data


def fmt(seconds: float | str) -> str:
    if isinstance(seconds, str):
        return seconds
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def ratio(kedro: float | str, ours: float | str) -> str:
    if isinstance(kedro, str) or isinstance(ours, str) or ours <= 0:
        return "n/a"
    return f"{float(kedro) / float(ours):,.1f}x"


def per(value: float | str, n: int) -> float | str:
    return value if isinstance(value, str) else float(value) / n


def _cpu_or_wall(value: float) -> float:
    cpu = cpu_of(value)
    return cpu if isinstance(cpu, float) else value


# -- 1. SequentialRunner ---------------------------------------------------------------------


def bench_sequential(sizes: list[int], kedro_limit: float, *, threads: bool = False) -> None:
    label = "ThreadRunner(max_workers=2)" if threads else "SequentialRunner"
    print(f"\n### {label}: trivial nodes, memory datasets, hook dispatch included\n")
    print(
        "| shape | N | kedro-pure per run | per node | CPU per node | Kedro 1.7.0 per run | per node "
        "| CPU per node | floor per node | ratio | CPU ratio | vs floor (CPU) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    growth: dict[str, dict[str, list[tuple[int, float]]]] = {}
    for shape in ("chain",) if threads else ("chain", "layered"):
        for n in sizes:
            specs = make_specs(shape, n)
            p = ours_pipeline(specs)

            def ours_runner() -> AbstractRunner:
                return ThreadRunner(max_workers=2) if threads else SequentialRunner()

            ours = median_seconds(lambda p=p: run_ours(ours_runner(), p, {"source": 1}), repeat=5)  # type: ignore[misc]

            def kedro_once(specs: list[Spec] = specs) -> float:
                from kedro.runner import SequentialRunner as KedroSequentialRunner
                from kedro.runner import ThreadRunner as KedroThreadRunner

                def kedro_runner() -> Any:
                    return KedroThreadRunner(max_workers=2) if threads else KedroSequentialRunner()

                kp = kedro_pipeline(specs)
                repeat = 3 if len(specs) <= 1_000 else 1
                return median_seconds(lambda: run_kedro(kedro_runner, kp, {"source": 1}), repeat=repeat)

            kedro: float | str = kedro_once() if n <= 1_000 else guarded(kedro_once, timeout=kedro_limit)
            floor = median_seconds(lambda specs=specs: floor_run(specs, {"source": 1}), repeat=7)  # type: ignore[misc]
            ours_cpu, kedro_cpu, floor_cpu = cpu_of(ours), cpu_of(kedro), cpu_of(floor)
            print(
                f"| {shape} | {n:,} | {fmt(ours)} | {fmt(ours / n)} | {fmt(per(ours_cpu, n))} | {fmt(kedro)} | "
                f"{fmt(per(kedro, n))} | {fmt(per(kedro_cpu, n))} | {fmt(per(floor_cpu, n))} | "
                f"{ratio(kedro, ours)} | {ratio(kedro_cpu, ours_cpu)} | {ratio(ours_cpu, floor_cpu)} |",
                flush=True,
            )
            growth.setdefault(shape, {}).setdefault("kedro-pure", []).append((n, _cpu_or_wall(ours)))
            if not isinstance(kedro, str):
                growth[shape].setdefault("Kedro 1.7.0", []).append((n, _cpu_or_wall(kedro)))
    if len(sizes) > 1:
        print(
            f"\n### {label}: growth exponent of CPU time between the two largest N "
            "(1.0 = linear, 2.0 = quadratic)\n"
        )
        print("| shape | kedro-pure | Kedro 1.7.0 |")
        print("|---|---:|---:|")
        for shape, series in growth.items():
            cells = []
            for who in ("kedro-pure", "Kedro 1.7.0"):
                points = series.get(who, [])
                if len(points) > 1:
                    ns, secs = zip(*points, strict=True)
                    cells.append(f"{growth_exponent(ns, secs):.2f}")
                else:
                    cells.append("n/a")
            print(f"| {shape} | {cells[0]} | {cells[1]} |")


def bench_breakdown(n: int) -> None:
    """Where a kedro-pure ``SequentialRunner`` run spends its CPU time, per node (chain of ``n``).

    Each part is the same work the run does, timed alone: the warm-up, the scheduler's three
    calls per node, the six hook calls (through :mod:`shell.hooks.dispatch`, one no-op
    implementation each), loading, saving and releasing the resolved memory datasets
    (without hooks), and binding the arguments and splitting the outputs. "The rest" is the
    runner's own glue (loop, log gates, error plumbing); a hook manager is built per run, as
    in the other measurements.
    """
    from core.node_call import bound_arguments, fitting_outputs
    from core.scheduler import mark_completed, mark_submitted, next_ready, start
    from shell.hooks import NullPluginManager
    from shell.runners.run_tools import RunTools
    from shell.runners.warm_up import warm

    p = ours_pipeline(make_specs("chain", n))
    hooks = _create_hook_manager()
    hooks.register(NoOpHooks())
    one = core.node(step, ["a"], "b", name="x")
    datasets = {"a": MemoryDataset(data=1), "b": MemoryDataset()}
    catalog = DataCatalog(dict(datasets))
    hooked = RunTools.of(catalog, hooks, datasets)
    bare = RunTools.of(catalog, NullPluginManager(), datasets)

    def manager() -> None:
        _create_hook_manager().register(NoOpHooks())

    def hook_calls() -> None:
        t = hooked
        for _ in range(n):
            t.before_dataset_loaded("a", one)
            t.after_dataset_loaded("a", 1, one)
            t.before_node_run(one, catalog, {"a": 1}, False, None)
            t.after_node_run(one, catalog, {"a": 1}, {"b": 1}, False, None)
            t.before_dataset_saved("b", 1, one)
            t.after_dataset_saved("b", 1, one)

    def data_calls() -> None:
        for _ in range(n):
            bare.load(one, "a")
            bare.save(one, "b", 1)
            bare.release("b")

    def shapes() -> None:
        for _ in range(n):
            args, _ = bound_arguments(one, {"a": 1})
            fitting_outputs(one, step(*args))

    def scheduler() -> None:
        s = start(p)
        while (name := next_ready(s)) is not None:
            s = mark_submitted(s, name)
            s, _ = mark_completed(s, name)

    def warm_up() -> None:
        warm(p, DataCatalog({"source": MemoryDataset(data=1)}))

    def cpu(work: Callable[[], object]) -> float:
        return float(cpu_of(median_seconds(work, repeat=9))) / n

    whole = cpu(lambda: run_ours(SequentialRunner(), p, {"source": 1}))
    parts = {
        "hook manager built and the hooks registered (once per run)": cpu(manager),
        "warm-up (every dataset resolved once, free inputs checked)": cpu(warm_up),
        "scheduler (next ready, submit, complete with releases)": cpu(scheduler),
        "6 hook calls (shell.hooks.dispatch: one plain implementation, called directly)": cpu(hook_calls),
        "load + save + release of the resolved memory datasets (log gates included)": cpu(data_calls),
        "bound arguments + split outputs + the node function": cpu(shapes),
    }
    print(f"\n### kedro-pure SequentialRunner: CPU per node, chain of {n:,} (medians)\n")
    print("| part | per node |")
    print("|---|---:|")
    for part, seconds in parts.items():
        print(f"| {part} | {fmt(seconds)} |")
    print(f"| the rest: the runner's loop, records, error plumbing | {fmt(whole - sum(parts.values()))} |")
    print(f"| **whole run** | **{fmt(whole)}** |")


# -- 2. per-node overhead of the concurrent runners ------------------------------------------


def bench_overhead(n: int, kedro_parallel_n: int, kedro_limit: float) -> None:
    from kedro.runner import ParallelRunner as KedroParallelRunner
    from kedro.runner import SequentialRunner as KedroSequentialRunner
    from kedro.runner import ThreadRunner as KedroThreadRunner

    print("\n### Per-node overhead: trivial nodes in layers of 20, 2 workers, pool start-up included\n")
    print(
        "| runner | N | kedro-pure per run | per node | CPU per node (driver) | Kedro 1.7.0 per run "
        "| per node | floor per node | ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    cases: list[tuple[str, int, Callable[[], AbstractRunner], Callable[[], Any], bool]] = [
        ("SequentialRunner", n, SequentialRunner, KedroSequentialRunner, False),
        ("ThreadRunner", n, lambda: ThreadRunner(max_workers=2), lambda: KedroThreadRunner(max_workers=2), False),
        ("ParallelRunner", kedro_parallel_n, lambda: ParallelRunner(max_workers=2), lambda: KedroParallelRunner(max_workers=2), True),
        ("ParallelRunner", n, lambda: ParallelRunner(max_workers=2), lambda: KedroParallelRunner(max_workers=2), True),
    ]
    for label, size, ours_runner, kedro_runner, parallel in cases:
        specs = make_specs("layered", size, width=20)
        p = ours_pipeline(specs)
        ours = median_seconds(lambda p=p, r=ours_runner: run_ours(r(), p, {"source": 1}), repeat=5)  # type: ignore[misc]

        def kedro_once(specs: list[Spec] = specs, make: Callable[[], Any] = kedro_runner, shared: bool = parallel) -> float:
            kp = kedro_pipeline(specs)
            return median_seconds(lambda: run_kedro(make, kp, {"source": 1}, shared=shared), repeat=3 if not shared else 1)

        kedro: float | str = guarded(kedro_once, timeout=kedro_limit) if parallel else kedro_once()
        floor = median_seconds(lambda specs=specs: floor_run(specs, {"source": 1}), repeat=7)  # type: ignore[misc]
        print(
            f"| {label} | {size} | {fmt(ours)} | {fmt(ours / size)} | {fmt(per(cpu_of(ours), size))} | "
            f"{fmt(kedro)} | {fmt(per(kedro, size))} | {fmt(per(floor, size))} | {ratio(kedro, ours)} |",
            flush=True,
        )


# -- 3. speed-up of CPU-bound nodes ----------------------------------------------------------


def calibrate(target: float = 0.5) -> int:
    probe = 1_000_000
    start = time.perf_counter()
    burn(0, probe)
    elapsed = time.perf_counter() - start
    return max(1, int(probe * target / elapsed))


def bench_speedup(nodes: int, workers: int, rounds: int) -> None:
    from kedro.runner import ParallelRunner as KedroParallelRunner
    from kedro.runner import SequentialRunner as KedroSequentialRunner
    from kedro.runner import ThreadRunner as KedroThreadRunner

    iterations = calibrate()
    single = statistics.median(_timed(lambda: burn(0, iterations)) for _ in range(3))
    specs: list[Spec] = [(f"cpu{i}", (f"seed{i}", "params:iterations"), f"out{i}") for i in range(nodes)]
    free: dict[str, object] = {f"seed{i}": i for i in range(nodes)}
    free["params:iterations"] = iterations
    p = ours_pipeline(specs, burn)
    kp = kedro_pipeline(specs, burn)
    runs: dict[str, Callable[[], object]] = {
        "ours SequentialRunner": lambda: run_ours(SequentialRunner(), p, free),
        "ours ThreadRunner": lambda: run_ours(ThreadRunner(max_workers=workers), p, free),
        "ours ParallelRunner": lambda: run_ours(ParallelRunner(max_workers=workers), p, free),
        "Kedro SequentialRunner": lambda: run_kedro(KedroSequentialRunner, kp, free),
        "Kedro ThreadRunner": lambda: run_kedro(lambda: KedroThreadRunner(max_workers=workers), kp, free),
        "Kedro ParallelRunner": lambda: run_kedro(
            lambda: KedroParallelRunner(max_workers=workers), kp, free, shared=True
        ),
        # The floors, measured under the same load: the functions in a plain loop, and a plain
        # process pool (started and stopped inside the timing, as a runner's workers are).
        "floor SequentialRunner": lambda: [burn(i, iterations) for i in range(nodes)],
        "floor ParallelRunner": lambda: _pool_map(workers, nodes, iterations),
    }
    # Rounds interleave the runners, so that a change of load on the machine affects all alike.
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, work in runs.items():
            samples[name].append(_timed(work))
    median = {name: statistics.median(times) for name, times in samples.items()}
    print(
        f"\n### Speed-up: {nodes} independent CPU-bound nodes of {single:.2f} s each, "
        f"{workers} workers, {os.cpu_count()} CPUs (median of {rounds} interleaved rounds)\n"
    )
    print(
        "| runner | kedro-pure | vs own SequentialRunner | Kedro 1.7.0 | vs own SequentialRunner "
        "| floor (perfect split) | floor measured (plain loop / process pool) | kedro-pure / measured floor |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for runner in ("SequentialRunner", "ThreadRunner", "ParallelRunner"):
        ours, kedro = median[f"ours {runner}"], median[f"Kedro {runner}"]
        # A thread pool cannot beat the loop for GIL-holding nodes, so the loop is its floor too.
        floor = median["floor ParallelRunner" if runner == "ParallelRunner" else "floor SequentialRunner"]
        print(
            f"| {runner} | {fmt(ours)} | {ours / median['ours SequentialRunner']:.2f}x | {fmt(kedro)} | "
            f"{kedro / median['Kedro SequentialRunner']:.2f}x | "
            f"{(1.0 if runner == 'SequentialRunner' else 1 / workers):.2f}x | "
            f"{fmt(floor)} ({floor / median['floor SequentialRunner']:.2f}x) | {ours / floor:.2f}x |"
        )


def _pool_map(workers: int, nodes: int, iterations: int) -> None:
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.starmap(burn, [(i, iterations) for i in range(nodes)])


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="SequentialRunner sizes")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and time limits")
    parser.add_argument(
        "--only", choices=("sequential", "threads", "breakdown", "overhead", "speedup"), nargs="+", default=None
    )
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)
    sizes = args.sizes or ([500, 1_000, 2_000] if args.quick else [500, 1_000, 4_000, 5_000])
    limit = 60.0 if args.quick else 300.0
    only = set(args.only or ("sequential", "threads", "breakdown", "overhead", "speedup"))
    print(f"Load average (1, 5, 15 min) at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if "sequential" in only:
        bench_sequential(sizes, limit)
    if "threads" in only:
        bench_sequential(sizes, limit, threads=True)
    if "breakdown" in only:
        bench_breakdown(2_000)
    if "overhead" in only:
        bench_overhead(200, 40, limit)
    if "speedup" in only:
        bench_speedup(8, 2, rounds=3)
    print(f"\nLoad average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
