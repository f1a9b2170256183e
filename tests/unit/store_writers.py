"""Helpers of the session-store tests: unwrapping store results, and writer processes that
save sessions concurrently (started with ``spawn``, so no SQLite state is inherited)."""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier
from typing import TypeVar

from returns.io import IOResult

from core.errors import StoreError
from shell.store import DEFAULT_BUSY_TIMEOUT, RunOutcome, SQLiteStore

T = TypeVar("T")

_spawn = multiprocessing.get_context("spawn")


def value_of(result: IOResult[T, StoreError]) -> T:
    """The success inside ``result``; the test fails on a failure."""
    box: list[T] = []
    result.map(box.append)
    assert box, f"expected a success, got {result}"
    return box[0]


def error_of(result: IOResult[object, StoreError]) -> StoreError:
    """The error inside ``result``; the test fails on a success."""
    box: list[StoreError] = []
    result.alt(box.append)
    assert box, f"expected a failure, got {result}"
    return box[0]


def write_sessions(path: str, writer: int, barrier: Barrier, sessions: int, busy_timeout: float) -> None:
    """One writer process: once every writer reached ``barrier``, saves ``sessions`` sessions
    ``w<writer>-s<index>`` (their data names them), each with one finished run whose run id is
    the session id."""
    barrier.wait()
    for index in range(sessions):
        session_id = f"w{writer}-s{index}"
        store = value_of(SQLiteStore.open(path, session_id, busy_timeout=busy_timeout))
        store.update({"session_id": session_id, "writer": writer, "index": index})
        value_of(store.save())
        key = value_of(store.record_run_started(session_id, {"run_id": session_id}))
        value_of(store.record_run_finished(key, RunOutcome.SUCCESS))


def run_writer_processes(
    path: str, writers: int, sessions: int, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
) -> list[int | None]:
    """Run ``writers`` :func:`write_sessions` processes on the store at ``path`` at once;
    their exit codes."""
    barrier = _spawn.Barrier(writers)
    processes = [
        _spawn.Process(target=write_sessions, args=(path, writer, barrier, sessions, busy_timeout))
        for writer in range(writers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return [process.exitcode for process in processes]
