"""Reading past sessions and their runs from a session store.

These functions never create or modify the database: a store that does not exist yet has no
sessions, and a corrupt one is reported, not repaired.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from returns.io import IOResult
from returns.result import Failure, Result, Success

from core.errors import StoreError, StoreErrorReason
from core.store_records import (
    SESSION_COLUMNS,
    RunRow,
    SessionRow,
    StoredRun,
    StoredSession,
    stored_sessions,
)
from shell.store import database
from shell.store.sqlite import DEFAULT_BUSY_TIMEOUT, store_file

__all__ = ["get_session", "list_runs", "list_sessions"]

_SESSION_SELECT = (
    f"SELECT session_id, project_path, {', '.join(SESSION_COLUMNS)}, data, created_at, "
    "updated_at FROM sessions"
)
_RUN_SELECT = (
    "SELECT run_key, session_id, run_id, parameters, outcome, error, started_at, finished_at "
    "FROM runs"
)

_Rows = tuple[tuple[SessionRow, ...], tuple[RunRow, ...]]


def _session_row(row: tuple[object, ...]) -> SessionRow:
    columns = len(SESSION_COLUMNS)
    return SessionRow(
        session_id=str(row[0]),
        project_path=_text(row[1]),
        columns=tuple(_text(value) for value in row[2 : 2 + columns]),
        data=str(row[2 + columns]),
        created_at=str(row[3 + columns]),
        updated_at=str(row[4 + columns]),
    )


def _run_row(row: tuple[object, ...]) -> RunRow:
    key = row[0]
    assert isinstance(key, int)  # INTEGER PRIMARY KEY
    return RunRow(
        run_key=key,
        session_id=str(row[1]),
        run_id=str(row[2]),
        parameters=str(row[3]),
        outcome=str(row[4]),
        error=_text(row[5]),
        started_at=str(row[6]),
        finished_at=_text(row[7]),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _rows(file: Path, busy_timeout: float, session_id: str | None) -> Result[_Rows, StoreError]:
    def query(connection: sqlite3.Connection) -> _Rows:
        where, args = ("", ()) if session_id is None else (" WHERE session_id = ?", (session_id,))
        sessions = connection.execute(
            f"{_SESSION_SELECT}{where} ORDER BY created_at, session_id", args
        ).fetchall()
        runs = connection.execute(f"{_RUN_SELECT}{where} ORDER BY run_key", args).fetchall()
        return tuple(map(_session_row, sessions)), tuple(map(_run_row, runs))

    return database.read(file, busy_timeout, query, empty=((), ()))


def _sessions(
    path: str | Path, busy_timeout: float, session_id: str | None
) -> Result[tuple[StoredSession, ...], StoreError]:
    file = store_file(path)
    rows = _rows(file, busy_timeout, session_id)
    if isinstance(rows, Failure):
        return Failure(rows.failure())
    sessions, runs = rows.unwrap()
    return stored_sessions(sessions, runs).alt(
        lambda error: StoreError(
            error.reason, f"Session store '{file}': {error.message}", path=str(file)
        )
    )


def list_sessions(
    path: str | Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
) -> IOResult[tuple[StoredSession, ...], StoreError]:
    """Every saved session of a store with its runs, oldest session first.

    Args:
        path: The store directory (the ``path`` the store was created with).
        busy_timeout: Seconds to wait on a lock before reporting ``LOCKED``.

    Returns:
        The sessions (empty if the store does not exist yet), or the ``StoreError``.
    """
    return IOResult.from_result(_sessions(path, busy_timeout, None))


def get_session(
    path: str | Path, session_id: str, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
) -> IOResult[StoredSession, StoreError]:
    """One saved session with its runs.

    Args:
        path: The store directory.
        session_id: The session's id.
        busy_timeout: Seconds to wait on a lock before reporting ``LOCKED``.

    Returns:
        The session, or a ``StoreError`` (``NOT_FOUND`` if the store has no such session).
    """
    found = _sessions(path, busy_timeout, session_id).bind(
        lambda sessions: (
            Success(sessions[0])
            if sessions
            else Failure(
                StoreError(
                    StoreErrorReason.NOT_FOUND,
                    f"Session store '{store_file(path)}' has no session {session_id!r}.",
                    path=str(store_file(path)),
                )
            )
        )
    )
    return IOResult.from_result(found)


def list_runs(
    path: str | Path,
    session_id: str,
    *,
    run_id: str | None = None,
    limit: int | None = None,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
) -> IOResult[tuple[StoredRun, ...], StoreError]:
    """One session's runs, newest first, without reading the others' (the service's view).

    Args:
        path: The store directory.
        session_id: The session whose runs are read.
        run_id: Only the runs with this id (a run id may be retried in one session).
        limit: At most this many runs (``None``: all).
        busy_timeout: Seconds to wait on a lock before reporting ``LOCKED``.

    Returns:
        The runs (empty when the session or the store does not exist yet), or the
        ``StoreError``.
    """
    file = store_file(path)

    def query(connection: sqlite3.Connection) -> _Rows:
        sessions = connection.execute(
            f"{_SESSION_SELECT} WHERE session_id = ?", (session_id,)
        ).fetchall()
        where, args = " WHERE session_id = ?", [session_id]
        if run_id is not None:
            where, args = where + " AND run_id = ?", [*args, run_id]
        bound = "" if limit is None else f" LIMIT {int(limit)}"
        runs = connection.execute(
            f"{_RUN_SELECT}{where} ORDER BY run_key DESC{bound}", args
        ).fetchall()
        return tuple(map(_session_row, sessions)), tuple(map(_run_row, runs))

    nothing: _Rows = ((), ())
    rows = database.read(file, busy_timeout, query, empty=nothing)
    if isinstance(rows, Failure):
        return IOResult.from_failure(rows.failure())
    sessions, runs = rows.unwrap()
    if not sessions:
        return IOResult.from_value(())
    assembled = stored_sessions(sessions, runs)
    if isinstance(assembled, Failure):
        return IOResult.from_failure(assembled.failure())
    return IOResult.from_value(assembled.unwrap()[0].runs)
