"""Derived indexes of a pipeline, computed once when the value is built.

Everything here is O(N + E) (plus O(N log N) for sorting within layers) and iterative, so a
20,000-node chain neither goes quadratic nor overflows the recursion limit. Nodes are
numbered (ids) and edges are tuples of ids: no per-node set feeds the cyclic collector.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from core.node import Node

__all__ = ["GraphIndex", "extend_index", "find_cycle", "index_nodes", "toposort_layers"]



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
    #: base dataset name -> names of the nodes consuming it (construction order)
    consumers: Mapping[str, tuple[str, ...]]
    #: node name -> id, and id -> node name
    ids: Mapping[str, int]
    names: tuple[str, ...]
    #: id -> ids of the nodes it depends on / of the nodes depending on it
    parent_ids: tuple[tuple[int, ...], ...]
    child_ids: tuple[tuple[int, ...], ...]

    @property
    def parents(self) -> Mapping[str, frozenset[str]]:
        """node name -> names of the nodes it depends on (built on lookup)."""
        return _NameSets(self.ids, self.names, self.parent_ids)

    @property
    def children(self) -> Mapping[str, frozenset[str]]:
        """node name -> names of the nodes depending on it (built on lookup)."""
        return _NameSets(self.ids, self.names, self.child_ids)

    @property
    def nodes(self) -> tuple[Node, ...]:
        """The nodes by id (construction order)."""
        return tuple(self.by_name.values())


def index_nodes(nodes: Sequence[Node]) -> GraphIndex:
    """Build the indexes for ``nodes`` (names and base outputs already checked unique)."""
    return extend_index(None, nodes)


def extend_index(base: GraphIndex | None, nodes: Sequence[Node]) -> GraphIndex:
    """``base``'s indexes with ``nodes`` added (``None``: start empty); new ids follow base's.

    Adding to an existing index copies its maps (C-speed copies) and touches only the new
    nodes and the old nodes they feed, which keeps ``a + b`` cheap (``sum`` of many pipelines).
    """
    by_name: dict[str, Node] = dict(base.by_name) if base else {}
    producer: dict[str, str] = dict(base.producer) if base else {}
    consumers: dict[str, tuple[str, ...]] = dict(base.consumers) if base else {}
    ids: dict[str, int] = dict(base.ids) if base else {}
    names: list[str] = list(base.names) if base else []
    parent_ids: list[tuple[int, ...]] = list(base.parent_ids) if base else []
    child_lists: dict[int, list[int]] = {}
    new_consumers: dict[str, list[str]] = {}
    # Producer ids of every base dataset, old and new: one lookup per input below.
    made_by: dict[str, int] = {d: ids[name] for d, name in producer.items()} if base else {}
    first = len(names)
    for offset, n in enumerate(nodes):
        name = n.name
        i = first + offset
        by_name[name] = n
        ids[name] = i
        names.append(name)
        for out in n.output_bases:
            producer[out] = name
            made_by[out] = i
    # The hot loop of every pipeline build: plain dict/list/tuple operations on ints.
    for offset, n in enumerate(nodes):
        i = first + offset
        name = n.name
        found: list[int] | None = None
        single = -1
        for inp in n.input_bases:
            listed = new_consumers.get(inp)
            if listed is None:
                new_consumers[inp] = [name]
            else:
                listed.append(name)
            parent = made_by.get(inp, -1)
            if parent < 0 or parent == single:
                continue
            if single < 0:
                single = parent
            elif found is None:
                found = [single, parent]
            elif parent not in found:
                found.append(parent)
        if found is not None:
            parent_ids.append(tuple(found))
            for parent in found:
                kids = child_lists.get(parent)
                if kids is None:
                    child_lists[parent] = [i]
                else:
                    kids.append(i)
        elif single >= 0:
            parent_ids.append((single,))
            kids = child_lists.get(single)
            if kids is None:
                child_lists[single] = [i]
            else:
                kids.append(i)
        else:
            parent_ids.append(())
    if base:
        # Old nodes may consume what the new nodes produce.
        for offset, n in enumerate(nodes):
            i = first + offset
            for out in n.output_bases:
                for consumer in base.consumers.get(out, ()):
                    c = ids[consumer]
                    if i not in parent_ids[c]:
                        parent_ids[c] = (*parent_ids[c], i)
                        child_lists.setdefault(i, []).append(c)
    for dataset, listed_names in new_consumers.items():
        old = consumers.get(dataset)
        consumers[dataset] = (*old, *listed_names) if old else tuple(listed_names)
    child_ids: list[tuple[int, ...]] = list(base.child_ids) if base else []
    child_ids.extend([()] * len(nodes))
    for parent, kids in child_lists.items():
        old_kids = child_ids[parent]
        child_ids[parent] = (*old_kids, *kids) if old_kids else tuple(kids)
    return GraphIndex(
        by_name=MappingProxyType(by_name),
        producer=MappingProxyType(producer),
        consumers=MappingProxyType(consumers),
        ids=MappingProxyType(ids),
        names=tuple(names),
        parent_ids=tuple(parent_ids),
        child_ids=tuple(child_ids),
    )


def toposort_layers(index: GraphIndex) -> tuple[tuple[Node, ...], ...] | None:
    """Kedro's topological layers: each layer holds every node whose parents were all emitted
    in earlier layers, sorted by full node name (plain string order, as Kedro sorts nodes).

    Returns ``None`` when the graph has a cycle.
    """
    names = index.names
    by_id = index.nodes
    child_ids = index.child_ids
    waiting = [len(ps) for ps in index.parent_ids]
    by_name = names.__getitem__
    layer = sorted([i for i, count in enumerate(waiting) if count == 0], key=by_name)
    layers: list[tuple[Node, ...]] = []
    emitted = 0
    while layer:
        layers.append(tuple([by_id[i] for i in layer]))
        emitted += len(layer)
        ready: list[int] = []
        for i in layer:
            for child in child_ids[i]:
                left = waiting[child] - 1
                waiting[child] = left
                if left == 0:
                    ready.append(child)
        layer = sorted(ready, key=by_name) if len(ready) > 1 else ready
    if emitted != len(names):
        return None
    return tuple(layers)


def find_cycle(index: GraphIndex) -> tuple[str, ...]:
    """The node names on one dependency cycle, in dependency order: the one Kedro reports.

    Kedro finds it with ``graphlib``: a depth-first walk over children, starting from the
    nodes in the order its sorter met them (each node in construction order, then that
    node's parents), children in construction order. The same walk is done here (parents
    not yet met are taken in construction order, where Kedro's come from a set), so with
    several cycles the one Kedro reports is reported. Iterative: a long chain cannot
    overflow the stack.
    """
    names = index.names
    position = {name: i for i, name in enumerate(names)}
    met: dict[str, None] = {}
    for name in names:
        met.setdefault(name)
        for parent in sorted(index.parents[name], key=position.__getitem__):
            met.setdefault(parent)
    seen: set[str] = set()
    on_stack: dict[str, int] = {}
    stack: list[str] = []
    pending: list[Iterator[str]] = []
    for start in met:
        if start in seen:
            continue
        node = start
        while True:
            if node in seen:
                if node in on_stack:
                    return tuple(stack[on_stack[node] :])
            else:
                seen.add(node)
                pending.append(iter(sorted(index.children[node], key=position.__getitem__)))
                on_stack[node] = len(stack)
                stack.append(node)
            while stack:
                following = next(pending[-1], None)
                if following is not None:
                    node = following
                    break
                del on_stack[stack.pop()]
                pending.pop()
            else:
                break
    return ()
