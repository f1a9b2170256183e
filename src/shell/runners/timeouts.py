"""Stopping a node that runs past its time limit (see :mod:`core.timeouts`).

The call strategy of the runner is wrapped (:func:`timed`) so that a node still running
when its time is up fails with :class:`NodeTimedOut`, which the task turns into
``RunError(TIMEOUT)`` with the resume plan:

* in the main thread (``SequentialRunner``), a real-time timer (``SIGALRM``) raises it in
  the node, even inside ``time.sleep`` or a blocking read;
* in another thread (``ThreadRunner``), it is raised asynchronously in that thread, which
  happens as soon as the node next runs Python code; a node blocked inside a C call never
  sees it, so the thread runner's driver abandons it at its limit
  (:mod:`shell.runners.thread_timeouts`);
* ``ParallelRunner`` waits for the worker with the same limit and kills the worker processes
  (a stuck process cannot be stopped otherwise; other nodes running at that moment fail
  with ``WORKER_DIED``); with limits it submits at most one task per worker, so the limit
  is not spent waiting in the pool's queue.
* ``DaskRunner`` times each task from its start on a worker and stops it from the driver
  (:mod:`shell.runners.dask_timeouts`).
"""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Callable
from types import FrameType

from core.node import Node
from core.node_call import CallArguments
from core.timeouts import timeout_of

__all__ = ["NodeTimedOut", "TimeoutFor", "timed", "timeout_rule"]

#: The seconds a node may run (``None``: no limit).
TimeoutFor = Callable[[Node], float | None]
_Call = Callable[[Node, CallArguments], object]


class NodeTimedOut(Exception):
    """Raised in (or for) a node that ran past its time limit."""

    def __init__(self, node: str, seconds: float) -> None:
        super().__init__(
            f"node '{node}' did not finish within its time limit of {seconds:g} s and was "
            "stopped (--node-timeout, or the node's timeout-SECONDS tag)"
        )
        self.node = node
        self.seconds = seconds


def timeout_rule(default: float | None) -> TimeoutFor:
    """The time limit of each node: its ``timeout-`` tag, else ``default``."""
    return lambda node: timeout_of(node.tags, default)


def timed(inner: _Call, timeout_for: TimeoutFor) -> _Call:
    """``inner`` with each node's time limit enforced in the calling thread."""

    def call(node: Node, arguments: CallArguments) -> object:
        seconds = timeout_for(node)
        if seconds is None:
            return inner(node, arguments)
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
            return _with_alarm(inner, node, arguments, seconds)
        return _with_async_exception(inner, node, arguments, seconds)

    return call


def _with_alarm(inner: _Call, node: Node, arguments: CallArguments, seconds: float) -> object:
    def expire(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        raise NodeTimedOut(node.name, seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return inner(node, arguments)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Expired(Exception):
    """Injected into a thread whose node ran out of time (replaced by NodeTimedOut)."""


def _inject(thread_id: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


def _with_async_exception(inner: _Call, node: Node, arguments: CallArguments, seconds: float) -> object:
    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"running": True, "fired": False}

    def expire() -> None:
        with lock:
            if state["running"]:
                state["fired"] = True
                _inject(thread_id, _Expired)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        try:
            return inner(node, arguments)
        finally:
            with lock:
                state["running"] = False
                timer.cancel()
                if state["fired"]:
                    _inject(thread_id, None)  # not delivered yet: withdraw it
    except _Expired:
        raise NodeTimedOut(node.name, seconds) from None
