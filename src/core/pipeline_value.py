"""``Pipeline``: an immutable, validated set of nodes, with its algebra and its indexes.

A ``Pipeline`` carries no hidden mutable state: its topological order and indexes are
computed once, when the value is built (Kedro keeps a stateful ``TopologicalSorter`` on the
object and drains it lazily); what only some callers need (layers, namespaces, children,
consumers) is derived on first use, once per value. Building validates everything Kedro
validates (:mod:`core.pipeline_checks`) and returns ``Failure(PipelineError)`` instead of
raising. :func:`core.pipeline.pipeline` is how pipelines are written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from returns.result import Failure, Result, Success

from core._collector import collector_paused
from core._graph import GraphIndex, extend_index, index_nodes
from core._version import __version__
from core.errors import PipelineError
from core.graph_order import Layout, layout
from core.grouping import GroupedNodes, group_nodes
from core.node import Node
from core.pipeline_checks import cycle_error, duplicate_names, not_unique, transcoding_problem
from core.transcoding import TRANSCODING_SEPARATOR, strip_transcoding

__all__ = ["Pipeline", "PipelineItem", "combine", "unchecked_pipeline", "validated_pipeline"]


@dataclass(frozen=True, slots=True, eq=False)
class Pipeline:
    """A validated, acyclic set of nodes. Build it with :func:`pipeline`.

    Equality is by the set of nodes (Kedro compares pipelines by identity; a value compares
    by content). Operators ``+``/``|`` (union), ``-`` (difference) and ``&`` (intersection)
    and ``sum(pipelines)`` work as in Kedro.
    """

    #: the nodes in Kedro's execution order: layer by layer, sorted by name within a layer
    nodes: tuple[Node, ...]
    #: the nodes in the order they were given (used by ``to_json``)
    construction_order: tuple[Node, ...]
    #: indexes by name, producer, consumers, parents and children
    graph: GraphIndex
    #: where each layer of ``nodes`` ends (see ``grouped_nodes``)
    _layer_ends: tuple[int, ...]
    _all_inputs: frozenset[str]
    _all_outputs: frozenset[str]
    _free_inputs: frozenset[str]
    _free_outputs: frozenset[str]
    #: indexes derived on first use (never observable: same value, computed once)
    _memo: dict[str, object] = field(default_factory=dict)

    # -- graph queries -------------------------------------------------------------------

    @property
    def grouped_nodes(self) -> tuple[tuple[Node, ...], ...]:
        """Kedro's topological layers (a node's layer is its longest chain of ancestors),
        each sorted by name; made on first use, once per pipeline value."""
        cached = self._memo.get("layers")
        if cached is None:
            nodes = self.nodes
            starts = (0, *self._layer_ends)
            cached = self._memo["layers"] = tuple([nodes[a:b] for a, b in zip(starts, self._layer_ends, strict=False)])
        return cached  # type: ignore[return-value]

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
        return unchecked_pipeline([n.tag(tags) for n in self.construction_order])

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
        return unchecked_pipeline([n for n in self.construction_order if n not in drop])

    def __and__(self, other: object) -> Pipeline:
        if not isinstance(other, Pipeline):
            return NotImplemented
        keep = frozenset(other.nodes)
        return unchecked_pipeline([n for n in self.construction_order if n in keep])

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
        return validated_pipeline([])
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
        return Failure(duplicate_names(merged, [(None, merged)]) or _missing_duplicate())
    return validated_pipeline(merged, base=a, extra=extra)


def _missing_duplicate() -> PipelineError:
    raise AssertionError("a repeated node name was detected but not reported")


def validated_pipeline(
    flat: Sequence[Node], *, base: Pipeline | None = None, extra: Sequence[Node] = ()
) -> Result[Pipeline, PipelineError]:
    """Check a flat node list whose names are already known to be unique, and build it.

    With ``base``, ``flat`` is ``base``'s nodes followed by ``extra``: the checks and the
    index then cost O(|extra|) plus C-speed copies of ``base``'s maps.
    """
    with collector_paused():
        new = extra if base is not None else flat
        all_inputs = {i for n in new for i in n.inputs}
        all_outputs = {o for n in new for o in n.outputs}
        if base is not None:
            all_inputs |= base.all_inputs()
            all_outputs |= base.all_outputs()
        transcoded = _any_transcoded(all_inputs, all_outputs)
        problem = (
            (transcoding_problem(all_inputs | all_outputs) if transcoded else None)
            or _outputs_not_unique(flat, all_outputs, transcoded, base, extra)
            or not_unique([n for n in flat if n.confirms], "confirms")
        )
        if problem is not None:
            return Failure(problem)
        index = extend_index(base.graph, extra) if base is not None else index_nodes(flat)
        order = layout(index)
        if order is None:
            return Failure(cycle_error(index))
        return Success(_finish(index, order, all_inputs, all_outputs, transcoded))


def _outputs_not_unique(
    flat: Sequence[Node], all_outputs: set[str], transcoded: bool, base: Pipeline | None, extra: Sequence[Node]
) -> PipelineError | None:
    if base is not None:
        return not_unique(flat, "outputs", produced=base.graph.producer, extra=extra)
    # Without transcoding, raw names are base names: unique iff no name was counted twice.
    if not transcoded and len(all_outputs) == sum([len(n.outputs) for n in flat]):
        return None
    return not_unique(flat, "outputs")


def _any_transcoded(all_inputs: set[str], all_outputs: set[str]) -> bool:
    # One C-speed scan over the joined names instead of a Python loop over each.
    return TRANSCODING_SEPARATOR in "\n".join(all_inputs) or TRANSCODING_SEPARATOR in "\n".join(all_outputs)


def _finish(
    index: GraphIndex, order: Layout, all_inputs: set[str], all_outputs: set[str], transcoded: bool
) -> Pipeline:
    ids, ends = order
    by_id = index.nodes
    if transcoded:
        produced = index.producer
        consumed = index.consumers
        free_inputs = frozenset([i for i in all_inputs if strip_transcoding(i) not in produced])
        free_outputs = frozenset([o for o in all_outputs if strip_transcoding(o) not in consumed])
    else:
        # Raw names are base names: what is read but never written, and the converse.
        free_inputs = frozenset(all_inputs - all_outputs)
        free_outputs = frozenset(all_outputs - all_inputs)
    return Pipeline(
        nodes=tuple([by_id[i] for i in ids]),
        construction_order=by_id,
        graph=index,
        _layer_ends=tuple(ends),
        _all_inputs=frozenset(all_inputs),
        _all_outputs=frozenset(all_outputs),
        _free_inputs=free_inputs,
        _free_outputs=free_outputs,
    )


def unchecked_pipeline(flat: Sequence[Node]) -> Pipeline:
    """A pipeline from nodes already known to be valid together (a subset or a re-tagging of
    a valid pipeline): no check can fail, so only the indexes are built."""
    with collector_paused():
        all_inputs = {i for n in flat for i in n.inputs}
        all_outputs = {o for n in flat for o in n.outputs}
        index = index_nodes(flat)
        order = layout(index)
        if order is None:  # pragma: no cover - a subset of an acyclic graph is acyclic
            raise AssertionError("a subset of a valid pipeline cannot have a cycle")
        return _finish(index, order, all_inputs, all_outputs, _any_transcoded(all_inputs, all_outputs))
