"""``SQLiteStore`` and the history API on real SQLite files."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from returns.io import IOSuccess

from core.errors import StoreError, StoreErrorReason
from shell.store import (
    SCHEMA_VERSION,
    RunOutcome,
    SQLiteStore,
    get_session,
    list_sessions,
    store_file,
)
from tests.unit.store_writers import error_of, value_of

SID = "2026-11-23T18.54.00.103Z"


class Clock:
    """A clock that advances one second per reading."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "sessions")


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _session_data(project: Path) -> dict[str, object]:
    return {
        "project_path": project,
        "session_id": SID,
        "cli": {"args": [], "params": {"env": None}, "command_name": "run"},
        "env": "local",
        "runtime_params": {"x": {"y": 1}},
        "username": "ada",
        "git": {"commit_sha": "460d16d", "dirty": True},
    }


def test_a_saved_session_reads_back(path: str, tmp_path: Path, clock: Clock) -> None:
    store = value_of(SQLiteStore.open(path, SID, clock=clock))
    assert dict(store) == {}
    store.update(_session_data(tmp_path))
    assert store.save() == IOSuccess(None)

    again = SQLiteStore(path, SID)
    assert dict(again) == {**_session_data(tmp_path), "project_path": str(tmp_path)}
    assert list(again) == list(_session_data(tmp_path))
    assert dict(SQLiteStore(path, "another-session")) == {}


def test_history_lists_sessions_with_their_fields(path: str, tmp_path: Path, clock: Clock) -> None:
    store = SQLiteStore(path, SID, clock=clock)
    store.update(_session_data(tmp_path))
    store.save()

    (session,) = value_of(list_sessions(path))
    assert session.session_id == SID
    assert session.project_path == str(tmp_path)
    assert session.git == {"commit_sha": "460d16d", "dirty": True}
    assert session.cli == {"args": (), "params": {"env": None}, "command_name": "run"}
    assert (session.env, session.username) == ("local", "ada")
    assert session.runtime_params == {"x": {"y": 1}}
    assert session.exception is None
    assert session.created_at == datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC)
    assert session.runs == ()
    assert get_session(path, SID) == IOSuccess(session)


def test_saving_again_replaces_the_data_and_keeps_the_creation_time(
    path: str, tmp_path: Path, clock: Clock
) -> None:
    store = SQLiteStore(path, SID, clock=clock)
    store.update(_session_data(tmp_path))
    store.save()
    store["exception"] = {"type": "KeyError", "value": "'x'", "traceback": ["line 1\n"]}
    del store["env"]
    store.save()

    (session,) = value_of(list_sessions(path))
    assert session.env is None
    assert session.exception == {"type": "KeyError", "value": "'x'", "traceback": ("line 1\n",)}
    assert "env" not in session.data
    assert session.created_at < session.updated_at


def test_runs_are_recorded_with_outcomes(path: str, tmp_path: Path, clock: Clock) -> None:
    store = SQLiteStore(path, SID, clock=clock)
    store.update(_session_data(tmp_path))
    params = {"run_id": SID, "tags": ("a", "b"), "runner": "None", "load_versions": None}

    failed = value_of(store.record_run_started(SID, params))
    assert store.record_run_finished(failed, RunOutcome.FAILED, "ValueError: boom") == IOSuccess(
        None
    )
    # Kedro lets a failed run be retried in the same session, under the same run id.
    retried = value_of(store.record_run_started(SID, params))
    assert store.record_run_finished(retried, RunOutcome.SUCCESS) == IOSuccess(None)
    value_of(store.record_run_started(SID, params))  # never finishes: its process "died"

    session = value_of(get_session(path, SID))
    assert [(r.run_id, r.outcome, r.error) for r in session.runs] == [
        (SID, RunOutcome.FAILED, "ValueError: boom"),
        (SID, RunOutcome.SUCCESS, None),
        (SID, RunOutcome.RUNNING, None),
    ]
    first = session.runs[0]
    assert first.parameters == {
        "run_id": SID,
        "tags": ("a", "b"),
        "runner": "None",
        "load_versions": None,
    }
    assert first.finished_at is not None
    assert first.started_at < first.finished_at
    assert session.runs[2].finished_at is None
    # The run brought the (unsaved) session data with it.
    assert session.env == "local"


def test_finishing_an_unknown_run_is_not_found(path: str) -> None:
    store = SQLiteStore(path, SID)
    assert error_of(store.record_run_finished(42, RunOutcome.SUCCESS)).reason is (
        StoreErrorReason.NOT_FOUND
    )
    assert error_of(get_session(path, "nope")).reason is StoreErrorReason.NOT_FOUND


class Unprintable:
    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


def test_values_json_cannot_hold_are_stored_as_repr(path: str) -> None:
    cyclic: list[object] = [1]
    cyclic.append(cyclic)
    deep: list[object] = []
    for _ in range(5000):
        deep = [deep]
    store = SQLiteStore(path, SID)
    store.update(
        {
            "a_set": {3},
            "bytes": b"\x00",
            "when": datetime(2026, 1, 1),
            "nan": float("nan"),
            "tuple_keys": {(1, 2): "x", 3: "y"},
            "cyclic": cyclic,
            "deep": deep,
            "unprintable": Unprintable(),
        }
    )
    assert store.save() == IOSuccess(None)
    data = SQLiteStore(path, SID).data
    assert data["a_set"] == "{3}"
    assert data["bytes"] == "b'\\x00'"
    assert data["when"] == "datetime.datetime(2026, 1, 1, 0, 0)"
    assert data["nan"] == "nan"
    assert data["tuple_keys"] == {"(1, 2)": "x", "3": "y"}
    assert data["cyclic"] == [1, "[1, [...]]"]
    assert isinstance(data["deep"], list)
    assert str(data["unprintable"]).startswith(f"<{Unprintable.__module__}.Unprintable object at")
    # The in-memory data is untouched.
    assert store["a_set"] == {3}


def test_a_missing_store_has_no_sessions_and_is_not_created(path: str) -> None:
    assert list_sessions(path) == IOSuccess(())
    assert not Path(path).exists()
    assert dict(SQLiteStore(path, SID)) == {}
    assert not Path(path).exists()


def test_schema_is_versioned_and_in_wal_mode(path: str) -> None:
    SQLiteStore(path, SID).save()
    with _connection(store_file(path)) as connection:
        assert connection.execute("SELECT version FROM schema_version").fetchall() == [
            (SCHEMA_VERSION,)
        ]
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_newer_schema_is_refused(path: str) -> None:
    SQLiteStore(path, SID).save()
    with _connection(store_file(path)) as connection:
        connection.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    assert error_of(list_sessions(path)).reason is StoreErrorReason.SCHEMA
    assert error_of(SQLiteStore.open(path, SID)).reason is StoreErrorReason.SCHEMA


def test_a_store_path_that_is_a_file_is_an_io_error(tmp_path: Path) -> None:
    (tmp_path / "sessions").write_text("not a directory")
    assert error_of(SQLiteStore.open(str(tmp_path / "sessions"), SID)).reason is (
        StoreErrorReason.IO
    )


GARBAGE = b"this is not a database\x00\xff" * 300


def test_a_corrupt_file_is_reported_and_left_untouched(path: str) -> None:
    early = SQLiteStore(path, SID)  # built while the store did not exist yet
    early["env"] = "local"
    file = store_file(path)
    file.parent.mkdir()
    file.write_bytes(GARBAGE)

    opened = SQLiteStore.open(path, SID)
    corrupt = error_of(opened)
    assert corrupt.reason is StoreErrorReason.CORRUPT
    assert corrupt.path == str(file)
    assert error_of(list_sessions(path)).reason is StoreErrorReason.CORRUPT
    assert error_of(get_session(path, SID)).reason is StoreErrorReason.CORRUPT
    with pytest.raises(StoreError) as raised:
        SQLiteStore(path, SID)
    assert raised.value.reason is StoreErrorReason.CORRUPT
    # A store built before the damage reports it on save, and writes nothing.
    assert error_of(early.save()).reason is StoreErrorReason.CORRUPT
    assert error_of(early.record_run_started(SID, {})).reason is StoreErrorReason.CORRUPT
    assert file.read_bytes() == GARBAGE
    assert sorted(p.name for p in file.parent.iterdir()) == [file.name]


def test_a_corrupt_value_in_a_row_is_reported(path: str) -> None:
    SQLiteStore(path, SID).save()
    with _connection(store_file(path)) as connection:
        connection.execute("UPDATE sessions SET data = '{not json'")
    assert error_of(list_sessions(path)).reason is StoreErrorReason.CORRUPT
    with pytest.raises(StoreError):
        SQLiteStore(path, SID)


def test_damaged_pages_are_corrupt_not_lost(path: str, tmp_path: Path) -> None:
    store = SQLiteStore(path, SID)
    store.update(_session_data(tmp_path))
    store["padding"] = "x" * 20_000  # spans several pages
    store.save()
    file = store_file(path)
    content = bytearray(file.read_bytes())
    content[4096:] = b"\xde\xad" * ((len(content) - 4096) // 2)
    file.write_bytes(bytes(content))
    damaged = file.read_bytes()

    assert error_of(list_sessions(path)).reason is StoreErrorReason.CORRUPT
    assert file.read_bytes() == damaged


def test_a_locked_database_is_reported_after_the_busy_timeout(path: str, tmp_path: Path) -> None:
    store = SQLiteStore(path, SID, busy_timeout=0.05)
    store.update(_session_data(tmp_path))
    assert store.save() == IOSuccess(None)

    with _connection(store_file(path)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE sessions SET env = '\"held\"'")
        store["env"] = "prod"
        locked = error_of(store.save())
        assert locked.reason is StoreErrorReason.LOCKED
        assert locked.path == str(store_file(path))
        assert error_of(store.record_run_started(SID, {})).reason is StoreErrorReason.LOCKED
        assert error_of(SQLiteStore.open(path, "s2", busy_timeout=0.05)).reason is (
            StoreErrorReason.LOCKED
        )
        holder.execute("ROLLBACK")

    # Nothing was lost: the data is still in memory and saves once the lock is gone.
    assert store.save() == IOSuccess(None)
    assert value_of(get_session(path, SID)).env == "prod"


def _connection(file: Path) -> _Connection:
    return _Connection(file)


class _Connection:
    """A raw autocommit connection, closed on exit."""

    def __init__(self, file: Path) -> None:
        self.connection = sqlite3.connect(file, isolation_level=None, timeout=0)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()
