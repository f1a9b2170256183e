"""Records a node makes inside a worker process reach the driver's handlers once each.

``ParallelRunner`` (worker processes of a process pool) and ``DaskRunner`` (a real local
cluster) run nodes that log through a project logger at INFO and WARNING (DEBUG is below the
level): a handler in the test process receives each record exactly once, in the node's order,
next to the runner's own records.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from returns.pipeline import is_successful

from core import node, pipeline
from shell.io import DataCatalog, MemoryDataset
from shell.runners import AbstractRunner, ParallelRunner
from tests.unit.worker_logging_nodes import LOGGER_NAME, chatty, grumpy

pytestmark = pytest.mark.slow


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[tuple[str, str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == LOGGER_NAME or record.name == "kedro.pipeline.node":
            self.records.append((record.name, record.levelname, record.getMessage()))


@contextmanager
def kept() -> Iterator[Kept]:
    handler = Kept()
    project, kedro = logging.getLogger(LOGGER_NAME.split(".")[0]), logging.getLogger("kedro")
    saved = (project.level, kedro.level)
    project.setLevel(logging.INFO)
    kedro.setLevel(logging.INFO)
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)
        project.setLevel(saved[0])
        kedro.setLevel(saved[1])


EXPECTED = [
    ("kedro.pipeline.node", "INFO", "Running node: first: chatty([a]) -> [b]"),
    (LOGGER_NAME, "INFO", "computing 1"),
    ("kedro.pipeline.node", "INFO", "Running node: second: chatty([b]) -> [c]"),
    (LOGGER_NAME, "INFO", "computing 2"),
    ("kedro.pipeline.node", "INFO", "Running node: third: grumpy([c]) -> [d]"),
    (LOGGER_NAME, "WARNING", "about to fail on 3"),
    ("kedro.pipeline.node", "ERROR", "Node third: grumpy([c]) -> [d] failed with error: \ngrumpy failed"),
]


def run(runner: AbstractRunner) -> list[tuple[str, str, str]]:
    p = pipeline(
        [node(chatty, "a", "b", name="first"), node(chatty, "b", "c", name="second"), node(grumpy, "c", "d", name="third")]
    ).unwrap()
    with kept() as handler:
        result = runner.run(p, DataCatalog({"a": MemoryDataset(1)}))
    assert not is_successful(result)
    return handler.records


def test_parallel_runner_workers_records_reach_the_driver_once() -> None:
    assert run(ParallelRunner(max_workers=2)) == EXPECTED


def test_dask_runner_workers_records_reach_the_driver_once() -> None:
    pytest.importorskip("distributed")
    from shell.runners.dask import DaskRunner

    assert run(DaskRunner()) == EXPECTED
