"""Resume plans: where a failed run can be restarted from, as Kedro 1.7 suggests it.

Theory of operation
-------------------
When a node fails, Kedro tells the user which ``--from-nodes`` to pass to finish the run
without redoing work whose results were persisted. The nodes that have not run are not
enough: a node whose inputs lived only in memory needs their producers to run again, even if
those already completed. So, starting from the unfinished nodes that read something no
unfinished node produces, the walk goes back through every input that is not persisted
(``params:`` inputs excluded: parameters are always available) to its producer, transitively;
then everything downstream of what was found is added, and the answer is the first
topological layer of that set.

"Persisted" is what the catalog held after the run's warm-up: a name the catalog declares
(explicitly or through a user's pattern) whose dataset is not ephemeral. Undeclared names
became ``MemoryDataset`` s at run time, so they are not persisted.

Cost: O(N + E) over the pipeline's precomputed indexes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from core.catalog.snapshot import CatalogSnapshot
from core.pipeline import Pipeline
from core.transcoding import strip_transcoding

__all__ = ["ResumePlan", "resume_plan"]

_NOTHING_RAN = "No nodes ran. Repeat the previous command to attempt a new run."


@dataclass(frozen=True, slots=True)
class ResumePlan:
    """Where a failed run can be resumed from.

    Attributes:
        node_names: the nodes to pass to ``--from-nodes``, sorted; empty when nothing ran
            (then the whole command is simply repeated).
        remaining: how many nodes of the run had not completed.
        nothing_ran: no node completed before the failure.
    """

    node_names: tuple[str, ...]
    remaining: int
    nothing_ran: bool

    @property
    def from_nodes_argument(self) -> str:
        """The CLI argument Kedro prints, e.g. ``--from-nodes "a,b"`` (``""`` if nothing ran)."""
        if self.nothing_ran:
            return ""
        return f'--from-nodes "{",".join(self.node_names)}"'

    @property
    def message(self) -> str:
        """Kedro's WARNING text for this plan, verbatim."""
        if self.nothing_ran:
            return _NOTHING_RAN
        return (
            f"There are {self.remaining} nodes that have not run.\n"
            "You can resume the pipeline run from the nearest nodes with persisted inputs by "
            "adding the following argument to your previous command:\n"
            f"  {self.from_nodes_argument}"
        )


def _is_persisted(name: str, snapshot: CatalogSnapshot) -> bool:
    return snapshot.is_known(name) and not snapshot.is_ephemeral(name)


def resume_plan(
    pipeline: Pipeline, done_nodes: Iterable[str], snapshot: CatalogSnapshot
) -> ResumePlan:
    """Kedro's resume suggestion after a failure.

    Args:
        pipeline: the pipeline the run executed (after filtering and pruning).
        done_nodes: names of the nodes that completed before the failure.
        snapshot: the catalog as observed for the run (only ``registered`` and
            ``ephemeral`` matter here).

    Returns:
        The plan; ``nothing_ran`` when ``done_nodes`` is empty.
    """
    done = frozenset(done_nodes)
    remaining = [n for n in pipeline.nodes if n.name not in done]
    if not done:
        return ResumePlan(node_names=(), remaining=len(remaining), nothing_ran=True)
    graph = pipeline.graph
    by_name = graph.by_name
    unfinished = frozenset(n.name for n in remaining)
    made_by_unfinished = frozenset(b for n in remaining for b in n.output_bases)
    # Seeds: unfinished nodes reading something no unfinished node makes (the free inputs of
    # the sub-pipeline of unfinished nodes, transcoding stripped as Kedro's ``inputs()`` does).
    seeds = [n.name for n in remaining if any(b not in made_by_unfinished for b in n.input_bases)]
    visited = set(seeds)
    queue = deque(seeds)
    needed = set(unfinished)
    while queue:
        current = by_name[queue.popleft()]
        needed.add(current.name)
        for name in current.inputs:
            if name.startswith("params:") or _is_persisted(name, snapshot):
                continue
            base = strip_transcoding(name)
            producer = graph.producer.get(base)
            # A bare name matches its producer; a transcoded one only the same raw output.
            if producer is None or (base != name and name not in by_name[producer].outputs):
                continue
            if producer not in visited:
                visited.add(producer)
                queue.append(producer)
    # Everything downstream of what must run must run too.
    frontier = list(needed)
    while frontier:
        for child in graph.children[frontier.pop()]:
            if child not in needed:
                needed.add(child)
                frontier.append(child)
    # The first topological layer of those nodes: none of their parents is among them.
    starts = sorted(name for name in needed if graph.parents[name].isdisjoint(needed))
    return ResumePlan(node_names=tuple(starts), remaining=len(remaining), nothing_ran=False)
