"""The loops that drive :mod:`core.scheduler` through one run: one node at a time
(:func:`drive_sequentially`) or several at once on an executor (:func:`drive_concurrently`).

Neither re-derives dependencies, load counts or release decisions: the scheduler answers all
of that. Each node's outcome comes back from :func:`~shell.runners.task.run_node`; a failed
node's error gets the nodes that completed and the core's resume plan, whose
``--from-nodes`` hint is also logged as Kedro logs it.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import RunError, RunErrorReason
from core.pipeline import Pipeline
from core.resume import ResumePlan, resume_plan
from core.scheduler import (
    Progress,
    Scheduler,
    mark_completed,
    mark_failed,
    mark_submitted,
    next_ready,
    progress,
    start,
    take_ready,
    view,
)
from shell import interrupts
from shell.runners.progress import ProgressEvent, ProgressKind, ignore_progress
from shell.runners.run_context import RunContext
from shell.runners.run_tools import NodeAbort
from shell.runners.task import run_node, run_steps

__all__ = ["CHECKPOINT_INTERVAL", "drive_concurrently", "drive_sequentially", "required_workers"]


def _release(context: RunContext, names: Iterable[str]) -> None:
    tools = context.tools or context.run_tools()
    for name in names:
        problem = tools.release(name)
        if problem is not None:
            # Releasing only frees memory early; a failure loses no data, so it is reported
            # and the run goes on.
            context.logger.warning("%s", problem.message)


def _completed(
    context: RunContext, s: Scheduler, name: str, done: list[str]
) -> tuple[Scheduler, tuple[str, ...]]:
    """Record a completed node, report it, and release what the scheduler says may go.

    Returns:
        The new scheduler and the released dataset names (a runner that keeps data outside
        the catalog, like the Dask runner, drops its copies of those too).
    """
    s, releasable = mark_completed(s, name)
    done.append(name)
    if context.log_gate.get(logging.INFO) is not False:  # see shell.log_gate
        context.logger.info("Completed node: %s", name)
        context.logger.info("Completed %d out of %d tasks", len(done), len(context.pipeline.nodes))
    if context.progress is not ignore_progress:  # RunContext.listening, without the call
        context.progress(ProgressEvent(ProgressKind.COMPLETED, name, len(done), len(context.pipeline.nodes)))
    if releasable:
        _release(context, releasable)
    return s, releasable


def _failed(context: RunContext, error: RunError, done: list[str]) -> Failure[RunError]:
    plan: ResumePlan = resume_plan(context.pipeline, done, context.snapshot)
    context.logger.warning(plan.message)
    return Failure(
        RunError(
            error.reason,
            error.message,
            node=error.node,
            cause=error.cause,
            completed=tuple(done),
            resume=plan,
        )
    )


def _stuck(s: Scheduler, done: list[str]) -> RunError:
    snapshot = view(s)
    return RunError(
        RunErrorReason.NODE_FAILED,
        "Unable to schedule new tasks although some nodes have not been run:\n"
        f"todo_nodes = {sorted(snapshot.pending)}\ndone_nodes = {sorted(done)}",
        completed=tuple(done),
    )


def drive_sequentially(context: RunContext) -> Result[None, RunError]:
    """Run the nodes one at a time, in Kedro's ``pipeline.nodes`` order."""
    s = start(context.pipeline)
    done: list[str] = []
    total = len(context.pipeline.nodes)
    by_name = context.pipeline.graph.by_name
    tools = context.run_tools()
    listening = context.listening
    is_async, run_id, call = context.is_async, context.run_id, context.call
    while (name := next_ready(s)) is not None:
        s = mark_submitted(s, name)
        if listening:
            context.progress(ProgressEvent(ProgressKind.STARTED, name, len(done), total))
        try:
            run_steps(by_name[name], tools, is_async, run_id, call)
        except NodeAbort as abort:
            s = mark_failed(s, name)
            if listening:
                context.progress(ProgressEvent(ProgressKind.FAILED, name, len(done), total))
            return _failed(context, abort.error, done)
        s, _ = _completed(context, s, name, done)
        # A checkpoint: an interrupt a finalizer swallowed still stops the run here.
        interrupts.raise_if_requested()
    if progress(s) is Progress.STUCK:
        return Failure(_stuck(s, done))
    return Success(None)


#: Seconds between two interrupt checkpoints of :func:`drive_concurrently` while it waits.
CHECKPOINT_INTERVAL = 0.25


def drive_concurrently(
    context: RunContext,
    executor: Executor,
    *,
    on_interrupt: Callable[[], None] | None = None,
    run_one: Callable[..., Result[None, RunError]] = run_node,
) -> Result[None, RunError]:
    """Run ready nodes concurrently on ``executor`` (threads running ``run_one``, with
    :func:`run_node`'s signature: the process runner's loads and saves in workers).

    After a failure nothing new is submitted; nodes already running finish and are recorded
    (so the resume plan knows what they saved), then the first failure is returned.
    """
    s = start(context.pipeline)
    done: list[str] = []
    total = len(context.pipeline.nodes)
    by_name = context.pipeline.graph.by_name
    running: dict[Future[Result[None, RunError]], str] = {}
    # Each future reports itself here when it finishes: O(1) per node, where
    # ``concurrent.futures.wait`` would lock and scan every running future on each call.
    finished: queue.SimpleQueue[Future[Result[None, RunError]]] = queue.SimpleQueue()
    first_error: RunError | None = None
    tools = context.run_tools()
    listening = context.listening
    try:
        while True:
            if first_error is None:
                s, names = take_ready(s)
                for name in names:
                    future = executor.submit(
                        run_one,
                        by_name[name],
                        context.catalog,
                        context.hooks,
                        is_async=context.is_async,
                        run_id=context.run_id,
                        call=context.call,
                        tools=tools,
                    )
                    running[future] = name
                    future.add_done_callback(finished.put)
                    if listening:
                        context.progress(ProgressEvent(ProgressKind.STARTED, name, len(done), total))
            if not running:
                break
            # Bounded waits make this loop a checkpoint even while nodes run for long: an
            # interrupt a finalizer swallowed is raised here within the interval.
            try:
                batch = [finished.get(timeout=CHECKPOINT_INTERVAL)]
            except queue.Empty:
                batch = []
            interrupts.raise_if_requested()
            while not finished.empty():
                batch.append(finished.get_nowait())
            for future in batch:
                name = running.pop(future)
                outcome = future.result()
                if is_successful(outcome):
                    s, _ = _completed(context, s, name, done)
                else:
                    s = mark_failed(s, name)
                    if listening:
                        context.progress(ProgressEvent(ProgressKind.FAILED, name, len(done), total))
                    first_error = first_error or outcome.failure()
    except KeyboardInterrupt:
        for future in running:
            future.cancel()
        if on_interrupt is not None:
            on_interrupt()
        raise
    if first_error is not None:
        return _failed(context, first_error, done)
    if progress(s) is Progress.STUCK:
        return Failure(_stuck(s, done))
    return Success(None)


def required_workers(pipeline: Pipeline, max_workers: int) -> int:
    """Kedro's worker count: no more than the widest possible concurrency needs."""
    return max(1, min(len(pipeline.nodes) - len(pipeline.grouped_nodes) + 1, max_workers))
