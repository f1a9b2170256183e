"""The scheduler against Kedro 1.7.0's runner bookkeeping.

* Release: for any completion order, the datasets our scheduler releases after each node are
  the ones Kedro's ``AbstractRunner._release_datasets`` releases on a recording catalog.
* Order: a sequential loop over the scheduler runs nodes in the order Kedro's
  ``SequentialRunner`` executes them.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kedro.io import AbstractDataset, DataCatalog
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node
from kedro.runner import AbstractRunner, SequentialRunner

from core import Pipeline
from core._run_strategies import _planning_pipelines, completion_orders
from core.scheduler import mark_completed, mark_submitted, next_ready, start

pytestmark = pytest.mark.differential


def step(*values: Any) -> Any:
    return None


def kedro_pipeline(p: Pipeline, func: Any = step) -> Any:
    return KedroPipeline(
        [kedro_node(func, n.declared_inputs, n.declared_outputs, name=n.name) for n in p.construction_order]
    )


class Sink(AbstractDataset[Any, Any]):
    """Always loads 0 and drops what it saves: every node can run, whatever ran before
    (transcoded pairs such as ``a@w``/``a@r`` share no data in memory)."""

    def load(self) -> Any:
        return 0

    def save(self, data: Any) -> None:
        return None

    def _describe(self) -> dict[str, Any]:
        return {}


class ReleaseLog:
    """The only catalog method ``_release_datasets`` calls, recording the names."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def release(self, name: str) -> None:
        self.names.append(name)


@given(_planning_pipelines(), st.data())
def test_releases_match_kedro_after_every_completion(p: Pipeline, data: st.DataObject) -> None:
    order = data.draw(completion_orders(p))
    kp = kedro_pipeline(p)
    knodes = {n.name: n for n in kp.nodes}
    # Kedro's runner prepares exactly this multiset before its loop.
    load_counts = Counter(chain.from_iterable(n.inputs for n in kp.nodes))
    s = start(p)

    for name in order:
        log = ReleaseLog()
        catalog: Any = log
        AbstractRunner._release_datasets(knodes[name], catalog, load_counts, kp)
        s = mark_submitted(s, name)
        s, released = mark_completed(s, name)
        assert list(released) == log.names, name


@given(_planning_pipelines())
def test_sequential_loop_matches_kedros_sequential_runner(p: Pipeline) -> None:
    ran: list[str] = []

    def record(name: str, outputs: int) -> Any:
        def run(*values: Any) -> Any:
            ran.append(name)
            return [0] * outputs if outputs else None

        return run

    kp = KedroPipeline(
        [
            kedro_node(record(n.name, len(n.outputs)), n.declared_inputs, n.declared_outputs, name=n.name)
            for n in p.construction_order
        ]
    )
    catalog = DataCatalog(datasets={name: Sink() for name in p.datasets()})
    SequentialRunner().run(kp, catalog)

    s = start(p)
    ours: list[str] = []
    while (name := next_ready(s)) is not None:
        s = mark_submitted(s, name)
        s, _ = mark_completed(s, name)
        ours.append(name)
    assert ours == ran
