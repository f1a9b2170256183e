"""The bounded pool the service's runs execute in: worker threads behind pure admission.

Admission (how many runs may be in flight, 429/503 and ``Retry-After``) is decided by
:mod:`core.service.admission`; this class holds its one state cell under a lock, runs the
admitted work on ``workers`` threads, and offers a cooperative stop: once :meth:`stop` is
called, :meth:`check_stop` raises :class:`RunStopped` (a ``KeyboardInterrupt``), which the
service calls before every node starts, so a run in flight ends the way a Ctrl-C ends it:
``on_pipeline_error`` fires, the run is recorded as interrupted, nothing is half-written.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from returns.result import Failure, Result, Success

from core.service.admission import (
    PoolState,
    Refusal,
    RefusalReason,
    admit,
    drain,
    finish,
    new_pool,
    retry_after,
    start,
)

__all__ = ["RunPool", "RunStopped"]

_T = TypeVar("_T")


class RunStopped(KeyboardInterrupt):
    """Raised in a run's thread when the server stops it (handled as an interruption)."""


class RunPool:
    """Runs admitted work on ``workers`` threads; at most ``queue_limit`` more wait.

    Args:
        workers: Runs executing at once.
        queue_limit: Admitted runs that may wait for a worker (default: ``workers``).
    """

    def __init__(self, workers: int, queue_limit: int | None = None) -> None:
        self._state = new_pool(workers, queue_limit)
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kedro-pure-run")

    @property
    def state(self) -> PoolState:
        """The current admission state (a value)."""
        return self._state

    def submit(self, run_id: str, work: Callable[[], _T]) -> Result[Future[_T], Refusal]:
        """Admit ``run_id`` and run ``work`` on a worker, or say why not (429/503)."""
        with self._changed:
            admitted = admit(self._state, run_id)
            if isinstance(admitted, Failure):
                return Failure(admitted.failure())
            self._state = admitted.unwrap()

        def task() -> _T:
            with self._changed:
                self._state = start(self._state, run_id)
            began = time.perf_counter()
            try:
                return work()
            finally:
                with self._changed:
                    self._state = finish(self._state, run_id, (time.perf_counter() - began) * 1000)
                    self._changed.notify_all()

        try:
            return Success(self._executor.submit(task))
        except RuntimeError:  # the executor was shut down between admission and submission
            with self._changed:
                self._state = finish(self._state, run_id, None)
                self._changed.notify_all()
            return Failure(
                Refusal(RefusalReason.DRAINING, retry_after(self._state), "The server is shutting down.")
            )

    def check_stop(self) -> None:
        """Raise :class:`RunStopped` once :meth:`stop` was called (a node-boundary check)."""
        if self._stop.is_set():
            raise RunStopped

    @property
    def stopping(self) -> bool:
        """Whether runs are being stopped."""
        return self._stop.is_set()

    def drain(self) -> None:
        """Admit no new run; runs in flight carry on."""
        with self._changed:
            self._state = drain(self._state)

    def stop(self) -> None:
        """Ask every run in flight to stop before its next node (queued runs stop at once)."""
        self._stop.set()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no run is in flight, at most ``timeout`` seconds; ``True`` if idle."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._state.in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
        return True

    def shutdown(self, grace: float, stop_timeout: float) -> bool:
        """Drain, let runs finish for ``grace`` seconds, then stop the rest.

        Returns:
            ``True`` when every run ended (finished or stopped and recorded); ``False`` when
            some node was still running ``stop_timeout`` seconds after the stop (its thread is
            abandoned; the store keeps the run as ``running``).
        """
        self.drain()
        idle = self.wait_idle(grace)
        if not idle:
            self.stop()
            idle = self.wait_idle(stop_timeout)
        self._executor.shutdown(wait=idle, cancel_futures=False)
        return idle
