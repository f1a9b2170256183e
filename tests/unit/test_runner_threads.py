"""``ThreadRunner``'s self-scheduling workers (:mod:`shell.runners.thread_drive`).

A worker that finishes a node takes the next ready one itself (which thread runs which node
is not a contract: an idle worker may take it first); independent nodes still run at the same
time; after a failure nothing new starts but what was already handed out finishes and is
recorded; an exception that is not a node's failure (a progress callback raising) still ends
the run with that exception.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from returns.pipeline import is_successful

from core import node, pipeline
from core.errors import RunErrorReason
from shell.io import DataCatalog, MemoryDataset
from shell.runners import ProgressEvent, ProgressKind, ThreadRunner


def _meet(barrier: threading.Barrier) -> str:
    barrier.wait(timeout=30)  # both nodes must be running at once to get past it
    return threading.current_thread().name


def test_independent_nodes_run_at_the_same_time() -> None:
    barrier = threading.Barrier(2)
    p = pipeline([node(_meet, "barrier", "a", name="a"), node(_meet, "barrier", "b", name="b")]).unwrap()
    catalog = DataCatalog(
        {"barrier": MemoryDataset(data=barrier, copy_mode="assign"), "a": MemoryDataset(), "b": MemoryDataset()}
    )

    assert is_successful(ThreadRunner(max_workers=2).run(p, catalog))
    assert catalog.load("a").unwrap() != catalog.load("b").unwrap()


def _fail(value: object) -> object:
    raise ValueError("broken")


def _wait_then_pass(event: threading.Event) -> str:
    event.wait(timeout=30)
    return "finished"


def test_after_a_failure_a_node_already_running_finishes_and_nothing_new_starts() -> None:
    event = threading.Event()

    def report(progress_event: ProgressEvent) -> None:
        # The slow node finishes only once the failure is on record.
        if progress_event.kind is ProgressKind.FAILED:
            event.set()

    p = pipeline(
        [
            node(_wait_then_pass, "event", "slow_out", name="slow"),
            node(_fail, "seed", "failed_out", name="failing"),
            node(lambda x: x, "slow_out", "after_slow", name="after_slow"),
        ]
    ).unwrap()
    catalog = DataCatalog({"event": MemoryDataset(data=event, copy_mode="assign"), "seed": MemoryDataset(data=1)})

    error = ThreadRunner(max_workers=2, progress=report).run(p, catalog).failure()

    assert (error.reason, error.node) == (RunErrorReason.NODE_FAILED, "failing")
    assert error.completed == ("slow",)
    assert catalog.load("slow_out").unwrap() == "finished"


class Refused(Exception):
    """Raised by a progress callback."""


def test_a_progress_callback_that_raises_ends_the_run_with_its_exception() -> None:
    def report(event: ProgressEvent) -> None:
        if event.kind is ProgressKind.COMPLETED:
            raise Refused(event.node)

    p = pipeline([node(lambda x: x, "seed", "a", name="a"), node(lambda x: x, "a", "b", name="b")]).unwrap()

    with pytest.raises(Refused, match=r"^a$"):
        ThreadRunner(max_workers=2, progress=report).run(p, DataCatalog({"seed": MemoryDataset(data=1)}))


def test_an_empty_pipeline_and_more_workers_than_nodes_finish() -> None:
    empty = pipeline([]).unwrap()
    one = pipeline([node(lambda x: x, "seed", "a", name="a")]).unwrap()
    catalog: dict[str, Any] = {"seed": MemoryDataset(data=1)}

    assert is_successful(ThreadRunner(max_workers=8).run(empty, DataCatalog(dict(catalog))))
    assert is_successful(ThreadRunner(max_workers=8).run(one, DataCatalog(dict(catalog))))


class _Threads(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append((record.getMessage(), record.threadName or ""))


def test_completion_records_come_from_the_worker_thread_that_ran_the_node() -> None:
    """Divergence (README): Kedro logs completions from the main thread."""
    runner = ThreadRunner(max_workers=2)
    logger = logging.getLogger(runner.logger_name)
    handler = _Threads()
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        p = pipeline([node(lambda x: x, "seed", "a", name="a")]).unwrap()
        assert is_successful(runner.run(p, DataCatalog({"seed": MemoryDataset(data=1)})))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)

    completed = [thread for message, thread in handler.seen if message.startswith("Completed")]
    assert len(completed) == 2 and all(t.startswith("kedro-pure-node_") for t in completed)
