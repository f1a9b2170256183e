"""Connections to the session database: transactions, the schema, and errors as values.

Every operation opens its own connection and closes it when done, so stores are safe to use from
several threads and processes (and across ``fork``). The database runs in WAL mode: readers
never wait for a writer, and a process killed mid-transaction leaves only its uncommitted
transaction behind, which SQLite discards on the next open. Writers take the write lock at the
start of their transaction (``BEGIN IMMEDIATE``) so that concurrent writers queue on the busy
timeout instead of failing on a lock upgrade.

These functions perform their effect when called and return a plain ``Result``; the store's
public methods wrap it in ``IOResult``. Failures come back as ``StoreError`` values: a file that is not a database, or a damaged one, is
``CORRUPT`` (and is never written to, so nothing is lost); a lock held past the busy timeout is
``LOCKED``; a database from a newer schema is ``SCHEMA``; anything else the file system refuses
is ``IO``.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from returns.result import Failure, Result, Success

from core.errors import StoreError, StoreErrorReason

__all__ = ["SCHEMA_VERSION", "as_store_error", "read", "write"]

_T = TypeVar("_T")

#: The schema this code writes. Version history: 1 = sessions, runs; 2 = the owning
#: process of each session and run (``owner``), and the ``crashed`` outcome.
SCHEMA_VERSION = 2

_RUNS_TABLE = """CREATE TABLE runs (
        run_key INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        parameters TEXT NOT NULL,
        outcome TEXT NOT NULL
            CHECK (outcome IN ('running', 'success', 'failed', 'interrupted', 'crashed')),
        error TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        owner TEXT
    )"""

_SCHEMA = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    f"INSERT INTO schema_version (version) VALUES ({SCHEMA_VERSION})",
    """CREATE TABLE sessions (
        session_id TEXT PRIMARY KEY,
        project_path TEXT,
        cli TEXT,
        env TEXT,
        runtime_params TEXT,
        username TEXT,
        git TEXT,
        exception TEXT,
        data TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        owner TEXT
    )""",
    _RUNS_TABLE,
    "CREATE INDEX runs_by_session ON runs (session_id, run_key)",
    "CREATE INDEX runs_by_outcome ON runs (outcome)",
    "CREATE INDEX runs_by_run_id ON runs (run_id)",
)

# Version 1 -> 2: an owner column on both tables, and the wider outcome CHECK (SQLite cannot
# alter a CHECK, so ``runs`` is rebuilt; run keys are kept).
_MIGRATE_FROM_1 = (
    "ALTER TABLE sessions ADD COLUMN owner TEXT",
    "ALTER TABLE runs RENAME TO runs_v1",
    _RUNS_TABLE,
    "INSERT INTO runs (run_key, session_id, run_id, parameters, outcome, error, started_at, "
    "finished_at) SELECT run_key, session_id, run_id, parameters, outcome, error, started_at, "
    "finished_at FROM runs_v1",
    "DROP TABLE runs_v1",
    "CREATE INDEX runs_by_session ON runs (session_id, run_key)",
    "CREATE INDEX runs_by_outcome ON runs (outcome)",
    f"UPDATE schema_version SET version = {SCHEMA_VERSION}",
)

# Primary SQLite result codes (the low byte of an extended code).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26

# Seconds between attempts to switch a new file to WAL while another process is switching it.
_WAL_RETRY_PAUSE = 0.005


def _store_error(file: Path, error: sqlite3.Error | OSError, busy_timeout: float) -> StoreError:
    if isinstance(error, OSError):
        return StoreError(
            StoreErrorReason.IO,
            f"Session store '{file}' could not be used: {error}",
            path=str(file),
        )
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StoreError(
            StoreErrorReason.LOCKED,
            f"Session store '{file}' is locked by another connection "
            f"(still locked after {busy_timeout:g}s): {error}",
            path=str(file),
        )
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return StoreError(
            StoreErrorReason.CORRUPT,
            f"Session store '{file}' is not a readable SQLite database: {error}. "
            "The file was left untouched.",
            path=str(file),
        )
    return StoreError(
        StoreErrorReason.IO, f"Session store '{file}' could not be used: {error}", path=str(file)
    )


def _schema_version(connection: sqlite3.Connection) -> int | None:
    """The stored schema version, ``None`` for a database without our tables."""
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if exists is None:
        return None
    row = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0]) if row is not None and row[0] is not None else None


def _check_version(file: Path, version: int | None) -> None:
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(
            StoreErrorReason.SCHEMA,
            f"Session store '{file}' has schema version {version}; this kedro-pure "
            f"understands versions up to {SCHEMA_VERSION}.",
            path=str(file),
        )


def _ensure_wal(connection: sqlite3.Connection, busy_timeout: float) -> None:
    """Switch the file to WAL mode unless it is already (the mode is stored in the file).

    Reading the mode first also validates the header before anything could be written. The
    switch needs the file to itself and SQLite does not apply the busy timeout to it, so when
    several processes create the store at once the losers retry here until the winner has
    switched or the timeout is spent.
    """
    deadline = time.monotonic() + busy_timeout
    while True:
        (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
        if str(mode).lower() == "wal":
            return
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            busy = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF == _SQLITE_BUSY
            if not busy or time.monotonic() >= deadline:
                raise
        time.sleep(_WAL_RETRY_PAUSE)


def _connect(file: Path, wait: float) -> sqlite3.Connection:
    # ``isolation_level=None``: we issue BEGIN/COMMIT ourselves.
    connection = sqlite3.connect(file, timeout=wait, isolation_level=None)
    # In WAL mode NORMAL still survives any process crash (a commit is in the WAL before
    # COMMIT returns); only a power cut may lose the last commits, never corrupt the file.
    # It saves an fsync per commit, which is most of a short transaction's cost.
    connection.execute("PRAGMA synchronous = NORMAL")
    return connection


def _attempt(
    file: Path,
    wait: float,
    busy_timeout: float,
    work: Callable[[sqlite3.Connection], _T],
    *,
    write: bool,
) -> Result[_T, StoreError]:
    """One try at the transaction; SQLite's own busy handler waits at most ``wait``."""
    try:
        if write:
            file.parent.mkdir(parents=True, exist_ok=True)
        connection = _connect(file, wait)
    except (sqlite3.Error, OSError) as error:
        return Failure(_store_error(file, error, busy_timeout))
    try:
        if write:
            _ensure_wal(connection, wait)
        connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            version = _schema_version(connection)
            _check_version(file, version)
            if write and version is None:
                for statement in _SCHEMA:
                    connection.execute(statement)
            elif write and version == 1:
                for statement in _MIGRATE_FROM_1:
                    connection.execute(statement)
            result = work(connection)
            connection.execute("COMMIT")
        except BaseException:
            # Also on KeyboardInterrupt: leave nothing half-written behind.
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        return Success(result)
    except StoreError as error:
        return Failure(error)
    except (sqlite3.Error, OSError) as error:
        return Failure(_store_error(file, error, busy_timeout))
    finally:
        connection.close()


#: Longest single wait in SQLite's busy handler before we retry ourselves, and the bounds of
#: the randomised pause between tries (doubling from the first to the last).
_ATTEMPT_WAIT = 0.25
_FIRST_PAUSE = 0.002
_LONGEST_PAUSE = 0.1


def _transaction(
    file: Path,
    busy_timeout: float,
    work: Callable[[sqlite3.Connection], _T],
    *,
    write: bool,
) -> Result[_T, StoreError]:
    """The transaction, retried while the database is locked, until ``busy_timeout``.

    SQLite's busy handler alone is unfair under many writers (a waiter sleeping its longest
    step loses the lock to newcomers again and again); short waits followed by a random pause
    (full jitter, doubling) spread the writers out, inside one deadline for the whole write.
    A write that is still locked at the deadline is a ``LOCKED`` failure, never dropped.
    """
    deadline = time.monotonic() + busy_timeout
    pause = _FIRST_PAUSE
    while True:
        remaining = max(deadline - time.monotonic(), 0.0)
        outcome = _attempt(file, min(remaining, _ATTEMPT_WAIT), busy_timeout, work, write=write)
        if not isinstance(outcome, Failure) or outcome.failure().reason is not StoreErrorReason.LOCKED:
            return outcome
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return outcome
        time.sleep(min(random.uniform(0.0, pause), remaining))
        pause = min(pause * 2, _LONGEST_PAUSE)


def write(
    file: Path, busy_timeout: float, work: Callable[[sqlite3.Connection], _T]
) -> Result[_T, StoreError]:
    """Run ``work`` in a write transaction, creating the file and schema if needed.

    Args:
        file: The database file.
        busy_timeout: Seconds to wait for another writer's lock before giving up.
        work: Executes statements on the connection; its result is returned. It may raise
            ``StoreError`` to roll back and fail.

    Returns:
        ``work``'s result once committed, or the ``StoreError``.
    """
    return _transaction(file, busy_timeout, work, write=True)


def read(
    file: Path, busy_timeout: float, work: Callable[[sqlite3.Connection], _T], *, empty: _T
) -> Result[_T, StoreError]:
    """Run ``work`` in a read transaction (one consistent snapshot); nothing is created.

    Args:
        file: The database file.
        busy_timeout: Seconds to wait on a lock before giving up.
        work: Runs queries on the connection.
        empty: The result when the file or our tables do not exist yet.

    Returns:
        ``work``'s result, ``empty``, or the ``StoreError``.
    """
    if not file.exists():
        return Success(empty)

    def guarded(connection: sqlite3.Connection) -> _T:
        if _schema_version(connection) is None:
            return empty
        return work(connection)

    return _transaction(file, busy_timeout, guarded, write=False)


def as_store_error(file: Path, error: sqlite3.Error | OSError, busy_timeout: float) -> StoreError:
    """The ``StoreError`` value for an error raised while using ``file`` (for code that keeps
    its own connection, like the run journal)."""
    return _store_error(file, error, busy_timeout)
