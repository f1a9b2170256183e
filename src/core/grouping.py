"""Grouping a pipeline's nodes for deployment: Kedro 1.7's ``Pipeline.group_nodes_by``.

A group is what a deployment runs as one unit (one container, one task). Two strategies:

* ``"namespace"``: nodes sharing a *top-level* namespace form one group named after it
  (``"a.b"`` and ``"a.c"`` both go to ``"a"``, type ``"namespace"``); a node without a
  namespace is a group of its own, named after the node (type ``"nodes"``);
* ``None`` or ``"none"`` (any case): every node is its own group.

Groups come in the order their first node appears in the pipeline's execution order; a
group's nodes keep that order. A group's ``dependencies`` are the groups holding a parent of
one of its nodes (itself excluded), each once, visiting every node's parents sorted by name.
These are Kedro's rules; an unknown strategy is a ``Failure``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from returns.result import Failure, Result, Success

from core.errors import PipelineError, PipelineErrorReason
from core.node import Node

__all__ = ["GroupedNodes", "group_nodes"]


@dataclass(frozen=True, slots=True)
class GroupedNodes:
    """One group (Kedro's ``GroupedNodes``): its name, type (``"namespace"`` or ``"nodes"``),
    its node names and the names of the groups it depends on."""

    name: str
    type: str
    nodes: tuple[str, ...] = field(default_factory=tuple)
    dependencies: tuple[str, ...] = field(default_factory=tuple)


def _group_key(n: Node) -> str:
    return n.namespace.split(".")[0] if n.namespace else n.name


def _by_none(nodes: Sequence[Node], parents: Mapping[str, Iterable[str]]) -> list[GroupedNodes]:
    return [GroupedNodes(n.name, "nodes", (n.name,), tuple(sorted(parents.get(n.name, ())))) for n in nodes]


def _by_namespace(
    nodes: Sequence[Node], parents: Mapping[str, Iterable[str]], by_name: Mapping[str, Node]
) -> list[GroupedNodes]:
    members: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    depends: dict[str, dict[str, None]] = {}  # insertion-ordered sets
    for n in nodes:
        key = _group_key(n)
        if key not in members:
            members[key], depends[key] = [], {}
            kinds[key] = "namespace" if n.namespace else "nodes"
        members[key].append(n.name)
        for parent in sorted(parents.get(n.name, ())):
            parent_key = _group_key(by_name[parent])
            if parent_key != key:
                depends[key].setdefault(parent_key, None)
    return [GroupedNodes(key, kinds[key], tuple(names), tuple(depends[key])) for key, names in members.items()]


def group_nodes(
    nodes: Sequence[Node],
    parents: Mapping[str, Iterable[str]],
    by_name: Mapping[str, Node],
    group_by: str | None = "namespace",
) -> Result[list[GroupedNodes], PipelineError]:
    """Group ``nodes`` (in execution order) by ``group_by``; see the module docstring.

    Args:
        nodes: the pipeline's nodes in execution order.
        parents: node name -> names of the nodes producing its inputs.
        by_name: node name -> node.
        group_by: ``"namespace"``, or ``None``/``"none"`` for one group per node.

    Returns:
        ``Success(groups)``; ``Failure(PipelineError(UNSUPPORTED_GROUP_BY))`` with Kedro's
        message for any other strategy.
    """
    if group_by is None or group_by.lower() == "none":
        return Success(_by_none(nodes, parents))
    if group_by.lower() == "namespace":
        return Success(_by_namespace(nodes, parents, by_name))
    return Failure(
        PipelineError(
            PipelineErrorReason.UNSUPPORTED_GROUP_BY,
            f"Unsupported group_by strategy: {group_by}. Use 'namespace', or None for one "
            "group per node.",
        )
    )
