"""Recording a run served from the plan cache, as every run is recorded.

A session row (with the session's usual data: project, CLI call, env, runtime parameters,
user, git), a run row that ends ``success``, and one ``skipped`` journal entry per node with
the plan's reason and fingerprint: ``sessions show`` and ``--resume`` see it like any
other no-op run. Nothing of the project is imported and no hook is called: no node runs,
no dataset is loaded or saved (see the README's divergence list).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path

from returns.result import Failure, Result, Success

from core.errors import KedroError
from core.incremental import ChangePlan
from core.incremental.journal import JournalEntry, NodeEvent
from core.incremental.plan_cache import CachedPlan
from core.store_records import RunOutcome
from shell.api import to_result
from shell.incremental.digests import DigestCache
from shell.io.timestamp import generate_id
from shell.session_info import _session_data
from shell.store.sqlite import SQLiteStore, store_file, utc_now

__all__ = ["record_cached_run"]


def record_cached_run(
    root: Path,
    entry: CachedPlan,
    *,
    env: str | None,
    runtime_params: Mapping[str, object] | None,
) -> Result[tuple[str, ChangePlan], KedroError]:
    """Record a run of ``entry``'s plan in the project's default store.

    Returns:
        ``Success((session_id, plan))``, or the ``StoreError`` of a store that cannot
        record it (nothing ran either way).
    """
    # One connection held open for the whole recording: each store operation opens and
    # closes its own, and the last one to close a WAL database checkpoints it (a sync to
    # disk each time); held open, only the final close does.
    try:
        holder = sqlite3.connect(store_file(root / "sessions"), timeout=5.0)
    except sqlite3.Error:
        holder = None
    try:
        return _record(root, entry, env=env, runtime_params=runtime_params)
    finally:
        if holder is not None:
            holder.close()


def _record(
    root: Path, entry: CachedPlan, *, env: str | None, runtime_params: Mapping[str, object] | None
) -> Result[tuple[str, ChangePlan], KedroError]:
    session_id = generate_id()
    opened = to_result(SQLiteStore.open((root / "sessions").as_posix(), session_id))
    if isinstance(opened, Failure):
        return Failure(opened.failure())
    store = opened.unwrap()
    store.update(_session_data(root, session_id, env, runtime_params))
    journal = store.journal()
    plan = entry.plan
    skipped = [
        JournalEntry(
            session_id, d.node, NodeEvent.SKIPPED, utc_now().isoformat(), reason=d.explanation,
            fingerprint=d.fingerprint, outputs=d.outputs,
        )
        for d in plan.decisions
    ]
    written = journal.append(skipped)
    if isinstance(written, Failure):
        journal.close()
        return Failure(written.failure())
    # The digests the probe recomputed (files touched without changing) are kept.
    cached = journal.cached_digests()
    if isinstance(cached, Success):
        digests = DigestCache(cached.unwrap())
        for path in entry.files:
            digests.digest(path)
        journal.store_digests(digests.take_changed())
    journal.close()
    record = {**entry.record, "session_id": session_id, "run_id": session_id}
    started = to_result(store.record_run_started(session_id, record))
    if isinstance(started, Failure):
        return Failure(started.failure())
    finished = to_result(store.record_run_finished(started.unwrap(), RunOutcome.SUCCESS, None))
    if isinstance(finished, Failure):
        return Failure(finished.failure())
    saved = to_result(store.save())
    if isinstance(saved, Failure):
        return Failure(saved.failure())
    return Success((session_id, plan))
