"""``Pipeline.group_nodes_by``: its laws, and the same groups as Kedro 1.7.0.

Laws: the groups partition the nodes (every node in exactly one group, in execution order);
every dependency names another existing group and is witnessed by a node edge; with one group
per node the group graph is the node graph, so it is acyclic. Grouping by namespace can make a
cycle (a node outside ``ns`` between two nodes of ``ns``): Kedro allows it, and so do we
(pinned by :func:`test_namespace_grouping_can_cycle_as_in_kedro`).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node

from core.errors import PipelineErrorReason
from core.grouping import GroupedNodes
from core.node import node
from core.pipeline import Pipeline, pipeline
from core.strategies import pipelines

strategies = st.sampled_from(["namespace", "NAMESPACE", None, "none", "None"])


def _check_partition(p: Pipeline, groups: list[GroupedNodes]) -> None:
    listed = [name for g in groups for name in g.nodes]
    assert sorted(listed) == sorted(n.name for n in p.nodes)
    order = {n.name: i for i, n in enumerate(p.nodes)}
    for g in groups:
        assert [order[n] for n in g.nodes] == sorted(order[n] for n in g.nodes)


@settings(max_examples=150)
@given(pipelines(max_size=25), strategies)
def test_groups_partition_and_dependencies_are_witnessed(p: Pipeline, group_by: str | None) -> None:
    groups = p.group_nodes_by(group_by).unwrap()
    _check_partition(p, groups)
    names = [g.name for g in groups]
    assert len(set(names)) == len(names)
    group_of = {n: g.name for g in groups for n in g.nodes}
    witnessed = {
        (group_of[child], group_of[parent])
        for child, parents in p.graph.parents.items()
        for parent in parents
        if group_of[child] != group_of[parent]
    }
    declared = {(g.name, d) for g in groups for d in g.dependencies}
    assert declared == witnessed
    assert all(len(set(g.dependencies)) == len(g.dependencies) for g in groups)


@settings(max_examples=100)
@given(pipelines(max_size=25))
def test_one_group_per_node_is_acyclic(p: Pipeline) -> None:
    groups = p.group_nodes_by(None).unwrap()
    position = {g.name: i for i, g in enumerate(groups)}
    # Groups come in execution order, so every dependency comes earlier: no cycle.
    assert all(position[d] < position[g.name] for g in groups for d in g.dependencies)


def _base_name(full: str, namespace: str | None) -> str:
    return full[len(namespace) + 1 :] if namespace and full.startswith(namespace + ".") else full


def _kedro(p: Pipeline) -> tuple[Any, dict[str, str]]:
    # Same full names as ours (Kedro prefixes the namespace to the name it is given).
    built = [
        kedro_node(n.func, n.declared_inputs, n.declared_outputs, name=_base_name(n.name, n.namespace), tags=sorted(n.tags), namespace=n.namespace)
        for n in p.construction_order
    ]
    return KedroPipeline(built), {k.name: n.name for k, n in zip(built, p.construction_order, strict=True)}


@settings(max_examples=100, deadline=None)
@given(pipelines(max_size=20), strategies)
def test_groups_match_kedro(p: Pipeline, group_by: str | None) -> None:
    kedro_pipeline, to_ours = _kedro(p)
    ours = p.group_nodes_by(group_by).unwrap()
    theirs = kedro_pipeline.group_nodes_by(group_by)

    def rename(name: str) -> str:
        return to_ours.get(name, name)

    assert [(g.name, g.type, list(g.nodes), list(g.dependencies)) for g in ours] == [
        (rename(g.name), g.type, [rename(n) for n in g.nodes], [rename(d) for d in g.dependencies])
        for g in theirs
    ]


def _same(x: int) -> int:
    return x


def test_namespace_grouping_can_cycle_as_in_kedro() -> None:
    p = pipeline(
        [
            node(_same, "a", "b", name="first", namespace="ns"),
            node(_same, "b", "c", name="between"),
            node(_same, "c", "d", name="last", namespace="ns"),
        ]
    ).unwrap()
    groups = {g.name: g.dependencies for g in p.group_nodes_by("namespace").unwrap()}
    assert groups == {"ns": ("between",), "between": ("ns",)}
    kedro_groups = {
        g.name: g.dependencies
        for g in KedroPipeline(
            [
                kedro_node(_same, "a", "b", name="first", namespace="ns"),
                kedro_node(_same, "b", "c", name="between"),
                kedro_node(_same, "c", "d", name="last", namespace="ns"),
            ]
        ).group_nodes_by("namespace")
    }
    assert kedro_groups == {"ns": ["between"], "between": ["ns"]}


@pytest.mark.parametrize("strategy", ["tags", "", "namespaces"])
def test_unknown_strategy_is_a_failure_with_kedros_message(strategy: str) -> None:
    p = pipeline([node(_same, "a", "b", name="n")]).unwrap()
    error = p.group_nodes_by(strategy).failure()
    assert error.reason is PipelineErrorReason.UNSUPPORTED_GROUP_BY
    assert error.message.startswith(f"Unsupported group_by strategy: {strategy}")
    with pytest.raises(ValueError, match=f"Unsupported group_by strategy: {strategy}"):
        KedroPipeline([kedro_node(_same, "a", "b", name="n")]).group_nodes_by(strategy)
