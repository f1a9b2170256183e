"""Missing-output pruning on hand-made cases, each checked against Kedro 1.7.0 as well.

Every case names what the catalog holds, what we expect to run (with the reason) and is also
run through Kedro's own ``_filter_pipeline_for_missing_outputs`` on an equivalent catalog, so
an expectation that disagrees with Kedro fails here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from kedro.io import MemoryDataset
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node
from kedro.runner import SequentialRunner

from core import Pipeline, node, pipeline
from core.catalog.snapshot import CatalogSnapshot
from core.pruning import NodeDecision, PruneReason, prune_missing_outputs
from shell.io import DataCatalog
from shell.io import MemoryDataset as OurMemoryDataset
from shell.io.contract import AbstractDataset
from shell.runners import SequentialRunner as OurSequentialRunner
from tests.kedro_pruning import kedro_catalog as shared_kedro_catalog
from tests.kedro_pruning import kedro_pipeline as shared_kedro_pipeline

RUNNER_LOGGER = "kedro.runner.sequential_runner"


def step(*values: Any) -> Any:
    return 0


def kedro_pipeline(p: Pipeline, func: Any = step) -> Any:
    return shared_kedro_pipeline(p, func)


def kedro_catalog(snapshot: CatalogSnapshot) -> Any:
    return shared_kedro_catalog(snapshot, memory=lambda: MemoryDataset(data=0))


def snap(*, persistent: str = "", existing: str = "", memory: str = "") -> CatalogSnapshot:
    """``persistent`` lists declared persistent names (``existing`` ones exist too)."""
    exist = frozenset(existing.split())
    declared = frozenset(persistent.split()) | exist | frozenset(memory.split())
    return CatalogSnapshot(registered=declared, ephemeral=frozenset(memory.split()), existing=exist)


def build(*specs: tuple[str, str | None, str | None]) -> Pipeline:
    return pipeline(
        [node(step, None if i is None else i.split(), None if o is None else o.split(), name=n) for n, i, o in specs]
    ).unwrap()


@dataclass(frozen=True)
class Case:
    id: str
    pipeline: Pipeline
    snapshot: CatalogSnapshot
    decisions: tuple[NodeDecision, ...]


R = PruneReason
CASES = [
    Case(
        "terminal in-memory node is skipped although its output never exists",
        build(("n1", "x", "a"), ("n2", "a", "b")),
        snap(persistent="a", existing="x"),
        (NodeDecision("n1", R.MISSING_OUTPUT, "a"), NodeDecision("n2", R.OUTPUTS_EXIST)),
    ),
    Case(
        "existing persistent output is not rebuilt for a running child",
        build(("n1", "x", "a"), ("n2", "a", "b")),
        snap(persistent="b", existing="x a"),
        (NodeDecision("n1", R.OUTPUTS_EXIST), NodeDecision("n2", R.MISSING_OUTPUT, "b")),
    ),
    Case(
        "producers feeding a skipped node are skipped too",
        build(("n0", "x", "m"), ("n1", "m", "a"), ("n2", "a", "b")),
        snap(persistent="b", existing="x a", memory="m"),
        (
            NodeDecision("n0", R.OUTPUTS_EXIST),
            NodeDecision("n1", R.OUTPUTS_EXIST),
            NodeDecision("n2", R.MISSING_OUTPUT, "b"),
        ),
    ),
    Case(
        "a declared memory dataset is never missing but always needed",
        build(("n1", "x", "m"), ("n2", "m", "b")),
        snap(persistent="b", existing="x", memory="m"),
        (NodeDecision("n1", R.NEEDED_BY_CHILD, "m", "n2"), NodeDecision("n2", R.MISSING_OUTPUT, "b")),
    ),
    Case(
        "an undeclared output is not missing, yet must be made for a running child",
        build(("n1", "x", "u"), ("n2", "u", "b")),
        snap(persistent="b", existing="x"),
        (NodeDecision("n1", R.NEEDED_BY_CHILD, "u", "n2"), NodeDecision("n2", R.MISSING_OUTPUT, "b")),
    ),
    Case(
        "a node without outputs always runs",
        build(("n1", "x", "a"), ("n2", "a", None)),
        snap(existing="x a"),
        (NodeDecision("n1", R.OUTPUTS_EXIST), NodeDecision("n2", R.NO_OUTPUTS)),
    ),
    Case(
        "transcoded pairs do not link parent and child for pruning",
        build(("n1", "x", "a@w"), ("n2", "a@r", "b")),
        snap(persistent="b", existing="x a@r"),
        (NodeDecision("n1", R.OUTPUTS_EXIST), NodeDecision("n2", R.MISSING_OUTPUT, "b")),
    ),
    Case(
        "the same transcoded name does link them",
        build(("n1", "x", "a@w"), ("n2", "a@w", "b")),
        snap(persistent="b", existing="x"),
        (NodeDecision("n1", R.NEEDED_BY_CHILD, "a@w", "n2"), NodeDecision("n2", R.MISSING_OUTPUT, "b")),
    ),
    Case(
        "everything exists",
        build(("n1", "x", "a"), ("n2", "a", "b")),
        snap(existing="x a b"),
        (NodeDecision("n1", R.OUTPUTS_EXIST), NodeDecision("n2", R.OUTPUTS_EXIST)),
    ),
    Case(
        "nothing exists",
        build(("n1", "x", "a"), ("n2", "a", "b c")),
        snap(persistent="a b c"),
        (NodeDecision("n1", R.MISSING_OUTPUT, "a"), NodeDecision("n2", R.MISSING_OUTPUT, "b")),
    ),
    Case(
        "the first missing output in declaration order is reported",
        build(("n1", "x", "c a b"),),
        snap(persistent="a b", existing="c"),
        (NodeDecision("n1", R.MISSING_OUTPUT, "a"),),
    ),
    Case(
        "an empty pipeline",
        build(),
        snap(),
        (),
    ),
]


def kedro_prune(p: Pipeline, snapshot: CatalogSnapshot, caplog: pytest.LogCaptureFixture) -> tuple[set[str], list[str]]:
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=RUNNER_LOGGER):
        kept = SequentialRunner()._filter_pipeline_for_missing_outputs(kedro_pipeline(p), kedro_catalog(snapshot))
    infos = [r.getMessage() for r in caplog.records if r.name == RUNNER_LOGGER and r.levelno == logging.INFO]
    return {n.name for n in kept.nodes}, infos


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_decisions_match_the_expected_reasons(case: Case) -> None:
    report = prune_missing_outputs(case.pipeline, case.snapshot)

    assert report.decisions == case.decisions
    assert {n.name for n in report.pipeline.nodes} == {d.node for d in case.decisions if d.runs}


@pytest.mark.differential
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_kedro_keeps_the_same_nodes_and_logs_the_same_lines(case: Case, caplog: pytest.LogCaptureFixture) -> None:
    report = prune_missing_outputs(case.pipeline, case.snapshot)

    kept, infos = kedro_prune(case.pipeline, case.snapshot, caplog)

    assert set(report.kept) == kept
    assert list(report.messages) == infos


@pytest.mark.differential
def test_kedro_debug_lines_match_decision_messages(caplog: pytest.LogCaptureFixture) -> None:
    # Cases where one child at most can trigger rule c, so Kedro's set order cannot matter.
    for case in CASES:
        report = prune_missing_outputs(case.pipeline, case.snapshot)
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger=RUNNER_LOGGER):
            SequentialRunner()._filter_pipeline_for_missing_outputs(
                kedro_pipeline(case.pipeline), kedro_catalog(case.snapshot)
            )
        debug = {r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG and r.name == RUNNER_LOGGER}
        assert debug == {d.message for d in report.decisions if d.message is not None}, case.id


@pytest.mark.differential
def test_kedro_runner_executes_exactly_the_kept_nodes() -> None:
    ran: list[str] = []

    def recorder(name: str, outputs: int) -> Any:
        def run(*values: Any) -> Any:
            ran.append(name)
            return [0] * outputs

        return run

    p = build(("n0", "x", "m"), ("n1", "m", "a"), ("n2", "a", "b"), ("n3", "b", "c"), ("side", "x", "s"))
    snapshot = snap(persistent="c s", existing="x a b", memory="m")
    kp = KedroPipeline(
        [kedro_node(recorder(n.name, len(n.outputs)), n.declared_inputs, n.declared_outputs, name=n.name) for n in p.nodes]
    )

    SequentialRunner().run(kp, kedro_catalog(snapshot), only_missing_outputs=True)

    report = prune_missing_outputs(p, snapshot)
    assert report.kept == ("side", "n3")
    assert sorted(ran) == sorted(report.kept)


def test_nothing_skipped_returns_the_same_pipeline_value() -> None:
    p = build(("n1", "x", "a"), ("n2", "a", "b"))

    report = prune_missing_outputs(p, snap(persistent="a b"))

    assert report.pipeline is p
    assert report.skipped == ()
    assert report.messages == ("Running 2 out of 2 nodes",)


def test_everything_skipped_gives_an_empty_pipeline_and_kedros_line() -> None:
    p = build(("n1", "x", "a"), ("n2", "a", "b"))

    report = prune_missing_outputs(p, snap(existing="x a b"))

    assert report.pipeline.nodes == ()
    assert report.kept == ()
    assert report.skipped == ("n1", "n2")
    assert report.messages == ("Skipping all 2 nodes (all persistent outputs exist)",)


def test_decision_lookup_by_node_name() -> None:
    p = build(("n1", "x", "m"), ("n2", "m", "b"))

    report = prune_missing_outputs(p, snap(persistent="b", memory="m"))

    assert report.decision("n1") == NodeDecision("n1", R.NEEDED_BY_CHILD, "m", "n2")
    assert report.decision("n1").message == "Node 'n1' must run: produces 'm' needed by running child 'n2'"
    with pytest.raises(KeyError):
        report.decision("nope")


def test_pruned_pipeline_keeps_kedros_execution_order() -> None:
    p = build(("c", "x", "a"), ("b", "x", "d"), ("a", "a d", "z"))

    report = prune_missing_outputs(p, snap(persistent="a d z"))

    assert [n.name for n in report.pipeline.nodes] == ["b", "c", "a"]
    assert [d.node for d in report.decisions] == ["b", "c", "a"]


class _OurProbe(AbstractDataset):
    """kedro-pure's side of :class:`tests.kedro_pruning.Probe`."""

    def __init__(self, present: bool) -> None:
        self._present = present

    def load(self) -> object:
        return 0

    def save(self, data: object) -> None:
        del data

    def _exists(self) -> bool:
        return self._present

    def _describe(self) -> Mapping[str, object]:
        return {"present": self._present}


def our_catalog(snapshot: CatalogSnapshot) -> DataCatalog:
    return DataCatalog(
        {
            name: OurMemoryDataset(0) if snapshot.is_ephemeral(name) else _OurProbe(snapshot.exists(name))
            for name in snapshot.registered
        }
    )


@pytest.mark.differential
def test_a_pruned_run_logs_kedros_reasons_and_summary_in_kedros_order(caplog: pytest.LogCaptureFixture) -> None:
    for case in CASES:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger=RUNNER_LOGGER):
            SequentialRunner()._filter_pipeline_for_missing_outputs(kedro_pipeline(case.pipeline), kedro_catalog(case.snapshot))
        theirs = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == RUNNER_LOGGER]
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger=RUNNER_LOGGER):
            OurSequentialRunner()._prune(case.pipeline, our_catalog(case.snapshot))
        ours = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == RUNNER_LOGGER]
        assert ours == theirs, case.id
