"""The run journal's records, and what they say about past runs (pure).

The shell appends one :class:`JournalEntry` per event (a node started, completed, failed,
was interrupted, or was skipped by a plan), each in its own transaction, and reads them back
as :class:`JournalRow` s. These functions turn rows into entries (a damaged row is a
``StoreError`` value) and entries into answers: the last completed record of each node
(:func:`last_completed`) and the per-node outcome of one run (:func:`node_outcomes`), where
a node that started and never ended was interrupted (its process died).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from returns.result import Failure, Result, Success

from core.errors import StoreError, StoreErrorReason
from core.incremental.model import CompletedRecord, Fingerprint

__all__ = [
    "JournalEntry",
    "JournalRow",
    "NodeEvent",
    "NodeOutcome",
    "done_in_run",
    "entry_from_row",
    "fingerprint_from_json",
    "last_completed",
    "node_outcomes",
]


class NodeEvent(enum.Enum):
    """What happened to a node (the ``status`` column)."""

    STARTED = "started"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One event of one node in one run.

    Attributes:
        run_id: the run.
        node: the node's name.
        event: what happened.
        at: when (ISO 8601, UTC), given by the shell's clock.
        reason: why the node ran or was skipped (the plan's explanation), for ``STARTED``
            and ``SKIPPED``.
        duration: seconds from start to end, for ``COMPLETED``, ``FAILED``, ``INTERRUPTED``.
        fingerprint: the node's fingerprint, for ``COMPLETED`` and ``SKIPPED``.
        outputs: persistent output name to the token of its version, for ``COMPLETED`` (after
            the save) and ``SKIPPED`` (as checked by the plan).
        error: the error text, for ``FAILED`` and ``INTERRUPTED``.
    """

    run_id: str
    node: str
    event: NodeEvent
    at: str
    reason: str = ""
    duration: float | None = None
    fingerprint: Fingerprint | None = None
    outputs: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class JournalRow:
    """A journal row as stored (JSON columns still text)."""

    run_id: str
    node: str
    event: str
    at: str
    reason: str | None
    duration: float | None
    fingerprint: str | None
    outputs: str | None
    error: str | None


def _corrupt(message: str) -> StoreError:
    return StoreError(StoreErrorReason.CORRUPT, message)


def _string_map(value: object, what: str) -> Result[dict[str, str], StoreError]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return Failure(_corrupt(f"{what} is not a JSON object of strings"))
    return Success(dict(value))


def fingerprint_from_json(text: str, *, what: str = "fingerprint") -> Result[Fingerprint, StoreError]:
    """A fingerprint from the journal's JSON text (``Fingerprint.to_json``)."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        return Failure(_corrupt(f"{what} is not valid JSON: {exc}"))
    if not isinstance(value, dict):
        return Failure(_corrupt(f"{what} is not a JSON object"))
    code, declaration, digest = value.get("code"), value.get("declaration"), value.get("digest")
    if not (isinstance(code, str) and isinstance(declaration, str) and isinstance(digest, str)):
        return Failure(_corrupt(f"{what} lacks 'code', 'declaration' or 'digest'"))
    parameters = _string_map(value.get("parameters", {}), f"{what}.parameters")
    if isinstance(parameters, Failure):
        return Failure(parameters.failure())
    inputs = _string_map(value.get("inputs", {}), f"{what}.inputs")
    if isinstance(inputs, Failure):
        return Failure(inputs.failure())
    return Success(Fingerprint(code, declaration, parameters.unwrap(), inputs.unwrap(), digest))


def entry_from_row(row: JournalRow) -> Result[JournalEntry, StoreError]:
    """Decode one stored row; a row that does not decode is ``CORRUPT``, naming it."""
    where = f"journal entry of node '{row.node}' in run {row.run_id}"
    try:
        event = NodeEvent(row.event)
    except ValueError:
        return Failure(_corrupt(f"{where} has an unknown status {row.event!r}"))
    fingerprint: Fingerprint | None = None
    if row.fingerprint is not None:
        decoded = fingerprint_from_json(row.fingerprint, what=f"fingerprint of the {where}")
        if isinstance(decoded, Failure):
            return Failure(decoded.failure())
        fingerprint = decoded.unwrap()
    outputs: dict[str, str] = {}
    if row.outputs is not None:
        try:
            raw: object = json.loads(row.outputs)
        except ValueError:
            return Failure(_corrupt(f"outputs of the {where} are not valid JSON"))
        checked = _string_map(raw, f"outputs of the {where}")
        if isinstance(checked, Failure):
            return Failure(checked.failure())
        outputs = checked.unwrap()
    return Success(
        JournalEntry(
            run_id=row.run_id,
            node=row.node,
            event=event,
            at=row.at,
            reason=row.reason or "",
            duration=row.duration,
            fingerprint=fingerprint,
            outputs=outputs,
            error=row.error,
        )
    )


def last_completed(entries: Iterable[JournalEntry]) -> dict[str, CompletedRecord]:
    """The last ``COMPLETED`` record of each node (entries in the order they were written)."""
    found: dict[str, CompletedRecord] = {}
    for entry in entries:
        if entry.event is NodeEvent.COMPLETED and entry.fingerprint is not None:
            found[entry.node] = CompletedRecord(entry.node, entry.fingerprint, entry.outputs, entry.run_id)
    return found


def done_in_run(entries: Iterable[JournalEntry]) -> dict[str, CompletedRecord]:
    """What one run did not need to redo, for a resume: the nodes it completed, and the
    nodes its plan skipped as up to date (a skipped entry carries the fingerprint and output
    versions it was checked against), so resuming a resumed run works too."""
    found: dict[str, CompletedRecord] = {}
    for entry in entries:
        if entry.event in (NodeEvent.COMPLETED, NodeEvent.SKIPPED) and entry.fingerprint is not None:
            found[entry.node] = CompletedRecord(entry.node, entry.fingerprint, entry.outputs, entry.run_id)
    return found


@dataclass(frozen=True, slots=True)
class NodeOutcome:
    """How one node ended in one run (``sessions show RUN_ID``).

    ``event`` is the node's last event; a node whose last event is ``STARTED`` never ended
    (its process was killed), so it is reported ``INTERRUPTED``.
    """

    node: str
    event: NodeEvent
    reason: str
    duration: float | None
    error: str | None

    def to_json(self) -> dict[str, object]:
        """The outcome as a JSON object."""
        return {
            "node": self.node,
            "status": self.event.value,
            "reason": self.reason,
            "duration": self.duration,
            "error": self.error,
        }


def node_outcomes(entries: Iterable[JournalEntry]) -> tuple[NodeOutcome, ...]:
    """The per-node outcome of one run's entries, in the order the nodes first appear."""
    last: dict[str, JournalEntry] = {}
    reasons: dict[str, str] = {}
    for entry in entries:
        last[entry.node] = entry
        if entry.reason:
            reasons[entry.node] = entry.reason
    outcomes: list[NodeOutcome] = []
    for name, entry in last.items():
        event = NodeEvent.INTERRUPTED if entry.event is NodeEvent.STARTED else entry.event
        error = entry.error
        if entry.event is NodeEvent.STARTED:
            error = "the process ended while the node was running"
        outcomes.append(NodeOutcome(name, event, reasons.get(name, ""), entry.duration, error))
    return tuple(outcomes)
