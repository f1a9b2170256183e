"""The README's performance table: Kedro 1.7.0, kedro-pure and the floor, side by side.

Usage::

    .venv/bin/python benchmarks/bench_table.py              # ~3 min on a quiet 2-core machine
    .venv/bin/python benchmarks/bench_table.py --repeat 5
    .venv/bin/python benchmarks/bench_table.py --only construction --only namespaces

Rows (the workloads of the other scripts, reused): SequentialRunner and ThreadRunner on a
1,000-node chain of trivial nodes with memory datasets and a hook object implementing all six
node and dataset hooks; ``node()`` x 20,000 + ``pipeline()`` + ``grouped_nodes`` on a chain; a
20,000-node layered pipeline built, filtered (combined filter) and grouped;
``only_nodes_with_namespaces`` on namespaced 5k and 20k chains. Each measurement alternates
the two libraries (and the floor) round by round and reports medians of wall time and of CPU
time (``time.process_time``); the ratios use CPU time, which a loaded machine distorts less.
The real-data case is ``bench_starter.py``; the CPU-bound speed-up is ``bench_runners.py
--only speedup``.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import statistics
import time
from collections.abc import Callable

import bench_pipeline as bp
import bench_runners as br
from _harness import fmt, growth_exponent

import core
from core.filters import filter_pipeline, only_nodes_with_namespaces
from shell.runners import SequentialRunner, ThreadRunner

Work = Callable[[], object]


def alternating(works: dict[str, Work], repeat: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) of each work, the works alternating round by round."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in works}
    for _ in range(repeat):
        for name, work in works.items():
            start, cpu = time.perf_counter(), time.process_time()
            work()
            samples[name].append((time.perf_counter() - start, time.process_time() - cpu))
    return {
        name: (statistics.median(w for w, _ in got), statistics.median(c for _, c in got))
        for name, got in samples.items()
    }


def row(label: str, measured: dict[str, tuple[float, float]], per: int = 1) -> None:
    ours, kedro, floor = measured["ours"], measured["kedro"], measured["floor"]
    print(
        f"| {label} | {fmt(kedro[0] / per)} | {fmt(kedro[1] / per)} | {fmt(ours[0] / per)} | "
        f"{fmt(ours[1] / per)} | {fmt(floor[1] / per)} | {kedro[1] / ours[1]:,.1f}x | "
        f"{ours[1] / floor[1]:,.1f}x |",
        flush=True,
    )


def runners(repeat: int) -> None:
    """The runner rows at 1k nodes, then the growth exponent of CPU time: kedro-pure and the
    floor from 1k to 4k nodes, Kedro from 0.5k to 1k (its runs at 4k take minutes)."""
    from kedro.runner import SequentialRunner as KedroSequential
    from kedro.runner import ThreadRunner as KedroThread

    free: dict[str, object] = {"source": 1}

    def works(n: int, ours: Callable[[], object], kedro: Callable[[], object], who: tuple[str, ...]) -> dict[str, Work]:
        specs = br.make_specs("chain", n)
        ours_p = br.ours_pipeline(specs) if "ours" in who else None
        kedro_p = br.kedro_pipeline(specs) if "kedro" in who else None
        made: dict[str, Work] = {
            "ours": lambda: br.run_ours(ours(), ours_p, free),  # type: ignore[arg-type]
            "kedro": lambda: br.run_kedro(kedro, kedro_p, free),
            "floor": lambda: br.floor_run(specs, free),
        }
        return {name: made[name] for name in who}

    everyone = ("ours", "kedro", "floor")
    for label, ours, kedro in (
        ("SequentialRunner, 1k chain, 6 hooks, per node", SequentialRunner, KedroSequential),
        (
            "ThreadRunner(2), 1k chain, 6 hooks, per node",
            lambda: ThreadRunner(max_workers=2),
            lambda: KedroThread(max_workers=2),
        ),
    ):
        at_1k = alternating(works(1_000, ours, kedro, everyone), repeat)
        row(label, at_1k, per=1_000)
        at_4k = alternating(works(4_000, ours, kedro, ("ours", "floor")), repeat)
        kedro_half = alternating(works(500, ours, kedro, ("kedro",)), repeat)
        print(
            f"|   growth exponent (CPU): ours 1k -> 4k "
            f"{growth_exponent([1_000, 4_000], [at_1k['ours'][1], at_4k['ours'][1]]):.2f}, floor "
            f"{growth_exponent([1_000, 4_000], [at_1k['floor'][1], at_4k['floor'][1]]):.2f}, Kedro 0.5k -> 1k "
            f"{growth_exponent([500, 1_000], [kedro_half['kedro'][1], at_1k['kedro'][1]]):.2f} | | | | | | | |",
            flush=True,
        )


def _chain_works(n: int) -> dict[str, Work]:
    from kedro.pipeline import Pipeline as KedroPipeline

    chain = bp.make_specs("chain", n, namespaced=False)
    return {
        "ours": lambda: core.pipeline(bp.ours_nodes(chain)).unwrap().grouped_nodes,
        "kedro": lambda: KedroPipeline(bp.kedro_nodes(chain)).grouped_nodes,
        "floor": lambda: (bp.floor_nodes(chain), bp.floor_build(chain)),
    }


def _layered_works(n: int) -> dict[str, Work]:
    from kedro.pipeline import Pipeline as KedroPipeline

    layered = bp.make_specs("layered", n, namespaced=False)
    combined = bp.filter_cases(layered, False)["combined"]

    def ours() -> object:
        built = core.pipeline(bp.ours_nodes(layered)).unwrap()
        return filter_pipeline(built, **combined).unwrap().grouped_nodes

    def kedro() -> object:
        return KedroPipeline(bp.kedro_nodes(layered)).filter(**combined).grouped_nodes

    def floor() -> object:
        records = bp.floor_nodes(layered)
        graph, _ = bp.floor_build(layered)
        kept = bp.floor_filter(layered, graph, combined)
        return records, bp.floor_build(kept)

    return {"ours": ours, "kedro": kedro, "floor": floor}


def _growth(small: dict[str, tuple[float, float]], large: dict[str, tuple[float, float]], n: int) -> None:
    exponents = ", ".join(
        f"{who} {growth_exponent([n // 2, n], [small[who][1], large[who][1]]):.2f}" for who in ("ours", "kedro", "floor")
    )
    print(f"|   growth exponent {n // 2000}k -> {n // 1000}k (CPU): {exponents} | | | | | | | |", flush=True)


def construction(repeat: int) -> None:
    for label, works in (
        ("`node()` x 20k + `pipeline()` + `grouped_nodes`, chain", _chain_works),
        ("20k layered: build + combined filter + `grouped_nodes`", _layered_works),
    ):
        large = alternating(works(20_000), repeat)
        row(label, large)
        _growth(alternating(works(10_000), repeat), large, 20_000)


def collector(repeat: int) -> None:
    """The cyclic collector's share of kedro-pure's chain row: CPU with it on and off."""
    ours = _chain_works(20_000)["ours"]

    def without_collector() -> object:
        gc.disable()
        try:
            return ours()
        finally:
            gc.enable()

    measured = alternating({"on": ours, "off": without_collector}, repeat)
    on, off = measured["on"][1], measured["off"][1]
    print(f"\nCollector's share of the chain row (CPU): {fmt(on)} with it, {fmt(off)} without: {(on - off) / on:.0%}")


def namespaces(repeat: int) -> None:
    from kedro.pipeline import Pipeline as KedroPipeline

    for n in (5_000, 20_000):
        specs = bp.make_specs("chain", n, namespaced=True)
        ours_p = core.pipeline(bp.ours_nodes(specs)).unwrap()
        kedro_p = KedroPipeline(bp.kedro_nodes(specs))
        _ = kedro_p.nodes
        only_nodes_with_namespaces(ours_p, ["g3"])  # the index is built once per pipeline value

        def floor(specs: list[bp.Spec] = specs) -> object:
            return [s for s in specs if s.namespace and (s.namespace == "g3" or s.namespace.startswith("g3."))]

        row(
            f"`only_nodes_with_namespaces`, {n // 1000}k chain",
            alternating(
                {
                    "ours": lambda p=ours_p: only_nodes_with_namespaces(p, ["g3"]).unwrap(),  # type: ignore[misc]
                    "kedro": lambda p=kedro_p: p.only_nodes_with_namespaces(["g3"]),  # type: ignore[misc]
                    "floor": floor,
                },
                repeat * 3,
            ),
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--only", choices=("runners", "construction", "namespaces", "collector"), action="append", help="rows to measure (repeatable)"
    )
    args = parser.parse_args(argv)
    chosen = set(args.only or ("runners", "construction", "namespaces", "collector"))
    logging.disable(logging.INFO)
    print(f"Load average (1, 5, 15 min) at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| workload | Kedro 1.7.0 wall | CPU | kedro-pure wall | CPU | floor CPU | Kedro / ours (CPU) | ours / floor (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    steps = (("runners", runners), ("construction", construction), ("namespaces", namespaces), ("collector", collector))
    for name, rows in steps:
        if name in chosen:
            rows(args.repeat)
    print(f"\nLoad average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
