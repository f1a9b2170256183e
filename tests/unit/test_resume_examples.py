"""Resume plans (core.resume) on hand-made failures, each also checked against Kedro 1.7.0.

Each case is a real ``SequentialRunner`` run in which one node raises; the WARNING Kedro logs
must equal our plan's message, computed from what our own scheduler says completed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pytest
from kedro.io import AbstractDataset, DataCatalog, DatasetError, MemoryDataset
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node
from kedro.runner import SequentialRunner

from core import Pipeline, node, pipeline
from core.catalog.snapshot import CatalogSnapshot
from core.resume import ResumePlan, resume_plan
from core.scheduler import mark_completed, mark_failed, mark_submitted, next_ready, start, view

RUNNER_LOGGER = "kedro.runner.sequential_runner"


def step(*values: Any) -> Any:
    return values


def build(*specs: tuple[str, str | None, str | None]) -> Pipeline:
    return pipeline(
        [node(step, None if i is None else i.split(), None if o is None else o.split(), name=n) for n, i, o in specs]
    ).unwrap()


def snap(*, persistent: str = "", memory: str = "") -> CatalogSnapshot:
    return CatalogSnapshot(
        registered=frozenset(persistent.split()) | frozenset(memory.split()),
        ephemeral=frozenset(memory.split()),
    )


class Stored(AbstractDataset[Any, Any]):
    """A persistent dataset that always loads 0 and drops what it saves."""

    def load(self) -> Any:
        return 0

    def save(self, data: Any) -> None:
        return None

    def _describe(self) -> dict[str, Any]:
        return {}


class Boom(Exception):
    pass


def ours(p: Pipeline, failing: str, snapshot: CatalogSnapshot) -> ResumePlan:
    """Drive our scheduler like a sequential runner until ``failing`` fails."""
    s = start(p)
    while (name := next_ready(s)) is not None:
        s = mark_submitted(s, name)
        if name == failing:
            s = mark_failed(s, name)
        else:
            s, _ = mark_completed(s, name)
    return resume_plan(p, view(s).completed, snapshot)


def kedros_warning(p: Pipeline, failing: str, snapshot: CatalogSnapshot, caplog: pytest.LogCaptureFixture) -> str:
    def func(name: str, outputs: int) -> Any:
        def run(*values: Any) -> Any:
            if name == failing:
                raise Boom(name)
            return [0] * outputs if outputs else None

        return run

    kp = KedroPipeline(
        [kedro_node(func(n.name, len(n.outputs)), n.declared_inputs, n.declared_outputs, name=n.name) for n in p.nodes]
    )
    datasets: dict[str, Any] = {
        name: MemoryDataset(data=0) if snapshot.is_ephemeral(name) else Stored() for name in snapshot.registered
    }
    datasets.update({name: MemoryDataset(data=0) for name in p.inputs() if name not in datasets})
    caplog.clear()
    # In memory, ``a@w`` and ``a@r`` are two datasets, so reading ``a@r`` fails on load: the
    # failing node is the same either way.
    with caplog.at_level(logging.WARNING, logger=RUNNER_LOGGER), pytest.raises((Boom, DatasetError)):
        SequentialRunner().run(kp, DataCatalog(datasets=datasets))
    (warning,) = [r.getMessage() for r in caplog.records if r.name == RUNNER_LOGGER and r.levelno == logging.WARNING]
    return warning


@dataclass(frozen=True)
class Case:
    id: str
    pipeline: Pipeline
    snapshot: CatalogSnapshot
    failing: str
    start_nodes: tuple[str, ...]
    remaining: int


CASES = [
    Case(
        "kedro's documented example: walk back to the persisted input",
        build(("n1", "params:x", "a"), ("n2", "a", "dp"), ("n3", "dp", "e"), ("n4", "e", "boom"), ("side", "a", "g")),
        snap(persistent="dp", memory="params:x"),
        "n4",
        ("n3",),
        1,
    ),
    Case(
        "in-memory chain: start again from the first node",
        build(("a", "x", "m1"), ("b", "m1", "m2"), ("c", "m2", "out")),
        snap(memory="m1 m2"),
        "c",
        ("a",),
        1,
    ),
    Case(
        "persisted input: resume at the failed node",
        build(("a", "x", "p1"), ("b", "p1", "m2"), ("c", "m2 p1", "out")),
        snap(persistent="p1"),
        "c",
        ("b",),
        1,
    ),
    Case(
        "an unfinished node's in-memory input pulls in its completed producer",
        build(("a", "x", "m"), ("b", "m", "p"), ("c", "m", "q"), ("d", "p q", "out"), ("e", "x", "z")),
        snap(persistent="p"),
        "c",
        ("a",),
        2,
    ),
    Case(
        "several start nodes, sorted and joined without spaces",
        build(("b", "y", "m2"), ("a", "x", "m1"), ("c", "m1", "o1"), ("d", "m2", "o2")),
        snap(),
        "c",
        ("a", "b"),
        2,
    ),
    Case(
        "branches with persisted inputs resume in parallel",
        build(("a", "x", "p"), ("b", "p", "q"), ("c", "p", "r"), ("d", "q r", "out")),
        snap(persistent="p q"),
        "c",
        ("c",),
        2,
    ),
    Case(
        "any input made outside the unfinished nodes starts a walk back, not just the first",
        build(("a", "x", "m"), ("b", "y", "f"), ("c", "f", "u"), ("d", "u m", "out")),
        snap(persistent="f"),
        "b",
        ("a", "b"),
        3,
    ),
    Case(
        "a transcoded read has no producer under its raw name",
        build(("w", "x", "a@w"), ("r", "a@r", "out")),
        snap(persistent="x"),
        "r",
        ("r",),
        1,
    ),
    Case(
        "params: inputs are never walked back, even to a node writing them",
        build(("n1", "x", "params:p"), ("n2", "params:p", "y")),
        snap(),
        "n2",
        ("n2",),
        1,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_plan_starts_where_expected(case: Case) -> None:
    plan = ours(case.pipeline, case.failing, case.snapshot)

    assert plan.node_names == case.start_nodes
    assert plan.remaining == case.remaining
    assert plan.from_nodes_argument == f'--from-nodes "{",".join(case.start_nodes)}"'


@pytest.mark.differential
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_kedro_logs_the_same_suggestion(case: Case, caplog: pytest.LogCaptureFixture) -> None:
    plan = ours(case.pipeline, case.failing, case.snapshot)

    assert kedros_warning(case.pipeline, case.failing, case.snapshot, caplog) == plan.message


def test_documented_message_text() -> None:
    plan = ours(CASES[0].pipeline, "n4", CASES[0].snapshot)

    assert plan.message == (
        "There are 1 nodes that have not run.\n"
        "You can resume the pipeline run from the nearest nodes with persisted inputs by adding "
        "the following argument to your previous command:\n"
        '  --from-nodes "n3"'
    )


@pytest.mark.differential
def test_a_failure_in_the_first_node_means_nothing_ran(caplog: pytest.LogCaptureFixture) -> None:
    p = build(("a", "x", "m"), ("b", "m", "out"))

    plan = ours(p, "a", snap())

    assert plan.nothing_ran
    assert plan.node_names == ()
    assert plan.from_nodes_argument == ""
    assert plan.remaining == 2
    assert plan.message == "No nodes ran. Repeat the previous command to attempt a new run."
    assert kedros_warning(p, "a", snap(), caplog) == plan.message


def test_completed_nodes_may_be_given_in_any_iterable() -> None:
    p = CASES[0].pipeline

    from_list = resume_plan(p, ["n1", "n2", "n3", "side"], CASES[0].snapshot)
    from_generator = resume_plan(p, (n for n in ("side", "n3", "n2", "n1")), CASES[0].snapshot)

    assert from_list == from_generator == ResumePlan(node_names=("n3",), remaining=1, nothing_ran=False)
