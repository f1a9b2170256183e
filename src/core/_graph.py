"""The graph index of a pipeline: nodes numbered by construction order, edges as ids.

Everything here is O(N + E) and iterative, so a 20,000-node chain neither goes quadratic nor
overflows the recursion limit. Nodes are numbered (ids) and edges are tuples of ids: no
per-node set feeds the cyclic collector. What a build does not need (children, consumers)
is derived on first use, once per index value. Topological order lives in
:mod:`core.graph_order`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from core.node import Node

__all__ = ["GraphIndex", "extend_index", "index_nodes"]


class _NameSets(Mapping[str, frozenset[str]]):
    """``{node name: names of its parents (or children)}``, built per lookup from the ids.

    The index keeps edges as tuples of integer node ids; the name sets are made only when
    asked for, so building a pipeline allocates no per-node set for the collector to trace.
    """

    __slots__ = ("_edges", "_ids", "_names")

    def __init__(self, ids: Mapping[str, int], names: tuple[str, ...], edges: tuple[tuple[int, ...], ...]) -> None:
        self._ids = ids
        self._names = names
        self._edges = edges

    def __getitem__(self, name: str) -> frozenset[str]:
        names = self._names
        return frozenset([names[i] for i in self._edges[self._ids[name]]])

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._ids


@dataclass(frozen=True, slots=True)
class GraphIndex:
    """Read-only indexes over a set of nodes with unique names and unique outputs.

    Nodes are numbered by their position in construction order (their *id*); edges are
    tuples of ids. Dataset keys of ``producer`` and ``consumers`` are *base* names
    (transcoding stripped), because ``a@pandas`` feeds ``a@spark``.
    """

    by_name: Mapping[str, Node]
    #: base dataset name -> name of the node producing it
    producer: Mapping[str, str]
    #: node name -> id, and id -> node name
    ids: Mapping[str, int]
    names: tuple[str, ...]
    #: id -> ids of the nodes it depends on (in the order their datasets are read)
    parent_ids: tuple[tuple[int, ...], ...]
    #: the nodes by id (construction order)
    nodes: tuple[Node, ...]
    #: what is derived on first use (never observable: the same value, computed once)
    _derived: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def child_ids(self) -> tuple[tuple[int, ...], ...]:
        """id -> ids of the nodes depending on it (ascending)."""
        cached = self._derived.get("child_ids")
        if cached is None:
            kids: list[list[int]] = [[] for _ in self.names]
            for child, parents in enumerate(self.parent_ids):
                for parent in parents:
                    kids[parent].append(child)
            cached = self._derived["child_ids"] = tuple([tuple(k) for k in kids])
        return cached  # type: ignore[return-value]

    @property
    def consumers(self) -> Mapping[str, tuple[str, ...]]:
        """base dataset name -> names of the nodes consuming it (construction order)."""
        cached = self._derived.get("consumers")
        if cached is None:
            listed: dict[str, list[str]] = {}
            for n in self.nodes:
                for base in n.input_bases:
                    readers = listed.get(base)
                    if readers is None:
                        listed[base] = [n.name]
                    else:
                        readers.append(n.name)
            cached = self._derived["consumers"] = MappingProxyType({d: tuple(r) for d, r in listed.items()})
        return cached  # type: ignore[return-value]

    @property
    def parents(self) -> Mapping[str, frozenset[str]]:
        """node name -> names of the nodes it depends on (built on lookup)."""
        return _NameSets(self.ids, self.names, self.parent_ids)

    @property
    def children(self) -> Mapping[str, frozenset[str]]:
        """node name -> names of the nodes depending on it (built on lookup)."""
        return _NameSets(self.ids, self.names, self.child_ids)


def index_nodes(nodes: Sequence[Node]) -> GraphIndex:
    """Build the index of ``nodes`` (names and base outputs already checked unique): one pass
    for the producers, one for the parents, plain dicts, lists and tuples of ints."""
    names = tuple([n.name for n in nodes])
    made_by = {out: i for i, n in enumerate(nodes) for out in n.output_bases}
    get = made_by.get
    parent_ids: list[tuple[int, ...]] = []
    add = parent_ids.append
    for n in nodes:
        bases = n.input_bases
        if len(bases) == 1:
            parent = get(bases[0])
            add(() if parent is None else (parent,))
        else:
            # Distinct producers, in the order their datasets are read.
            add(tuple(dict.fromkeys([p for p in map(get, bases) if p is not None])))
    return GraphIndex(
        by_name=MappingProxyType(dict(zip(names, nodes, strict=True))),
        producer=MappingProxyType({d: names[i] for d, i in made_by.items()}),
        ids=MappingProxyType(dict(zip(names, range(len(names)), strict=True))),
        names=names,
        parent_ids=tuple(parent_ids),
        nodes=tuple(nodes),
    )


def extend_index(base: GraphIndex, nodes: Sequence[Node]) -> GraphIndex:
    """``base``'s index with ``nodes`` added; new ids follow base's.

    Copies base's maps (C-speed copies) and touches only the new nodes and the old nodes
    they feed, which keeps ``a + b`` cheap (``sum`` of many pipelines).
    """
    first = len(base.names)
    names = (*base.names, *[n.name for n in nodes])
    producer = dict(base.producer)
    ids = dict(base.ids)
    made_by: dict[str, int] = {d: ids[name] for d, name in producer.items()}
    for offset, n in enumerate(nodes):
        ids[n.name] = first + offset
        for out in n.output_bases:
            producer[out] = n.name
            made_by[out] = first + offset
    get = made_by.get
    parent_ids = list(base.parent_ids)
    for n in nodes:
        parent_ids.append(tuple(dict.fromkeys([p for p in map(get, n.input_bases) if p is not None])))
    # Old nodes may consume what the new nodes produce.
    old_consumers = base.consumers
    for offset, n in enumerate(nodes):
        for out in n.output_bases:
            for consumer in old_consumers.get(out, ()):
                c = ids[consumer]
                if first + offset not in parent_ids[c]:
                    parent_ids[c] = (*parent_ids[c], first + offset)
    by_name = dict(base.by_name)
    by_name.update(zip(names[first:], nodes, strict=True))
    return GraphIndex(
        by_name=MappingProxyType(by_name),
        producer=MappingProxyType(producer),
        ids=MappingProxyType(ids),
        names=names,
        parent_ids=tuple(parent_ids),
        nodes=(*base.nodes, *nodes),
    )
