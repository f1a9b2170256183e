"""Pipeline selection: Kedro's single-criterion filters and their intersection.

Every function returns ``Result[Pipeline, PipelineError]``; unknown node names, datasets or
namespaces and an empty selection are ``Failure`` values carrying Kedro's message.

Each selection is computed as a set of node names with one breadth-first walk over the
pipeline's precomputed parent/child indexes, so every filter is O(N + E).

Deliberate divergence from Kedro 1.7: naming the same node twice in ``only_nodes`` (or
overlapping namespaces such as ``["a", "a.b"]``) selects it once; Kedro raises its
duplicate-node-name error there, which no caller means.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from returns.result import Failure, Result, Success

from core.errors import PipelineError, PipelineErrorReason
from core.pipeline import Pipeline
from core.pipeline_value import unchecked_pipeline
from core.transcoding import strip_transcoding

__all__ = [
    "FilterSpec",
    "filter_pipeline",
    "from_inputs",
    "from_nodes",
    "only_nodes",
    "only_nodes_with_inputs",
    "only_nodes_with_namespaces",
    "only_nodes_with_outputs",
    "only_nodes_with_tags",
    "to_nodes",
    "to_outputs",
]

_Selection = Result[frozenset[str], PipelineError]

EMPTY_MESSAGE = (
    "Pipeline contains no nodes after applying all provided filters. Please ensure that at "
    "least one pipeline with nodes has been defined."
)


def _subset(p: Pipeline, names: frozenset[str]) -> Pipeline:
    """The nodes named ``names``, in construction order: O(k log k) for k names."""
    ids = p.graph.ids
    return _subset_ids(p, sorted([ids[name] for name in names]))


def _subset_ids(p: Pipeline, ids: list[int]) -> Pipeline:
    """The nodes with ``ids`` (ascending), in construction order: O(len(ids))."""
    if len(ids) == len(p.nodes):
        return p
    order = p.construction_order
    return unchecked_pipeline([order[i] for i in ids])


def _closure(p: Pipeline, start: Iterable[str], downstream: bool) -> frozenset[str]:
    """``start`` plus every node reachable downstream (or upstream) of it, by name.

    Walks the index's integer edges (iterative: no recursion).
    """
    graph = p.graph
    edges = graph.child_ids if downstream else graph.parent_ids
    ids = graph.ids
    reached = {ids[name] for name in start}
    frontier = list(reached)
    while frontier:
        for nxt in edges[frontier.pop()]:
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    names = graph.names
    return frozenset([names[i] for i in reached])


# -- selections (node-name sets) --------------------------------------------------------


def _select_names(p: Pipeline, names: Iterable[str]) -> _Selection:
    wanted = frozenset(names)
    unknown = sorted(wanted - p.graph.by_name.keys())
    if not unknown:
        return Success(wanted)
    near = tuple(
        full for u in unknown for full in (n.name for n in p.construction_order) if full.endswith(f".{u}")
    )
    message = f"Pipeline does not contain nodes named {unknown}."
    if near:
        message += f" Did you mean: {list(near)}?"
    # Kedro's message suggests namespaced names only; near misses become the hint's.
    suggestions = near or close_matches(unknown, (n.name for n in p.construction_order))
    return Failure(
        PipelineError(PipelineErrorReason.UNKNOWN_NODES, message, names=tuple(unknown), suggestions=suggestions)
    )


def close_matches(wanted: Iterable[str], known: Iterable[str], limit: int = 3) -> tuple[str, ...]:
    """Kedro's ``get_close_matches``: difflib's matches (cutoff 0.6) for each wanted name,
    de-duplicated in order, at most ``limit``."""
    candidates = sorted(set(known))
    found: list[str] = []
    for name in wanted:
        for match in difflib.get_close_matches(name, candidates, n=limit, cutoff=0.6):
            if match not in found:
                found.append(match)
    return tuple(found[:limit])


def _select_tags(p: Pipeline, tags: Iterable[str]) -> _Selection:
    wanted = frozenset(tags)
    return Success(frozenset(n.name for n in p.nodes if n.tags & wanted))


def _namespace_ids(p: Pipeline, namespaces: Iterable[str]) -> Result[list[int], PipelineError]:
    """The ids of the nodes in any of ``namespaces`` (ascending), from the pipeline's index:
    proportional to the nodes selected, not to the pipeline."""
    by_prefix = p.namespace_index()
    given = list(namespaces)
    unmatched = [ns for ns in given if ns not in by_prefix]
    if unmatched:
        return Failure(
            PipelineError(
                PipelineErrorReason.UNKNOWN_NAMESPACES,
                f"Pipeline does not contain nodes with the following namespaces: {unmatched}",
                names=tuple(unmatched),
                suggestions=close_matches(unmatched, by_prefix),
            )
        )
    if len(given) == 1:
        return Success(list(by_prefix[given[0]]))
    return Success(sorted(set().union(*(by_prefix[ns] for ns in given))))


def _select_namespaces(p: Pipeline, namespaces: Iterable[str]) -> _Selection:
    names = p.graph.names
    return _namespace_ids(p, namespaces).map(lambda ids: frozenset([names[i] for i in ids]))


def _unknown_datasets(p: Pipeline, datasets: frozenset[str]) -> PipelineError | None:
    known = p.datasets()
    missing = sorted(d for d in datasets if d not in known and d not in p.graph.producer and d not in p.graph.consumers)
    if not missing:
        return None
    return PipelineError(
        PipelineErrorReason.UNKNOWN_DATASETS,
        f"Pipeline does not contain datasets named {missing}",
        names=tuple(missing),
        suggestions=close_matches(missing, known),
    )


def _select_consumers(p: Pipeline, datasets: Iterable[str]) -> _Selection:
    wanted = frozenset(datasets)
    problem = _unknown_datasets(p, wanted)
    if problem is not None:
        return Failure(problem)
    found: set[str] = set()
    by_name = p.graph.by_name
    for d in wanted:
        base = strip_transcoding(d)
        for name in p.graph.consumers.get(base, ()):
            # A bare name matches every transcoded variant; ``a@x`` only itself.
            if base == d or d in by_name[name].inputs:
                found.add(name)
    return Success(frozenset(found))


def _select_producers(p: Pipeline, datasets: Iterable[str]) -> _Selection:
    wanted = frozenset(datasets)
    problem = _unknown_datasets(p, wanted)
    if problem is not None:
        return Failure(problem)
    found: set[str] = set()
    for d in wanted:
        base = strip_transcoding(d)
        name = p.graph.producer.get(base)
        if name is not None and (base == d or d in p.graph.by_name[name].outputs):
            found.add(name)
    return Success(frozenset(found))


def _select_from_inputs(p: Pipeline, datasets: Iterable[str]) -> _Selection:
    return _select_consumers(p, datasets).map(lambda start: _closure(p, start, downstream=True))


def _select_to_outputs(p: Pipeline, datasets: Iterable[str]) -> _Selection:
    return _select_producers(p, datasets).map(lambda start: _closure(p, start, downstream=False))


def _select_from_nodes(p: Pipeline, names: Iterable[str]) -> _Selection:
    return _select_names(p, names).map(lambda start: _closure(p, start, downstream=True))


def _select_to_nodes(p: Pipeline, names: Iterable[str]) -> _Selection:
    return _select_names(p, names).map(lambda start: _closure(p, start, downstream=False))


# -- public single-criterion filters ----------------------------------------------------


def only_nodes(p: Pipeline, *names: str) -> Result[Pipeline, PipelineError]:
    """The nodes named ``names``; unknown names fail, suggesting namespaced matches."""
    return _select_names(p, names).map(lambda s: _subset(p, s))


def only_nodes_with_tags(p: Pipeline, *tags: str) -> Result[Pipeline, PipelineError]:
    """The nodes having any of ``tags`` (possibly none: no error by itself)."""
    return _select_tags(p, tags).map(lambda s: _subset(p, s))


def only_nodes_with_namespaces(p: Pipeline, namespaces: Iterable[str]) -> Result[Pipeline, PipelineError]:
    """The nodes whose namespace is one of ``namespaces`` or a child of one."""
    return _namespace_ids(p, namespaces).map(lambda ids: _subset_ids(p, ids))


def only_nodes_with_inputs(p: Pipeline, *datasets: str) -> Result[Pipeline, PipelineError]:
    """The nodes consuming ``datasets`` directly."""
    return _select_consumers(p, datasets).map(lambda s: _subset(p, s))


def only_nodes_with_outputs(p: Pipeline, *datasets: str) -> Result[Pipeline, PipelineError]:
    """The nodes producing ``datasets`` directly."""
    return _select_producers(p, datasets).map(lambda s: _subset(p, s))


def from_inputs(p: Pipeline, *datasets: str) -> Result[Pipeline, PipelineError]:
    """The consumers of ``datasets`` and everything downstream of them."""
    return _select_from_inputs(p, datasets).map(lambda s: _subset(p, s))


def to_outputs(p: Pipeline, *datasets: str) -> Result[Pipeline, PipelineError]:
    """The producers of ``datasets`` and everything upstream of them."""
    return _select_to_outputs(p, datasets).map(lambda s: _subset(p, s))


def from_nodes(p: Pipeline, *names: str) -> Result[Pipeline, PipelineError]:
    """The named nodes and everything downstream of them."""
    return _select_from_nodes(p, names).map(lambda s: _subset(p, s))


def to_nodes(p: Pipeline, *names: str) -> Result[Pipeline, PipelineError]:
    """The named nodes and everything upstream of them."""
    return _select_to_nodes(p, names).map(lambda s: _subset(p, s))


# -- the combined filter ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FilterSpec:
    """The arguments of :func:`filter_pipeline` as one value (empty criteria are ignored)."""

    tags: tuple[str, ...] = ()
    from_nodes: tuple[str, ...] = ()
    to_nodes: tuple[str, ...] = ()
    node_names: tuple[str, ...] = ()
    from_inputs: tuple[str, ...] = ()
    to_outputs: tuple[str, ...] = ()
    node_namespaces: tuple[str, ...] = ()

    def apply(self, p: Pipeline) -> Result[Pipeline, PipelineError]:
        """``filter_pipeline(p, **this spec)``."""
        return filter_pipeline(
            p,
            tags=self.tags,
            from_nodes=self.from_nodes,
            to_nodes=self.to_nodes,
            node_names=self.node_names,
            from_inputs=self.from_inputs,
            to_outputs=self.to_outputs,
            node_namespaces=self.node_namespaces,
        )


def filter_pipeline(
    p: Pipeline,
    *,
    tags: Iterable[str] | None = None,
    from_nodes: Iterable[str] | None = None,
    to_nodes: Iterable[str] | None = None,
    node_names: Iterable[str] | None = None,
    from_inputs: Iterable[str] | None = None,
    to_outputs: Iterable[str] | None = None,
    node_namespaces: Iterable[str] | None = None,
) -> Result[Pipeline, PipelineError]:
    """Kedro's ``Pipeline.filter``: the intersection of every given criterion.

    Each criterion is applied to the *original* pipeline and the results are intersected, so
    the outcome does not depend on the order of the criteria (chaining filters would: e.g.
    ``to_nodes`` after ``node_names`` sees only what ``node_names`` kept). Empty or ``None``
    criteria are ignored.

    Returns:
        ``Failure(PipelineError)`` with the first failing criterion's error (in the order of
        the parameters), or ``EMPTY_AFTER_FILTER`` when nothing is left.
    """
    criteria: list[tuple[Callable[[Pipeline, Iterable[str]], _Selection], tuple[str, ...]]] = [
        (_select_tags, tuple(tags or ())),
        (_select_from_nodes, tuple(from_nodes or ())),
        (_select_to_nodes, tuple(to_nodes or ())),
        (_select_names, tuple(node_names or ())),
        (_select_from_inputs, tuple(from_inputs or ())),
        (_select_to_outputs, tuple(to_outputs or ())),
        (_select_namespaces, tuple(node_namespaces or ())),
    ]
    kept: frozenset[str] | None = None  # None: every node
    for select, args in criteria:
        if not args:
            continue
        selected = select(p, args)
        if not isinstance(selected, Success):
            return Failure(selected.failure())
        kept = selected.unwrap() if kept is None else kept & selected.unwrap()
    if kept is None:
        return Success(p) if p.nodes else Failure(
            PipelineError(PipelineErrorReason.EMPTY_AFTER_FILTER, EMPTY_MESSAGE)
        )
    if not kept:
        return Failure(PipelineError(PipelineErrorReason.EMPTY_AFTER_FILTER, EMPTY_MESSAGE))
    return Success(_subset(p, kept))
