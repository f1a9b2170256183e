"""What the session store keeps, as values: how a session's data becomes rows, and rows records.

The store persists a session's data (Kedro's store dict: ``project_path``, ``session_id``,
``cli``, ``env``, ``runtime_params``, ``username``, ``git`` and, after a failed ``with`` block,
``exception``) and one row per run (id, parameters, outcome, error text, timestamps).

Values are stored as JSON, never failing (:mod:`core.store_json`).

The shell reads and writes the rows (:class:`SessionRow`, :class:`RunRow`, all text); this
module turns them into records (:class:`StoredSession`, :class:`StoredRun`) and refuses a row
that does not decode with a ``StoreError`` whose reason is ``CORRUPT``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from returns.result import Failure, Result, Success

from core.errors import StoreError, StoreErrorReason
from core.store_json import JsonValue, PlainJson, decode_json, encode_json, to_plain_json

__all__ = [
    "SESSION_COLUMNS",
    "JsonValue",
    "PlainJson",
    "RunOutcome",
    "RunRow",
    "SessionRow",
    "StoredRun",
    "StoredSession",
    "decode_json",
    "encode_json",
    "session_row",
    "stored_sessions",
    "to_plain_json",
]

#: The store keys that get a column of their own (besides ``project_path``), in Kedro's order.
SESSION_COLUMNS = ("cli", "env", "runtime_params", "username", "git", "exception")

class RunOutcome(enum.Enum):
    """How a recorded run ended."""

    #: started and not finished: still running, or its process died
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    #: stopped by the user (Ctrl-C) or a termination signal (SIGTERM)
    INTERRUPTED = "interrupted"
    #: its process ended without recording an outcome (SIGKILL, a crash, power loss); set
    #: when a store is next opened on the same host (see :mod:`core.liveness`)
    CRASHED = "crashed"


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One row of the ``sessions`` table, as text.

    Attributes:
        session_id: The session's id.
        project_path: The project path as a plain string, or ``None`` if the data has none.
        columns: JSON text (or ``None`` when the key is absent) for each name in
            :data:`SESSION_COLUMNS`, in that order.
        data: The whole store as a JSON object.
        created_at: ISO-8601 time of the first save.
        updated_at: ISO-8601 time of the latest save.
    """

    session_id: str
    project_path: str | None
    columns: tuple[str | None, ...]
    data: str
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class RunRow:
    """One row of the ``runs`` table, as stored.

    Attributes:
        run_key: The store's own key for the row (a run id may be retried in one session).
        session_id: The session the run belongs to.
        run_id: The run's id (Kedro uses the session id).
        parameters: The run params (Kedro's ``record_data``) as a JSON object.
        outcome: A :class:`RunOutcome` value.
        error: The error text of a failed or interrupted run.
        started_at: ISO-8601 start time.
        finished_at: ISO-8601 end time, ``None`` while running.
    """

    run_key: int
    session_id: str
    run_id: str
    parameters: str
    outcome: str
    error: str | None
    started_at: str
    finished_at: str | None


@dataclass(frozen=True, slots=True)
class StoredRun:
    """A recorded run.

    Attributes:
        run_key: The store's key for this run.
        session_id: The session it belongs to.
        run_id: The run's id.
        parameters: The run params as they were recorded.
        outcome: How the run ended.
        error: The error text, if it failed or was interrupted.
        started_at: When it started.
        finished_at: When it ended, ``None`` if it never did.
    """

    run_key: int
    session_id: str
    run_id: str
    parameters: JsonValue
    outcome: RunOutcome
    error: str | None
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A recorded session with its runs (oldest first).

    Attributes:
        session_id: The session's id.
        project_path: The project path.
        git: ``{"commit_sha": ..., "dirty": ...}`` or ``None`` outside git.
        cli: The CLI context, or ``None`` if not started from the CLI.
        env: The environment name given to the session.
        runtime_params: The runtime parameters given to the session.
        username: Who ran it.
        exception: ``{"type", "value", "traceback"}`` if the session's ``with`` block raised.
        data: The whole store as saved.
        created_at: When the session was first saved.
        updated_at: When it was last saved.
        runs: Its runs, oldest first.
    """

    session_id: str
    project_path: str | None
    git: JsonValue
    cli: JsonValue
    env: JsonValue
    runtime_params: JsonValue
    username: JsonValue
    exception: JsonValue
    data: Mapping[str, JsonValue]
    created_at: datetime
    updated_at: datetime
    runs: tuple[StoredRun, ...]


def session_row(
    session_id: str, data: Mapping[str, object], *, created_at: str, updated_at: str
) -> SessionRow:
    """The row that stores a session's data.

    Args:
        session_id: The store's session id (authoritative over ``data["session_id"]``).
        data: The store's contents.
        created_at: ISO-8601 time of the first save (kept by the database on later saves).
        updated_at: ISO-8601 time of this save.

    Returns:
        The row, every value JSON-encoded.
    """
    plain = to_plain_json(data)
    assert isinstance(plain, dict)  # a Mapping always converts to a dict
    project_path = plain.get("project_path")
    return SessionRow(
        session_id=session_id,
        project_path=(
            None
            if project_path is None
            else project_path
            if isinstance(project_path, str)
            else json.dumps(project_path, ensure_ascii=False)
        ),
        columns=tuple(
            json.dumps(plain[name], ensure_ascii=False) if name in plain else None
            for name in SESSION_COLUMNS
        ),
        data=json.dumps(plain, ensure_ascii=False, allow_nan=False),
        created_at=created_at,
        updated_at=updated_at,
    )


def _timestamp(text: str, what: str) -> Result[datetime, StoreError]:
    try:
        return Success(datetime.fromisoformat(text))
    except ValueError:
        return Failure(
            StoreError(StoreErrorReason.CORRUPT, f"Stored {what} {text!r} is not a time")
        )


def _optional_json(text: str | None, what: str) -> Result[JsonValue, StoreError]:
    return Success(None) if text is None else decode_json(text, what=what)


def _stored_run(row: RunRow) -> Result[StoredRun, StoreError]:
    try:
        outcome = RunOutcome(row.outcome)
    except ValueError:
        return Failure(
            StoreError(StoreErrorReason.CORRUPT, f"Stored run outcome {row.outcome!r} is unknown")
        )
    what = f"parameters of run {row.run_key}"
    return decode_json(row.parameters, what=what).bind(
        lambda parameters: _timestamp(row.started_at, "start time").bind(
            lambda started: (
                Success(None)
                if row.finished_at is None
                else _timestamp(row.finished_at, "end time")
            ).map(
                lambda finished: StoredRun(
                    run_key=row.run_key,
                    session_id=row.session_id,
                    run_id=row.run_id,
                    parameters=parameters,
                    outcome=outcome,
                    error=row.error,
                    started_at=started,
                    finished_at=finished,
                )
            )
        )
    )


def _stored_session(
    row: SessionRow, runs: tuple[StoredRun, ...]
) -> Result[StoredSession, StoreError]:
    values: list[JsonValue] = []
    for name, text in zip(SESSION_COLUMNS, row.columns, strict=True):
        decoded = _optional_json(text, f"{name} of session {row.session_id}")
        if isinstance(decoded, Failure):
            return Failure(decoded.failure())
        values.append(decoded.unwrap())
    data = decode_json(row.data, what=f"data of session {row.session_id}")
    if isinstance(data, Failure):
        return Failure(data.failure())
    mapping = data.unwrap()
    if not isinstance(mapping, Mapping):
        return Failure(
            StoreError(
                StoreErrorReason.CORRUPT,
                f"Stored data of session {row.session_id} is not a JSON object",
            )
        )
    created = _timestamp(row.created_at, "creation time")
    updated = _timestamp(row.updated_at, "update time")
    if isinstance(created, Failure):
        return Failure(created.failure())
    if isinstance(updated, Failure):
        return Failure(updated.failure())
    cli, env, runtime_params, username, git, exception = values
    return Success(
        StoredSession(
            session_id=row.session_id,
            project_path=row.project_path,
            git=git,
            cli=cli,
            env=env,
            runtime_params=runtime_params,
            username=username,
            exception=exception,
            data=mapping,
            created_at=created.unwrap(),
            updated_at=updated.unwrap(),
            runs=runs,
        )
    )


def stored_sessions(
    sessions: Iterable[SessionRow], runs: Iterable[RunRow]
) -> Result[tuple[StoredSession, ...], StoreError]:
    """Assemble session and run rows into records.

    Args:
        sessions: Session rows, in the order the records should come in.
        runs: Run rows of those sessions, in the order each session's runs should come in;
            rows of other sessions are ignored.

    Returns:
        One record per session row, or the first row that does not decode as a ``CORRUPT``
        ``StoreError``.
    """
    runs_by_session: dict[str, list[StoredRun]] = {}
    for run_row in runs:
        run = _stored_run(run_row)
        if isinstance(run, Failure):
            return Failure(run.failure())
        runs_by_session.setdefault(run_row.session_id, []).append(run.unwrap())
    records: list[StoredSession] = []
    for row in sessions:
        record = _stored_session(row, tuple(runs_by_session.get(row.session_id, ())))
        if isinstance(record, Failure):
            return Failure(record.failure())
        records.append(record.unwrap())
    return Success(tuple(records))
