"""``Pipeline``: an immutable, validated set of nodes, and ``pipeline()`` that builds one.

A ``Pipeline`` carries no hidden mutable state: its topological order, layers and indexes
are computed once, when the value is built (Kedro keeps a stateful ``TopologicalSorter`` on
the object and drains it lazily). Building validates everything Kedro validates and returns
``Failure(PipelineError)`` instead of raising.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from returns.result import Failure, Result, Success

from core._graph import GraphIndex, extend_index, find_cycle, index_nodes, toposort_layers
from core._version import __version__
from core.errors import (
    CircularDependencyError,
    ConfirmNotUniqueError,
    OutputNotUniqueError,
    PipelineError,
    PipelineErrorReason,
)
from core.grouping import GroupedNodes, group_nodes
from core.namespacing import NameMapping, remap_nodes
from core.node import Node
from core.transcoding import strip_transcoding

__all__ = ["Pipeline", "PipelineItem", "combine", "pipeline"]


@dataclass(frozen=True, slots=True, eq=False)
class Pipeline:
    """A validated, acyclic set of nodes. Build it with :func:`pipeline`.

    Equality is by the set of nodes (Kedro compares pipelines by identity; a value compares
    by content). Operators ``+``/``|`` (union), ``-`` (difference) and ``&`` (intersection)
    and ``sum(pipelines)`` work as in Kedro.
    """

    #: the nodes in Kedro's execution order: layer by layer, sorted by name within a layer
    nodes: tuple[Node, ...]
    #: Kedro's topological layers (a node's layer is its longest chain of ancestors)
    grouped_nodes: tuple[tuple[Node, ...], ...]
    #: the nodes in the order they were given (used by ``to_json``)
    construction_order: tuple[Node, ...]
    #: indexes by name, producer, consumers, parents and children
    graph: GraphIndex
    _all_inputs: frozenset[str]
    _all_outputs: frozenset[str]
    _free_inputs: frozenset[str]
    _free_outputs: frozenset[str]
    #: indexes derived on first use (never observable: same value, computed once)
    _memo: dict[str, object] = field(default_factory=dict)

    # -- graph queries -------------------------------------------------------------------

    def all_inputs(self) -> frozenset[str]:
        """Every raw input name of every node (``params:*`` included)."""
        return self._all_inputs

    def all_outputs(self) -> frozenset[str]:
        """Every raw output name of every node."""
        return self._all_outputs

    def inputs(self) -> frozenset[str]:
        """Free inputs: raw input names whose base name no node produces."""
        return self._free_inputs

    def outputs(self) -> frozenset[str]:
        """Free outputs: raw output names whose base name no node consumes."""
        return self._free_outputs

    def datasets(self) -> frozenset[str]:
        """All raw dataset names, inputs and outputs."""
        return self._all_inputs | self._all_outputs

    @property
    def node_dependencies(self) -> Mapping[Node, frozenset[Node]]:
        """``{node: parents}``, a parent being the producer of one of the node's inputs."""
        by_name = self.graph.by_name
        return {
            by_name[name]: frozenset(by_name[p] for p in parents)
            for name, parents in self.graph.parents.items()
        }

    def namespace_index(self) -> Mapping[str, tuple[int, ...]]:
        """Each namespace and enclosing prefix (``a`` for ``a.b``) -> the ids (positions in
        ``construction_order``, ascending) of its nodes; built once per pipeline value."""
        cached = self._memo.get("namespaces")
        if isinstance(cached, MappingProxyType):
            return cached
        members: dict[str, list[int]] = {}
        for i, n in enumerate(self.construction_order):
            if n.namespace:
                for prefix in n.namespace_prefixes:
                    listed = members.get(prefix)
                    if listed is None:
                        members[prefix] = [i]
                    else:
                        listed.append(i)
        index: Mapping[str, tuple[int, ...]] = MappingProxyType({k: tuple(v) for k, v in members.items()})
        self._memo["namespaces"] = index
        return index

    def tag(self, tags: str | Iterable[str]) -> Pipeline:
        """A copy with ``tags`` added to every node (always valid: tags change no edge)."""
        return _unchecked([n.tag(tags) for n in self.construction_order])

    def group_nodes_by(self, group_by: str | None = "namespace") -> Result[list[GroupedNodes], PipelineError]:
        """Kedro's deployment groups (see :mod:`core.grouping`): by top-level namespace, or
        one per node for ``None``/``"none"``; another strategy is a ``Failure``."""
        return group_nodes(self.nodes, self.graph.parents, self.graph.by_name, group_by)

    def describe(self, names_only: bool = True) -> str:
        """Kedro's printable execution order with free inputs and outputs."""

        def listed(names: frozenset[str]) -> str:
            return ", ".join(sorted(names)) if names else "None"

        body = "\n".join(n.name if names_only else str(n) for n in self.nodes)
        return (
            "#### Pipeline execution order ####\n"
            f"Inputs: {listed(self.inputs())}\n\n"
            f"{body}\n\n"
            f"Outputs: {listed(self.outputs())}\n"
            "##################################"
        )

    def to_json(self) -> str:
        """JSON with the library version and, per node in construction order, its name,
        inputs, outputs and (sorted) tags."""
        return json.dumps(
            {
                "kedro_pure_version": __version__,
                "pipeline": [
                    {
                        "name": n.name,
                        "inputs": list(n.inputs),
                        "outputs": list(n.outputs),
                        "tags": sorted(n.tags),
                    }
                    for n in self.construction_order
                ],
            }
        )

    # -- algebra -------------------------------------------------------------------------

    def __add__(self, other: object) -> Pipeline:
        if not isinstance(other, Pipeline):
            return NotImplemented
        return _or_raise(combine(self, other))

    def __radd__(self, other: object) -> Pipeline:
        # ``sum(pipelines)`` starts from the integer 0.
        if other == 0:
            return self
        return NotImplemented

    def __or__(self, other: object) -> Pipeline:
        if not isinstance(other, Pipeline):
            return NotImplemented
        return _or_raise(combine(self, other))

    def __sub__(self, other: object) -> Pipeline:
        if not isinstance(other, Pipeline):
            return NotImplemented
        drop = frozenset(other.nodes)
        return _unchecked([n for n in self.construction_order if n not in drop])

    def __and__(self, other: object) -> Pipeline:
        if not isinstance(other, Pipeline):
            return NotImplemented
        keep = frozenset(other.nodes)
        return _unchecked([n for n in self.construction_order if n in keep])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pipeline):
            return NotImplemented
        return len(self.nodes) == len(other.nodes) and frozenset(self.nodes) == frozenset(other.nodes)

    def __hash__(self) -> int:
        return hash(frozenset(self.nodes))

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        shown = [repr(n) for n in self.nodes[:10]]
        if len(self.nodes) > 10:
            shown.append("...")
        inner = "[\n" + ",\n".join(shown) + "\n]" if shown else "[]"
        return f"Pipeline({inner})"


#: What ``pipeline()`` accepts as its first argument's elements.
PipelineItem = Node | Pipeline


def _or_raise(result: Result[Pipeline, PipelineError]) -> Pipeline:
    # Operators cannot return a Result (``sum`` must keep working), so an invalid union is an
    # authoring error raised like node()'s; ``combine`` is the Result-returning form.
    if isinstance(result, Success):
        built: Pipeline = result.unwrap()
        return built
    raise result.failure()


def combine(*pipelines: Pipeline) -> Result[Pipeline, PipelineError]:
    """The union of ``pipelines``; equal nodes merge, different nodes sharing a name fail."""
    if not pipelines:
        return _validated([])
    result: Result[Pipeline, PipelineError] = Success(pipelines[0])
    for other in pipelines[1:]:
        result = result.bind(lambda acc, other=other: _union(acc, other))  # type: ignore[misc]
    return result


def _union(a: Pipeline, b: Pipeline) -> Result[Pipeline, PipelineError]:
    # ``a`` is valid, so only what ``b`` adds needs checking, and ``a``'s indexes are reused.
    extra = [n for n in b.construction_order if n.name not in a.graph.by_name or a.graph.by_name[n.name] != n]
    if not extra:
        return Success(a)
    merged = [*a.construction_order, *extra]
    if any(n.name in a.graph.by_name for n in extra):
        return Failure(_duplicate_names(merged, [(None, merged)]) or _missing_duplicate())
    return _validated(merged, base=a, extra=extra)


def _missing_duplicate() -> PipelineError:
    raise AssertionError("a repeated node name was detected but not reported")


def pipeline(
    nodes: Iterable[PipelineItem] | Pipeline | None,
    *,
    inputs: str | Iterable[str] | Mapping[str, str] | None = None,
    outputs: str | Iterable[str] | Mapping[str, str] | None = None,
    parameters: str | Iterable[str] | Mapping[str, str] | None = None,
    tags: str | Iterable[str] | None = None,
    namespace: str | None = None,
    prefix_datasets_with_namespace: bool = True,
) -> Result[Pipeline, PipelineError]:
    """Build a pipeline from nodes and pipelines, with Kedro's validation and remapping.

    Args:
        nodes: nodes and/or pipelines (pipelines are flattened), or one pipeline.
        inputs: free inputs to expose or rename (a name, names, or ``{old: new}``).
        outputs: outputs to expose or rename (free or intermediate).
        parameters: parameters to keep or rename (``params:`` prefix optional).
        tags: tags added to every node.
        namespace: prefixes node names, and (unless ``prefix_datasets_with_namespace`` is
            false) every dataset and ``params:`` name not mapped explicitly.
        prefix_datasets_with_namespace: whether ``namespace`` also renames datasets.

    Returns:
        ``Success(Pipeline)``, or ``Failure(PipelineError)`` with Kedro's message when names
        are duplicated, transcoding is inconsistent, outputs or confirms are not unique, the
        graph has a cycle (``CircularDependencyError``), or a mapping is invalid.
    """
    if nodes is None:
        return Failure(
            PipelineError(
                PipelineErrorReason.NODES_MISSING,
                "'nodes' argument of 'Pipeline' is None. It must be an iterable of nodes "
                "and/or pipelines instead.",
            )
        )
    items: list[PipelineItem] = [nodes] if isinstance(nodes, Pipeline) else list(nodes)
    if not (inputs or outputs or parameters or namespace):
        return _from_items(items, tags)
    return (
        _from_items(items, tags)
        .bind(
            lambda inner: remap_nodes(
                inner.nodes,
                inner_inputs=inner.inputs(),
                inner_datasets=inner.datasets(),
                inputs=NameMapping.of_datasets(inputs),
                outputs=NameMapping.of_datasets(outputs),
                parameters=NameMapping.of_parameters(parameters),
                namespace=namespace,
                prefix_datasets=prefix_datasets_with_namespace,
            )
        )
        .bind(lambda remapped: _from_items(list(remapped), tags))
    )


def _from_items(items: Sequence[PipelineItem], tags: str | Iterable[str] | None) -> Result[Pipeline, PipelineError]:
    sources: list[tuple[Pipeline | None, Sequence[Node]]] = []
    flat: list[Node] = []
    loose: list[Node] = []
    for item in items:
        if isinstance(item, Node):
            loose.append(item)
            flat.append(item)
        elif isinstance(item, Pipeline):
            sources.append((item, item.nodes))
            flat.extend(item.nodes)
        else:
            raise TypeError(
                f"pipeline() takes nodes and pipelines, got {type(item).__name__}: {item!r}"
            )
    sources.insert(0, (None, loose))
    duplicates = _duplicate_names(flat, sources)
    if duplicates is not None:
        return Failure(duplicates)
    tag_set = frozenset([tags]) if isinstance(tags, str) else frozenset(tags or ())
    if tag_set:
        flat = [n.tag(tag_set) for n in flat]
    return _validated(flat)


def _duplicate_names(
    flat: Sequence[Node], sources: Sequence[tuple[Pipeline | None, Sequence[Node]]]
) -> PipelineError | None:
    if len({n.name for n in flat}) == len(flat):
        return None
    # Rare path: attribute each repeated name to where it was seen again, as Kedro reports.
    seen: set[str] = set()
    again: dict[int, tuple[str, set[str]]] = {}
    order: list[int] = []
    for origin, members in _in_given_order(flat, sources):
        for n in members:
            if n.name in seen:
                key = id(origin)
                if key not in again:
                    label = "Free nodes" if origin is None else repr(origin).replace("\n", "")
                    again[key] = (label, set())
                    order.append(key)
                again[key][1].add(n.name)
            else:
                seen.add(n.name)
    info = "".join(
        f"{again[k][0]}:\n" + "\n".join(f"  - {name}" for name in sorted(again[k][1])) + "\n"
        for k in order
    )
    names = tuple(sorted(set().union(*(again[k][1] for k in order))))
    return PipelineError(
        PipelineErrorReason.DUPLICATE_NODE_NAMES,
        "Pipeline nodes must have unique names. The following node names appear more than "
        f"once:\n\n{info}\nYou can name your nodes using the last argument of 'node()'.",
        names=names,
    )


def _in_given_order(
    flat: Sequence[Node], sources: Sequence[tuple[Pipeline | None, Sequence[Node]]]
) -> list[tuple[Pipeline | None, Sequence[Node]]]:
    # ``sources`` groups loose nodes first; rebuild the order in which items were given so
    # that "seen again" is decided exactly as a single pass over the items would.
    if len(sources) <= 1:
        return list(sources)
    position = {id(n): i for i, n in enumerate(flat)}
    pieces: list[tuple[int, Pipeline | None, Sequence[Node]]] = []
    for origin, members in sources:
        if origin is None:
            pieces.extend((position[id(n)], None, [n]) for n in members)
        elif members:
            pieces.append((position[id(members[0])], origin, members))
    pieces.sort(key=lambda piece: piece[0])
    return [(origin, members) for _, origin, members in pieces]


def _validated(
    flat: Sequence[Node], *, base: Pipeline | None = None, extra: Sequence[Node] = ()
) -> Result[Pipeline, PipelineError]:
    """Check a flat node list whose names are already known to be unique.

    With ``base``, ``flat`` is ``base``'s nodes followed by ``extra``: the checks and the
    indexes then cost O(|extra|) plus C-speed copies of ``base``'s maps.
    """
    new = extra if base is not None else flat
    all_inputs: set[str] = set(base.all_inputs()) if base is not None else set()
    all_outputs: set[str] = set(base.all_outputs()) if base is not None else set()
    for n in new:
        all_inputs.update(n.inputs)
        all_outputs.update(n.outputs)
    problem = (
        _transcoding_problem(all_inputs | all_outputs)
        or _not_unique(flat, "outputs", base=base, extra=extra)
        or _not_unique(flat, "confirms")
    )
    if problem is not None:
        return Failure(problem)
    index = extend_index(base.graph, extra) if base is not None else index_nodes(flat)
    layers = toposort_layers(index)
    if layers is None:
        cycle = find_cycle(index)
        # Kedro prints the list of nodes itself: reprs, not quoted strings.
        shown = "[" + ", ".join(repr(index.by_name[name]) for name in cycle) + "]"
        return Failure(
            CircularDependencyError(
                f"Circular dependencies exist among the following {len(cycle)} item(s): {shown}",
                names=tuple(sorted(cycle)),
            )
        )
    return Success(_finish(flat, index, layers, frozenset(all_inputs), frozenset(all_outputs)))


def _finish(
    flat: Sequence[Node],
    index: GraphIndex,
    layers: tuple[tuple[Node, ...], ...],
    all_inputs: frozenset[str],
    all_outputs: frozenset[str],
) -> Pipeline:
    produced = frozenset(index.producer)
    consumed = frozenset(index.consumers)
    return Pipeline(
        nodes=tuple(n for layer in layers for n in layer),
        grouped_nodes=layers,
        construction_order=tuple(flat),
        graph=index,
        _all_inputs=all_inputs,
        _all_outputs=all_outputs,
        _free_inputs=frozenset(i for i in all_inputs if strip_transcoding(i) not in produced),
        _free_outputs=frozenset(o for o in all_outputs if strip_transcoding(o) not in consumed),
    )


def _unchecked(flat: Sequence[Node]) -> Pipeline:
    """A pipeline from nodes already known to be valid together (a subset or a re-tagging of
    a valid pipeline): no check can fail, so only the indexes are built."""
    all_inputs: set[str] = set()
    all_outputs: set[str] = set()
    for n in flat:
        all_inputs.update(n.inputs)
        all_outputs.update(n.outputs)
    index = index_nodes(flat)
    layers = toposort_layers(index)
    if layers is None:  # pragma: no cover - a subset of an acyclic graph is acyclic
        raise AssertionError("a subset of a valid pipeline cannot have a cycle")
    return _finish(flat, index, layers, frozenset(all_inputs), frozenset(all_outputs))


def _transcoding_problem(names: set[str]) -> PipelineError | None:
    bare_and_transcoded = sorted(
        {base for base in (strip_transcoding(n) for n in names if "@" in n) if base in names}
    )
    if not bare_and_transcoded:
        return None
    return PipelineError(
        PipelineErrorReason.TRANSCODING_INCONSISTENT,
        "The following datasets are used with transcoding, but were referenced without the "
        f"separator: {', '.join(bare_and_transcoded)}.\n"
        "Please specify a transcoding option or rename the datasets.",
        names=tuple(bare_and_transcoded),
    )


def _not_unique(
    flat: Sequence[Node], field: str, *, base: Pipeline | None = None, extra: Sequence[Node] = ()
) -> PipelineError | None:
    repeated: list[str]
    if field == "outputs" and base is not None:
        seen: set[str] = set()
        clash: set[str] = set()
        for n in extra:
            for out in n.output_bases:
                if out in base.graph.producer or out in seen:
                    clash.add(out)
                seen.add(out)
        repeated = sorted(clash)
    else:
        counts: dict[str, int] = {}
        for n in flat:
            for name in n.output_bases if field == "outputs" else n.confirms:
                stripped = strip_transcoding(name)
                counts[stripped] = counts.get(stripped, 0) + 1
        repeated = sorted(name for name, count in counts.items() if count > 1)
    if not repeated:
        return None
    if field == "outputs":
        return OutputNotUniqueError(
            f"Output(s) {repeated} are returned by more than one nodes. Node outputs must be unique.",
            names=tuple(repeated),
        )
    return ConfirmNotUniqueError(
        f"{repeated} datasets are confirmed by more than one node. Node confirms must be unique.",
        names=tuple(repeated),
    )
