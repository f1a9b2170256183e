"""``AbstractRunner``: what every runner does around the loop that runs the nodes.

``run()`` follows Kedro's order: prune for ``only_missing_outputs`` (from a catalog snapshot,
decided by :mod:`core.pruning`), materialise every dataset of the pipeline and check the free
inputs, then drive :mod:`core.scheduler`. Runners differ only in how they drive it:
one node at a time (:class:`~shell.runners.sequential.SequentialRunner`) or several at once
through an executor (:func:`drive_concurrently`). None of them re-derives dependencies, load
counts or release decisions: the scheduler answers all of that.

Every expected failure is a ``Failure(RunError)``; a failed node's error carries the node,
the original exception, the nodes that completed and the core's resume plan, whose
``--from-nodes`` hint is also logged as Kedro logs it.
"""

from __future__ import annotations

import abc
import gc
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.snapshot import CatalogSnapshot
from core.errors import RunError, RunErrorReason
from core.node import Node
from core.pipeline import Pipeline
from core.pruning import prune_missing_outputs
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
from core.timeouts import TAG_PREFIX as TIMEOUT_TAG
from core.timeouts import timeout_of
from shell import interrupts
from shell.hooks.manager import HookManager, NullPluginManager
from shell.io.catalog import DataCatalog, has_plain_data_operations
from shell.io.contract import DatasetLike, is_ephemeral
from shell.io.snapshot import snapshot_catalog
from shell.runners.progress import ProgressCallback, ProgressEvent, ProgressKind, ignore_progress
from shell.runners.run_tools import RunTools
from shell.runners.task import _DONE, NodeCall, call_here, run_node
from shell.runners.timeouts import timed

__all__ = [
    "SYNC_NOTE",
    "AbstractRunner",
    "RunContext",
    "drive_concurrently",
    "drive_sequentially",
    "required_workers",
]

_ASYNC_NOTE = "Asynchronous mode is enabled for loading and saving data."
#: Logged by the runners Kedro logs it in (sequential and process runners) when not async.
SYNC_NOTE = (
    "Using synchronous mode for loading and saving data. Use the --async flag for potential "
    "performance gains. https://docs.kedro.org/en/stable/build/run_a_pipeline/"
    "#load-and-save-asynchronously"
)


@dataclass(frozen=True, slots=True)
class RunContext:
    """Everything a runner's loop needs for one run."""

    pipeline: Pipeline
    catalog: DataCatalog
    hooks: HookManager
    run_id: str | None
    is_async: bool
    #: which datasets were persisted after warm-up (for the resume plan)
    snapshot: CatalogSnapshot
    progress: ProgressCallback
    logger: logging.Logger
    call: NodeCall = call_here
    #: what the run resolved once (datasets, hooks with implementations); ``None``: nothing
    tools: RunTools | None = None

    @property
    def listening(self) -> bool:
        """Whether progress events have a receiver (none are built otherwise)."""
        return self.progress is not ignore_progress

    def run_tools(self) -> RunTools:
        """The run's tools (built without resolved datasets when none were given)."""
        return self.tools or RunTools.of(self.catalog, self.hooks)


class AbstractRunner(abc.ABC):
    """The common part of every runner.

    Args:
        is_async: load a node's inputs and save its outputs concurrently in threads.
        progress: called with a :class:`ProgressEvent` as nodes start, finish or fail.
    """

    #: The logger of the runner's records; Kedro's runners log under their module's name, so
    #: a subclass defined elsewhere logs under its own module unless it names one.
    logger_name: str = "kedro.runner.runner"

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "logger_name" not in cls.__dict__:
            cls.logger_name = cls.__module__

    def __init__(self, is_async: bool = False, *, progress: ProgressCallback | None = None) -> None:
        self._is_async = is_async
        self._progress = progress or ignore_progress
        self._logger = logging.getLogger(self.logger_name)
        #: Seconds a node may run before it is stopped with ``RunError(TIMEOUT)`` (``None``:
        #: no limit); a node's ``timeout-SECONDS`` tag overrides it (see
        #: :mod:`shell.runners.timeouts`). ``kedro-pure run --node-timeout`` sets it.
        self.node_timeout: float | None = None

    def timeout_for(self, node: Node) -> float | None:
        """The time limit of ``node`` in this runner's runs (``None``: none)."""
        return timeout_of(node.tags, self.node_timeout)

    @property
    def is_async(self) -> bool:
        """Whether inputs are loaded and outputs saved concurrently."""
        return self._is_async

    def __repr__(self) -> str:
        return f"{type(self).__name__}(is_async={self._is_async})"

    def report(self, event: ProgressEvent) -> None:
        """Pass ``event`` to this runner's progress callback (the session reports the nodes
        an ``--only-changed`` plan skipped, which never reach the runner)."""
        self._progress(event)

    def run(
        self,
        pipeline: Pipeline,
        catalog: DataCatalog,
        hook_manager: HookManager | None = None,
        run_id: str | None = None,
        only_missing_outputs: bool = False,
        *,
        observer: ProgressCallback | None = None,
        keep_going: bool = False,
    ) -> Result[dict[str, DatasetLike], RunError]:
        """Run ``pipeline`` with the datasets of ``catalog``.

        Args:
            observer: also receives this run's progress events, after the runner's own
                callback (the session's run journal).
            keep_going: after a node fails, keep running every node that does not depend on
                a failed one; the failure then carries every node failure (``failures``).

        Returns:
            ``Success`` of Kedro's result: the dataset objects of the pipeline's free outputs
            (data is not loaded). ``Failure(RunError)``: ``UNSATISFIED_INPUTS`` (with Kedro's
            message) or ``DATASET`` before anything runs, else the failing node's error with
            ``completed`` and ``resume`` filled in.
        """
        if only_missing_outputs:
            pruned = self._prune(pipeline, catalog)
            if not is_successful(pruned):
                return Failure(pruned.failure())
            pipeline = pruned.unwrap()
        warmed = _warm(pipeline, catalog)
        if not is_successful(warmed):
            return Failure(warmed.failure())
        snapshot, resolved = warmed.unwrap()
        checked = self._validate(pipeline, catalog)
        if not is_successful(checked):
            return Failure(checked.failure())
        if self._is_async:
            self._logger.info(_ASYNC_NOTE)
        hooks = hook_manager or NullPluginManager()
        context = RunContext(
            pipeline=pipeline,
            catalog=catalog,
            hooks=hooks,
            run_id=run_id,
            is_async=self._is_async,
            snapshot=snapshot,
            progress=self._progress if observer is None else _both(self._progress, observer),
            logger=self._logger,
            tools=RunTools.of(catalog, hooks, resolved if has_plain_data_operations(catalog) else None),
        )
        if self.node_timeout is not None or any(
            tag.startswith(TIMEOUT_TAG) for n in pipeline.nodes for tag in n.tags
        ):
            context = replace(context, call=timed(context.call, self.timeout_for))
        began = time.perf_counter()
        # What exists before the run (modules, the pipeline, the catalog) outlives it: the
        # collector need not trace it on every full collection the run's allocations trigger.
        # Unfrozen afterwards, so nothing stays exempt from collection. Only for a run on the
        # main thread (one run per process, the CLI's case): freezing is process-wide, and a
        # long-lived process running many runs in threads (the HTTP service) grew by ~30 KB
        # per run with it, as garbage frozen by one run escaped the young generations.
        freeze = threading.current_thread() is threading.main_thread()
        if freeze:
            gc.freeze()
        try:
            outcome = self._run(context) if not keep_going else self._run_keep_going(context)
        finally:
            if freeze:
                gc.unfreeze()
        if not is_successful(outcome):
            return Failure(outcome.failure())
        self._logger.info(
            "Pipeline execution completed successfully in %.1f sec.", time.perf_counter() - began
        )
        return _free_outputs(pipeline, catalog)

    @abc.abstractmethod
    def _run(self, context: RunContext) -> Result[None, RunError]:
        """Run every node of ``context.pipeline``."""

    def _run_keep_going(self, context: RunContext) -> Result[None, RunError]:
        """:meth:`_run` in rounds (:mod:`core.incremental.keep_going`): after a round with a
        failed node, run what does not depend on any failure; one error carries them all."""
        from core.incremental.keep_going import next_round

        completed: list[str] = []
        failures: list[RunError] = []
        remaining = context.pipeline
        while remaining.nodes:
            outcome = self._run(replace(context, pipeline=remaining))
            if is_successful(outcome):
                completed.extend(n.name for n in remaining.nodes)
                break
            error = outcome.failure()
            completed.extend(error.completed)
            if not error.node:  # not a node's failure (interrupted, stuck): stop here
                failures.append(error)
                break
            failures.append(error)
            remaining = next_round(remaining, error.completed, (f.node for f in failures))
        if not failures:
            return Success(None)
        plan = resume_plan(context.pipeline, completed, context.snapshot)
        first = failures[0]
        message = first.message
        if len(failures) > 1:
            message += f" (and {len(failures) - 1} more failed node(s): " + ", ".join(
                f.node for f in failures[1:] if f.node
            ) + ")"
        return Failure(
            RunError(
                first.reason, message, node=first.node, cause=first.cause,
                completed=tuple(completed), resume=plan, failures=tuple(failures),
            )
        )

    def _validate(self, pipeline: Pipeline, catalog: DataCatalog) -> Result[None, RunError]:
        """Checks a runner needs before any node runs (the process runner's pickling)."""
        del pipeline, catalog
        return Success(None)

    def _prune(self, pipeline: Pipeline, catalog: DataCatalog) -> Result[Pipeline, RunError]:
        snapshot = snapshot_catalog(catalog, pipeline)
        if not is_successful(snapshot):
            error = snapshot.failure()
            return Failure(RunError(RunErrorReason.DATASET, error.message, cause=error))
        report = prune_missing_outputs(pipeline, snapshot.unwrap())
        for skipped in report.skipped:
            self._progress(ProgressEvent(ProgressKind.SKIPPED, skipped, 0, len(report.pipeline.nodes)))
        if self._logger.isEnabledFor(logging.DEBUG):
            # Kedro decides child before parent and logs each kept node's reason as it goes.
            for decision in reversed(report.decisions):
                if decision.message is not None:
                    self._logger.debug(decision.message)
        for message in report.messages:
            self._logger.info(message)
        return Success(report.pipeline)

    def _warm_up(self, pipeline: Pipeline, catalog: DataCatalog) -> Result[CatalogSnapshot, RunError]:
        """Materialise every dataset (undeclared names become memory datasets) and check that
        every free input is known; returns which datasets are registered and ephemeral."""
        return _warm(pipeline, catalog).map(lambda warmed: warmed[0])


def _warm(
    pipeline: Pipeline, catalog: DataCatalog
) -> Result[tuple[CatalogSnapshot, dict[str, DatasetLike]], RunError]:
    """:meth:`AbstractRunner._warm_up`, also returning every dataset it resolved by name."""
    names = sorted(pipeline.datasets())
    known = frozenset(name for name in names if name in catalog)
    ephemeral: set[str] = set()
    resolved: dict[str, DatasetLike] = {}
    for name in names:
        got = catalog.get(name, fallback_to_runtime_pattern=True)
        if not is_successful(got):
            error = got.failure()
            return Failure(RunError(RunErrorReason.DATASET, error.message, cause=error))
        dataset = got.unwrap()
        resolved[name] = dataset
        if is_ephemeral(dataset):
            ephemeral.add(name)
    unsatisfied = pipeline.inputs() - known
    if unsatisfied:
        shown = "{" + ", ".join(repr(n) for n in sorted(unsatisfied)) + "}"
        owner = getattr(catalog, "class_name_in_messages", type(catalog).__name__)
        message = f"Pipeline input(s) {shown} not found in the {owner}"
        # The exception Kedro raises (and on_pipeline_error receives): a ValueError.
        return Failure(
            RunError(RunErrorReason.UNSATISFIED_INPUTS, message, cause=ValueError(message))
        )
    snapshot = CatalogSnapshot(registered=frozenset(names), ephemeral=frozenset(ephemeral))
    return Success((snapshot, resolved))


def _both(first: ProgressCallback, second: ProgressCallback) -> ProgressCallback:
    def report(event: ProgressEvent) -> None:
        first(event)
        second(event)

    return report


def _free_outputs(pipeline: Pipeline, catalog: DataCatalog) -> Result[dict[str, DatasetLike], RunError]:
    result: dict[str, DatasetLike] = {}
    for name in sorted(pipeline.outputs()):
        got = catalog.get(name, fallback_to_runtime_pattern=True)
        if not is_successful(got):
            error = got.failure()
            return Failure(RunError(RunErrorReason.DATASET, error.message, cause=error))
        result[name] = got.unwrap()
    return Success(result)


# -- the loops -----------------------------------------------------------------------------


def _release(context: RunContext, names: Iterable[str]) -> None:
    tools = context.run_tools()
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
    total = len(context.pipeline.nodes)
    context.logger.info("Completed node: %s", name)
    context.logger.info("Completed %d out of %d tasks", len(done), total)
    if context.listening:
        context.progress(ProgressEvent(ProgressKind.COMPLETED, name, len(done), total))
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
    while (name := next_ready(s)) is not None:
        s = mark_submitted(s, name)
        if listening:
            context.progress(ProgressEvent(ProgressKind.STARTED, name, len(done), total))
        outcome = run_node(
            by_name[name],
            context.catalog,
            context.hooks,
            is_async=context.is_async,
            run_id=context.run_id,
            call=context.call,
            tools=tools,
        )
        if outcome is not _DONE and not is_successful(outcome):
            s = mark_failed(s, name)
            if listening:
                context.progress(ProgressEvent(ProgressKind.FAILED, name, len(done), total))
            return _failed(context, outcome.failure(), done)
        s, _ = _completed(context, s, name, done)
        # A checkpoint: an interrupt a finalizer swallowed still stops the run here.
        interrupts.raise_if_requested()
    if progress(s) is Progress.STUCK:
        return Failure(_stuck(s, done))
    return Success(None)


#: Seconds between two interrupt checkpoints of :func:`drive_concurrently` while it waits.
_CHECKPOINT_INTERVAL = 0.25


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
                batch = [finished.get(timeout=_CHECKPOINT_INTERVAL)]
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
