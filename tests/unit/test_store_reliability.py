"""The session store under crashes and many writers, with real processes and SIGKILL:
runs of dead processes become ``crashed``, a duplicate session id or run id from another
process or session is refused, 32 and 64 concurrent writer processes lose nothing, and a
version 1 store is migrated."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from returns.io import IOSuccess

from core.errors import StoreErrorReason
from core.liveness import ProcessFacts, ProcessId, gone, parse_process_id
from shell.processes import this_process
from shell.store import RunOutcome, SQLiteStore, list_sessions, store_file
from shell.store.crashed_runs import reap_crashed_runs
from tests.unit.store_writers import error_of, run_writer_processes, value_of

pytestmark = pytest.mark.timeout(240)
_spawn = multiprocessing.get_context("spawn")


def _start_run_then_hang(path: str, session_id: str, ready: Connection) -> None:
    store = value_of(SQLiteStore.open(path, session_id))
    value_of(store.save())
    value_of(store.record_run_started(session_id, {"n": 1}))
    ready.send("running")
    ready.recv()  # never answered: killed here


def _killed_runner(path: str, session_id: str) -> None:
    parent_end, child_end = _spawn.Pipe()
    child = _spawn.Process(target=_start_run_then_hang, args=(path, session_id, child_end))
    child.start()
    assert parent_end.recv() == "running"
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join()


def test_a_run_whose_process_was_killed_is_crashed_on_the_next_open(tmp_path: Path) -> None:
    path = str(tmp_path / "sessions")
    _killed_runner(path, "killed")
    (before,) = value_of(list_sessions(path))
    assert [r.outcome for r in before.runs] == [RunOutcome.RUNNING]

    value_of(SQLiteStore.open(path, "next"))
    (after,) = value_of(list_sessions(path))
    (run,) = after.runs
    assert run.outcome is RunOutcome.CRASHED
    assert run.error is not None and "ended without recording an outcome" in run.error
    assert run.finished_at is not None
    assert reap_crashed_runs(path).unwrap() == ()  # nothing left to reap


def test_a_live_run_is_never_reaped(tmp_path: Path) -> None:
    path = str(tmp_path / "sessions")
    store = value_of(SQLiteStore.open(path, "alive"))
    value_of(store.record_run_started("alive", {}))
    assert reap_crashed_runs(path).unwrap() == ()
    (session,) = value_of(list_sessions(path))
    assert [r.outcome for r in session.runs] == [RunOutcome.RUNNING]


def test_liveness_decisions() -> None:
    me = ProcessId("h", 10, "500")
    assert gone(me, ProcessFacts("h", {10: None}))
    assert gone(me, ProcessFacts("h", {10: "999"}))  # the pid was reused
    assert not gone(me, ProcessFacts("h", {10: "500"}))
    assert not gone(me, ProcessFacts("other", {10: None}))  # another host: not judged
    assert not gone(me, ProcessFacts("h", {}))
    assert parse_process_id(str(me)) == me
    assert parse_process_id("garbage") is None
    assert parse_process_id(str(this_process())) == this_process()


def _save_session(path: str, session_id: str, done: Connection) -> None:
    store = SQLiteStore(path, session_id)
    store["writer"] = os.getpid()
    saved = store.save()
    started = store.record_run_started(session_id, {})
    done.send((str(saved), str(started)))


def test_another_process_cannot_merge_into_a_session_id(tmp_path: Path) -> None:
    path = str(tmp_path / "sessions")
    mine = value_of(SQLiteStore.open(path, "same-id"))
    value_of(mine.save())
    parent_end, child_end = _spawn.Pipe()
    other = _spawn.Process(target=_save_session, args=(path, "same-id", child_end))
    other.start()
    saved, started = parent_end.recv()
    other.join()
    assert "refused rather than merged" in saved and "refused rather than merged" in started
    (session,) = value_of(list_sessions(path))
    assert "writer" not in session.data and session.runs == ()
    assert value_of(mine.save()) is None  # the owner still saves


def test_opening_a_session_id_owned_by_another_process_is_refused(tmp_path: Path) -> None:
    path = str(tmp_path / "sessions")
    parent_end, child_end = _spawn.Pipe()
    other = _spawn.Process(target=_save_session, args=(path, "theirs", child_end))
    other.start()
    parent_end.recv()
    other.join()
    refused = error_of(SQLiteStore.open(path, "theirs"))
    assert refused.reason is StoreErrorReason.DUPLICATE
    assert "refused rather than merged" in refused.message


def _record_run(path: str, session_id: str, run_id: str, done: Connection) -> None:
    store = value_of(SQLiteStore.open(path, session_id))
    done.send(str(store.record_run_started(run_id, {"writer": os.getpid()})))


def test_another_process_cannot_record_a_run_id_already_recorded(tmp_path: Path) -> None:
    # MULTI-mode run ids: two processes (each with its own session) record the same run id.
    path = str(tmp_path / "sessions")
    mine = value_of(SQLiteStore.open(path, "session-a"))
    value_of(mine.record_run_started("run-1", {}))
    parent_end, child_end = _spawn.Pipe()
    other = _spawn.Process(target=_record_run, args=(path, "session-b", "run-1", child_end))
    other.start()
    started = parent_end.recv()
    other.join()
    assert "already has a run 'run-1'" in started and "refused rather than merged" in started
    assert f"process {os.getpid()}" in started  # names who holds the id
    runs = [r for s in value_of(list_sessions(path)) for r in s.runs]
    assert [(r.session_id, r.run_id) for r in runs] == [("session-a", "run-1")]


def test_a_second_session_of_the_same_process_cannot_reuse_a_run_id(tmp_path: Path) -> None:
    path = str(tmp_path / "sessions")
    first = value_of(SQLiteStore.open(path, "one"))
    second = value_of(SQLiteStore.open(path, "two"))
    value_of(first.record_run_started("shared", {}))
    refused = error_of(second.record_run_started("shared", {}))
    assert refused.reason is StoreErrorReason.DUPLICATE
    assert "'shared' (session 'one'" in refused.message
    # A session retrying its own (failed) run keeps its id: Kedro allows the retry.
    key = value_of(first.record_run_started("shared", {}))
    value_of(first.record_run_finished(key, RunOutcome.FAILED, "boom"))
    value_of(first.record_run_started("shared", {}))
    (one,) = [s for s in value_of(list_sessions(path)) if s.session_id == "one"]
    assert [r.run_id for r in one.runs] == ["shared"] * 3


def test_a_store_already_holding_a_duplicate_run_id_still_opens_and_refuses_more(
    tmp_path: Path,
) -> None:
    # Stores written before the check may hold duplicates: nothing may fail on them.
    path = str(tmp_path / "sessions")
    value_of(value_of(SQLiteStore.open(path, "a")).record_run_started("dup", {}))
    connection = sqlite3.connect(store_file(path), isolation_level=None)
    connection.execute("DROP INDEX IF EXISTS runs_by_run_id")
    connection.execute(
        "INSERT INTO runs (session_id, run_id, parameters, outcome, started_at, owner) "
        "VALUES ('b', 'dup', '{}', 'success', '2026-01-01T00:00:00+00:00', 'elsewhere')"
    )
    connection.close()
    late = value_of(SQLiteStore.open(path, "c"))
    assert error_of(late.record_run_started("dup", {})).reason is StoreErrorReason.DUPLICATE
    value_of(late.record_run_started("fresh", {}))


WRITERS = 32
SESSIONS = 10


@pytest.mark.slow
def test_32_writer_processes_with_the_default_deadline_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "sessions")
    assert run_writer_processes(path, WRITERS, SESSIONS) == [0] * WRITERS
    sessions = value_of(list_sessions(path))
    assert len(sessions) == WRITERS * SESSIONS
    assert all([r.outcome for r in s.runs] == [RunOutcome.SUCCESS] for s in sessions)


@pytest.mark.slow
def test_64_writer_processes_with_the_default_deadline_lose_nothing(tmp_path: Path) -> None:
    # The bar: 64 concurrent writers (3 sessions each, three records per session).
    path = str(tmp_path / "sessions")
    assert run_writer_processes(path, 64, 3) == [0] * 64
    sessions = value_of(list_sessions(path))
    assert len(sessions) == 64 * 3
    assert all([r.outcome for r in s.runs] == [RunOutcome.SUCCESS] for s in sessions)


def test_a_version_1_store_is_migrated_with_its_records(tmp_path: Path) -> None:
    path = tmp_path / "sessions"
    path.mkdir()
    connection = sqlite3.connect(store_file(path), isolation_level=None)
    connection.executescript(
        """
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version VALUES (1);
        CREATE TABLE sessions (session_id TEXT PRIMARY KEY, project_path TEXT, cli TEXT,
            env TEXT, runtime_params TEXT, username TEXT, git TEXT, exception TEXT,
            data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE runs (run_key INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL,
            run_id TEXT NOT NULL, parameters TEXT NOT NULL, outcome TEXT NOT NULL
            CHECK (outcome IN ('running', 'success', 'failed', 'interrupted')),
            error TEXT, started_at TEXT NOT NULL, finished_at TEXT);
        INSERT INTO sessions VALUES ('old', NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{}',
            '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00');
        INSERT INTO runs VALUES (7, 'old', 'old', '{}', 'success', NULL,
            '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:01+00:00');
        """
    )
    connection.close()
    assert SQLiteStore(str(path), "new").save() == IOSuccess(None)
    sessions = {s.session_id: s for s in value_of(list_sessions(path))}
    assert [(r.run_key, r.outcome) for r in sessions["old"].runs] == [(7, RunOutcome.SUCCESS)]
    assert "new" in sessions


def test_a_run_the_store_cannot_record_is_refused_not_run_unrecorded(tmp_path: Path) -> None:
    from tests.unit.cli_projects import kedro_pure, write_cli_project

    root = write_cli_project(tmp_path / "proj")
    settings = next((root / "src").glob("*/settings.py"))
    settings.write_text(
        settings.read_text()
        + "from shell.store import SQLiteStore\n"
        + "SESSION_STORE_CLASS = SQLiteStore\n"
        + 'SESSION_STORE_ARGS = {"busy_timeout": 0.3}\n'
    )
    assert kedro_pure("run", "--pipelines", "prep", cwd=root).code == 0
    holder = sqlite3.connect(store_file(root / "sessions"), isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")  # another writer holding the lock past the deadline
        done = kedro_pure("run", "--pipelines", "prep", cwd=root)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.code == 3, done
    assert "locked" in done.stderr
    assert done.ran == ()  # nothing ran unrecorded


def test_credential_values_never_reach_the_store(tmp_path: Path) -> None:
    from shell.secrets import register_credentials

    secret = f"STORESECRET{os.getpid()}X"
    register_credentials({"db": {"password": secret}})
    path = str(tmp_path / "sessions")
    store = value_of(SQLiteStore.open(path, "s"))
    store["exception"] = {"value": f"login failed for {secret}"}
    value_of(store.save())
    key = value_of(store.record_run_started("s", {"note": f"uses {secret}"}))
    value_of(store.record_run_finished(key, RunOutcome.FAILED, f"driver said: password={secret}"))
    stored = b"".join(p.read_bytes() for p in Path(path).iterdir())
    assert secret.encode() not in stored
    assert b"<redacted>" in stored
