"""``SQLiteStore``: the persistent session store, one SQLite database per project.

The database file is ``<path>/session_store.sqlite3`` where ``path`` is the store path Kedro
passes (``<project>/sessions`` by default). Each session is one row of ``sessions`` (upserted
by :meth:`SQLiteStore.save`); each run is one row of ``runs``, written when it starts and
updated when it ends, so a run whose process died is still listed (as ``RUNNING``).
Concurrency, crash safety and error reporting are described in :mod:`shell.store.database`;
the read API over all past sessions is in :mod:`shell.store.history`; refusing duplicate ids
in :mod:`shell.store.unique_ids`; marking the runs of dead processes ``crashed`` in
:mod:`shell.store.crashed_runs`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from returns.io import IOResult
from returns.result import Failure, Result, Success

from core.errors import StoreError, StoreErrorReason
from core.store_records import (
    SESSION_COLUMNS,
    JsonValue,
    RunOutcome,
    SessionRow,
    decode_json,
    encode_json,
    session_row,
)
from shell.processes import this_process
from shell.secrets import scrub
from shell.store import database
from shell.store.base import BaseSessionStore
from shell.store.crashed_runs import reap_crashed_runs
from shell.store.journal import SQLiteJournal
from shell.store.location import DB_FILE_NAME, DEFAULT_BUSY_TIMEOUT, store_file, utc_now
from shell.store.unique_ids import duplicate_run, duplicate_session, run_id_taken, session_owner

__all__ = [
    "DB_FILE_NAME",
    "DEFAULT_BUSY_TIMEOUT",
    "SQLiteStore",
    "reap_crashed_runs",
    "store_file",
    "utc_now",
]

# A session row belongs to the process that first wrote it (``owner``): another process
# saving a session with the same id is refused (nothing changes, ``DUPLICATE``), never merged.
_UPSERT_SESSION = f"""
    INSERT INTO sessions (session_id, project_path, {", ".join(SESSION_COLUMNS)}, data,
                          created_at, updated_at, owner)
    VALUES ({", ".join("?" * (len(SESSION_COLUMNS) + 6))})
    ON CONFLICT (session_id) DO UPDATE SET
        project_path = excluded.project_path,
        {", ".join(f"{name} = excluded.{name}" for name in SESSION_COLUMNS)},
        data = excluded.data,
        updated_at = excluded.updated_at
    WHERE sessions.owner IS NULL OR sessions.owner = excluded.owner
"""

_INSERT_SESSION_IF_ABSENT = _UPSERT_SESSION.split("ON CONFLICT")[0] + (
    "ON CONFLICT (session_id) DO NOTHING"
)


class SQLiteStore(BaseSessionStore):
    """A session store persisted in SQLite, with run records.

    The constructor has Kedro's signature (so it can be ``SESSION_STORE_CLASS``) and, like
    Kedro's stores, reads the session's saved data; if that read fails it raises the
    ``StoreError``. Prefer :meth:`open`, which returns the failure as a value.

    Args:
        path: The store directory; created on the first write.
        session_id: The session's id.
        busy_timeout: Seconds to wait for another writer before reporting ``LOCKED``.
        clock: Gives the current time (UTC) for timestamps.

    Raises:
        StoreError: The saved data could not be read.
    """

    def __init__(
        self,
        path: str,
        session_id: str,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._file = store_file(path)
        self._busy_timeout = busy_timeout
        self._clock = clock
        self._owner = str(this_process())
        self._journal: SQLiteJournal | None = None
        super().__init__(path, session_id)

    @classmethod
    def open(
        cls,
        path: str,
        session_id: str,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        clock: Callable[[], datetime] = utc_now,
    ) -> IOResult[SQLiteStore, StoreError]:
        """Open (creating if needed) the store and read the session's saved data.

        Args:
            path: The store directory.
            session_id: The session's id.
            busy_timeout: Seconds to wait for another writer before reporting ``LOCKED``.
            clock: Gives the current time (UTC) for timestamps.

        Returns:
            The store, or ``IOFailure`` of a ``StoreError`` (``CORRUPT``, ``LOCKED``,
            ``SCHEMA`` or ``IO``); a corrupt file is left as it is.
        """
        created = database.write(store_file(path), busy_timeout, lambda _connection: None)
        if isinstance(created, Failure):
            return IOResult.from_failure(created.failure())
        # Runs left "running" by processes that are gone are marked crashed on every open.
        reaped = reap_crashed_runs(path, busy_timeout=busy_timeout, clock=clock)
        if isinstance(reaped, Failure):
            return IOResult.from_failure(reaped.failure())
        owner = database.read(
            store_file(path), busy_timeout, lambda c: session_owner(c, session_id), empty=None
        )
        if isinstance(owner, Failure):
            return IOResult.from_failure(owner.failure())
        if owner.unwrap() not in (None, str(this_process())):
            return IOResult.from_failure(duplicate_session(store_file(path), session_id, owner.unwrap()))
        try:
            return IOResult.from_value(
                cls(path, session_id, busy_timeout=busy_timeout, clock=clock)
            )
        except StoreError as error:
            return IOResult.from_failure(error)

    @property
    def file(self) -> Path:
        """The database file."""
        return self._file

    def journal(self) -> SQLiteJournal:
        """The run journal kept in this store's database (see :mod:`shell.store.journal`)."""
        if self._journal is None:
            self._journal = SQLiteJournal(self._file, self._busy_timeout)
        return self._journal

    def _timestamp(self) -> str:
        return self._clock().isoformat()

    def load(self) -> IOResult[dict[str, object], StoreError]:
        """Read the session's saved data (empty if it was never saved).

        Returns:
            The data as JSON values (a path comes back as a string), or the ``StoreError``.
        """
        return IOResult.from_result(self._load())

    def _load(self) -> Result[dict[str, object], StoreError]:
        def query(connection: sqlite3.Connection) -> str | None:
            row = connection.execute(
                "SELECT data FROM sessions WHERE session_id = ?", (self._session_id,)
            ).fetchone()
            return None if row is None else str(row[0])

        stored = database.read(self._file, self._busy_timeout, query, empty=None)
        if isinstance(stored, Failure):
            return Failure(stored.failure())
        text = stored.unwrap()
        if text is None:
            return Success({})
        return decode_json(text, what=f"data of session {self._session_id}").bind(self._as_data)

    def _as_data(self, value: JsonValue) -> Result[dict[str, object], StoreError]:
        if not isinstance(value, Mapping):
            return Failure(
                StoreError(
                    StoreErrorReason.CORRUPT,
                    f"Stored data of session {self._session_id} is not a JSON object",
                    path=str(self._file),
                )
            )
        return Success({key: _thawed(item) for key, item in value.items()})

    def read(self) -> dict[str, object]:
        """Kedro's ``read()``: the saved data, raising where :meth:`load` returns a failure.

        Returns:
            The session's saved data, or ``{}``.

        Raises:
            StoreError: The database is corrupt, locked or unreadable.
        """
        loaded = self._load()
        if isinstance(loaded, Failure):
            raise loaded.failure()
        return loaded.unwrap()

    def save(self) -> IOResult[None, StoreError]:
        """Write the session's data (insert, or replace the previous save).

        Values JSON cannot hold are stored as their ``repr``; the in-memory data is unchanged.

        Returns:
            ``IOSuccess(None)`` once committed, or the ``StoreError`` (the data stays in memory,
            so the caller may retry).
        """
        now = self._timestamp()
        row = session_row(self._session_id, dict(self.data), created_at=now, updated_at=now)

        def upsert(connection: sqlite3.Connection) -> None:
            cursor = connection.execute(_UPSERT_SESSION, (*_session_values(row), self._owner))
            if cursor.rowcount == 0:
                raise duplicate_session(self._file, self._session_id, session_owner(connection, self._session_id))

        return IOResult.from_result(database.write(self._file, self._busy_timeout, upsert))

    def record_run_started(
        self, run_id: str, parameters: Mapping[str, object]
    ) -> IOResult[int, StoreError]:
        """Record that a run started (outcome ``RUNNING``).

        The session's current data is also written if the session has no row yet, so that a
        run is never listed without its session. A run id belongs to one session and one
        process: the same id recorded by another session or process is refused
        (``DUPLICATE``), never merged; the same session retrying its own failed run (Kedro
        allows it) records a second row under the same id.

        Args:
            run_id: The run's id (Kedro: the session id).
            parameters: The run params (Kedro's ``record_data``), stored as JSON.

        Returns:
            The run's key, for :meth:`record_run_finished`, or the ``StoreError``.
        """
        now = self._timestamp()
        row = session_row(self._session_id, dict(self.data), created_at=now, updated_at=now)

        def insert(connection: sqlite3.Connection) -> int:
            connection.execute(_INSERT_SESSION_IF_ABSENT, (*_session_values(row), self._owner))
            owner = session_owner(connection, self._session_id)
            if owner not in (None, self._owner):
                raise duplicate_session(self._file, self._session_id, owner)
            taken = run_id_taken(connection, run_id, self._session_id, self._owner)
            if taken is not None:
                raise duplicate_run(self._file, run_id, *taken)
            cursor = connection.execute(
                "INSERT INTO runs (session_id, run_id, parameters, outcome, started_at, owner) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    self._session_id,
                    run_id,
                    scrub(encode_json(parameters)),
                    RunOutcome.RUNNING.value,
                    now,
                    self._owner,
                ),
            )
            assert cursor.lastrowid is not None  # an INSERT into a rowid table sets it
            return cursor.lastrowid

        return IOResult.from_result(database.write(self._file, self._busy_timeout, insert))

    def record_run_finished(
        self, run_key: int, outcome: RunOutcome, error: str | None = None
    ) -> IOResult[None, StoreError]:
        """Record how a run ended.

        Args:
            run_key: What :meth:`record_run_started` returned.
            outcome: ``SUCCESS``, ``FAILED`` or ``INTERRUPTED``.
            error: The error text for a failed or interrupted run.

        Returns:
            ``IOSuccess(None)``, or the ``StoreError`` (``NOT_FOUND`` for an unknown key).
        """
        now = self._timestamp()

        def update(connection: sqlite3.Connection) -> None:
            cursor = connection.execute(
                "UPDATE runs SET outcome = ?, error = ?, finished_at = ? WHERE run_key = ?",
                (outcome.value, None if error is None else scrub(error), now, run_key),
            )
            if cursor.rowcount == 0:
                raise StoreError(
                    StoreErrorReason.NOT_FOUND,
                    f"Session store '{self._file}' has no run with key {run_key}.",
                    path=str(self._file),
                )

        return IOResult.from_result(database.write(self._file, self._busy_timeout, update))


def _session_values(row: SessionRow) -> tuple[str | None, ...]:
    # Credential values never reach the file (a failure's exception text may quote one).
    return (
        row.session_id,
        row.project_path,
        *(None if column is None else scrub(column) for column in row.columns),
        scrub(row.data),
        row.created_at,
        row.updated_at,
    )


def _thawed(value: JsonValue) -> object:
    """Frozen JSON back to what ``json`` gives (dicts and lists), as Kedro's store holds it."""
    if isinstance(value, Mapping):
        return {key: _thawed(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_thawed(item) for item in value]
    return value
