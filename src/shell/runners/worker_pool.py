"""The ``ParallelRunner``'s process pool: how its workers start, are all started before the
first node, and are stopped on an interrupt.

The functions run in the workers (``keep_go``, ``hold_until_go``) are pickled by reference, so
they live in this small module, which the fork server preloads.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from core.errors import RunError, RunErrorReason
from shell.runners import worker_logs
from shell.runners.lifeline import arm_worker, blocked_interrupts

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.synchronize import Event as EventType

__all__ = ["hold_until_go", "keep_go", "start_every_worker", "start_method", "stop_workers"]

#: Start methods a user may choose through ``KEDRO_MP_CONTEXT`` (Kedro's variable).
_START_METHODS = ("fork", "spawn", "forkserver")


#: In a worker: the event that holds start-up tasks until every worker has been started.
_WORKER_STATE: dict[str, EventType] = {}

#: How long a start-up task waits for the others to be submitted (a safety net: the driver
#: submits them back to back).
_START_WAIT = 60.0


def keep_go(
    go: EventType, levels: worker_logs.LoggingLevels | None = None, driver_pid: int | None = None
) -> None:
    """The pool's initializer: die with the driver and ignore Ctrl-C (the driver handles
    it, see :mod:`shell.runners.lifeline`), keep the start-up event in the worker and
    collect its log records at the driver's levels."""
    if driver_pid is not None:
        arm_worker(driver_pid)
    _WORKER_STATE["go"] = go
    if levels is not None:
        worker_logs.prepare_worker(levels)


def hold_until_go() -> None:
    """A start-up task: occupy this worker until every worker has been asked for."""
    _WORKER_STATE["go"].wait(_START_WAIT)


def start_every_worker(pool: ProcessPoolExecutor, count: int, go: EventType) -> RunError | None:
    """Start all ``count`` workers before any node is submitted.

    ``ProcessPoolExecutor`` (spawn and forkserver) starts a worker on demand in ``submit``,
    *after* waking its manager thread; a worker started then is not watched for death until
    the manager wakes again, so one killed while running a node leaves the run waiting
    forever. Here each start-up task holds its worker until all are submitted, so each
    submit starts a worker and their results wake the manager once every worker exists; no
    worker is started after that.
    """
    from concurrent.futures.process import BrokenProcessPool

    # Workers (and a fork server started now) inherit the blocked SIGINT: a Ctrl-C during
    # start-up reaches the driver alone, once they are all started.
    try:
        with blocked_interrupts():
            holding = [pool.submit(hold_until_go) for _ in range(count)]
    finally:
        go.set()  # even when interrupted: no worker may sit out its start-up wait
    try:
        for future in holding:
            future.result()
    except BrokenProcessPool as exc:
        return RunError(
            RunErrorReason.WORKER_DIED,
            f"a worker process died while starting, before any node ran: {exc}",
            cause=exc,
        )
    return None


def start_method() -> str:
    """``KEDRO_MP_CONTEXT`` if set; else ``fork`` while this process has a single thread,
    else ``forkserver`` where available.

    Forked workers start at once with everything the driver imported (the project's node
    modules: pandas, scikit-learn...), as Kedro's do. But forking a process in which another
    thread may hold a lock (a logging handler's, a progress bar's) can leave the child waiting
    on it forever, so a threaded driver (the HTTP service, an embedding application) uses a
    fork server, which forks from a clean single thread and preloads those modules once.
    Every worker is started before the first driver thread (:func:`start_every_worker`).
    """
    import multiprocessing

    chosen = os.environ.get("KEDRO_MP_CONTEXT", "")
    if chosen in _START_METHODS:
        return chosen
    available = multiprocessing.get_all_start_methods()
    if "fork" in available and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in available else multiprocessing.get_start_method()


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """On Ctrl-C, stop the nodes running in workers instead of waiting for them to finish.

    The pool has no public way to stop calls that are already running, so its worker
    processes are terminated; the driver threads waiting on them then see a broken pool and
    return at once. A worker killed while saving leaves kedro-pure's file datasets as they
    were (they save atomically, through a temporary file); a dataset that writes in place
    (Kedro's) may be left half-written, as Ctrl-C during its save in a sequential run would.
    """
    workers: dict[int, Any] = getattr(pool, "_processes", None) or {}
    for process in list(workers.values()):
        process.kill()  # SIGKILL: a node ignoring SIGTERM must not outlive the interrupt
    pool.shutdown(wait=False, cancel_futures=True)
