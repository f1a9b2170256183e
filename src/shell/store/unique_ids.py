"""Session and run ids are unique in a store: a second process recording an id already
recorded by another is refused (``StoreError(DUPLICATE)``), never merged with it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.errors import StoreError, StoreErrorReason
from core.liveness import parse_process_id

__all__ = ["duplicate_run", "duplicate_session", "run_id_taken", "session_owner"]


def session_owner(connection: sqlite3.Connection, session_id: str) -> str | None:
    """The process that first recorded ``session_id`` (``None``: not recorded, or by an
    older version that recorded no owner)."""
    found = connection.execute(
        "SELECT owner FROM sessions WHERE session_id = ?", (session_id,)
    ).fetchone()
    return None if found is None or found[0] is None else str(found[0])


def duplicate_session(file: Path, session_id: str, owner: str | None) -> StoreError:
    """The refusal of a session id that ``owner`` (another process) already recorded."""
    other = parse_process_id(owner)
    by = f"process {other.pid} on {other.host}" if other is not None else "another process"
    return StoreError(
        StoreErrorReason.DUPLICATE,
        f"Session store '{file}' already has a session {session_id!r}, recorded by {by}; "
        "session ids must be unique, so this one is refused rather than merged.",
        path=str(file),
    )


# Looking a run id up needs an index; ``IF NOT EXISTS`` makes it a no-op once there, and it is
# not UNIQUE: a store written before this check may already hold a duplicate, and a session
# may retry its own run under the same id.
_INDEX_RUN_IDS = "CREATE INDEX IF NOT EXISTS runs_by_run_id ON runs (run_id)"

_OTHER_RUN_WITH_ID = (
    "SELECT session_id, owner FROM runs WHERE run_id = ? "
    "AND (session_id != ? OR owner IS NULL OR owner != ?) LIMIT 1"
)


def run_id_taken(
    connection: sqlite3.Connection, run_id: str, session_id: str, owner: str
) -> tuple[str, str | None] | None:
    """The session and owner of a run already recorded under ``run_id`` by another session
    or process, or ``None``."""
    connection.execute(_INDEX_RUN_IDS)
    found = connection.execute(_OTHER_RUN_WITH_ID, (run_id, session_id, owner)).fetchone()
    if found is None:
        return None
    return str(found[0]), None if found[1] is None else str(found[1])


def duplicate_run(file: Path, run_id: str, session_id: str, owner: str | None) -> StoreError:
    """The refusal of a run id that another session or process already recorded."""
    other = parse_process_id(owner)
    by = f"process {other.pid} on {other.host}" if other is not None else "another process"
    return StoreError(
        StoreErrorReason.DUPLICATE,
        f"Session store '{file}' already has a run {run_id!r} (session {session_id!r}, "
        f"recorded by {by}); run ids must be unique, so this one is refused rather than merged.",
        path=str(file),
    )
