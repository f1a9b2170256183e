"""The run journal and the file-digest cache, kept in the session store's SQLite database.

Tables (added to the store's database on first use, ``CREATE ... IF NOT EXISTS``; readers
of older kedro-pure versions ignore them):

* ``node_journal``: one row per node event (started, completed, failed, interrupted,
  skipped) of every run, appended in its own transaction, so a process killed at any
  point leaves every committed event intact and no half-written one. A ``completed`` row is
  written only after the node's outputs were saved (and every save is atomic), so each node
  recorded ``completed`` really has its persistent outputs saved whole.
* ``digest_cache``: a file's content digest by path, size and modification time, so an
  unchanged file is not read again.

Durability: the database is in WAL mode and the journal's connection uses
``synchronous=NORMAL``: a committed event survives the process being killed (``kill -9``);
after a power loss the last events may be lost, which can only make a node run again, never
skip one wrongly (its outputs were fsync-ed before the event was written).

A custom ``SESSION_STORE_CLASS`` may offer a journal by having a ``journal()`` method that
returns an object with the methods of :class:`SQLiteJournal`; without one, incremental runs
and resume say they are unavailable.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from returns.result import Failure, Result, Success

from core.errors import StoreError
from core.incremental.journal import (
    JournalEntry,
    JournalRow,
    entry_from_row,
)
from shell.store import database

__all__ = ["SQLiteJournal"]

_TABLES = (
    """CREATE TABLE IF NOT EXISTS node_journal (
        entry_key INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL,
        node TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('started', 'completed', 'failed', 'interrupted', 'skipped')),
        at TEXT NOT NULL,
        reason TEXT,
        duration REAL,
        fingerprint TEXT,
        outputs TEXT,
        error TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS node_journal_by_run ON node_journal (run_id, entry_key)",
    # Partial: only completed entries pay for it (the last-completed query reads it).
    "CREATE INDEX IF NOT EXISTS node_journal_completed ON node_journal (node, entry_key) "
    "WHERE status = 'completed'",
    """CREATE TABLE IF NOT EXISTS digest_cache (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        digest TEXT NOT NULL
    )""",
)

_COLUMNS = "run_id, node, status, at, reason, duration, fingerprint, outputs, error"
_INSERT = f"INSERT INTO node_journal ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_LAST_COMPLETED = (
    f"SELECT {_COLUMNS} FROM node_journal WHERE entry_key IN "
    "(SELECT MAX(entry_key) FROM node_journal WHERE status = 'completed' GROUP BY node) "
    "ORDER BY entry_key"
)
# Keys only grow: rows are never deleted, so the rowid (without AUTOINCREMENT's bookkeeping)
# orders entries as they were written.
_OF_RUN = f"SELECT {_COLUMNS} FROM node_journal WHERE run_id = ? ORDER BY entry_key"

#: (size, mtime_ns, digest) by path
DigestRows = dict[str, tuple[int, int, str]]


def _values(entry: JournalEntry) -> tuple[object, ...]:
    return (
        entry.run_id,
        entry.node,
        entry.event.value,
        entry.at,
        entry.reason or None,
        entry.duration,
        None if entry.fingerprint is None else json.dumps(entry.fingerprint.to_json(), sort_keys=True),
        json.dumps(dict(entry.outputs), sort_keys=True) if entry.outputs else None,
        entry.error,
    )


def _row(values: tuple[object, ...]) -> JournalRow:
    def text(value: object) -> str | None:
        return None if value is None else str(value)

    duration = values[5]
    return JournalRow(
        run_id=str(values[0]),
        node=str(values[1]),
        event=str(values[2]),
        at=str(values[3]),
        reason=text(values[4]),
        duration=float(duration) if isinstance(duration, int | float) else None,
        fingerprint=text(values[6]),
        outputs=text(values[7]),
        error=text(values[8]),
    )


def _decode(rows: Iterable[tuple[object, ...]]) -> Result[tuple[JournalEntry, ...], StoreError]:
    entries: list[JournalEntry] = []
    for values in rows:
        decoded = entry_from_row(_row(values))
        if isinstance(decoded, Failure):
            return Failure(decoded.failure())
        entries.append(decoded.unwrap())
    return Success(tuple(entries))


def _create_tables(connection: sqlite3.Connection) -> None:
    for statement in _TABLES:
        connection.execute(statement)


class SQLiteJournal:
    """The journal of a SQLite session store (``SQLiteStore.journal()``).

    Appends go through one connection kept open for the journal's life (an event costs one
    small transaction, not a connection); reads open their own. Thread-safe.

    Args:
        file: the store's database file.
        busy_timeout: seconds to wait for another writer.
    """

    def __init__(self, file: Path, busy_timeout: float) -> None:
        self._file = file
        self._busy_timeout = busy_timeout
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._ready = False

    @property
    def file(self) -> Path:
        """The database file."""
        return self._file

    def _ensure(self) -> Result[None, StoreError]:
        if self._ready:
            return Success(None)
        created = database.write(self._file, self._busy_timeout, _create_tables)
        if isinstance(created, Success):
            self._ready = True
        return created

    def append(self, entries: Iterable[JournalEntry]) -> Result[None, StoreError]:
        """Append ``entries`` in one committed transaction (one event, or one plan's skips)."""
        rows = [_values(entry) for entry in entries]
        if not rows:
            return Success(None)
        ready = self._ensure()
        if isinstance(ready, Failure):
            return ready
        with self._lock:
            try:
                if self._connection is None:
                    connection = sqlite3.connect(
                        self._file, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False
                    )
                    connection.execute("PRAGMA synchronous = NORMAL")
                    self._connection = connection
                connection = self._connection
                if connection.in_transaction:
                    # Left open by an interrupt that landed before the guard below could end
                    # it: it holds the database's write lock, so end it before anything else.
                    connection.execute("ROLLBACK")
                try:
                    # BEGIN inside the guard: an interrupt raised as it returns rolls back too.
                    connection.execute("BEGIN IMMEDIATE")
                    connection.executemany(_INSERT, rows)
                    connection.execute("COMMIT")
                except BaseException:
                    # Also on KeyboardInterrupt: nothing half-written stays behind, and the
                    # persistent connection never keeps the write lock.
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
            except sqlite3.Error as error:
                return Failure(database.as_store_error(self._file, error, self._busy_timeout))
        return Success(None)

    def close(self) -> None:
        """Close the append connection (reopened by the next append)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def last_completed(self) -> Result[tuple[JournalEntry, ...], StoreError]:
        """The last ``completed`` entry of every node, oldest first."""
        none: list[tuple[object, ...]] = []
        rows = database.read(
            self._file, self._busy_timeout, lambda c: _fetch(c, _LAST_COMPLETED, ()), empty=none
        )
        return rows.bind(_decode)

    def run_entries(self, run_id: str) -> Result[tuple[JournalEntry, ...], StoreError]:
        """Every entry of one run, in the order written."""
        none: list[tuple[object, ...]] = []
        rows = database.read(
            self._file, self._busy_timeout, lambda c: _fetch(c, _OF_RUN, (run_id,)), empty=none
        )
        return rows.bind(_decode)

    def cached_digests(self) -> Result[DigestRows, StoreError]:
        """The digest cache: ``{path: (size, mtime_ns, digest)}``."""

        def query(connection: sqlite3.Connection) -> DigestRows:
            if not _has_table(connection, "digest_cache"):
                return {}
            rows = connection.execute("SELECT path, size, mtime_ns, digest FROM digest_cache").fetchall()
            return {str(p): (int(s), int(m), str(d)) for p, s, m, d in rows}

        return database.read(self._file, self._busy_timeout, query, empty={})

    def store_digests(self, rows: Mapping[str, tuple[int, int, str]]) -> Result[None, StoreError]:
        """Insert or replace digest cache rows, in one transaction."""
        if not rows:
            return Success(None)

        def upsert(connection: sqlite3.Connection) -> None:
            _create_tables(connection)
            connection.executemany(
                "INSERT OR REPLACE INTO digest_cache (path, size, mtime_ns, digest) VALUES (?, ?, ?, ?)",
                [(path, size, mtime, digest) for path, (size, mtime, digest) in rows.items()],
            )

        return database.write(self._file, self._busy_timeout, upsert)


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    found = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return found is not None


def _fetch(
    connection: sqlite3.Connection, query: str, args: tuple[object, ...]
) -> list[tuple[object, ...]]:
    if not _has_table(connection, "node_journal"):
        return []
    return [tuple(row) for row in connection.execute(query, args).fetchall()]
