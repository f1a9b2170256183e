"""Node time limits under :class:`~shell.runners.dask.DaskRunner` (see :mod:`core.timeouts`).

* **When the clock starts.** A worker reports (a Dask event) the moment it starts a node's
  task; the limit counts from when the driver receives that report, so a task waiting for a
  free worker is not being timed. A node whose worker cannot report its start (a function
  holding the GIL in one long C call from its first instruction freezes its worker's event
  loop too) runs to its end untimed, as such a call does under ``ThreadRunner``.
* **The runner's own ``LocalCluster``.** A node past its limit has its task cancelled, then
  its worker is *retired* (the scheduler copies the data only that worker holds to another
  one and reschedules the tasks queued there: nodes running beside it are unaffected) and
  its process killed with SIGKILL; its nanny starts a fresh worker. Retiring waits at most
  :data:`RETIRE_WITHIN` seconds: a worker too stuck to answer is killed all the same.
* **A cluster passed in** (``client`` or ``address``). The task is cancelled and the node
  fails, but the function keeps running in its worker thread until it returns: Dask cannot
  stop a running thread, and the runner does not kill workers of a cluster it does not own.
  Dask then drops the result. Tasks the scheduler sends to that worker wait behind the stuck
  thread, so the runner also cancels every node it submitted that has not started yet
  (they are reported failed, and the resume plan includes them) rather than wait for them.
  Restart that worker (``client.restart_workers([address])``) to get its thread back.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from core.node import Node
from shell.runners.dask_client import _Client, _Future
from shell.runners.dask_driver import _Flight

__all__ = ["POLL", "RETIRE_WITHIN", "Limits", "Start", "Starts", "reporting_starts", "stop_task"]

#: Seconds between looks while a timed node has not reported its start yet.
POLL = 0.1
#: Seconds a stuck worker of the runner's own cluster gets to hand over its data.
RETIRE_WITHIN = 5.0
#: Seconds the scheduler gets to drop a cancelled task before its worker is retired.
FORGET_WITHIN = 2.0
_KILL = getattr(signal, "SIGKILL", signal.SIGTERM)


@dataclass(frozen=True, slots=True)
class Start:
    """A task's start as reported by its worker.

    ``at`` is ``time.monotonic()`` in the driver when the report arrived.
    """

    at: float
    worker: str


class Starts:
    """The start reports of one run's tasks, by task key (filled from Dask's event thread)."""

    def __init__(self) -> None:
        self.topic = f"kedro-pure-node-starts-{uuid.uuid4().hex}"
        self._lock = threading.Lock()
        self._seen: dict[str, Start] = {}

    def record(self, event: tuple[float, Mapping[str, object]]) -> None:
        """The event handler: remember when and where the reported task started."""
        message = event[1]
        start = Start(time.monotonic(), str(message.get("worker", "")))
        with self._lock:
            self._seen[str(message.get("key", ""))] = start

    def of(self, key: str) -> Start | None:
        """The start of task ``key``, if its worker has reported it."""
        with self._lock:
            return self._seen.get(key)


@contextmanager
def reporting_starts(client: _Client) -> Iterator[Starts]:
    """Receive the workers' start reports while the block runs."""
    starts = Starts()
    client.subscribe_topic(starts.topic, starts.record)
    try:
        yield starts
    finally:
        client.unsubscribe_topic(starts.topic)


@dataclass(frozen=True, slots=True)
class Limits:
    """The time limit of each node and the start reports: which tasks are overdue, and how
    long the driver may wait before looking again."""

    starts: Starts
    limit_of: Callable[[Node], float | None]

    def overdue(self, flights: Iterable[_Flight], now: float) -> list[tuple[_Flight, float, Start]]:
        """The flights past their limit at ``now``, with the limit and where they run."""
        late = []
        for flight in flights:
            seconds = self.limit_of(flight.node)
            start = self.starts.of(flight.task.key) if seconds is not None else None
            if seconds is not None and start is not None and now - start.at >= seconds:
                late.append((flight, seconds, start))
        return late

    def wait_at_most(self, flights: Iterable[_Flight], now: float) -> float | None:
        """Seconds until the next limit may run out (``None``: no running node is timed)."""
        waits: list[float] = []
        for flight in flights:
            seconds = self.limit_of(flight.node)
            if seconds is None:
                continue
            start = self.starts.of(flight.task.key)
            waits.append(POLL if start is None else max(start.at + seconds - now, 0.0))
        return min(waits, default=None)


def stop_task(client: _Client, task: _Future, start: Start, cluster: object | None) -> None:
    """Cancel ``task``; on the runner's own ``cluster`` also retire and kill its worker."""
    client.cancel([task])
    if cluster is None:
        return
    # The cancellation travels on the client's message stream, retiring on its own
    # connection: retired first, the worker's tasks, this one included, would be
    # rescheduled elsewhere and the stuck node start again there.
    for _ in range(int(FORGET_WITHIN / POLL)):
        if client.run_on_scheduler(_forgotten, task.key):
            break
        time.sleep(POLL)
    with suppress(TimeoutError, OSError):  # a worker too stuck to hand over its data
        client.retire_workers([start.worker], close_workers=False, callback_timeout=RETIRE_WITHIN)
    pid = _worker_pid(cluster, start.worker)
    if pid is not None:
        with suppress(ProcessLookupError):  # it ended on its own meanwhile
            os.kill(pid, _KILL)


def _forgotten(key: str, dask_scheduler: object) -> bool:
    """Run on the scheduler: whether it no longer knows task ``key``."""
    tasks = getattr(dask_scheduler, "tasks", {})
    return key not in tasks


def _worker_pid(cluster: object, address: str) -> int | None:
    """The process id of the worker at ``address`` of a ``LocalCluster`` (its nannies are
    objects of this process), or ``None`` when no nanny runs it any more."""
    nannies = getattr(cluster, "workers", {})
    for nanny in list(nannies.values()) if isinstance(nannies, Mapping) else []:
        if getattr(nanny, "worker_address", None) == address:
            pid = getattr(nanny, "pid", None)
            return pid if isinstance(pid, int) else None
    return None
