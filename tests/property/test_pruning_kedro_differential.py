"""Missing-output pruning against Kedro 1.7.0 on random pipelines and random catalogs.

The catalog handed to Kedro holds a ``MemoryDataset`` for every ephemeral name of the
snapshot and a small persistent dataset answering ``exists()`` from the snapshot for every
other declared name; undeclared names are left out, as a real catalog would.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kedro.runner import SequentialRunner

from core import Pipeline
from core._run_strategies import _planning_pipelines, catalog_snapshots
from core.catalog.snapshot import CatalogSnapshot
from core.pruning import PruneReason, prune_missing_outputs
from tests.kedro_pruning import kedro_catalog
from tests.kedro_pruning import kedro_pipeline as shared_kedro_pipeline

pytestmark = pytest.mark.differential

RUNNER_LOGGER = "kedro.runner.sequential_runner"


def step(*values: Any) -> Any:
    return None


def kedro_pipeline(p: Pipeline) -> Any:
    return shared_kedro_pipeline(p, step)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def runner_log() -> Iterator[list[logging.LogRecord]]:
    """Everything Kedro's sequential runner logs inside the block (kept off the console)."""
    logger = logging.getLogger(RUNNER_LOGGER)
    handler = _Records()
    saved = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


_KINDS = {
    "has no outputs": PruneReason.NO_OUTPUTS,
    "has missing output": PruneReason.MISSING_OUTPUT,
    "produces": PruneReason.NEEDED_BY_CHILD,
}


def _reason_of(debug_line: str) -> tuple[str, PruneReason]:
    # "Node 'n' must run: <why>"; which child Kedro names depends on set order, so only the
    # node and the kind of reason are compared.
    head, why = debug_line.split(" must run: ", 1)
    kind = next(reason for prefix, reason in _KINDS.items() if why.startswith(prefix))
    return head.removeprefix("Node '").removesuffix("'"), kind


@st.composite
def cases(draw: st.DrawFn) -> tuple[Pipeline, CatalogSnapshot]:
    p = draw(_planning_pipelines(max_nodes=12))
    return p, draw(catalog_snapshots(p))


@given(cases())
def test_kedro_keeps_the_same_nodes_for_the_same_reasons(case: tuple[Pipeline, CatalogSnapshot]) -> None:
    p, snapshot = case
    report = prune_missing_outputs(p, snapshot)

    with runner_log() as records:
        filtered = SequentialRunner()._filter_pipeline_for_missing_outputs(
            kedro_pipeline(p), kedro_catalog(snapshot)
        )

    assert set(report.kept) == {n.name for n in filtered.nodes}
    infos = [r.getMessage() for r in records if r.levelno == logging.INFO]
    assert list(report.messages) == infos
    reasons = dict(_reason_of(r.getMessage()) for r in records if r.levelno == logging.DEBUG)
    assert reasons == {d.node: d.reason for d in report.decisions if d.runs}
    missing = {
        r.getMessage() for r in records if r.levelno == logging.DEBUG and "has missing output" in r.getMessage()
    }
    assert missing == {d.message for d in report.decisions if d.reason is PruneReason.MISSING_OUTPUT}


@given(cases())
def test_kedro_runs_the_pruned_pipeline_in_the_same_order(case: tuple[Pipeline, CatalogSnapshot]) -> None:
    p, snapshot = case
    report = prune_missing_outputs(p, snapshot)

    with runner_log():
        filtered = SequentialRunner()._filter_pipeline_for_missing_outputs(
            kedro_pipeline(p), kedro_catalog(snapshot)
        )

    assert [n.name for n in report.pipeline.nodes] == [n.name for n in filtered.nodes]
