"""Where a session store's database is, and the defaults every part of the store shares."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

__all__ = ["DB_FILE_NAME", "DEFAULT_BUSY_TIMEOUT", "store_file", "utc_now"]

#: The database file inside the store path.
DB_FILE_NAME = "session_store.sqlite3"

#: Seconds a write may wait for other writers (retrying, see :mod:`shell.store.database`)
#: before it is reported ``LOCKED``.
DEFAULT_BUSY_TIMEOUT = 30.0


def utc_now() -> datetime:
    """The current time in UTC (the store's default clock)."""
    return datetime.now(UTC)


def store_file(path: str | Path) -> Path:
    """The database file of the store at ``path``.

    Args:
        path: The store path (a directory).

    Returns:
        ``path / DB_FILE_NAME``.
    """
    return Path(path) / DB_FILE_NAME
