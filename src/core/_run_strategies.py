"""Hypothesis strategies for run planning (re-exported by ``core.strategies``).

* :func:`catalog_snapshots` draws what the shell could observe about a pipeline's datasets.
* :func:`completion_orders` draws an order in which a run could complete a pipeline's nodes.

Imports ``hypothesis``, so only test code and ``core.strategies`` import this module.
"""

from __future__ import annotations

import enum

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from core.catalog.snapshot import CatalogSnapshot
from core.node import Node, node
from core.pipeline import Pipeline, pipeline

__all__ = ["DatasetKind", "catalog_snapshots", "completion_orders"]


class DatasetKind(enum.Enum):
    """What a catalog can hold under one dataset name."""

    #: the catalog does not declare the name (it becomes a MemoryDataset at run time)
    UNDECLARED = "undeclared"
    #: declared, and its dataset is ephemeral (memory, cached)
    EPHEMERAL = "ephemeral"
    #: declared, persistent, and ``exists()`` is false
    MISSING = "missing"
    #: declared, persistent, and ``exists()`` is true
    EXISTING = "existing"


_KINDS = st.sampled_from(DatasetKind)


def _check_pipeline(function: str, value: object) -> Pipeline:
    if not isinstance(value, Pipeline):
        raise InvalidArgument(f"{function}(pipeline) expects a core Pipeline, got {value!r}")
    return value


@st.composite
def _draw_snapshot(
    draw: st.DrawFn, given: object, kinds: SearchStrategy[DatasetKind]
) -> CatalogSnapshot:
    p = _check_pipeline("catalog_snapshots", given)
    if not isinstance(kinds, SearchStrategy):
        raise InvalidArgument(f"catalog_snapshots(kinds=...) expects a strategy, got {kinds!r}")
    registered: set[str] = set()
    ephemeral: set[str] = set()
    existing: set[str] = set()
    for name in sorted(p.datasets()):
        # Kedro's catalog always holds parameters, as memory datasets.
        kind = DatasetKind.EPHEMERAL if name.startswith("params:") else draw(kinds)
        if kind is DatasetKind.UNDECLARED:
            continue
        registered.add(name)
        if kind is DatasetKind.EPHEMERAL:
            ephemeral.add(name)
        elif kind is DatasetKind.EXISTING:
            existing.add(name)
    return CatalogSnapshot(
        registered=frozenset(registered),
        ephemeral=frozenset(ephemeral),
        existing=frozenset(existing),
    )


def catalog_snapshots(
    pipeline: Pipeline, *, kinds: SearchStrategy[DatasetKind] = _KINDS
) -> SearchStrategy[CatalogSnapshot]:
    """Generate snapshots of a catalog serving ``pipeline``.

    Every dataset of the pipeline gets a kind drawn from ``kinds``; ``params:`` names are
    always declared and ephemeral, as in Kedro's catalog. The snapshot is consistent:
    ``existing`` and ``ephemeral`` are disjoint subsets of ``registered``.

    Args:
        pipeline: the pipeline whose datasets the snapshot describes.
        kinds: Strategy for each dataset's kind, e.g. ``st.just(DatasetKind.MISSING)``.

    Returns:
        A strategy of :class:`~core.catalog.snapshot.CatalogSnapshot`; bad arguments raise
        ``hypothesis.errors.InvalidArgument`` when a value is drawn.
    """
    return _draw_snapshot(pipeline, kinds)


@st.composite
def _draw_order(draw: st.DrawFn, given: object) -> tuple[str, ...]:
    p = _check_pipeline("completion_orders", given)
    graph = p.graph
    waiting = {name: len(parents) for name, parents in graph.parents.items()}
    # Shrinks towards always taking the first ready node, i.e. towards ``p.nodes`` order.
    ready = [n.name for n in p.nodes if waiting[n.name] == 0]
    order: list[str] = []
    while ready:
        taken = ready.pop(draw(st.integers(0, len(ready) - 1)))
        order.append(taken)
        for child in sorted(graph.children[taken]):
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    return tuple(order)


def completion_orders(pipeline: Pipeline) -> SearchStrategy[tuple[str, ...]]:
    """Generate orders in which a run could complete every node of ``pipeline``.

    Each order holds every node name once, every node after all of its parents (the
    dependency graph's parents, transcoding stripped). Any runner's completions form one.

    Returns:
        A strategy of node-name tuples; a non-pipeline argument raises
        ``hypothesis.errors.InvalidArgument`` when a value is drawn.
    """
    return _draw_order(pipeline)


# -- pipelines for the planning suites (private until core.strategies has pipelines()) --------


def _noop(*values: object) -> None:
    """A node function that accepts anything; the planning suites never call it."""


@st.composite
def _planning_pipelines(draw: st.DrawFn, *, min_nodes: int = 0, max_nodes: int = 10) -> Pipeline:
    """Valid pipelines exercising what run planning cares about: shared free inputs,
    ``params:``, transcoded pairs (``a@w`` written, ``a@r`` read), inputs read twice by one
    node, nodes without inputs or without outputs, several outputs, and node names whose
    sorted order differs from construction order."""
    count = draw(st.integers(min_nodes, max_nodes))
    labels = draw(st.permutations(range(count)))
    produced: list[tuple[str, bool]] = []
    built: list[Node] = []
    for i in range(count):
        inputs: list[str] = []
        for _ in range(draw(st.integers(0, 3))):
            source = draw(st.sampled_from(("free", "transcoded-free", "param", "made", "made")))
            if source == "made" and produced:
                base, transcoded = draw(st.sampled_from(produced))
                inputs.append(f"{base}@{draw(st.sampled_from('wr'))}" if transcoded else base)
            elif source == "transcoded-free":
                inputs.append(f"t{draw(st.integers(0, 2))}@{draw(st.sampled_from('wr'))}")
            elif source == "param":
                inputs.append(f"params:p{draw(st.integers(0, 2))}")
            else:
                inputs.append(f"x{draw(st.integers(0, 3))}")
        outputs: list[str] = []
        for k in range(draw(st.integers(0 if inputs else 1, 2))):
            base = f"d{i}_{k}"
            transcoded = draw(st.integers(0, 3)) == 0
            produced.append((base, transcoded))
            outputs.append(f"{base}@w" if transcoded else base)
        built.append(
            node(
                _noop,
                inputs or None,
                outputs or None,
                name=f"{'nm'[labels[i] % 2]}{labels[i]}",
            )
        )
    return pipeline(built).unwrap()
