"""Which nodes an incremental run (``--only-changed``) or a resume runs, and why.

Theory of operation
-------------------
The decision is made from three values: the pipeline, an :class:`Observation` (what the
shell saw now) and the journal's :class:`CompletedRecord` per node. Two passes, each O(N + E):

1. **Forward** over ``pipeline.nodes`` (parents before children). A node's fingerprint is
   built from its observation and its inputs' states; an in-memory input takes the
   fingerprint digest of the node producing it. The node runs when it was never run, its
   code, declaration or a parameter changed, an input it reads changed (unless its producer
   runs anyway), an input cannot be fingerprinted, a persistent output is missing or was
   changed since the node wrote it, or a node it depends on runs.
2. **Backward** over the same nodes reversed. A running node that reads an in-memory dataset
   needs the data, and it is not kept between runs: its producer runs too
   (``NEEDED_IN_MEMORY``), and so on up the chain. Such a producer's children are *not*
   added: its outputs are the same as last time, so what they computed still holds.

A **resume** uses the same passes with the journal of one run: a node that did not complete
in it runs (``NOT_COMPLETED``); a node that completed but whose fingerprint or outputs
changed since is *stale*, and the resume is refused naming it (:attr:`ChangePlan.stale`).

The same :class:`ChangePlan` drives ``plan --only-changed`` and ``run --only-changed``,
so a plan and the run that follows it never disagree.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.catalog.parameters import is_parameter
from core.incremental.model import (
    COVERAGE,
    CompletedRecord,
    DatasetState,
    Fingerprint,
    Observation,
    StateKind,
    make_fingerprint,
)
from core.incremental.reasons import Reason, ReasonKind, parameter_change
from core.node import Node
from core.pipeline import Pipeline
from core.transcoding import strip_transcoding

__all__ = [
    "ChangeDecision",
    "ChangePlan",
    "PlanMode",
    "decide_changes",
    "declaration_digest",
    "fingerprint_node",
]


class PlanMode(enum.Enum):
    """What the journal records are compared with."""

    #: every node's last completed run (``--only-changed``)
    ONLY_CHANGED = "only_changed"
    #: the nodes completed in one run (``--resume``)
    RESUME = "resume"


@dataclass(frozen=True, slots=True)
class ChangeDecision:
    """Whether one node runs, and every reason (empty reasons mean skipped, unchanged)."""

    node: str
    reasons: tuple[Reason, ...]
    fingerprint: Fingerprint
    #: the observed version token of each persistent output that has one
    outputs: Mapping[str, str] = field(default_factory=dict)

    @property
    def runs(self) -> bool:
        """Whether the node runs."""
        return bool(self.reasons)

    @property
    def explanation(self) -> str:
        """The reasons as one line (``unchanged since its last completed run`` if skipped)."""
        if not self.reasons:
            return Reason(ReasonKind.UNCHANGED).text
        return "; ".join(reason.text for reason in self.reasons)

    def to_json(self) -> dict[str, object]:
        """The decision as a JSON object."""
        reasons = self.reasons or (Reason(ReasonKind.UNCHANGED),)
        return {
            "name": self.node,
            "runs": self.runs,
            "reason": reasons[0].text,
            "reasons": [reason.to_json() for reason in reasons],
            "fingerprint": self.fingerprint.digest,
        }


@dataclass(frozen=True, slots=True)
class ChangePlan:
    """The decisions for a whole pipeline (in its ``.nodes`` order).

    Attributes:
        mode: only-changed or resume.
        decisions: one per node.
        stale: (resume only) completed nodes whose inputs, code, parameters or outputs
            changed since that run: resuming would mix old and new results.
        coverage: what the fingerprints cover and what they do not.
        from_cache: the plan is a cached decision, reused because nothing it depends on
            changed (:mod:`core.incremental.plan_cache`; ``coverage`` then says what that is).
    """

    mode: PlanMode
    decisions: tuple[ChangeDecision, ...]
    stale: tuple[ChangeDecision, ...] = ()
    coverage: str = COVERAGE
    from_cache: bool = False

    @property
    def to_run(self) -> tuple[str, ...]:
        """Names of the nodes that run, in the pipeline's order."""
        return tuple(d.node for d in self.decisions if d.runs)

    @property
    def skipped(self) -> tuple[str, ...]:
        """Names of the skipped nodes, in the pipeline's order."""
        return tuple(d.node for d in self.decisions if not d.runs)

    def to_json(self) -> dict[str, object]:
        """The plan as a JSON object."""
        return {
            "mode": self.mode.value,
            "runs": list(self.to_run),
            "skipped": list(self.skipped),
            "nodes": [d.to_json() for d in self.decisions],
            "stale": [{"name": d.node, "reasons": [r.to_json() for r in d.reasons]} for d in self.stale],
            "coverage": self.coverage,
            "from_cache": self.from_cache,
        }


#: Shared: states are immutable values.
_UNKNOWN = DatasetState(StateKind.UNKNOWN)


def declaration_digest(node: Node) -> str:
    """A digest of the node's name, declared inputs and outputs (as authored) and namespace."""
    text = repr((node.name, node.declared_inputs, node.declared_outputs, node.namespace))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def fingerprint_node(
    node: Node,
    observation: Observation,
    producer_digest: Mapping[str, str],
    producer_of: Mapping[str, str],
) -> Fingerprint:
    """The node's fingerprint from what was observed.

    Args:
        node: the node.
        observation: the observation (this node's entry and its inputs' states).
        producer_digest: fingerprint digests of the nodes fingerprinted so far, by name.
        producer_of: base dataset name to the name of the node producing it.

    Returns:
        The fingerprint; an in-memory input is ``memory:<producer digest>``, or
        ``unknown:`` when no node of the pipeline produces it.
    """
    seen = observation.nodes[node.name]
    inputs: dict[str, str] = {}
    for name in node.inputs:
        if is_parameter(name):
            continue
        state = observation.datasets.get(name, _UNKNOWN)
        if state.kind is StateKind.MEMORY:
            producer = producer_of.get(strip_transcoding(name))
            digest = producer_digest.get(producer) if producer is not None else None
            state = DatasetState(StateKind.MEMORY, digest) if digest else _UNKNOWN
        inputs[name] = state.token
    return make_fingerprint(seen.code, seen.declaration, seen.parameters, inputs)


def _own_reasons(
    node: Node,
    fingerprint: Fingerprint,
    record: CompletedRecord | None,
    observation: Observation,
    producer_of: Mapping[str, str],
    running: set[str],
    mode: PlanMode,
    run_id: str,
) -> list[Reason]:
    """Reasons that come from the node itself (everything but its parents running)."""
    reasons: list[Reason] = []
    if record is None:
        if mode is PlanMode.RESUME:
            reasons.append(Reason(ReasonKind.NOT_COMPLETED, node.name, run_id))
        else:
            reasons.append(Reason(ReasonKind.NEVER_RUN, node.name))
    else:
        before = record.fingerprint
        if before.code != fingerprint.code:
            reasons.append(Reason(ReasonKind.CODE_CHANGED, node.name))
        if before.declaration != fingerprint.declaration:
            reasons.append(Reason(ReasonKind.DECLARATION_CHANGED, node.name))
        for name in sorted(fingerprint.parameters.keys() | before.parameters.keys()):
            old, new = before.parameters.get(name), fingerprint.parameters.get(name)
            if old != new:
                reasons.append(parameter_change(name, old or "null", new or "null"))
    for name, token in fingerprint.inputs.items():
        if token.startswith(StateKind.UNKNOWN.value + ":"):
            reasons.append(Reason(ReasonKind.INPUT_UNKNOWN, name))
            continue
        producer = producer_of.get(strip_transcoding(name))
        if producer is not None and producer in running:
            continue  # said once, as "upstream runs"
        if record is not None and record.fingerprint.inputs.get(name, token) != token:
            reasons.append(_input_changed(name, record.fingerprint.inputs[name], token))
    for name in node.outputs if record is not None else ():  # never run: says it all
        state = observation.datasets.get(name)
        if state is None:
            continue
        if state.kind is StateKind.MISSING:
            reasons.append(Reason(ReasonKind.OUTPUT_MISSING, name))
        elif record is not None and state.is_checkable:
            written = record.outputs.get(name)
            if written is not None and written != state.token:
                reasons.append(Reason(ReasonKind.OUTPUT_CHANGED, name, state.kind.value))
    return reasons


def _input_changed(name: str, before: str, after: str) -> Reason:
    """A changed input; a versioned one names the version it had and the one it has now."""
    kind, _, new = after.partition(":")
    old_kind, _, old = before.partition(":")
    if kind == StateKind.VERSION.value and old_kind == kind:
        return Reason(ReasonKind.INPUT_CHANGED, name, kind, before=old, after=new)
    return Reason(ReasonKind.INPUT_CHANGED, name, kind)


def _output_tokens(node: Node, observation: Observation) -> dict[str, str]:
    tokens: dict[str, str] = {}
    for name in node.outputs:
        state = observation.datasets.get(name)
        if state is not None and state.is_checkable:
            tokens[name] = state.token
    return tokens


def decide_changes(
    pipeline: Pipeline,
    observation: Observation,
    history: Mapping[str, CompletedRecord],
    *,
    mode: PlanMode = PlanMode.ONLY_CHANGED,
    run_id: str = "",
) -> ChangePlan:
    """Decide which nodes run (module docstring), with every reason.

    Args:
        pipeline: the selected pipeline.
        observation: what the shell observed (every node and every non-parameter dataset).
        history: the journal's completed record per node name (``ONLY_CHANGED``: the last
            one of each node; ``RESUME``: those of the run resumed).
        mode: only-changed or resume.
        run_id: the resumed run (for the ``NOT_COMPLETED`` reason).

    Returns:
        The plan. In ``RESUME`` mode, :attr:`ChangePlan.stale` lists completed nodes whose
        own reasons say their saved results are out of date.
    """
    graph = pipeline.graph
    producer_of = graph.producer
    digests: dict[str, str] = {}
    fingerprints: dict[str, Fingerprint] = {}
    reasons: dict[str, list[Reason]] = {}
    running: set[str] = set()
    stale: list[str] = []
    for node in pipeline.nodes:
        fingerprint = fingerprint_node(node, observation, digests, producer_of)
        fingerprints[node.name] = fingerprint
        digests[node.name] = fingerprint.digest
        record = history.get(node.name)
        own = _own_reasons(node, fingerprint, record, observation, producer_of, running, mode, run_id)
        if mode is PlanMode.RESUME and record is not None and own:
            stale.append(node.name)
        parents = sorted(p for p in graph.parents[node.name] if p in running)
        own.extend(Reason(ReasonKind.UPSTREAM_RUNS, parent) for parent in parents)
        reasons[node.name] = own
        if own:
            running.add(node.name)
    # Backward: producers of in-memory data read by running nodes (children before parents).
    for node in reversed(pipeline.nodes):
        if node.name not in running:
            continue
        for name in node.inputs:
            state = observation.datasets.get(name)
            if state is None or state.kind is not StateKind.MEMORY:
                continue
            producer = producer_of.get(strip_transcoding(name))
            if producer is not None and producer not in running:
                running.add(producer)
                reasons[producer].append(Reason(ReasonKind.NEEDED_IN_MEMORY, name, node.name))
    decisions = tuple(
        ChangeDecision(n.name, tuple(reasons[n.name]), fingerprints[n.name], _output_tokens(n, observation))
        for n in pipeline.nodes
    )
    by_name = {d.node: d for d in decisions}
    return ChangePlan(mode=mode, decisions=decisions, stale=tuple(by_name[name] for name in stale))
