"""Laws of missing-output pruning (core.pruning) and of the ``catalog_snapshots`` strategy."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from core import Pipeline
from core._run_strategies import DatasetKind, _planning_pipelines, catalog_snapshots
from core.catalog.snapshot import CatalogSnapshot
from core.pruning import PruneReason, prune_missing_outputs


def _exists_persistently(name: str, snapshot: CatalogSnapshot) -> bool:
    return snapshot.is_known(name) and not snapshot.is_ephemeral(name) and snapshot.exists(name)


ANY_KIND = st.sampled_from(DatasetKind)


@st.composite
def pipelines_and_snapshots(
    draw: st.DrawFn, kinds: st.SearchStrategy[DatasetKind] = ANY_KIND
) -> tuple[Pipeline, CatalogSnapshot]:
    p = draw(_planning_pipelines())
    return p, draw(catalog_snapshots(p, kinds=kinds))


@given(pipelines_and_snapshots())
def test_every_node_gets_one_decision_and_the_kept_ones_form_the_pipeline(
    case: tuple[Pipeline, CatalogSnapshot],
) -> None:
    p, snapshot = case

    report = prune_missing_outputs(p, snapshot)

    assert [d.node for d in report.decisions] == [n.name for n in p.nodes]
    assert {n.name for n in report.pipeline.nodes} == set(report.kept)
    assert set(report.kept) | set(report.skipped) == {n.name for n in p.nodes}
    assert not set(report.kept) & set(report.skipped)
    # The pruned pipeline keeps Kedro's order among the kept nodes.
    order = [n.name for n in p.nodes]
    assert sorted(report.kept, key=order.index) == list(report.kept)


@given(pipelines_and_snapshots(), st.data())
def test_more_existing_outputs_never_add_nodes(
    case: tuple[Pipeline, CatalogSnapshot], data: st.DataObject
) -> None:
    p, snapshot = case
    persistent = sorted(snapshot.registered - snapshot.ephemeral - snapshot.existing)
    more = data.draw(st.sets(st.sampled_from(persistent)) if persistent else st.just(set[str]()))
    richer = replace(snapshot, existing=snapshot.existing | more)

    before = set(prune_missing_outputs(p, snapshot).kept)
    after = set(prune_missing_outputs(p, richer).kept)

    assert after <= before


@given(pipelines_and_snapshots())
def test_every_input_a_kept_node_reads_is_made_by_a_kept_node_or_exists(
    case: tuple[Pipeline, CatalogSnapshot],
) -> None:
    p, snapshot = case
    report = prune_missing_outputs(p, snapshot)
    kept = set(report.kept)
    # Producer by exact raw name: Kedro's pruning links nodes by raw names only, so a dataset
    # written as ``a@w`` and read as ``a@r`` is outside this law (see the unit examples).
    producer = {out: n.name for n in p.nodes for out in n.outputs}

    for n in report.pipeline.nodes:
        for name in n.inputs:
            if name in producer:
                assert producer[name] in kept or _exists_persistently(name, snapshot), (n.name, name)


@given(pipelines_and_snapshots(kinds=st.just(DatasetKind.MISSING)))
def test_nothing_existing_and_everything_persistent_keeps_every_node(
    case: tuple[Pipeline, CatalogSnapshot],
) -> None:
    p, snapshot = case

    report = prune_missing_outputs(p, snapshot)

    assert report.pipeline is p
    assert report.skipped == ()


@given(
    pipelines_and_snapshots(
        kinds=st.sampled_from([DatasetKind.UNDECLARED, DatasetKind.EPHEMERAL, DatasetKind.MISSING])
    )
)
def test_with_nothing_existing_a_kept_node_keeps_every_raw_producer_of_its_inputs(
    case: tuple[Pipeline, CatalogSnapshot],
) -> None:
    p, snapshot = case
    report = prune_missing_outputs(p, snapshot)
    producer = {out: n.name for n in p.nodes for out in n.outputs}

    for n in report.pipeline.nodes:
        for name in n.inputs:
            if name in producer:
                assert producer[name] in report.kept
    for n in p.nodes:
        declared_persistent = any(
            snapshot.is_known(o) and not snapshot.is_ephemeral(o) for o in n.outputs
        )
        if declared_persistent or not n.outputs:
            assert n.name in report.kept


@given(pipelines_and_snapshots())
def test_pruning_the_pruned_pipeline_keeps_it_whole(case: tuple[Pipeline, CatalogSnapshot]) -> None:
    p, snapshot = case
    pruned = prune_missing_outputs(p, snapshot).pipeline

    again = prune_missing_outputs(pruned, snapshot)

    assert again.pipeline is pruned


@given(pipelines_and_snapshots())
def test_each_reason_is_true_of_the_node(case: tuple[Pipeline, CatalogSnapshot]) -> None:
    p, snapshot = case
    report = prune_missing_outputs(p, snapshot)
    by_name = p.graph.by_name

    for d in report.decisions:
        n = by_name[d.node]
        if d.reason is PruneReason.NO_OUTPUTS:
            assert not n.outputs
        elif d.reason is PruneReason.MISSING_OUTPUT:
            assert d.dataset in n.outputs
            assert snapshot.is_known(d.dataset) and not snapshot.is_ephemeral(d.dataset)
            assert not snapshot.exists(d.dataset)
        elif d.reason is PruneReason.NEEDED_BY_CHILD:
            assert d.child in report.kept and d.dataset is not None
            assert d.dataset in n.outputs and d.dataset in by_name[d.child].inputs
            assert not _exists_persistently(d.dataset, snapshot)
        else:
            assert n.outputs and d.message is None


# -- the public strategy ----------------------------------------------------------------------


@given(pipelines_and_snapshots())
def test_catalog_snapshots_are_consistent(case: tuple[Pipeline, CatalogSnapshot]) -> None:
    p, snapshot = case

    assert snapshot.registered <= p.datasets()
    assert snapshot.ephemeral <= snapshot.registered
    assert snapshot.existing <= snapshot.registered - snapshot.ephemeral
    params = {name for name in p.datasets() if name.startswith("params:")}
    assert params <= snapshot.ephemeral


def test_catalog_snapshots_rejects_a_non_pipeline_when_drawing() -> None:
    @given(catalog_snapshots("not a pipeline"))  # type: ignore[arg-type]
    def draw(snapshot: CatalogSnapshot) -> None:
        raise AssertionError("unreachable")

    with pytest.raises(InvalidArgument):
        draw()
