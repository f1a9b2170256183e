"""Why a node runs or is skipped, as values with a sentence a person can read.

A :class:`Reason` is structured (a kind, the node, dataset or parameter concerned, the old
and new values) so tests and wrapper scripts match on fields, and it renders itself as the
sentence ``plan`` prints: ``code of 'train_model' changed``,
``parameter model_options.test_size changed (0.2 -> 0.3)``, ``input 'companies' changed
(digest)``, ``output 'regressor' missing``, ``never run``, ``upstream 'split_data' runs``.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass

__all__ = ["Reason", "ReasonKind", "parameter_change"]


class ReasonKind(enum.Enum):
    """The kinds of reasons (the value is the stable name in ``--json`` output)."""

    #: the journal has no completed run of the node (for a resume: not in that run)
    NEVER_RUN = "never_run"
    #: the node did not complete in the run being resumed
    NOT_COMPLETED = "not_completed"
    #: the node's function changed
    CODE_CHANGED = "code_changed"
    #: the node's inputs, outputs or namespace changed
    DECLARATION_CHANGED = "declaration_changed"
    #: a parameter it reads changed value
    PARAMETER_CHANGED = "parameter_changed"
    #: an input's data changed (digest, version or fingerprint)
    INPUT_CHANGED = "input_changed"
    #: an input cannot be fingerprinted, so its readers always run
    INPUT_UNKNOWN = "input_unknown"
    #: a persistent output does not exist
    OUTPUT_MISSING = "output_missing"
    #: a persistent output was changed since the node wrote it
    OUTPUT_CHANGED = "output_changed"
    #: a node it depends on runs
    UPSTREAM_RUNS = "upstream_runs"
    #: it produces an in-memory dataset that a running node reads
    NEEDED_IN_MEMORY = "needed_in_memory"
    #: skipped: nothing it depends on changed since its last completed run
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for a decision.

    Attributes:
        kind: what happened.
        subject: the node, dataset or parameter path concerned (empty for ``NEVER_RUN``).
        detail: ``digest``/``version``/``fingerprint`` for data changes; the reading node for
            ``NEEDED_IN_MEMORY``; the run id for ``NOT_COMPLETED``.
        before: the old value of a changed parameter (JSON text), or the version a
            versioned input had.
        after: the new value of a changed parameter (JSON text), or the version a
            versioned input has now.
    """

    kind: ReasonKind
    subject: str = ""
    detail: str = ""
    before: str | None = None
    after: str | None = None

    @property
    def text(self) -> str:
        """The reason as a sentence."""
        s, d = self.subject, self.detail
        match self.kind:
            case ReasonKind.NEVER_RUN:
                return "never run"
            case ReasonKind.NOT_COMPLETED:
                return f"did not complete in run {d}" if d else "did not complete"
            case ReasonKind.CODE_CHANGED:
                return f"code of '{s}' changed"
            case ReasonKind.DECLARATION_CHANGED:
                return f"declaration of '{s}' changed (inputs, outputs or namespace)"
            case ReasonKind.PARAMETER_CHANGED:
                return f"parameter {s} changed ({self.before} -> {self.after})"
            case ReasonKind.INPUT_CHANGED:
                if self.before is not None:  # a versioned input names both versions
                    return f"input '{s}' changed ({d} {self.before} -> {self.after})"
                return f"input '{s}' changed ({d})"
            case ReasonKind.INPUT_UNKNOWN:
                return (
                    f"input '{s}' cannot be fingerprinted, so its readers always run "
                    "(give the dataset a fingerprint() method)"
                )
            case ReasonKind.OUTPUT_MISSING:
                return f"output '{s}' missing"
            case ReasonKind.OUTPUT_CHANGED:
                return f"output '{s}' changed since it was written ({d})"
            case ReasonKind.UPSTREAM_RUNS:
                return f"upstream '{s}' runs"
            case ReasonKind.NEEDED_IN_MEMORY:
                return f"produces in-memory '{s}' needed by running '{d}'"
            case ReasonKind.UNCHANGED:
                return "unchanged since its last completed run"

    def to_json(self) -> dict[str, object]:
        """The reason as a JSON object (``kind``, ``text`` and the non-empty fields)."""
        shown: dict[str, object] = {"kind": self.kind.value, "text": self.text}
        if self.subject:
            shown["subject"] = self.subject
        if self.detail:
            shown["detail"] = self.detail
        if self.before is not None:
            shown["before"] = self.before
            shown["after"] = self.after
        return shown


_MISSING = object()


def _parameter_path(name: str) -> str:
    """``params:a.b`` -> ``a.b``; ``parameters`` stays ``parameters``."""
    return name.removeprefix("params:")


def parameter_change(name: str, before: str, after: str) -> Reason:
    """The reason for a changed parameter input, naming the first leaf that differs.

    Args:
        name: the node's input (``params:model_options`` or ``parameters``).
        before: the canonical JSON text recorded in the journal.
        after: the canonical JSON text observed now.

    Returns:
        ``PARAMETER_CHANGED`` with the dotted path of the first differing key (keys in
        sorted order) and the old and new values there, as JSON text (``(absent)`` for a
        key that is new or gone).
    """
    path = _parameter_path(name)
    try:
        old: object = json.loads(before)
        new: object = json.loads(after)
    except ValueError:  # not JSON (a value only its repr could describe): name the whole
        return Reason(ReasonKind.PARAMETER_CHANGED, path, before=before, after=after)
    # Walk down while both sides are objects: iteratively, keys in sorted order.
    while isinstance(old, dict) and isinstance(new, dict):
        differing = sorted(k for k in old.keys() | new.keys() if old.get(k, _MISSING) != new.get(k, _MISSING))
        if not differing:
            break
        key = differing[0]
        path = f"{path}.{key}" if path else key
        old, new = old.get(key, _MISSING), new.get(key, _MISSING)
    return Reason(ReasonKind.PARAMETER_CHANGED, path, before=_shown(old), after=_shown(new))


def _shown(value: object) -> str:
    if value is _MISSING:
        return "(absent)"
    return json.dumps(value, sort_keys=True)
