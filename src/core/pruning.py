"""Missing-output pruning: Kedro 1.7's ``only_missing_outputs``, decided from a snapshot.

Theory of operation
-------------------
The shell observes the catalog once (:class:`~core.catalog.snapshot.CatalogSnapshot`: which
names the catalog knows, which of them are ephemeral, which persistent ones exist) and this
module decides, with no I/O, which nodes must run. The walk visits the nodes in reverse of
``pipeline.nodes`` (every child before its parents) and keeps a node when, checked in order:

a. it has no outputs (:attr:`PruneReason.NO_OUTPUTS`);
b. one of its outputs is a *known, persistent* dataset that does not exist
   (:attr:`PruneReason.MISSING_OUTPUT`);
c. a kept child reads one of its outputs, under the very same raw name, and that dataset is
   unknown to the catalog, ephemeral, or missing (:attr:`PruneReason.NEEDED_BY_CHILD`).

Otherwise it is skipped (:attr:`PruneReason.OUTPUTS_EXIST`).

Two Kedro rules look odd and are kept on purpose, because a user comparing runs would notice:

* **Unknown names are asymmetric.** A name the catalog does not know becomes a
  ``MemoryDataset`` at run time. For rule b such a name is *not missing* (there is nothing
  persistent to look for), so a terminal node writing only undeclared or in-memory outputs is
  skipped. For rule c the same name *must be produced* (its data will not be there), so a
  parent of a kept child always runs for it.
* **Parent/child links use raw names.** ``a@pandas`` written by one node and read as
  ``a@spark`` by another do not link the two nodes here (the dependency graph does link
  them), so the writer is only kept for its own reasons.

Cost: one reverse walk over precomputed indexes, O(N + E).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from core.catalog.snapshot import CatalogSnapshot
from core.pipeline import Pipeline
from core.pipeline_value import unchecked_pipeline

__all__ = ["NodeDecision", "PruneReason", "PruneReport", "prune_missing_outputs"]


class PruneReason(enum.Enum):
    """Why a node runs, or why it is skipped, under ``only_missing_outputs``."""

    #: the node has no outputs, so nothing can show it already ran
    NO_OUTPUTS = "no_outputs"
    #: a persistent output the catalog declares does not exist
    MISSING_OUTPUT = "missing_output"
    #: a running child reads an output that is undeclared, ephemeral or missing
    NEEDED_BY_CHILD = "needed_by_child"
    #: skipped: every output exists or nobody running needs it
    OUTPUTS_EXIST = "outputs_exist"


@dataclass(frozen=True, slots=True)
class NodeDecision:
    """Whether one node runs, and why.

    Attributes:
        node: the node's full name.
        reason: the first rule that kept the node, or ``OUTPUTS_EXIST`` when skipped.
        dataset: the missing output (``MISSING_OUTPUT``) or the output the child needs
            (``NEEDED_BY_CHILD``); ``None`` otherwise.
        child: the running child that needs ``dataset`` (``NEEDED_BY_CHILD`` only).
    """

    node: str
    reason: PruneReason
    dataset: str | None = None
    child: str | None = None

    @property
    def runs(self) -> bool:
        """Whether the node is kept in the pipeline to run."""
        return self.reason is not PruneReason.OUTPUTS_EXIST

    @property
    def message(self) -> str | None:
        """Kedro's DEBUG line for a kept node; ``None`` for a skipped one (Kedro logs none)."""
        match self.reason:
            case PruneReason.NO_OUTPUTS:
                return f"Node '{self.node}' must run: has no outputs"
            case PruneReason.MISSING_OUTPUT:
                return f"Node '{self.node}' must run: has missing output '{self.dataset}'"
            case PruneReason.NEEDED_BY_CHILD:
                return (
                    f"Node '{self.node}' must run: produces '{self.dataset}' "
                    f"needed by running child '{self.child}'"
                )
            case PruneReason.OUTPUTS_EXIST:
                return None


@dataclass(frozen=True, slots=True)
class PruneReport:
    """The outcome of :func:`prune_missing_outputs`.

    Attributes:
        pipeline: the nodes to run (the original value when nothing is skipped; an empty
            pipeline when everything is).
        decisions: one decision per node of the original pipeline, in its ``.nodes`` order.
    """

    pipeline: Pipeline
    decisions: tuple[NodeDecision, ...]
    _by_node: Mapping[str, NodeDecision] = field(repr=False, compare=False, hash=False)

    @property
    def kept(self) -> tuple[str, ...]:
        """Names of the nodes that run, in the original ``.nodes`` order."""
        return tuple(d.node for d in self.decisions if d.runs)

    @property
    def skipped(self) -> tuple[str, ...]:
        """Names of the skipped nodes, sorted (as Kedro lists them)."""
        return tuple(sorted(d.node for d in self.decisions if not d.runs))

    def decision(self, node_name: str) -> NodeDecision:
        """The decision for ``node_name`` (``KeyError`` if the pipeline has no such node)."""
        return self._by_node[node_name]

    @property
    def messages(self) -> tuple[str, ...]:
        """Kedro's INFO lines for this pruning, in the order Kedro logs them."""
        total = len(self.decisions)
        running = len(self.pipeline.nodes)
        if running == 0:
            return (f"Skipping all {total} nodes (all persistent outputs exist)",)
        skipped = self.skipped
        lines: list[str] = []
        if skipped:
            lines.append(
                f"Skipping {len(skipped)} nodes with existing outputs: {', '.join(skipped)}"
            )
        lines.append(f"Running {running} out of {total} nodes")
        return tuple(lines)


def prune_missing_outputs(pipeline: Pipeline, snapshot: CatalogSnapshot) -> PruneReport:
    """Kedro 1.7's ``only_missing_outputs`` selection, as a pure function.

    Args:
        pipeline: the pipeline the run would execute (already filtered).
        snapshot: what the shell observed about the pipeline's datasets.

    Returns:
        The pipeline to run and a decision, with its reason, for every node.
    """
    # Kedro links parents to children by exact raw names for this walk (module docstring).
    consumers: dict[str, list[str]] = {}
    for n in pipeline.nodes:
        for name in n.inputs:
            listed = consumers.get(name)
            if listed is None:
                consumers[name] = [n.name]
            elif listed[-1] != n.name:
                listed.append(n.name)
    # Declared persistent datasets, and those of them that exist. Everything else (unknown,
    # ephemeral, or persistent but missing) is data a child cannot read unless it is made.
    stored = snapshot.registered - snapshot.ephemeral
    present = snapshot.existing & stored
    running: set[str] = set()
    decided: dict[str, NodeDecision] = {}
    skip = PruneReason.OUTPUTS_EXIST
    for n in reversed(pipeline.nodes):
        decision = _decide(n.name, n.outputs, stored, present, consumers, running)
        decided[n.name] = decision
        if decision.reason is not skip:
            running.add(n.name)
    decisions = tuple(decided[n.name] for n in pipeline.nodes)
    if len(running) == len(pipeline.nodes):
        kept = pipeline
    else:
        kept = unchecked_pipeline([n for n in pipeline.construction_order if n.name in running])
    return PruneReport(pipeline=kept, decisions=decisions, _by_node=MappingProxyType(decided))


def _decide(
    name: str,
    outputs: tuple[str, ...],
    stored: frozenset[str],
    present: frozenset[str],
    consumers: Mapping[str, list[str]],
    running: set[str],
) -> NodeDecision:
    if not outputs:
        return NodeDecision(name, PruneReason.NO_OUTPUTS)
    for out in outputs:
        # Rule b: only a *declared persistent* output can be missing. An unknown name would
        # be a MemoryDataset at run time, with nothing persistent to miss: "not missing".
        if out in stored and out not in present:
            return NodeDecision(name, PruneReason.MISSING_OUTPUT, dataset=out)
    # Each raw output has one producer, so this visits every edge once over the whole walk.
    for out in outputs:
        # Rule c, the other half of Kedro's asymmetry: for a running child, an unknown name
        # is data that will not be there, so it must be made like an ephemeral or missing one.
        if out not in present:
            for child in consumers.get(out, ()):
                if child in running:
                    return NodeDecision(
                        name, PruneReason.NEEDED_BY_CHILD, dataset=out, child=child
                    )
    return NodeDecision(name, PruneReason.OUTPUTS_EXIST)
