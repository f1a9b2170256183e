"""``drive_in_threads``: the thread runner's loop, with worker threads that schedule themselves.

Handing each node from a driver thread to a pool thread and its completion back costs two
thread wake-ups per node: ~16 µs of CPU on a loaded 2-core machine, more than the rest of a
trivial node's cost. Here the worker threads share the run's bookkeeping under one lock: a
worker that finishes a node records it (Kedro's records, progress, releases), takes what
became ready, keeps one node for itself and wakes idle workers only for the others. A chain
of nodes therefore runs on one thread without any hand-off; independent nodes still run
concurrently, up to the number of workers.

What stays as in :func:`~shell.runners.drive.drive_concurrently`: after a failure no new
node is taken from the scheduler (nodes already handed out still run and are recorded, so
the resume plan knows what they saved) and the first failure is returned; the calling thread
waits in bounded steps, so an interrupt a finalizer swallowed is raised there within
:data:`~shell.runners.drive.CHECKPOINT_INTERVAL`. What a completion logs and reports now
comes from the worker thread that ran the node (in Kedro, from the main thread).

The calling thread gives up on nodes stuck inside their call
(:mod:`shell.runners.thread_timeouts`), and neither the run nor the interpreter's exit waits
for their threads (workers are daemon threads):

* with time limits, a node still running at its limit fails as if it had stopped;
* on an interrupt (Ctrl-C, SIGTERM) no further node starts; the running ones get
  :data:`INTERRUPT_GRACE` to finish (and are recorded as usual if they do); then every node
  still inside its call is abandoned (no further hook, nothing recorded, as a node a
  sequential run's interrupt lands in) and no call starts any more. Nodes loading inputs,
  firing hooks or saving outputs at that moment finish that step (a call they reach is not
  made), then the interrupt propagates.
"""

from __future__ import annotations

import collections
import threading
from dataclasses import replace

from returns.result import Failure, Result, Success

from core.errors import RunError, RunErrorReason
from core.node import Node
from core.scheduler import Progress, mark_failed, progress, start, take_ready
from shell import interrupts
from shell.runners.drive import CHECKPOINT_INTERVAL, _completed, _failed, _stuck
from shell.runners.progress import ProgressEvent, ProgressKind
from shell.runners.run_context import RunContext
from shell.runners.run_tools import NodeAbort, RunTools
from shell.runners.task import _node_error, run_steps
from shell.runners.thread_timeouts import Abandoned, Flight, Watch, Withdrawn
from shell.runners.timeouts import NodeTimedOut

__all__ = ["INTERRUPT_GRACE", "drive_in_threads"]

#: Seconds an interrupted run gives its running nodes to finish before abandoning them (the
#: bound of the other runners' rule: an interrupt ends a run within 1 s of the running
#: nodes' next checkpoint).
INTERRUPT_GRACE = 1.0


class _Board:
    """The run's shared bookkeeping; every field is read and written under ``lock``."""

    def __init__(self, context: RunContext) -> None:
        self.context = context
        self.lock = threading.Lock()
        #: workers wait here for ready nodes
        self.work = threading.Condition(self.lock)
        #: set once nothing is ready or running any more (or the run stops)
        self.finished = threading.Event()
        self.scheduler = start(context.pipeline)
        self.ready: collections.deque[str] = collections.deque()
        self.running = 0
        self.done: list[str] = []
        self.first_error: RunError | None = None
        #: something other than a node's failure went wrong in a worker (re-raised by the caller)
        self.crash: BaseException | None = None
        self.stopping = False
        self.by_name: dict[str, Node] = dict(context.pipeline.graph.by_name)
        self.tools: RunTools = context.run_tools()
        self.total = len(context.pipeline.nodes)

    def hand_out(self) -> None:
        """Queue what became ready (under the lock), reporting each as started."""
        if self.first_error is not None or self.stopping:
            return
        self.scheduler, names = take_ready(self.scheduler)
        if not names:
            return
        self.ready.extend(names)
        context = self.context
        if context.listening:
            for name in names:
                context.progress(ProgressEvent(ProgressKind.STARTED, name, len(self.done), self.total))

    def settle(self) -> None:
        """After a change (under the lock): finish the run, or wake workers for ready nodes."""
        if self.running == 0 and not self.ready:
            self.finished.set()
            self.work.notify_all()
        elif len(self.ready) > 1:
            # The worker settling takes one node itself; others are woken for the rest.
            self.work.notify(len(self.ready) - 1)

    def record(self, name: str, error: RunError | None) -> None:
        """Record one node's outcome, ``None`` or its error (under the lock)."""
        context = self.context
        if error is None:
            self.scheduler, _ = _completed(context, self.scheduler, name, self.done)
            self.hand_out()
        else:
            self.scheduler = mark_failed(self.scheduler, name)
            if context.listening:
                context.progress(ProgressEvent(ProgressKind.FAILED, name, len(self.done), self.total))
            if self.first_error is None:
                self.first_error = error

    def stop(self, crash: BaseException | None = None) -> None:
        """Start no further node (under the lock); a ``crash`` is re-raised by the caller."""
        self.stopping = True
        self.ready.clear()
        if crash is not None and self.crash is None:
            self.crash = crash
        if self.running == 0:
            self.finished.set()
        self.work.notify_all()

    def worker(self) -> None:
        """One worker thread: take a ready node, run it, record it; until the run is over."""
        context = self.context
        while True:
            with self.lock:
                while not self.ready and not self.finished.is_set():
                    self.work.wait()
                if not self.ready:
                    return
                name = self.ready.popleft()
                self.running += 1
            error: RunError | None = None
            try:
                run_steps(self.by_name[name], self.tools, context.is_async, context.run_id, context.call)
            except NodeAbort as abort:
                error = abort.error
            except Abandoned:  # the run gave up on this node and no longer counts it
                return
            except Withdrawn:  # interrupted before its call: over, and not recorded
                with self.lock:
                    self.running -= 1
                    self.settle()
                return
            except BaseException as escaped:  # not a node failure (those are NodeAbort): stop the run
                with self.lock:
                    self.running -= 1
                    self.stop(escaped)
                return
            if not self.land(name, error):
                return

    def land(self, name: str, error: RunError | None) -> bool:
        """Count a running node as over and record it; ``False`` if that stopped the run."""
        with self.lock:
            self.running -= 1
            try:
                self.record(name, error)
            except BaseException as escaped:  # a progress callback or log handler raised
                self.stop(escaped)
                return False
            self.settle()
        return True

    def abandon_overdue(self, watch: Watch) -> None:
        """Fail the nodes past their time limit that are still running (see module doc)."""
        context = self.context
        for flight in watch.overdue():
            try:
                error = _node_error(
                    flight.node, NodeTimedOut(flight.node.name, flight.seconds), context.hooks,
                    context.catalog, flight.inputs(), is_async=context.is_async,
                    run_id=context.run_id, reason=RunErrorReason.TIMEOUT,
                )
            except BaseException as escaped:  # an on_node_error hook raised: stop the run
                with self.lock:
                    self.running -= 1
                    self.stop(escaped)
                continue
            self.land(flight.node.name, error)

    def abandon_interrupted(self, flights: list[Flight]) -> None:
        """Count nodes abandoned on an interrupt as over, recording nothing of them."""
        with self.lock:
            self.running -= len(flights)
            self.settle()


def drive_in_threads(context: RunContext, workers: int, *, name_prefix: str) -> Result[None, RunError]:
    """Run the nodes of ``context`` on ``workers`` self-scheduling threads (see module doc)."""
    watch = Watch(context.call, context.timeout_for)
    context = replace(context, call=watch)
    timed = watch if context.timeout_for is not None else None
    board = _Board(context)
    threads = [
        threading.Thread(target=board.worker, name=f"{name_prefix}_{i}", daemon=True) for i in range(workers)
    ]
    try:  # an interrupt may land from here on, while the workers start too
        with board.lock:
            board.hand_out()
            board.settle()
        for thread in threads:
            thread.start()
        # Bounded waits make this a checkpoint even while nodes run for long.
        while not _wait(board, timed):
            interrupts.raise_if_requested()
        interrupts.raise_if_requested()
    except BaseException:
        _stop_interrupted(board, watch)
        _join(threads, watch)
        raise
    _join(threads, watch)
    if board.crash is not None:
        raise board.crash
    if board.first_error is not None:
        return _failed(context, board.first_error, board.done)
    if progress(board.scheduler) is Progress.STUCK:
        return Failure(_stuck(board.scheduler, board.done))
    return Success(None)


def _stop_interrupted(board: _Board, watch: Watch) -> None:
    """Start no further node, give the running ones :data:`INTERRUPT_GRACE`, abandon those
    still inside their call, and wait for the others (loading, in a hook, saving)."""
    with board.lock:
        board.stop()
    try:
        board.finished.wait(INTERRUPT_GRACE)
    finally:  # a second interrupt during the grace ends it: no call may outlive the run
        board.abandon_interrupted(watch.close())
    while not board.finished.wait(CHECKPOINT_INTERVAL):
        pass


def _wait(board: _Board, watch: Watch | None) -> bool:
    """Wait a checkpoint interval (less if a time limit runs out sooner); whether the run is over."""
    if watch is None:
        return board.finished.wait(CHECKPOINT_INTERVAL)
    if board.finished.wait(watch.wait_hint(CHECKPOINT_INTERVAL)):
        return True
    board.abandon_overdue(watch)
    return board.finished.is_set()


def _join(threads: list[threading.Thread], watch: Watch) -> None:
    """Wait for the worker threads to end, except those running an abandoned node."""
    for thread in threads:
        if thread.ident is not None and thread.ident not in watch.abandoned:  # None: never started
            thread.join()
