"""Planning and preparing incremental runs: observe, read the journal, let the core decide.

:func:`plan_changes` is the one function behind ``plan --only-changed``, ``run
--only-changed`` and ``run --resume``: it observes the pipeline through the run's catalog,
reads the journal and returns the core's :class:`~core.incremental.ChangePlan`. The
session then runs exactly ``plan.to_run`` (:func:`prepare_run`), so a plan and the run that
follows it never disagree.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import (
    KedroError,
    KedroSessionError,
    RunError,
    RunErrorReason,
    SessionErrorReason,
    StoreError,
)
from core.incremental import ChangePlan, PlanMode, decide_changes
from core.incremental.journal import JournalEntry, NodeEvent, done_in_run, last_completed
from core.incremental.keep_going import keep_nodes
from core.pipeline import Pipeline
from shell.incremental.code import CodeScope
from shell.incremental.datasets import DigestCache
from shell.incremental.observe import Observer
from shell.incremental.recorder import JournalRecorder
from shell.io.catalog import DataCatalog
from shell.store.journal import SQLiteJournal

if TYPE_CHECKING:
    from shell.incremental.plan_cache import CacheProbe

_LOGGER = logging.getLogger(__name__)

__all__ = [
    "IncrementalOptions",
    "PreparedRun",
    "journal_of",
    "plan_changes",
    "prepare_run",
    "remember_after_run",
    "unavailable",
]


def journal_of(store: object) -> SQLiteJournal | None:
    """The store's journal, or ``None`` when the store keeps none (a custom store)."""
    method = getattr(store, "journal", None)
    if not callable(method):
        return None
    journal = method()
    return journal if isinstance(journal, SQLiteJournal) else None


def unavailable(store: object, what: str) -> KedroSessionError:
    """The error for an incremental feature asked of a store without a journal."""
    cls = type(store)
    return KedroSessionError(
        SessionErrorReason.PROJECT,
        f"{what} needs a run journal, and the session store "
        f"'{cls.__module__}.{cls.__qualname__}' keeps none. Use the default SQLite store "
        "(remove SESSION_STORE_CLASS from settings.py) or give the store a journal() method.",
    )


def plan_changes(
    pipeline: Pipeline,
    catalog: DataCatalog,
    journal: SQLiteJournal,
    *,
    mode: PlanMode = PlanMode.ONLY_CHANGED,
    run_id: str = "",
    code_scope: CodeScope = "function",
) -> Result[tuple[ChangePlan, Observer], KedroError]:
    """The core's plan for ``pipeline``, and the observer that made it (to reuse its caches).

    Returns:
        ``Success((plan, observer))``; ``Failure(StoreError)`` when the journal cannot be
        read; ``Failure(RunError(DATASET))`` when a dataset cannot be built.
    """
    cached = journal.cached_digests()
    if isinstance(cached, Failure):
        return Failure(cached.failure())
    observer = Observer(catalog, DigestCache(cached.unwrap()), code_scope=code_scope)
    return _plan_with(observer, pipeline, journal, mode=mode, run_id=run_id)


def _plan_with(
    observer: Observer, pipeline: Pipeline, journal: SQLiteJournal, *, mode: PlanMode, run_id: str
) -> Result[tuple[ChangePlan, Observer], KedroError]:
    observed = observer.observe(pipeline)
    if isinstance(observed, Failure):
        error = observed.failure()
        return Failure(RunError(RunErrorReason.DATASET, error.message, cause=error))
    entries: Result[tuple[JournalEntry, ...], StoreError] = (
        journal.run_entries(run_id) if mode is PlanMode.RESUME else journal.last_completed()
    )
    if isinstance(entries, Failure):
        return Failure(entries.failure())
    history = done_in_run(entries.unwrap()) if mode is PlanMode.RESUME else last_completed(entries.unwrap())
    plan = decide_changes(pipeline, observed.unwrap(), history, mode=mode, run_id=run_id)
    stored = journal.store_digests(observer.cache.take_changed())
    if isinstance(stored, Failure):
        return Failure(stored.failure())
    return Success((plan, observer))


@dataclass(frozen=True, slots=True)
class IncrementalOptions:
    """How a session run uses the journal.

    Attributes:
        only_changed: run only what changed (and what depends on it).
        resume_run: continue this run (its id): only the nodes it did not complete.
        keep_going: after a node fails, run every node not depending on a failed one.
        code_scope: what a node's code fingerprint covers.
        plan_cache: the command line's plan cache lookup that missed: a plan that runs
            nothing is written to the cache under its key (:mod:`shell.incremental.plan_cache`),
            before the run or, when the run ran nodes and succeeded, at its end
            (:func:`remember_after_run`).
    """

    only_changed: bool = False
    resume_run: str | None = None
    keep_going: bool = False
    code_scope: CodeScope = "function"
    plan_cache: CacheProbe | None = None

    @property
    def needs_journal(self) -> bool:
        """Whether the run cannot go ahead without a journal."""
        return self.only_changed or self.resume_run is not None


@dataclass(frozen=True, slots=True)
class PreparedRun:
    """What the session runs, and how it is recorded.

    Attributes:
        pipeline: the nodes that run (the whole selection unless a plan skipped some).
        plan: the plan, for ``--only-changed`` and ``--resume`` runs.
        recorder: the journal's progress observer.
        observer: the observer that planned, or that fingerprints a plain run's nodes (its
            node observations are the ones the run's fingerprints were made of).
    """

    pipeline: Pipeline
    plan: ChangePlan | None
    recorder: JournalRecorder
    observer: Observer | None = None


def _stale_error(plan: ChangePlan, run_id: str) -> RunError:
    lines = [f"  {d.node}: {'; '.join(r.text for r in d.reasons)}" for d in plan.stale]
    return RunError(
        RunErrorReason.RESUME_REFUSED,
        f"Cannot resume run {run_id}: the project changed since, so outputs it saved are "
        "stale:\n" + "\n".join(lines) + "\nRun with --only-changed instead (it reruns what "
        "changed and everything downstream).",
    )


def prepare_run(
    pipeline: Pipeline,
    catalog: DataCatalog,
    journal: SQLiteJournal,
    *,
    run_id: str,
    options: IncrementalOptions,
    clock: Callable[[], str],
    record: Mapping[str, object] | None = None,
) -> Result[PreparedRun, KedroError]:
    """Plan (for ``only_changed`` or a resume), record the skipped nodes, and build the
    recorder that journals the nodes that run.

    Returns:
        ``Failure(RunError(RESUME_REFUSED))`` when a resume would reuse stale outputs.
    """
    resume_run, code_scope = options.resume_run, options.code_scope
    if not options.needs_journal:
        observer = Observer(catalog, DigestCache(_cached(journal)), code_scope=code_scope)
        recorder = JournalRecorder(journal, pipeline, observer, run_id, {}, clock)
        return Success(PreparedRun(pipeline, None, recorder, observer))
    mode = PlanMode.RESUME if resume_run is not None else PlanMode.ONLY_CHANGED
    planned = plan_changes(pipeline, catalog, journal, mode=mode, run_id=resume_run or "", code_scope=code_scope)
    if isinstance(planned, Failure):
        return Failure(planned.failure())
    plan, observer = planned.unwrap()
    if plan.stale:
        return Failure(_stale_error(plan, resume_run or ""))
    if options.plan_cache is not None and observer.last_observation is not None:
        _remember(options.plan_cache, plan, pipeline, observer, record or {}, journal)
    skipped = [
        JournalEntry(
            run_id, d.node, NodeEvent.SKIPPED, clock(), reason=d.explanation,
            fingerprint=d.fingerprint, outputs=d.outputs,
        )
        for d in plan.decisions
        if not d.runs
    ]
    written = journal.append(skipped)
    if isinstance(written, Failure):
        # Only the journal's account of the skips is lost; the run itself is unaffected.
        _LOGGER.warning("The run journal could not record the skipped nodes: %s", written.failure())
    reasons = {d.node: d.explanation for d in plan.decisions if d.runs}
    flag = "--resume" if mode is PlanMode.RESUME else "--only-changed"
    _LOGGER.info("Running %d out of %d nodes (%s)", len(plan.to_run), len(plan.decisions), flag)
    for name, why in reasons.items():
        _LOGGER.info("Node '%s' runs: %s", name, why)
    selected = keep_nodes(pipeline, plan.to_run)
    recorder = JournalRecorder(journal, selected, observer, run_id, reasons, clock)
    return Success(PreparedRun(selected, plan, recorder, observer))


def remember_after_run(
    prepared: PreparedRun, pipeline: Pipeline, journal: SQLiteJournal, options: IncrementalOptions,
    record: Mapping[str, object],
) -> None:
    """After a successful plain run, or ``--only-changed`` run that ran nodes, cache the next
    no-op's plan.

    The plan is made again, in full, as the next ``--only-changed`` would make it: by the
    observer that planned this run (so the same dataset objects, as the catalog was before
    any ``before_pipeline_run`` hook, and the code and parameters observed then, which the
    journal's fingerprints of this run are made of), against the journal as this run left
    it, with every dataset's state read again. It is written only when it runs nothing, and
    under the key the command line's probe observed *before* the project was imported and
    its configuration loaded (:func:`shell.incremental.plan_cache.remember` checks those
    files are still the same bytes; a node function's file outside the source folder must
    be older than the probe). Only the next no-op's shortcut depends on it: any failure is
    logged and the run's outcome stands.
    """
    from shell.incremental.plan_cache import journal_mark

    probe, observer = options.plan_cache, prepared.observer
    if probe is None or observer is None or options.resume_run is not None:
        return
    if options.only_changed and (prepared.plan is None or not prepared.plan.to_run):
        return  # a plan that ran nothing was cached before the run (prepare_run)
    # The mark first: a node completing elsewhere after it makes the write below refuse.
    mark = journal_mark(journal.file)
    if mark is None:
        return
    planned = _plan_with(observer, pipeline, journal, mode=PlanMode.ONLY_CHANGED, run_id="")
    if isinstance(planned, Failure):
        _LOGGER.debug("The next run's plan could not be made: %s", planned.failure())
        return
    plan, _ = planned.unwrap()
    if plan.to_run:
        _LOGGER.debug("The next --only-changed run would run %d node(s): nothing cached.", len(plan.to_run))
        return
    # A plain run's log stays Kedro's: the shortcut it prepared is told under --verbose.
    level = logging.INFO if options.only_changed else logging.DEBUG
    _remember(probe, plan, pipeline, observer, record, journal, mark=mark, level=level)


def _remember(
    probe: CacheProbe, plan: ChangePlan, pipeline: Pipeline, observer: Observer,
    record: Mapping[str, object], journal: SQLiteJournal, *, mark: str | None = None, level: int = logging.INFO,
) -> None:
    from shell.incremental.datasets import local_file
    from shell.incremental.plan_cache import remember

    observation = observer.last_observation
    if observation is None:
        return
    located = {name: local_file(observer.dataset_object(name)) for name in observation.datasets}
    pinned: dict[str, str] = {}
    for name in observation.datasets:
        dataset = observer.dataset_object(name)
        # kedro-pure's datasets show their Version as ``version``, Kedro's keep it in ``_version``.
        version = getattr(dataset, "version", None) or getattr(dataset, "_version", None)
        load = getattr(version, "load", None)
        if isinstance(load, str):
            pinned[name] = load
    written = remember(probe, plan, pipeline, observation, located, record, journal.file, pinned, mark)
    if isinstance(written, Failure):
        # Only the next no-op run's shortcut is lost.
        _LOGGER.warning("The plan cache could not be written: %s", written.failure())
    elif written.unwrap() and mark is not None:
        _LOGGER.log(level, "Nothing would run next: the next --only-changed plan is cached for the same files and options.")
    elif written.unwrap():
        _LOGGER.info("Nothing to run: this plan is cached for the next run with the same files and options.")


def _cached(journal: SQLiteJournal) -> dict[str, tuple[int, int, str]]:
    cached = journal.cached_digests()
    return dict(cached.unwrap()) if is_successful(cached) else {}
