"""Topological order of a graph index: Kedro's layers, and the cycle Kedro reports.

A node's *layer* is the length of its longest chain of ancestors: Kedro's ``grouped_nodes``
emits, layer by layer, every node whose parents were all emitted before, sorted by name.
Iterative throughout (a 20,000-node chain cannot overflow the stack), O(N + E) plus the
sorting within layers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import accumulate

from core._graph import GraphIndex

__all__ = ["Layout", "find_cycle", "layout"]

#: ``(order, layer_ends)``: node ids in Kedro's execution order, and where each layer ends
Layout = tuple[list[int], list[int]]


def _depths_in_order(parent_ids: tuple[tuple[int, ...], ...]) -> list[int] | None:
    """Each node's layer when every node comes after its parents (how pipelines are usually
    written): one pass, and such a graph cannot have a cycle. ``None`` otherwise."""
    depth: list[int] = []
    add = depth.append
    for i, parents in enumerate(parent_ids):
        if not parents:
            add(0)
        elif len(parents) == 1:
            parent = parents[0]
            if parent >= i:
                return None
            add(depth[parent] + 1)
        else:
            if max(parents) >= i:
                return None
            add(max([depth[p] for p in parents]) + 1)
    return depth


def _depths_any_order(index: GraphIndex) -> list[int] | None:
    """Each node's layer by Kahn's algorithm; ``None`` when the graph has a cycle."""
    parent_ids = index.parent_ids
    child_ids = index.child_ids
    waiting = [len(parents) for parents in parent_ids]
    depth = [0] * len(parent_ids)
    ready = [i for i, count in enumerate(waiting) if count == 0]
    emitted = 0
    while ready:
        i = ready.pop()
        emitted += 1
        below = depth[i] + 1
        for child in child_ids[i]:
            if depth[child] < below:
                depth[child] = below
            left = waiting[child] - 1
            waiting[child] = left
            if left == 0:
                ready.append(child)
    return depth if emitted == len(parent_ids) else None


def layout(index: GraphIndex) -> Layout | None:
    """Kedro's execution order as ids, layer by layer, sorted by full node name (plain string
    order) within a layer, with the end offset of each layer; ``None`` for a cycle."""
    depth = _depths_in_order(index.parent_ids)
    if depth is None:
        depth = _depths_any_order(index)
        if depth is None:
            return None
    if not depth:
        return [], []
    # Stable sort by layer; layers are 0..deepest with none empty (a node's deepest parent
    # sits one layer up), so their sizes and ends come from C-level counting.
    order = sorted(range(len(depth)), key=depth.__getitem__)
    counts = Counter(depth)
    sizes = [counts[layer] for layer in range(len(counts))]
    ends = list(accumulate(sizes))
    names = index.names.__getitem__
    for layer in [layer for layer, size in enumerate(sizes) if size > 1]:
        start, end = ends[layer] - sizes[layer], ends[layer]
        order[start:end] = sorted(order[start:end], key=names)
    return order, ends


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
