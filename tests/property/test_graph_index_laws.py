"""The integer graph index agrees with the graph it encodes.

Edges are tuples of node ids (construction order); the name-set views, the incremental
``a + b`` index and the namespace index must say what a naive scan of the nodes says.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.filters import only_nodes_with_namespaces
from core.pipeline import Pipeline, pipeline
from core.strategies import pipelines


def _naive_parents(p: Pipeline) -> dict[str, frozenset[str]]:
    producer = {out: n.name for n in p.nodes for out in n.output_bases}
    return {
        n.name: frozenset(producer[i] for i in n.input_bases if i in producer) for n in p.nodes
    }


@given(pipelines())
def test_ids_follow_construction_order_and_edges_match_the_datasets(p: Pipeline) -> None:
    graph = p.graph

    assert graph.names == tuple(n.name for n in p.construction_order)
    assert dict(graph.parents) == _naive_parents(p)
    children = {name: {c for c, ps in _naive_parents(p).items() if name in ps} for name in graph.names}
    assert {name: set(kids) for name, kids in graph.children.items()} == children
    for i, parents in enumerate(graph.parent_ids):
        assert len(set(parents)) == len(parents)
        assert all(i in graph.child_ids[parent] for parent in parents)


@given(pipelines(), st.integers(0, 15))
def test_an_extended_index_equals_a_fresh_one(p: Pipeline, cut: int) -> None:
    order = list(p.construction_order)
    head = pipeline(order[:cut]).unwrap()
    tail = pipeline(order[cut:]).unwrap()

    joined = head + tail

    assert dict(joined.graph.parents) == dict(p.graph.parents)
    assert dict(joined.graph.children) == dict(p.graph.children)
    assert joined.grouped_nodes == p.grouped_nodes


@given(pipelines(min_size=1))
def test_the_namespace_index_selects_what_a_scan_selects(p: Pipeline) -> None:
    for prefix in {pre for n in p.nodes if n.namespace for pre in n.namespace_prefixes}:
        scanned = [n for n in p.construction_order if n.namespace and prefix in n.namespace_prefixes]

        selected = only_nodes_with_namespaces(p, [prefix]).unwrap()

        assert list(selected.construction_order) == scanned


@given(pipelines())
def test_layers_are_the_same_whether_nodes_follow_their_parents_or_not(p: Pipeline) -> None:
    # Execution order puts parents first (the one-pass path); reversed, every edge points
    # backwards (Kahn's algorithm). Both must give Kedro's layers.
    forwards = pipeline(list(p.nodes)).unwrap()
    backwards = pipeline(list(reversed(p.nodes))).unwrap()

    assert forwards.grouped_nodes == backwards.grouped_nodes == p.grouped_nodes
    assert forwards.nodes == backwards.nodes == p.nodes
