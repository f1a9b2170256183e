"""The plan cache's tables in the session store's database, and the read-only looks the
lookup takes at it (the journal's last completed entry, the file digests cached)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = [
    "INVOCATIONS_TABLE",
    "KEPT_ENTRIES",
    "PLAN_CACHE_TABLE",
    "connect_read_only",
    "digest_rows",
    "has_table",
    "journal_mark",
    "journal_mark_in",
]

#: Entries kept (one per combination of options and environment); older ones are dropped.
KEPT_ENTRIES = 16

PLAN_CACHE_TABLE = "CREATE TABLE IF NOT EXISTS plan_cache (key TEXT PRIMARY KEY, entry TEXT NOT NULL, written INTEGER NOT NULL)"
INVOCATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS plan_cache_invocations "
    "(argv_key TEXT PRIMARY KEY, invocation TEXT NOT NULL, written INTEGER NOT NULL)"
)


def journal_mark(store_file: Path) -> str | None:
    """The journal's last ``completed`` entry in ``store_file`` (``None``: unreadable)."""
    try:
        connection = connect_read_only(store_file)
        try:
            return journal_mark_in(connection)
        finally:
            connection.close()
    except sqlite3.Error:
        return None


def journal_mark_in(connection: sqlite3.Connection) -> str:
    """The last ``completed`` journal entry: a completed node changes what a plan compares to."""
    if not has_table(connection, "node_journal"):
        return "-"
    row = connection.execute("SELECT MAX(entry_key) FROM node_journal WHERE status = 'completed'").fetchone()
    return str(row[0]) if row is not None else "-"


def has_table(connection: sqlite3.Connection, name: str) -> bool:
    found = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return found is not None


def connect_read_only(file: Path) -> sqlite3.Connection:
    # A read-only look: a missing database is not created here.
    return sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True, timeout=5.0)


def digest_rows(connection: sqlite3.Connection) -> dict[str, tuple[int, int, str]]:
    if not has_table(connection, "digest_cache"):
        return {}
    rows = connection.execute("SELECT path, size, mtime_ns, digest FROM digest_cache").fetchall()
    return {str(p): (int(s), int(m), str(d)) for p, s, m, d in rows}
