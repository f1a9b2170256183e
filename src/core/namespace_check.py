"""Kedro's check that a namespace is not interrupted by nodes outside it.

Kedro warns, whenever it builds a pipeline with namespaced nodes, ``Namespace 'ns' is
interrupted by nodes [...] and thus invalid.`` when a path leaves a namespace and comes
back into it. The core has no side effects: :func:`interrupted_namespaces` returns the
messages and the shell gives them as warnings. Kedro walks sets (parents, interrupting
nodes); here they are walked in name order, so the message is the same on every run.
"""

from __future__ import annotations

from collections import deque

from core._graph import GraphIndex
from core.pipeline import Pipeline

__all__ = ["interrupted_namespaces"]


def _shortest_path(graph: GraphIndex, start: str, end: str) -> list[str]:
    queue: deque[tuple[str, list[str]]] = deque([(start, [start])])
    visited = {start}
    while queue:
        name, path = queue.popleft()
        if name == end:
            return path
        for child in sorted(graph.children[name]):
            if child not in visited:
                visited.add(child)
                queue.append((child, [*path, child]))
    return []


def interrupted_namespaces(p: Pipeline) -> tuple[str, ...]:
    """Kedro's interruption warnings for ``p`` (empty when no node has a namespace)."""
    if not any(n.namespace for n in p.nodes):
        return ()
    graph = p.graph
    by_name, ids, names, parent_ids = graph.by_name, graph.ids, graph.names, graph.parent_ids
    # For each node: the namespaces left on the paths leading to it, and by which nodes.
    seen_by_node: dict[str, dict[str, set[str]]] = {}
    messages: list[str] = []
    for node in p.nodes:
        current = node.namespace or ""
        visited: dict[str, set[str]] = {}
        for parent_name in sorted([names[i] for i in parent_ids[ids[node.name]]]):
            parent = by_name[parent_name]
            last = parent.namespace or ""
            seen = seen_by_node.get(parent_name)
            if seen:  # most paths never leave a namespace: nothing to report or carry
                interrupted = next((ns for ns in node.namespace_prefixes if ns in seen), None)
                # Reported once, where the path comes back (not again while still inside).
                if interrupted and not (last + ".").startswith(interrupted + "."):
                    path = _shortest_path(graph, min(seen[interrupted]), node.name)
                    messages.append(
                        f"Namespace '{interrupted}' is interrupted by nodes {path[:-1]} and thus invalid."
                    )
                for namespace, nodes in seen.items():
                    visited.setdefault(namespace, set()).update(nodes)
            if last and current != last and not current.startswith(last + "."):
                for prefix in parent.namespace_prefixes:
                    if not current.startswith(prefix):
                        visited.setdefault(prefix, set()).add(node.name)
        seen_by_node[node.name] = visited
    return tuple(messages)
