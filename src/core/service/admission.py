"""Admission to the service's bounded pool of runs, as a pure state machine.

Theory of operation
-------------------
The service executes runs on ``workers`` threads and lets at most ``queue_limit`` more wait
for a thread. The shell holds one :class:`PoolState` and replaces it with what these
functions return, under a lock:

::

    admit(run_id)  ──▶ queued ──start(run_id)──▶ running ──finish(run_id, ms)──▶ (gone)
        │
        └── refused: FULL     (429: every worker busy and the queue full)
                     DRAINING (503: the server is shutting down)

A refusal tells the client when to come back (:func:`retry_after`): the time the runs ahead
of it need, estimated from the median duration of the last :data:`RECENT` runs, spread over
the workers, rounded up to whole seconds and kept between 1 and :data:`MAX_RETRY_AFTER`.
Nothing is ever queued without bound: admission is the only way in.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, replace
from statistics import median

from returns.result import Failure, Result, Success

__all__ = [
    "MAX_RETRY_AFTER",
    "RECENT",
    "PoolState",
    "Refusal",
    "RefusalReason",
    "admit",
    "drain",
    "finish",
    "new_pool",
    "retry_after",
    "start",
]

#: How many recent durations the Retry-After estimate uses.
RECENT = 32
#: The longest Retry-After the service asks for, in seconds.
MAX_RETRY_AFTER = 60


class RefusalReason(enum.Enum):
    """Why a run was not admitted."""

    #: every worker is busy and the queue is full: HTTP 429
    FULL = "full"
    #: the server is shutting down: HTTP 503
    DRAINING = "draining"


@dataclass(frozen=True, slots=True)
class Refusal:
    """A run that was not admitted, and when to try again.

    Attributes:
        reason: FULL or DRAINING.
        retry_after: Seconds the client should wait (the ``Retry-After`` header).
        message: What to tell the client.
    """

    reason: RefusalReason
    retry_after: int
    message: str

    @property
    def status_code(self) -> int:
        """429 for a full pool, 503 for a draining server."""
        return 429 if self.reason is RefusalReason.FULL else 503


@dataclass(frozen=True, slots=True)
class PoolState:
    """The pool's admitted runs.

    Attributes:
        workers: Runs that execute at once.
        queue_limit: Runs that may wait for a worker.
        queued: Admitted runs waiting for a worker, oldest first.
        running: Runs executing now.
        draining: No new run is admitted (the server is stopping).
        recent_ms: Durations of the last finished runs, oldest first (at most RECENT).
    """

    workers: int
    queue_limit: int
    queued: tuple[str, ...] = ()
    running: frozenset[str] = frozenset()
    draining: bool = False
    recent_ms: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if self.workers < 1 or self.queue_limit < 0:
            raise ValueError(f"A pool needs workers >= 1 and queue_limit >= 0: {self!r}")

    @property
    def capacity(self) -> int:
        """How many runs may be admitted at once."""
        return self.workers + self.queue_limit

    @property
    def in_flight(self) -> int:
        """Runs admitted and not finished."""
        return len(self.queued) + len(self.running)

    def status(self, run_id: str) -> str | None:
        """``"queued"``, ``"running"`` or ``None`` (not in the pool)."""
        if run_id in self.running:
            return "running"
        return "queued" if run_id in self.queued else None


def new_pool(workers: int, queue_limit: int | None = None) -> PoolState:
    """An empty pool; the queue holds as many runs as there are workers by default."""
    return PoolState(workers=workers, queue_limit=workers if queue_limit is None else queue_limit)


def retry_after(state: PoolState) -> int:
    """Seconds until a worker is likely free: the runs ahead, spread over the workers."""
    typical_ms = median(state.recent_ms) if state.recent_ms else 1000.0
    waiting_rounds = (state.in_flight + 1) / state.workers
    seconds = math.ceil(typical_ms * waiting_rounds / 1000.0)
    return max(1, min(MAX_RETRY_AFTER, seconds))


def admit(state: PoolState, run_id: str) -> Result[PoolState, Refusal]:
    """Queue ``run_id`` if the pool has room.

    Returns:
        ``Success`` with the run queued; ``Failure(Refusal)``: DRAINING when the server is
        stopping, FULL when ``capacity`` runs are already in flight. An id already in the
        pool is refused as FULL too (the shell makes ids unique, so it is a bug upstream).
    """
    if state.draining:
        return Failure(
            Refusal(
                RefusalReason.DRAINING,
                retry_after(state),
                "The server is shutting down and accepts no new run; retry on another "
                "instance or after it restarts.",
            )
        )
    if state.in_flight >= state.capacity or state.status(run_id) is not None:
        return Failure(
            Refusal(
                RefusalReason.FULL,
                retry_after(state),
                f"All {state.workers} worker(s) are busy and {state.queue_limit} run(s) are "
                "already waiting; retry after the Retry-After delay.",
            )
        )
    return Success(replace(state, queued=(*state.queued, run_id)))


def start(state: PoolState, run_id: str) -> PoolState:
    """A worker took ``run_id``: queued -> running (a run not queued is left as it is)."""
    if run_id not in state.queued:
        return state
    return replace(
        state,
        queued=tuple(queued for queued in state.queued if queued != run_id),
        running=state.running | {run_id},
    )


def finish(state: PoolState, run_id: str, duration_ms: float | None) -> PoolState:
    """``run_id`` left the pool (finished, or dropped before starting: ``duration_ms=None``)."""
    if state.status(run_id) is None:
        return state
    recent = state.recent_ms
    if duration_ms is not None:
        recent = (*recent, max(0.0, duration_ms))[-RECENT:]
    return replace(
        state,
        queued=tuple(queued for queued in state.queued if queued != run_id),
        running=state.running - {run_id},
        recent_ms=recent,
    )


def drain(state: PoolState) -> PoolState:
    """Stop admitting runs; those in flight carry on."""
    return replace(state, draining=True)
