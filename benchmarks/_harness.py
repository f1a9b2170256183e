"""Shared timing helpers for the side-by-side benchmarks (kedro-pure vs Kedro 1.7.0).

Timings are medians of several repetitions; ratios are Kedro / kedro-pure (higher is better
for us). Work that may exhaust memory or take minutes in Kedro runs in a forked child with a
memory cap and a time limit, so one benchmark run always finishes.
"""

from __future__ import annotations

import math
import multiprocessing
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

__all__ = ["Row", "growth_exponent", "guarded", "median_seconds", "print_table"]


def median_seconds(work: Callable[[], object], *, repeat: int = 5, budget: float = 30.0) -> float:
    """Median wall time of ``work()``; stops repeating once ``budget`` seconds are spent."""
    samples: list[float] = []
    spent = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        elapsed = time.perf_counter() - start
        samples.append(elapsed)
        spent += elapsed
        if spent > budget:
            break
    return statistics.median(samples)


def _child(work: Callable[[], object], memory_bytes: int, conn: multiprocessing.connection.Connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        conn.send(work())
    except MemoryError:
        conn.send("out of memory")


def guarded(work: Callable[[], T], *, timeout: float = 120.0, memory_gib: float = 6.0) -> T | str:
    """Run a measurement in a forked child capped at ``memory_gib`` and ``timeout`` seconds.

    Returns what ``work`` returned, or a short text saying why there is no figure.
    """
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(work, int(memory_gib * 2**30), child))
    proc.start()
    child.close()
    if not parent.poll(timeout):
        proc.kill()
        proc.join()
        return f"> {timeout:.0f} s"
    try:
        result: T | str = parent.recv()
    except EOFError:
        result = "crashed (memory)"
    proc.join()
    return result


def growth_exponent(sizes: Sequence[int], seconds: Sequence[float]) -> float:
    """Least-squares slope of log(time) over log(N): 1.0 is linear, 2.0 quadratic."""
    xs = [math.log(n) for n in sizes]
    ys = [math.log(max(s, 1e-9)) for s in seconds]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


@dataclass(frozen=True)
class Row:
    """One line of a benchmark table."""

    case: str
    ours: float
    kedro: float | str

    @property
    def ratio(self) -> str:
        if isinstance(self.kedro, str):
            return "n/a"
        return f"{self.kedro / self.ours:,.1f}x" if self.ours > 0 else "inf"


def _fmt(value: float | str) -> str:
    if isinstance(value, str):
        return value
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.2f} ms"
    return f"{value * 1e6:.1f} µs"


def print_table(title: str, rows: Sequence[Row]) -> None:
    """Print ``rows`` as a Markdown table (medians; ratio = Kedro / kedro-pure)."""
    print(f"\n### {title}\n")
    print("| case | kedro-pure | Kedro 1.7.0 | ratio |")
    print("|---|---:|---:|---:|")
    for row in rows:
        print(f"| {row.case} | {_fmt(row.ours)} | {_fmt(row.kedro)} | {row.ratio} |")
