"""One run of a :class:`~shell.session.KedroSession`, once its pipeline is chosen.

The runner checked, a fresh catalog (``after_catalog_created``), ``before_pipeline_run``,
the runner, then ``after_pipeline_run`` or ``on_pipeline_error``, in Kedro's order; the run's
start and end are recorded in the session store when it supports run records. Ctrl-C fires
``on_pipeline_error`` and returns ``Failure(RunError(INTERRUPTED))``.
"""

from __future__ import annotations

import logging
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
)
from core.pipeline import Pipeline
from shell.api import to_result
from shell.project.settings import resolve_class
from shell.store.base import BaseSessionStore

# Only a run needs these; importing the session must stay cheap (see shell.session).
if TYPE_CHECKING:
    from core.project_settings import ProjectSettings
    from core.store_records import RunOutcome
    from shell.context import KedroContext
    from shell.io.catalog import DataCatalog
    from shell.io.contract import DatasetLike
    from shell.runners.runner import AbstractRunner

__all__ = ["RUNNER_CLASS_MESSAGE", "execute_run"]

# The session's logger: its records keep the name they have always had.
logger = logging.getLogger("shell.session")

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
) -> Result[dict[str, DatasetLike], KedroError]:
    """Run ``pipeline`` with ``runner`` (default ``SequentialRunner()``) on a fresh catalog.

    ``record`` is the run's parameters, as the pipeline hooks receive them.
    """
    from core.store_records import RunOutcome
    from shell.runners.runner import AbstractRunner
    from shell.runners.sequential import SequentialRunner

    given: object = runner if runner is not None else SequentialRunner()
    if not isinstance(given, AbstractRunner):
        return Failure(
            KedroSessionError(
                SessionErrorReason.PROJECT, RUNNER_CLASS_MESSAGE, session_id=session_id
            )
        )
    chosen: AbstractRunner = given
    catalog = _catalog(settings, context, chosen, run_id, load_versions)
    if not is_successful(catalog):
        return Failure(catalog.failure())
    cat = catalog.unwrap()
    hook = hook_manager.hook
    hook.before_pipeline_run(run_params=record, pipeline=pipeline, catalog=cat)
    run_key = _record_started(store, run_id, record)
    began = time.perf_counter()
    try:
        result = chosen.run(
            pipeline, cat, hook_manager, run_id=run_id, only_missing_outputs=only_missing_outputs
        )
    except KeyboardInterrupt as interrupt:
        hook.on_pipeline_error(error=interrupt, run_params=record, pipeline=pipeline, catalog=cat)
        _record_finished(store, run_key, RunOutcome.INTERRUPTED, "KeyboardInterrupt")
        return Failure(
            RunError(
                RunErrorReason.INTERRUPTED,
                "The run was interrupted (Ctrl-C); datasets already saved stay saved.",
                cause=interrupt,
            )
        )
    if not is_successful(result):
        error = result.failure()
        hook.on_pipeline_error(
            error=error.cause if isinstance(error.cause, Exception) else error,
            run_params=record,
            pipeline=pipeline,
            catalog=cat,
        )
        _record_finished(store, run_key, RunOutcome.FAILED, error.message)
        return Failure(_catalog_error_or(error))
    logger.debug("Run %s took %.3f s", run_id, time.perf_counter() - began)
    _record_finished(store, run_key, RunOutcome.SUCCESS, None)
    hook.after_pipeline_run(run_params=record, run_result=result.unwrap(), pipeline=pipeline, catalog=cat)
    return Success(result.unwrap())


def _catalog(
    settings: ProjectSettings,
    context: KedroContext,
    runner: AbstractRunner,
    save_version: str,
    load_versions: Mapping[str, str] | None,
) -> Result[DataCatalog, KedroError]:
    from shell.io.catalog import DataCatalog
    from shell.runners.parallel import ParallelRunner

    if isinstance(runner, ParallelRunner):
        # Imported here: it pulls in multiprocessing, which only a parallel run needs.
        from shell.io.shared_catalog import SharedMemoryDataCatalog

        catalog_class: type[DataCatalog] = SharedMemoryDataCatalog
    else:
        resolved = resolve_class(settings, "DATA_CATALOG_CLASS", DataCatalog)
        if not is_successful(resolved):
            return Failure(resolved.failure())
        catalog_class = resolved.unwrap()
    return context.load_catalog(
        catalog_class=catalog_class, save_version=save_version, load_versions=load_versions
    )


def _record_started(store: BaseSessionStore, run_id: str, record: Mapping[str, object]) -> int | None:
    starter = getattr(store, "record_run_started", None)
    if starter is None:
        return None
    started = to_result(starter(run_id, record))
    if not is_successful(started):
        logger.warning("The session store could not record the run: %s", started.failure())
        return None
    key: int = started.unwrap()
    return key


def _record_finished(
    store: BaseSessionStore, run_key: int | None, outcome: RunOutcome, error: str | None
) -> None:
    finisher = getattr(store, "record_run_finished", None)
    if run_key is None or finisher is None:
        return
    finished = to_result(finisher(run_key, outcome, error))
    if not is_successful(finished):
        logger.warning("The session store could not record the run's end: %s", finished.failure())


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
