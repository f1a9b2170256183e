"""Derived indexes of a pipeline, computed once when the value is built.

Everything here is O(N + E) (plus O(N log N) for sorting within layers) and iterative, so a
20,000-node chain neither goes quadratic nor overflows the recursion limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from core.node import Node

__all__ = ["GraphIndex", "extend_index", "find_cycle", "index_nodes", "toposort_layers"]

_EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class GraphIndex:
    """Read-only indexes over a set of nodes with unique names and unique outputs.

    Dataset keys of ``producer`` and ``consumers`` are *base* names (transcoding stripped),
    because ``a@pandas`` feeds ``a@spark``.
    """

    by_name: Mapping[str, Node]
    #: base dataset name -> name of the node producing it
    producer: Mapping[str, str]
    #: base dataset name -> names of the nodes consuming it (construction order)
    consumers: Mapping[str, tuple[str, ...]]
    #: node name -> names of the nodes it depends on
    parents: Mapping[str, frozenset[str]]
    #: node name -> names of the nodes depending on it
    children: Mapping[str, frozenset[str]]


def index_nodes(nodes: Sequence[Node]) -> GraphIndex:
    """Build the indexes for ``nodes`` (names and base outputs already checked unique)."""
    return extend_index(None, nodes)


def extend_index(base: GraphIndex | None, nodes: Sequence[Node]) -> GraphIndex:
    """``base``'s indexes with ``nodes`` added (``None``: start empty).

    Adding to an existing index copies its maps (C-speed dict copies) and touches only the new
    nodes and the old nodes they feed, which keeps ``a + b`` cheap (``sum`` of many pipelines).
    """
    by_name: dict[str, Node] = dict(base.by_name) if base else {}
    producer: dict[str, str] = dict(base.producer) if base else {}
    consumers: dict[str, tuple[str, ...]] = dict(base.consumers) if base else {}
    parents: dict[str, frozenset[str]] = dict(base.parents) if base else {}
    children: dict[str, frozenset[str]] = dict(base.children) if base else {}
    new_children: dict[str, list[str]] = {}
    new_consumers: dict[str, list[str]] = {}
    for n in nodes:
        by_name[n.name] = n
        for out in n.output_bases:
            producer[out] = n.name
    # The hot loop of every pipeline build: plain dict/list operations, and no temporary
    # container for the common single-parent case (allocations also drive GC time).
    for n in nodes:
        name = n.name
        found: set[str] | None = None
        single: str | None = None
        for inp in n.input_bases:
            listed = new_consumers.get(inp)
            if listed is None:
                new_consumers[inp] = [name]
            else:
                listed.append(name)
            parent = producer.get(inp)
            if parent is None or parent == single:
                continue
            if single is None:
                single = parent
            else:
                if found is None:
                    found = {single}
                found.add(parent)
        if found is not None:
            parents[name] = frozenset(found)
            for parent in found:
                kids = new_children.get(parent)
                if kids is None:
                    new_children[parent] = [name]
                else:
                    kids.append(name)
        elif single is not None:
            parents[name] = frozenset((single,))
            kids = new_children.get(single)
            if kids is None:
                new_children[single] = [name]
            else:
                kids.append(name)
        else:
            parents[name] = _EMPTY
    if base:
        # Old nodes may consume what the new nodes produce.
        for n in nodes:
            for out in n.output_bases:
                for consumer in base.consumers.get(out, ()):
                    parents[consumer] = parents[consumer] | {n.name}
                    new_children.setdefault(n.name, []).append(consumer)
    for dataset, names in new_consumers.items():
        old = consumers.get(dataset)
        consumers[dataset] = (*old, *names) if old else tuple(names)
    for n in nodes:
        children.setdefault(n.name, _EMPTY)
    for name, kids in new_children.items():
        old_kids = children[name]
        children[name] = old_kids | frozenset(kids) if old_kids else frozenset(kids)
    return GraphIndex(
        by_name=MappingProxyType(by_name),
        producer=MappingProxyType(producer),
        consumers=MappingProxyType(consumers),
        parents=MappingProxyType(parents),
        children=MappingProxyType(children),
    )


def toposort_layers(index: GraphIndex) -> tuple[tuple[Node, ...], ...] | None:
    """Kedro's topological layers: each layer holds every node whose parents were all emitted
    in earlier layers, sorted by full node name (plain string order, as Kedro sorts nodes).

    Returns ``None`` when the graph has a cycle.
    """
    waiting = {name: len(ps) for name, ps in index.parents.items()}
    layer = sorted(name for name, count in waiting.items() if count == 0)
    layers: list[tuple[Node, ...]] = []
    emitted = 0
    while layer:
        layers.append(tuple(index.by_name[name] for name in layer))
        emitted += len(layer)
        ready: list[str] = []
        for name in layer:
            for child in index.children[name]:
                waiting[child] -= 1
                if waiting[child] == 0:
                    ready.append(child)
        layer = sorted(ready)
    if emitted != len(index.by_name):
        return None
    return tuple(layers)


def find_cycle(index: GraphIndex) -> tuple[str, ...]:
    """The node names on one dependency cycle, in dependency order.

    Every node that a toposort could not emit has at least one parent that was not emitted
    either, so walking parents among those nodes must revisit a node: that loop is a cycle.
    """
    stuck = _unemittable(index)
    if not stuck:
        return ()
    start = min(stuck)
    seen: dict[str, int] = {}
    path: list[str] = []
    current = start
    while current not in seen:
        seen[current] = len(path)
        path.append(current)
        current = min(p for p in index.parents[current] if p in stuck)
    cycle = path[seen[current]:]
    cycle.reverse()
    return tuple(cycle)


def _unemittable(index: GraphIndex) -> frozenset[str]:
    waiting = {name: len(ps) for name, ps in index.parents.items()}
    ready = [name for name, count in waiting.items() if count == 0]
    done: set[str] = set()
    while ready:
        name = ready.pop()
        done.add(name)
        for child in index.children[name]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    return frozenset(index.by_name) - done
