"""One run of a :class:`~shell.session.KedroSession`, once its pipeline is chosen.

The runner checked, a fresh catalog (``after_catalog_created``), ``before_pipeline_run``,
the runner, then ``after_pipeline_run`` or ``on_pipeline_error``, in Kedro's order; the run's
start and end are recorded in the session store when it supports run records. Ctrl-C fires
``on_pipeline_error`` and returns ``Failure(RunError(INTERRUPTED))``.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pluggy import PluginManager
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import (
    DatasetError,
    KedroError,
    KedroSessionError,
    RunError,
    RunErrorReason,
    SessionErrorReason,
    StoreError,
    StoreErrorReason,
)
from core.pipeline import Pipeline
from shell import interrupts, log_names
from shell.api import to_result
from shell.project.settings import resolve_class
from shell.store.base import BaseSessionStore

# Only a run needs these; importing the session must stay cheap (see shell.session).
if TYPE_CHECKING:
    from core.project_settings import ProjectSettings
    from core.store_records import RunOutcome
    from shell.context import KedroContext
    from shell.incremental.planning import IncrementalOptions, PreparedRun
    from shell.io.catalog import DataCatalog
    from shell.io.contract import DatasetLike
    from shell.runners.runner import AbstractRunner

__all__ = ["RUNNER_CLASS_MESSAGE", "execute_run", "record_run_finished", "record_run_started"]

# The session's logger: its records keep the name they have always had.
logger = logging.getLogger(log_names.SESSION)

RUNNER_CLASS_MESSAGE = (
    "KedroSession expect an instance of Runner instead of a class.Have you forgotten the "
    "`()` at the end of the statement?"
)


def execute_run(
    *,
    session_id: str,
    run_id: str,
    settings: ProjectSettings,
    store: BaseSessionStore,
    hook_manager: PluginManager,
    context: KedroContext,
    pipeline: Pipeline,
    runner: object,
    record: Mapping[str, object],
    load_versions: Mapping[str, str] | None,
    only_missing_outputs: bool,
    incremental: IncrementalOptions | None = None,
    run_key: tuple[int | None] | None = None,
) -> Result[dict[str, DatasetLike], KedroError]:
    """Run ``pipeline`` with ``runner`` (default ``SequentialRunner()``) on a fresh catalog.

    ``record`` is the run's parameters, as the pipeline hooks receive them. When the store
    keeps a run journal, every node event is journaled; ``incremental`` asks for an
    ``--only-changed`` or ``--resume`` plan (the nodes it skips never reach the runner) and
    for ``keep_going``. ``run_key`` is ``(key,)`` when the caller already recorded the run's
    start (then a refusal before the runner is recorded as a failure too); ``None`` records
    the start just before the runner.
    """
    from core.store_records import RunOutcome
    from shell.incremental.planning import IncrementalOptions
    from shell.runners.runner import AbstractRunner
    from shell.runners.sequential import SequentialRunner

    given: object = runner if runner is not None else SequentialRunner()
    if not isinstance(given, AbstractRunner):
        refusal = KedroSessionError(
            SessionErrorReason.PROJECT, RUNNER_CLASS_MESSAGE, session_id=session_id
        )
        if run_key is not None:
            record_run_finished(store, run_key[0], RunOutcome.FAILED, refusal.message)
        return Failure(refusal)
    chosen: AbstractRunner = given
    catalog = _catalog(settings, context, chosen, run_id, load_versions)
    if not is_successful(catalog):
        if run_key is not None:
            record_run_finished(store, run_key[0], RunOutcome.FAILED, catalog.failure().message)
        return Failure(catalog.failure())
    cat = catalog.unwrap()
    options = incremental or IncrementalOptions()
    prepared = _prepare(store, pipeline, cat, run_id, options, record)
    if not is_successful(prepared):
        if run_key is not None:
            record_run_finished(store, run_key[0], RunOutcome.FAILED, prepared.failure().message)
        return Failure(prepared.failure())
    journaled = prepared.unwrap()
    hook = hook_manager.hook
    # A signal during the start-up bookkeeping is held back until the run is recorded, so
    # that it is recorded as interrupted rather than left without an outcome.
    with interrupts.shielded():
        hook.before_pipeline_run(run_params=record, pipeline=pipeline, catalog=cat)
        if run_key is not None:
            key = run_key[0]
        else:
            recorded = _record_start(store, run_id, record)
            if not is_successful(recorded):
                # Never run unrecorded: the store could not take the run (still locked at
                # its deadline, a duplicate id, a damaged file).
                store_error = recorded.failure()
                hook.on_pipeline_error(error=store_error, run_params=record, pipeline=pipeline, catalog=cat)
                interrupts.outcome_committed()
                return Failure(store_error)
            key = recorded.unwrap()
    _sweep_litter(cat, pipeline)
    began = time.perf_counter()
    run_pipeline = pipeline if journaled is None else journaled.pipeline
    if journaled is not None:
        _report_skipped(chosen, journaled, len(pipeline.nodes))
    try:
        interrupts.raise_if_requested()
        result = chosen.run(
            run_pipeline, cat, hook_manager, run_id=run_id, only_missing_outputs=only_missing_outputs,
            observer=None if journaled is None else journaled.recorder, keep_going=options.keep_going,
        )
        # An interrupt swallowed on the way (by a finalizer) still interrupts the run.
        interrupts.raise_if_requested()
    except KeyboardInterrupt as interrupt:
        with interrupts.shielded():
            if journaled is not None:
                journaled.recorder.interrupted(type(interrupt).__name__)
            hook.on_pipeline_error(error=interrupt, run_params=record, pipeline=pipeline, catalog=cat)
            record_run_finished(store, key, RunOutcome.INTERRUPTED, _interrupt_text(interrupt))
            _finish(journaled)
            interrupts.outcome_committed()
        return Failure(
            RunError(
                RunErrorReason.INTERRUPTED,
                f"The run was interrupted ({_interrupt_text(interrupt)}); datasets already "
                "saved stay saved.",
                cause=interrupt,
            )
        )
    # From here the outcome is decided: a signal arriving while it is recorded comes too
    # late to change it, and is dropped (the store and the caller always agree).
    with interrupts.shielded():
        _finish(journaled)
        if not is_successful(result):
            error = result.failure()
            hook.on_pipeline_error(
                error=error.cause if isinstance(error.cause, Exception) else error,
                run_params=record,
                pipeline=pipeline,
                catalog=cat,
            )
            record_run_finished(store, key, RunOutcome.FAILED, error.message)
            _too_late(interrupts.outcome_committed())
            return Failure(_catalog_error_or(error))
        logger.debug("Run %s took %.3f s", run_id, time.perf_counter() - began)
        unrecorded = record_run_finished(store, key, RunOutcome.SUCCESS, None)
        _too_late(interrupts.outcome_committed())
    hook.after_pipeline_run(run_params=record, run_result=result.unwrap(), pipeline=pipeline, catalog=cat)
    if unrecorded is None and journaled is not None and options.plan_cache is not None:
        _cache_next_plan(store, journaled, pipeline, options, record)
    if unrecorded is not None:
        # The datasets are saved, but a success nobody can find later is reported, not hidden.
        return Failure(
            StoreError(
                unrecorded.reason,
                f"The run completed, but the session store could not record its success: "
                f"{unrecorded.message}",
                path=unrecorded.path,
            )
        )
    return Success(result.unwrap())


def _sweep_litter(catalog: DataCatalog, pipeline: Pipeline) -> None:
    """Remove temporaries that saves killed in earlier runs left next to this run's files."""
    from shell.io.litter import local_directories, sweep_directories

    configs = []
    for name in pipeline.datasets():
        resolution = catalog.resolve_config(name)
        if resolution is not None and isinstance(resolution.config, Mapping):
            configs.append(resolution.config)
    plain, versioned = local_directories(configs)
    removed = sweep_directories(plain, with_children=versioned)
    if removed:
        logger.info("Removed %d temporary file(s) left by interrupted saves.", len(removed))


def _interrupt_text(interrupt: KeyboardInterrupt) -> str:
    return "SIGTERM" if isinstance(interrupt, interrupts.Terminated) else "Ctrl-C"


def _too_late(signum: int | None) -> None:
    if signum is not None:
        logger.warning(
            "A stop signal (%s) arrived after the run had finished; its outcome stands.",
            signal.Signals(signum).name,
        )
        interrupts.give_back(signum)


def _prepare(
    store: BaseSessionStore,
    pipeline: Pipeline,
    catalog: DataCatalog,
    run_id: str,
    options: IncrementalOptions,
    record: Mapping[str, object],
) -> Result[PreparedRun | None, KedroError]:
    """The journaled run (``None`` when the store keeps no journal and none is needed)."""
    from shell.incremental.planning import journal_of, prepare_run, unavailable
    from shell.store.sqlite import utc_now

    journal = journal_of(store)
    if journal is None:
        if options.needs_journal:
            what = "--resume" if options.resume_run is not None else "--only-changed"
            return Failure(unavailable(store, what))
        return Success(None)
    prepared: Result[PreparedRun | None, KedroError] = prepare_run(
        pipeline, catalog, journal, run_id=run_id, options=options, clock=lambda: utc_now().isoformat(),
        record=record,
    ).map(lambda run: run)
    return prepared


def _cache_next_plan(
    store: BaseSessionStore, journaled: PreparedRun, pipeline: Pipeline, options: IncrementalOptions,
    record: Mapping[str, object],
) -> None:
    """A successful ``--only-changed`` run that ran nodes caches the next no-op's plan (see
    :func:`shell.incremental.planning.remember_after_run`), so even the first no-op after
    it is served without importing the project."""
    from shell.incremental.planning import journal_of, remember_after_run

    journal = journal_of(store)
    if journal is None:
        return
    try:
        remember_after_run(journaled, pipeline, journal, options, record)
    finally:
        journal.close()


def _finish(journaled: PreparedRun | None) -> None:
    if journaled is not None:
        journaled.recorder.finish()


def _report_skipped(runner: AbstractRunner, prepared: PreparedRun, total: int) -> None:
    from shell.runners.progress import ProgressEvent, ProgressKind

    if prepared.plan is None:
        return
    for name in prepared.plan.skipped:
        runner.report(ProgressEvent(ProgressKind.SKIPPED, name, 0, total))


def _catalog(
    settings: ProjectSettings,
    context: KedroContext,
    runner: AbstractRunner,
    save_version: str,
    load_versions: Mapping[str, str] | None,
) -> Result[DataCatalog, KedroError]:
    from shell.io.catalog import DataCatalog

    # A ParallelRunner exists only once its module is imported: a sequential run need not
    # import it (nor multiprocessing) to find out.
    parallel = sys.modules.get("shell.runners.parallel")
    if parallel is not None and isinstance(runner, parallel.ParallelRunner):
        # Imported here: it pulls in multiprocessing, which only a parallel run needs.
        from shell.io.shared_catalog import SharedMemoryDataCatalog

        catalog_class: type[DataCatalog] = SharedMemoryDataCatalog
    else:
        resolved = resolve_class(settings, "DATA_CATALOG_CLASS", DataCatalog)
        if not is_successful(resolved):
            return Failure(resolved.failure())
        catalog_class = resolved.unwrap()
    built = context.load_catalog(
        catalog_class=catalog_class, save_version=save_version, load_versions=load_versions
    )
    if is_successful(built):
        # The DATASET_VALIDATION setting (KEDRO_DATASET_VALIDATION overrides it per operation).
        built.unwrap().validation_enabled = settings.DATASET_VALIDATION
    return built


def _record_start(
    store: BaseSessionStore, run_id: str, record: Mapping[str, object]
) -> Result[int | None, StoreError]:
    """The run's key in ``store`` (``None``: the store keeps no run records), or why the
    store could not record the run."""
    starter = getattr(store, "record_run_started", None)
    if starter is None:
        return Success(None)
    started = to_result(starter(run_id, record))
    if not is_successful(started):
        error = started.failure()
        if isinstance(error, StoreError):
            return Failure(error)
        return Failure(StoreError(StoreErrorReason.IO, f"The session store could not record the run: {error}"))
    key: int = started.unwrap()
    return Success(key)


def record_run_started(store: BaseSessionStore, run_id: str, record: Mapping[str, object]) -> int | None:
    recorded = _record_start(store, run_id, record)
    if not is_successful(recorded):
        logger.warning("The session store could not record the run: %s", recorded.failure())
        return None
    return recorded.unwrap()


def record_run_finished(
    store: BaseSessionStore, run_key: int | None, outcome: RunOutcome, error: str | None
) -> StoreError | None:
    """Record how the run ended; the ``StoreError`` when the store could not (also logged)."""
    finisher = getattr(store, "record_run_finished", None)
    if run_key is None or finisher is None:
        return None
    finished = to_result(finisher(run_key, outcome, error))
    if is_successful(finished):
        return None
    failure = finished.failure()
    logger.warning("The session store could not record the run's end: %s", failure)
    if isinstance(failure, StoreError):
        return failure
    return StoreError(StoreErrorReason.IO, f"The session store could not record the run's end: {failure}")


def _catalog_error_or(error: RunError) -> KedroError:
    """A catalog entry that cannot be built is a ``DatasetError``, as in Kedro.

    Catalog entries are built lazily, so a bad one (unknown ``type``, wrong arguments) only
    fails when the runner materialises the pipeline's datasets, before any node runs; the
    runner reports that as ``RunError(DATASET)`` without a node. Kedro raises the
    ``DatasetError`` itself there, and this session documents catalog failures as
    ``DatasetError``; a load or save failing inside a node stays a ``RunError``.
    """
    if error.reason is RunErrorReason.DATASET and not error.node and isinstance(error.cause, DatasetError):
        return error.cause
    return error
