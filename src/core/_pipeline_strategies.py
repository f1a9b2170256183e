"""Strategies for valid and cyclic pipelines (re-exported by :mod:`core.strategies`)."""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy
from returns.result import Success

from core._node_strategies import (
    _INPUT_KEYS,
    _OUTER_NAMESPACES,
    _TAGS,
    _acyclic_nodes,
    _check_flags,
    _check_sizes,
)
from core._synthetic import SyntheticFunction
from core.node import DatasetNames, Node, node
from core.pipeline import Pipeline, pipeline

__all__ = ["cyclic_pipelines", "pipelines"]


def _built(
    nodes_: Iterable[Node],
    *,
    namespace: str | None = None,
    tags: list[str] | None = None,
    prefix_datasets_with_namespace: bool = True,
) -> Pipeline:
    result = pipeline(
        list(nodes_),
        namespace=namespace,
        tags=tags,
        prefix_datasets_with_namespace=prefix_datasets_with_namespace,
    )
    if not isinstance(result, Success):
        # A bug in this module or in the core: say which, with the failure.
        raise AssertionError(f"core.strategies drew nodes that pipeline() refused: {result}")
    built: Pipeline = result.unwrap()
    return built


@st.composite
def _valid_pipeline(
    draw: st.DrawFn,
    min_size: object,
    max_size: object,
    transcoding: object,
    namespaces: object,
    parameters: object,
    wrapping: object,
) -> Pipeline:
    _check_flags("pipelines", wrapping=wrapping)
    drawn = draw(_acyclic_nodes(min_size, max_size, transcoding, namespaces, parameters))
    if not wrapping or not draw(st.booleans()):
        return _built(drawn)
    namespace = draw(st.none() | st.sampled_from(_OUTER_NAMESPACES)) if namespaces else None
    tags = draw(st.lists(st.sampled_from(_TAGS), max_size=2, unique=True))
    return _built(
        drawn,
        namespace=namespace,
        tags=tags or None,
        prefix_datasets_with_namespace=draw(st.booleans()),
    )


def pipelines(
    *,
    min_size: int = 0,
    max_size: int | None = None,
    transcoding: bool = True,
    namespaces: bool = True,
    parameters: bool = True,
    wrapping: bool = True,
) -> SearchStrategy[Pipeline]:
    """Generate valid (acyclic) pipelines.

    Args:
        min_size: The fewest nodes.
        max_size: The most nodes; ``None`` means ``min_size + 15``.
        transcoding: Whether datasets may be transcoded.
        namespaces: Whether nodes may have namespaces.
        parameters: Whether nodes may read parameters.
        wrapping: Whether the nodes may be passed through ``pipeline(..., namespace=...,
            tags=..., prefix_datasets_with_namespace=...)`` once more.

    Returns:
        A strategy of :class:`~core.pipeline.Pipeline`. Bad arguments raise
        ``InvalidArgument`` when a value is drawn.
    """
    return _valid_pipeline(min_size, max_size, transcoding, namespaces, parameters, wrapping)


# -- cycles -----------------------------------------------------------------------------


def _with_extra_input(n: Node, dataset: str) -> Node:
    declared = n.declared_inputs
    extended: DatasetNames
    if declared is None:
        extended = dataset
    elif isinstance(declared, str):
        extended = [declared, dataset]
    elif isinstance(declared, list):
        extended = [*declared, dataset]
    else:
        key = next(k for k in (*_INPUT_KEYS, "extra", "more") if k not in declared)
        extended = {**declared, key: dataset}
    return node(
        n.func,
        extended,
        n.declared_outputs,
        name=n.explicit_name,
        tags=n.tags,
        namespace=n.namespace,
    )


def _ancestors(p: Pipeline, name: str) -> list[str]:
    seen: set[str] = set()
    frontier = [name]
    while frontier:
        for parent in p.graph.parents[frontier.pop()]:
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return sorted(seen)


@st.composite
def _cyclic_nodes(draw: st.DrawFn, min_size: object, max_size: object) -> tuple[Node, ...]:
    low, high = _check_sizes("cyclic_pipelines", min_size, max_size)
    if high < 2:
        raise InvalidArgument(f"cyclic_pipelines(max_size={max_size!r}): a cycle needs 2 nodes")
    # Room for a ring of two fresh nodes is always kept.
    drawn = list(draw(_acyclic_nodes(max(0, low - 2), high - 2, True, True, True)))
    acyclic = _built(drawn)
    closable = [
        (n.name, ancestors)
        for n in acyclic.nodes
        if n.outputs and (ancestors := _ancestors(acyclic, n.name))
    ]
    if closable and len(drawn) >= low and draw(st.booleans()):
        # Close a loop through existing nodes: an ancestor also reads its descendant's output.
        last, ancestors = draw(st.sampled_from(closable))
        first = draw(st.sampled_from(ancestors))
        back = draw(st.sampled_from(acyclic.graph.by_name[last].outputs))
        position = next(i for i, n in enumerate(drawn) if n.name == first)
        drawn[position] = _with_extra_input(drawn[position], back)
    else:
        # A ring of fresh nodes ``cycle0 -> cycle1 -> ... -> cycle0``, transcoded or not.
        length = draw(st.integers(2, max(2, min(3, high - len(drawn)))))
        spell = draw(st.sampled_from(("{}", "{}@pandas")))
        ring = [spell.format(f"ring{i}") for i in range(length)]
        for i in range(length):
            extra = draw(st.lists(st.sampled_from(("raw_ring", "params:alpha")), max_size=1))
            declared_out = ring[i]
            drawn.append(
                node(
                    SyntheticFunction(f"cycle{i}", declared_out),
                    [ring[i - 1], *extra],
                    declared_out,
                    name=draw(st.sampled_from((f"cycle{i}", None))),
                )
            )
    order = draw(st.permutations(range(len(drawn))))
    return tuple(drawn[i] for i in order)


def cyclic_pipelines(*, min_size: int = 2, max_size: int | None = None) -> SearchStrategy[tuple[Node, ...]]:
    """Generate node tuples whose dependency graph has a cycle (and is otherwise valid).

    ``pipeline(drawn)`` returns ``Failure(CircularDependencyError)`` for every value: names
    and outputs are unique and transcoding is consistent, so the cycle is the only problem.
    The cycle either runs through existing nodes (an ancestor made to read a descendant's
    output) or is a ring of two or three fresh nodes.

    Args:
        min_size: The fewest nodes (a cycle has at least 2 anyway).
        max_size: The most nodes, at least 2; ``None`` means ``min_size + 15``.

    Returns:
        A strategy of tuples of :class:`~core.node.Node` in a shuffled order.
    """
    return _cyclic_nodes(min_size, max_size)
