"""``Pipeline.group_nodes_by``: its laws, and the same groups as Kedro 1.7.0.

Laws: the groups partition the nodes (every node in exactly one group, in execution order);
every dependency names another existing group and is witnessed by a node edge; with one group
per node the group graph is the node graph, so it is acyclic. Grouping by namespace is acyclic
when the namespaces are contiguous (the nodes can run one top-level namespace at a time:
:func:`test_contiguous_namespaces_group_acyclically`). Otherwise it can make a cycle, as in
Kedro, which allows it, and so do we: a node outside ``ns`` between two nodes of ``ns``
(:func:`test_namespace_grouping_can_cycle_as_in_kedro`), or two namespaces feeding each other in
turn, which is not an "interrupted namespace" and gets no warning
(:func:`test_namespaces_feeding_each_other_cycle_without_an_interruption`).
"""

from __future__ import annotations

from graphlib import TopologicalSorter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node

from core.errors import PipelineErrorReason
from core.grouping import GroupedNodes
from core.namespace_check import interrupted_namespaces
from core.node import Node, node
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


@st.composite
def contiguous_namespace_pipelines(draw: st.DrawFn) -> Pipeline:
    """Pipelines built block by block, each block one top-level namespace (nested ones
    inside it allowed) or one node outside any namespace; a node reads only datasets of
    nodes built before it, so every path enters each namespace once and stays there."""
    blocks = draw(
        st.lists(st.tuples(st.booleans(), st.integers(1, 4), st.lists(st.sampled_from(["", "x", "y"]), min_size=4, max_size=4)), max_size=8)
    )
    made: list[Node] = []
    for b, (namespaced, size, subs) in enumerate(blocks):
        for k in range(size if namespaced else 1):
            i = len(made)
            available = [f"d{j}" for j in range(i)] + ["free"]
            inputs = draw(st.lists(st.sampled_from(available), min_size=1, max_size=3, unique=True))
            namespace = (f"ns{b}.{subs[k]}" if subs[k] else f"ns{b}") if namespaced else None
            made.append(node(_identity_of_first, inputs, f"d{i}", name=f"n{i}", namespace=namespace))
    return pipeline(made).unwrap()


def _identity_of_first(*values: object) -> object:
    return values[0]


@settings(max_examples=100)
@given(contiguous_namespace_pipelines())
def test_contiguous_namespaces_group_acyclically(p: Pipeline) -> None:
    groups = p.group_nodes_by("namespace").unwrap()
    _check_partition(p, groups)
    # Raises CycleError on a cycle.
    assert len(list(TopologicalSorter({g.name: g.dependencies for g in groups}).static_order())) == len(groups)


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


def test_namespaces_feeding_each_other_cycle_without_an_interruption() -> None:
    """No path leaves ``a`` and comes back (so no interruption warning, in Kedro or here), yet
    ``a`` needs ``b`` (``a2`` reads ``b2``) and ``b`` needs ``a`` (``b1`` reads ``a1``)."""
    shape = [("a1", "x", "p", "a"), ("b1", "p", "q", "b"), ("b2", "y", "r", "b"), ("a2", "r", "s", "a")]
    p = pipeline([node(_same, i, o, name=n, namespace=ns) for n, i, o, ns in shape]).unwrap()
    assert interrupted_namespaces(p) == ()
    groups = {g.name: g.dependencies for g in p.group_nodes_by("namespace").unwrap()}
    assert groups == {"a": ("b",), "b": ("a",)}
    theirs = KedroPipeline([kedro_node(_same, i, o, name=n, namespace=ns) for n, i, o, ns in shape])
    assert {g.name: g.dependencies for g in theirs.group_nodes_by("namespace")} == {"a": ["b"], "b": ["a"]}


@pytest.mark.parametrize("strategy", ["tags", "", "namespaces"])
def test_unknown_strategy_is_a_failure_with_kedros_message(strategy: str) -> None:
    p = pipeline([node(_same, "a", "b", name="n")]).unwrap()
    error = p.group_nodes_by(strategy).failure()
    assert error.reason is PipelineErrorReason.UNSUPPORTED_GROUP_BY
    assert error.message.startswith(f"Unsupported group_by strategy: {strategy}")
    with pytest.raises(ValueError, match=f"Unsupported group_by strategy: {strategy}"):
        KedroPipeline([kedro_node(_same, "a", "b", name="n")]).group_nodes_by(strategy)
