"""Runs whose process died: found on every open of the store and marked ``crashed``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from returns.result import Failure, Result, Success

from core.errors import StoreError
from core.liveness import crashed_message, gone, parse_process_id, pids_to_observe
from core.store_records import RunOutcome
from shell.processes import observe, this_host
from shell.store import database
from shell.store.location import DEFAULT_BUSY_TIMEOUT, store_file, utc_now

__all__ = ["reap_crashed_runs"]


def reap_crashed_runs(
    path: str | Path,
    *,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    clock: Callable[[], datetime] = utc_now,
) -> Result[tuple[int, ...], StoreError]:
    """Mark ``crashed`` every run still ``running`` whose process is gone (same host; the
    pid is free or reused, see :mod:`core.liveness`), with when it was last seen.

    Args:
        path: The store directory (nothing happens if the store does not exist).
        busy_timeout: Seconds to wait for other writers.
        clock: Gives the current time (UTC).

    Returns:
        The keys of the runs marked ``crashed``, or the ``StoreError``.
    """
    file = store_file(path)

    def running(connection: sqlite3.Connection) -> list[tuple[int, str | None, str]]:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(runs)")}
        if "owner" not in columns:  # a version 1 store: no owners recorded yet
            return []
        return [
            (int(key), None if owner is None else str(owner), str(started))
            for key, owner, started in connection.execute(
                "SELECT run_key, owner, started_at FROM runs WHERE outcome = ?",
                (RunOutcome.RUNNING.value,),
            )
        ]

    nothing: list[tuple[int, str | None, str]] = []
    found = database.read(file, busy_timeout, running, empty=nothing)
    if isinstance(found, Failure):
        return Failure(found.failure())
    owned = [
        (key, owner, started)
        for key, text, started in found.unwrap()
        if (owner := parse_process_id(text)) is not None
    ]
    if not owned:
        return Success(())
    facts = observe(pids_to_observe((owner for _, owner, _ in owned), this_host()))
    crashed = [(key, owner, started) for key, owner, started in owned if gone(owner, facts)]
    if not crashed:
        return Success(())
    now = clock().isoformat()

    def mark(connection: sqlite3.Connection) -> tuple[int, ...]:
        marked: list[int] = []
        for key, owner, started in crashed:
            cursor = connection.execute(
                "UPDATE runs SET outcome = ?, error = ?, finished_at = ? "
                "WHERE run_key = ? AND outcome = ?",
                (
                    RunOutcome.CRASHED.value,
                    crashed_message(owner, started),
                    now,
                    key,
                    RunOutcome.RUNNING.value,
                ),
            )
            if cursor.rowcount:
                marked.append(key)
        return tuple(marked)

    return database.write(file, busy_timeout, mark)
