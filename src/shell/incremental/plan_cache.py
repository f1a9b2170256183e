"""The plan cache: a no-op ``--only-changed`` decision reused without starting the project.

What an entry is keyed on and why that is sound is in :mod:`core.incremental.plan_cache`.
This module observes those things (file bytes, the environment, installed packages, the
journal), reads and writes entries in the session store's database (table ``plan_cache``),
and records a run served from the cache the way a run is recorded: a session row, a run
row (``success``) and one ``skipped`` journal entry per node, with the plan's reasons.

The command line asks :func:`probe` first; on a hit nothing of the project is imported (no
``settings.py``, no pipeline modules, no hooks: nothing runs, nothing is loaded or saved). On
a miss it hands the probe to the session, whose plan (:func:`shell.incremental.planning.
prepare_run`) writes the entry when it runs nothing (:func:`remember`); a successful run
that ran nodes plans again at its end and writes the next no-op's entry under the same
probe's key, observed before the project was imported (:func:`shell.incremental.planning.
remember_after_run`). A plain ``run`` (no ``--only-changed``) does the same at its end, with
a probe that observed the key's parts without looking anything up, so the first
``--only-changed`` after it is served too.

Only the default session store is used (``<project>/sessions``, ``SQLiteStore``), with the
configuration folder the settings name by default or ``--conf-source`` names.

This module holds the lookup and the write; their parts are in :mod:`.cache_request` (the
values), :mod:`.cache_key_parts` (what a key is made of), :mod:`.cache_database` (the
tables), :mod:`.cache_entry_files` (what an entry is checked against) and
:mod:`.cached_invocations` (command lines served by :mod:`.fast_entry`).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from returns.result import Failure, Result, Success

from core.errors import StoreError
from core.incremental import ChangePlan, Observation
from core.incremental.plan_cache import CachedPlan, cache_key, cached_from_json, is_cacheable
from core.pipeline import Pipeline
from shell.incremental.cache_database import (
    KEPT_ENTRIES,
    PLAN_CACHE_TABLE,
    connect_read_only,
    digest_rows,
    has_table,
    journal_mark,
    journal_mark_in,
)
from shell.incremental.cache_entry_files import (
    MTIME_SLACK_NS,
    code_files,
    dataset_files,
    modified_since,
    version_listing,
)
from shell.incremental.cache_key_parts import file_parts, invocation_key, process_parts
from shell.incremental.cache_request import CacheProbe, CacheRequest, Invocation, default_store_file
from shell.incremental.cached_invocations import (
    find_invocation,
    invocation_row,
    remember_invocation,
    write_invocation,
)
from shell.incremental.digests import DigestCache

__all__ = [
    "CacheProbe",
    "CacheRequest",
    "Invocation",
    "dataset_files",
    "default_store_file",
    "find_invocation",
    "invocation_key",
    "journal_mark",
    "probe",
    "remember",
    "remember_invocation",
    "version_listing",
]


def probe(request: CacheRequest, invocation: Invocation | None = None, *, lookup: bool = True) -> CacheProbe:
    """Look the command up in the cache and check the entry against the files as they are now.

    Never fails: anything unreadable or changed is a miss (with the reason), and the
    project is planned in full. Without ``lookup`` (a plain run, which only prepares the
    next ``--only-changed`` run's entry) the key's parts are observed and nothing is read.
    """
    began_ns = time.time_ns()
    path_entries = tuple(sys.path)
    argv_key = "" if invocation is None else invocation_key(invocation.argv)
    parts: dict[str, str] = {
        **process_parts(path_entries),
        "root": str(request.root),
        "options": json.dumps(dict(request.options), sort_keys=True, default=str),
    }
    if request.source_dir == request.root or request.conf_source == request.root:
        return CacheProbe(request, parts, path_entries, None, "the source or configuration folder is the project root", invocation, argv_key, began_ns)
    try:
        parts.update(file_parts(request))
    except OSError as exc:
        return CacheProbe(request, parts, path_entries, None, f"project files unreadable: {exc}", invocation, argv_key, began_ns)
    if not lookup:
        return CacheProbe(request, parts, path_entries, None, "not looked up", invocation, argv_key, began_ns)
    file = default_store_file(request.root)
    if not file.is_file():
        return CacheProbe(request, parts, path_entries, None, "no session store yet", invocation, argv_key, began_ns)
    try:
        connection = connect_read_only(file)
        try:
            parts["journal"] = journal_mark_in(connection)
            row = None
            if has_table(connection, "plan_cache"):
                row = connection.execute("SELECT entry FROM plan_cache WHERE key = ?", (cache_key(parts),)).fetchone()
            digests = digest_rows(connection)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return CacheProbe(request, parts, path_entries, None, f"session store unreadable: {exc}", invocation, argv_key, began_ns)
    if row is None:
        return CacheProbe(request, parts, path_entries, None, "no entry for these files, options and journal", invocation, argv_key, began_ns)
    decoded = cached_from_json(cache_key(parts), str(row[0]))
    if isinstance(decoded, Failure):
        return CacheProbe(request, parts, path_entries, None, decoded.failure().message, invocation, argv_key, began_ns)
    entry = decoded.unwrap()
    changed = _changed_file(entry.files, DigestCache(digests)) or next(
        (folder for folder, listing in entry.versions.items() if version_listing(folder) != listing), None
    )
    if changed is not None:
        return CacheProbe(request, parts, path_entries, None, f"'{changed}' changed", invocation, argv_key, began_ns)
    return CacheProbe(request, parts, path_entries, entry, "", invocation, argv_key, began_ns)


def _changed_file(files: Mapping[str, str], cache: DigestCache) -> str | None:
    """The first file whose digest is not the recorded one (missing or unreadable included)."""
    for path, digest in files.items():
        try:
            if cache.digest(path) != digest:
                return path
        except OSError:
            return path
    return None


def remember(
    cache_probe: CacheProbe,
    plan: ChangePlan,
    pipeline: Pipeline,
    observation: Observation,
    located: Mapping[str, tuple[str, bool] | None],
    record: Mapping[str, object],
    store_file: Path,
    pinned: Mapping[str, str],
    journal: str | None = None,
) -> Result[bool, StoreError]:
    """Write the entry for ``plan`` when it may be cached (``Success(True)`` when written).

    Not written when the plan runs something, a dataset cannot be checked by its file, the
    session uses another store than the probe assumed, or the project's files or the
    journal changed while it was planned (a project file modified since the probe began
    counts as changed, even when its bytes were put back). ``journal`` is the journal mark the plan was made
    against when it is not the probe's (a plan made at the end of a run, after the run's own
    entries: :func:`journal_mark` read before that plan read the journal).
    """
    request = cache_probe.request
    if not is_cacheable(plan) or store_file.resolve() != default_store_file(request.root).resolve():
        return Success(False)
    observed = dataset_files(observation, located, pinned)
    code = code_files(pipeline, request.source_dir.resolve(), cache_probe.began_ns)
    if observed is None or code is None:
        return Success(False)
    files, versions = observed
    try:
        now = file_parts(request)
        touched = modified_since(request, cache_probe.began_ns - MTIME_SLACK_NS)
    except OSError:
        return Success(False)
    if touched is not None or any(cache_probe.parts.get(k) != v for k, v in now.items()):
        return Success(False)
    try:
        connection = sqlite3.connect(store_file, timeout=30.0, isolation_level=None)
    except sqlite3.Error as exc:
        return Failure(_store_error(store_file, exc))
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            parts = {**cache_probe.parts, "journal": journal_mark_in(connection)}
            planned_against = cache_probe.parts.get("journal") if journal is None else journal
            if planned_against not in (None, parts["journal"]):
                connection.execute("ROLLBACK")
                return Success(False)
            entry = CachedPlan(cache_key(parts), plan, {**files, **code}, versions, dict(record))
            connection.execute(PLAN_CACHE_TABLE)
            connection.execute(
                "INSERT OR REPLACE INTO plan_cache (key, entry, written) VALUES (?, ?, "
                "COALESCE((SELECT MAX(written) FROM plan_cache), 0) + 1)",
                (entry.key, json.dumps(entry.to_json(), sort_keys=True, default=str)),
            )
            connection.execute(
                "DELETE FROM plan_cache WHERE written <= (SELECT MAX(written) FROM plan_cache) - ?", (KEPT_ENTRIES,)
            )
            invocation = invocation_row(cache_probe)
            if invocation is not None:
                write_invocation(connection, invocation)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        return Failure(_store_error(store_file, exc))
    finally:
        connection.close()
    return Success(True)


def _store_error(file: Path, error: sqlite3.Error) -> StoreError:
    from shell.store.database import as_store_error

    return as_store_error(file, error, 30.0)
