"""Shared timing helpers for the side-by-side benchmarks (kedro-pure vs Kedro 1.7.0).

Timings are medians of several repetitions, of wall time and, beside it, of CPU time
(``time.process_time``: on a loaded machine the CPU ratio stays usable when wall times do
not); ratios are Kedro / kedro-pure (higher is better for us). Tables also show a **floor**:
the same work done with no framework (plain dicts, sets and ``graphlib``), and our time
divided by it. Growth exponents are taken between the two largest sizes. Work that may exhaust memory or take minutes in Kedro runs in a forked child with a
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

__all__ = ["Row", "Seconds", "cpu_of", "fmt", "growth_exponent", "guarded", "median_seconds", "print_table"]


class Seconds(float):
    """A median wall time that also carries the median CPU time of the same samples.

    Scaling (``/ n``, ``* k``) and differences keep both, so per-node figures keep their CPU.
    """

    cpu: float

    def __new__(cls, wall: float, cpu: float) -> Seconds:
        made = super().__new__(cls, wall)
        made.cpu = cpu
        return made

    def __getnewargs__(self) -> tuple[float, float]:  # type: ignore[override]
        return (float(self), self.cpu)

    def __truediv__(self, other: object) -> float:
        if isinstance(other, Seconds):
            return float(self) / float(other)  # a ratio, not a time
        if not isinstance(other, int | float):
            return NotImplemented
        return Seconds(float(self) / other, self.cpu / other)

    def __mul__(self, other: object) -> float:
        if not isinstance(other, int | float) or isinstance(other, Seconds):
            return NotImplemented
        return Seconds(float(self) * other, self.cpu * other)

    __rmul__ = __mul__

    def __sub__(self, other: object) -> float:
        if not isinstance(other, Seconds):
            return float(self) - other if isinstance(other, int | float) else NotImplemented
        return Seconds(float(self) - float(other), self.cpu - other.cpu)


def cpu_of(value: float | str) -> float | str:
    """The CPU time a measurement carries (``"—"`` when it has none)."""
    if isinstance(value, Seconds):
        return value.cpu
    return "—" if not isinstance(value, str) else value


def median_seconds(work: Callable[[], object], *, repeat: int = 5, budget: float = 30.0) -> Seconds:
    """Median wall and CPU time of ``work()``; stops repeating once ``budget`` seconds are spent."""
    walls: list[float] = []
    cpus: list[float] = []
    spent = 0.0
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        work()
        elapsed = time.perf_counter() - start
        cpus.append(time.process_time() - cpu)
        walls.append(elapsed)
        spent += elapsed
        if spent > budget:
            break
    return Seconds(statistics.median(walls), statistics.median(cpus))


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
    """Slope of log(time) over log(N) between the two largest sizes: 1.0 is linear, 2.0
    quadratic (the largest sizes are where a super-linear term shows)."""
    points = sorted(zip(sizes, seconds, strict=True))
    if len(points) < 2 or points[-1][0] == points[-2][0]:
        return 0.0
    (n1, s1), (n2, s2) = points[-2], points[-1]
    return (math.log(max(s2, 1e-9)) - math.log(max(s1, 1e-9))) / (math.log(n2) - math.log(n1))


@dataclass(frozen=True)
class Row:
    """One line of a benchmark table."""

    case: str
    ours: float
    kedro: float | str
    #: the same work with no framework (``"—"``: no floor measured for this case)
    floor: float | str = "—"

    @property
    def ratio(self) -> str:
        if isinstance(self.kedro, str):
            return "n/a"
        return f"{self.kedro / self.ours:,.1f}x" if self.ours > 0 else "inf"

    @property
    def cpu_ratio(self) -> str:
        ours, kedro = cpu_of(self.ours), cpu_of(self.kedro)
        if isinstance(ours, str) or isinstance(kedro, str) or ours <= 0:
            return "n/a"
        return f"{kedro / ours:,.1f}x"

    @property
    def over_floor(self) -> str:
        if isinstance(self.floor, str) or self.floor <= 0:
            return "—"
        return f"{self.ours / self.floor:,.1f}x"


def _fmt(value: float | str) -> str:
    if isinstance(value, str):
        return value
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.2f} ms"
    return f"{value * 1e6:.1f} µs"


def fmt(value: float | str) -> str:
    """Seconds in s, ms or µs (text passes through)."""
    return _fmt(value)


def print_table(title: str, rows: Sequence[Row]) -> None:
    """Print ``rows`` as a Markdown table: medians of wall and CPU time, the floor, ratios
    Kedro / kedro-pure (wall and CPU) and kedro-pure / floor."""
    print(f"\n### {title}\n")
    print("| case | kedro-pure | CPU | Kedro 1.7.0 | CPU | floor | ratio | CPU ratio | vs floor |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row.case} | {_fmt(row.ours)} | {_fmt(cpu_of(row.ours))} | {_fmt(row.kedro)} | "
            f"{_fmt(cpu_of(row.kedro))} | {_fmt(row.floor)} | {row.ratio} | {row.cpu_ratio} | "
            f"{row.over_floor} |"
        )
