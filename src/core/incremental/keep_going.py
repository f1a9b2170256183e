"""Keep-going runs: after failures, what may still run (pure).

With ``keep_going`` a runner does not stop at the first failing node: every node that does
not depend on a failed one still runs. The runner drives its ordinary loop in rounds; after
a round ends with failures, :func:`next_round` says which nodes remain (not completed, not
failed, not downstream of a failure). Data the remaining nodes read from completed ones is
still in the catalog: a dataset is released only after its last reader ran.

Cost: O(N + E) per round; there are at most as many rounds as failures, plus one.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.pipeline import Pipeline
from core.pipeline_value import unchecked_pipeline

__all__ = ["descendants", "keep_nodes", "next_round"]


def keep_nodes(pipeline: Pipeline, names: Iterable[str]) -> Pipeline:
    """The sub-pipeline of ``names`` (which must be nodes of ``pipeline``); may be empty."""
    wanted = frozenset(names)
    if len(wanted) == len(pipeline.nodes):
        return pipeline
    return unchecked_pipeline([n for n in pipeline.construction_order if n.name in wanted])


def descendants(pipeline: Pipeline, roots: Iterable[str]) -> frozenset[str]:
    """Every node downstream of ``roots`` (the roots excluded unless reachable)."""
    children = pipeline.graph.children
    reached: set[str] = set()
    frontier = list(roots)
    while frontier:
        for child in children[frontier.pop()]:
            if child not in reached:
                reached.add(child)
                frontier.append(child)
    return frozenset(reached)


def next_round(pipeline: Pipeline, completed: Iterable[str], failed: Iterable[str]) -> Pipeline:
    """The nodes of ``pipeline`` still to run after a round: not completed, not failed and
    not downstream of a failed node."""
    failed_set = frozenset(failed)
    blocked = failed_set | descendants(pipeline, failed_set) | frozenset(completed)
    return keep_nodes(pipeline, (n.name for n in pipeline.nodes if n.name not in blocked))
