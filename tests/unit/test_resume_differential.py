"""Resume plans against Kedro 1.7.0 on random pipelines, catalogs and failure points.

A run that fails after completing a prefix of some valid completion order is simulated; the
Kedro catalog is materialised as after a run's warm-up (every dataset of the pipeline
instantiated, undeclared ones as ``MemoryDataset``), so "persisted" means the same thing on
both sides. Kedro's ``_suggest_resume_scenario`` is called directly and its WARNING captured.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kedro.io import AbstractDataset, DataCatalog, MemoryDataset
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node
from kedro.runner import SequentialRunner
from kedro.runner.runner import _find_nodes_to_resume_from

from core import Pipeline
from core._run_strategies import _planning_pipelines, catalog_snapshots, completion_orders
from core.catalog.snapshot import CatalogSnapshot
from core.resume import resume_plan

pytestmark = pytest.mark.differential

RUNNER_LOGGER = "kedro.runner.sequential_runner"


def step(*values: Any) -> Any:
    return None


class Stored(AbstractDataset[Any, Any]):
    def load(self) -> Any:
        return 0

    def save(self, data: Any) -> None:
        return None

    def _describe(self) -> dict[str, Any]:
        return {}


def materialised_catalog(kp: Any, snapshot: CatalogSnapshot) -> Any:
    catalog = DataCatalog(
        datasets={name: MemoryDataset() if snapshot.is_ephemeral(name) else Stored() for name in snapshot.registered}
    )
    for name in kp.datasets():
        catalog.get(name, fallback_to_runtime_pattern=True)
    return catalog


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def kedros_warning(kp: Any, done: list[Any], catalog: Any) -> str:
    logger = logging.getLogger(RUNNER_LOGGER)
    handler = _Warnings()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        SequentialRunner()._suggest_resume_scenario(kp, done, catalog)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    (line,) = handler.lines
    return line


@st.composite
def failures(draw: st.DrawFn) -> tuple[Pipeline, CatalogSnapshot, tuple[str, ...]]:
    """A pipeline, its catalog, and the nodes completed when some node failed."""
    p = draw(_planning_pipelines(min_nodes=1, max_nodes=12))
    snapshot = draw(catalog_snapshots(p))
    order = draw(completion_orders(p))
    failed_at = draw(st.integers(0, len(order) - 1))
    return p, snapshot, order[:failed_at]


@given(failures())
def test_kedro_suggests_the_same_resume_point(case: tuple[Pipeline, CatalogSnapshot, tuple[str, ...]]) -> None:
    p, snapshot, done = case
    kp = KedroPipeline(
        [kedro_node(step, n.declared_inputs, n.declared_outputs, name=n.name) for n in p.construction_order]
    )
    by_name = {n.name: n for n in kp.nodes}
    catalog = materialised_catalog(kp, snapshot)

    plan = resume_plan(p, done, snapshot)

    assert kedros_warning(kp, [by_name[name] for name in done], catalog) == plan.message
    if done:
        unfinished = set(kp.nodes) - {by_name[name] for name in done}
        assert set(plan.node_names) == _find_nodes_to_resume_from(kp, unfinished, catalog)
        assert plan.remaining == len(unfinished)
