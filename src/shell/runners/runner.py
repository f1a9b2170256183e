"""``AbstractRunner``: what every runner does around the loop that runs the nodes.

``run()`` follows Kedro's order: prune for ``only_missing_outputs`` (from a catalog snapshot,
decided by :mod:`core.pruning`), warm up (:mod:`shell.runners.warm_up`: materialise every
dataset of the pipeline and check the free inputs), then drive :mod:`core.scheduler`
(:mod:`shell.runners.drive`). Runners differ only in how they drive it: one node at a time
(:class:`~shell.runners.sequential.SequentialRunner`) or several at once through an executor.

Every expected failure is a ``Failure(RunError)``; a failed node's error carries the node,
the original exception, the nodes that completed and the core's resume plan.
"""

from __future__ import annotations

import abc
import gc
import logging
import threading
import time
from dataclasses import replace

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.snapshot import CatalogSnapshot
from core.errors import RunError, RunErrorReason
from core.node import Node
from core.pipeline import Pipeline
from core.pruning import prune_missing_outputs
from core.resume import resume_plan
from core.timeouts import TAG_PREFIX as TIMEOUT_TAG
from core.timeouts import bad_tags, timeout_of
from shell.hooks.manager import HookManager, NullPluginManager
from shell.io.catalog import DataCatalog
from shell.io.contract import DatasetLike
from shell.io.snapshot import snapshot_catalog
from shell.log_gate import enabled_cache

# The loops and the context are re-exported: runners elsewhere import them from here.
from shell.runners.drive import (
    _completed,
    _failed,
    _stuck,
    drive_concurrently,
    drive_sequentially,
    required_workers,
)
from shell.runners.progress import ProgressCallback, ProgressEvent, ProgressKind, ignore_progress
from shell.runners.run_context import RunContext
from shell.runners.run_tools import RunTools
from shell.runners.timeouts import timed
from shell.runners.warm_up import free_outputs, warm

__all__ = [
    "SYNC_NOTE",
    "AbstractRunner",
    "RunContext",
    "_completed",
    "_failed",
    "_stuck",
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

#: A ``timeout-`` tag whose value is not a number of seconds is ignored, with this warning.
_NOT_A_TIME_LIMIT = (
    "Node '%s' has the tag '%s', which is not a time limit and is ignored: write "
    "timeout-SECONDS with a positive number of seconds (e.g. timeout-600)."
)


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
        warmed = warm(pipeline, catalog)
        if not is_successful(warmed):
            return Failure(warmed.failure())
        prepared = warmed.unwrap()
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
            snapshot=prepared.snapshot,
            progress=self._progress if observer is None else _both(self._progress, observer),
            logger=self._logger,
            tools=RunTools.of(catalog, hooks, prepared.direct),
            log_gate=enabled_cache(self._logger),
        )
        limited = [n for n in pipeline.nodes if any(t.startswith(TIMEOUT_TAG) for t in n.tags)]
        for n in limited:
            for tag in bad_tags(n.tags):
                self._logger.warning(_NOT_A_TIME_LIMIT, n.name, tag)
        if self.node_timeout is not None or limited:
            context = replace(context, call=timed(context.call, self.timeout_for), timeout_for=self.timeout_for)
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
        return free_outputs(pipeline, catalog)

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
        return warm(pipeline, catalog).map(lambda warmed: warmed.snapshot)


def _both(first: ProgressCallback, second: ProgressCallback) -> ProgressCallback:
    def report(event: ProgressEvent) -> None:
        first(event)
        second(event)

    return report
