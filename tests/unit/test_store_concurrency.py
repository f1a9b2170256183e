"""The SQLite store under real concurrency and real crashes (separate processes, SIGKILL).

Processes are started with ``spawn`` so that no SQLite connection or lock state is inherited.
Nothing here depends on timing: processes meet at a barrier, and the crash tests kill a
writer at a point it reports itself (or at whatever point it has reached), then check what the
database holds.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from returns.io import IOSuccess

from shell.store import RunOutcome, SQLiteStore, list_sessions, store_file
from tests.unit.store_writers import run_writer_processes, value_of

WRITERS = 8
SESSIONS_PER_WRITER = 10

pytestmark = pytest.mark.timeout(120)

_spawn = multiprocessing.get_context("spawn")


def test_concurrent_writers_lose_no_record(tmp_path: Path) -> None:
    path = str(tmp_path / "sessions")  # not created yet: the writers race to create it
    exit_codes = run_writer_processes(path, WRITERS, SESSIONS_PER_WRITER, busy_timeout=60)
    assert exit_codes == [0] * WRITERS

    sessions = value_of(list_sessions(path))
    expected = {f"w{w}-s{i}" for w in range(WRITERS) for i in range(SESSIONS_PER_WRITER)}
    assert {s.session_id for s in sessions} == expected
    assert len(sessions) == len(expected)
    for session in sessions:
        assert session.data["session_id"] == session.session_id
        assert [(r.run_id, r.outcome) for r in session.runs] == [
            (session.session_id, RunOutcome.SUCCESS)
        ]


def _commit_then_hang_mid_transaction(path: str, committed: int, ready: Connection) -> None:
    """Commit ``committed`` sessions, then stop inside an open write transaction."""
    for index in range(committed):
        store = SQLiteStore(path, f"kept-{index}")
        store["index"] = index
        value_of(store.save())
    connection = sqlite3.connect(store_file(path), isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    for index in range(200):
        connection.execute(
            "INSERT INTO sessions (session_id, data, created_at, updated_at) VALUES (?, '{}', '', '')",
            (f"uncommitted-{index}",),
        )
    ready.send("in transaction")
    ready.recv()  # never answered: the parent kills us here


def test_a_writer_killed_mid_transaction_leaves_only_committed_records(tmp_path: Path) -> None:
    path = str(tmp_path / "sessions")
    parent_end, child_end = _spawn.Pipe()
    child = _spawn.Process(target=_commit_then_hang_mid_transaction, args=(path, 5, child_end))
    child.start()
    assert parent_end.recv() == "in transaction"
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    assert child.exitcode == -signal.SIGKILL

    sessions = value_of(list_sessions(path))
    assert sorted(s.session_id for s in sessions) == [f"kept-{i}" for i in range(5)]
    _assert_integrity(store_file(path))
    # ... and the store is writable again.
    assert SQLiteStore(path, "after-crash").save() == IOSuccess(None)


def _save_forever(path: str, report: Connection) -> None:
    """Save sessions in a loop, reporting each id once its save has committed."""
    index = 0
    while True:
        session_id = f"loop-{index}"
        store = SQLiteStore(path, session_id)
        store.update({"session_id": session_id, "payload": "x" * 5000})
        value_of(store.save())
        key = value_of(store.record_run_started(session_id, {"index": index}))
        report.send(session_id)
        value_of(store.record_run_finished(key, RunOutcome.SUCCESS))
        index += 1


def test_a_writer_killed_at_any_point_loses_no_committed_record(tmp_path: Path) -> None:
    path = str(tmp_path / "sessions")
    parent_end, child_end = _spawn.Pipe()
    child = _spawn.Process(target=_save_forever, args=(path, child_end))
    child.start()
    reported = [parent_end.recv() for _ in range(25)]
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)  # wherever the writer is now, likely mid-write
    child.join()
    while parent_end.poll():
        reported.append(parent_end.recv())

    sessions = {s.session_id: s for s in value_of(list_sessions(path))}
    assert set(reported) <= set(sessions)
    for session_id in reported:
        assert sessions[session_id].data["payload"] == "x" * 5000
        assert len(sessions[session_id].runs) == 1
    _assert_integrity(store_file(path))


def _assert_integrity(file: Path) -> None:
    connection = sqlite3.connect(file)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()
