"""The values incremental runs decide from: what was observed, what the journal remembers.

The shell observes (:class:`NodeObservation` per node, :class:`DatasetState` per dataset)
and reads the journal (:class:`CompletedRecord` per node); :mod:`core.incremental.decide`
turns those into a plan. Nothing here performs I/O: hashing and JSON are pure computations.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "COVERAGE",
    "CompletedRecord",
    "DatasetState",
    "Fingerprint",
    "NodeObservation",
    "Observation",
    "StateKind",
    "make_fingerprint",
    "own_fingerprint",
]

#: What a fingerprint covers and what it does not (shown by ``plan --only-changed``).
COVERAGE = (
    "Fingerprints cover each node's own function (bytecode, constants, nested functions, "
    "default arguments), its declaration (inputs, outputs, namespace), the parameters it "
    "reads and the versions of its inputs (file digest, dataset version, or the dataset's "
    "fingerprint()). Not covered: helper functions in other modules (unless code scope is "
    "'module'), global variables, environment variables and installed library versions."
)


class StateKind(enum.Enum):
    """How a dataset's current version is known."""

    #: a digest of the file's bytes
    CONTENT = "digest"
    #: a versioned dataset: the version a load reads
    VERSION = "version"
    #: the dataset's own ``fingerprint()``
    CUSTOM = "fingerprint"
    #: held in memory: it inherits the fingerprint of the node that produces it
    MEMORY = "memory"
    #: a persistent dataset that does not exist
    MISSING = "missing"
    #: no way to fingerprint it: the nodes reading it always run
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class DatasetState:
    """One dataset's version as observed (``value`` is empty for MEMORY, MISSING, UNKNOWN)."""

    kind: StateKind
    value: str = ""

    @property
    def token(self) -> str:
        """The version as recorded in a fingerprint (``"digest:ab12..."``)."""
        return f"{self.kind.value}:{self.value}"

    @property
    def is_checkable(self) -> bool:
        """Whether the state says what the data is (so a change can be seen)."""
        return self.kind in (StateKind.CONTENT, StateKind.VERSION, StateKind.CUSTOM)


@dataclass(frozen=True, slots=True)
class NodeObservation:
    """The parts of a node's fingerprint that do not depend on its inputs' data.

    Attributes:
        code: a digest of the node's function (see ``shell.incremental.code``).
        declaration: a digest of its inputs, outputs and namespace.
        parameters: each parameter input (``params:a.b`` or ``parameters``) to the canonical
            JSON text of its value.
    """

    code: str
    declaration: str
    parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Observation:
    """Everything the shell observed before planning.

    Attributes:
        nodes: one observation per node of the pipeline, by node name.
        datasets: the state of every non-parameter dataset the pipeline reads or writes.
    """

    nodes: Mapping[str, NodeObservation]
    datasets: Mapping[str, DatasetState]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A node's fingerprint: its parts (to explain a change) and their digest.

    ``inputs`` maps each non-parameter input to the token of its version; an in-memory
    input's token is ``memory:<producer's digest>``.
    """

    code: str
    declaration: str
    parameters: Mapping[str, str]
    inputs: Mapping[str, str]
    digest: str

    def to_json(self) -> dict[str, object]:
        """The fingerprint as a JSON object (the journal's format)."""
        return {
            "code": self.code,
            "declaration": self.declaration,
            "parameters": dict(sorted(self.parameters.items())),
            "inputs": dict(sorted(self.inputs.items())),
            "digest": self.digest,
        }


def make_fingerprint(
    code: str, declaration: str, parameters: Mapping[str, str], inputs: Mapping[str, str]
) -> Fingerprint:
    """The fingerprint of these parts: a SHA-256 of their canonical text (parts separated by
    control characters, which neither names, tokens nor JSON text contain unescaped)."""
    return own_fingerprint(code, declaration, dict(parameters), dict(inputs))


def _pairs(values: Mapping[str, str]) -> str:
    # Most nodes have zero or one parameter/input: no sort for those (the hot path).
    if not values:
        return ""
    if len(values) == 1:
        ((key, value),) = values.items()
        return f"{key}\x1d{value}"
    return "\x1f".join(f"{k}\x1d{v}" for k, v in sorted(values.items()))


def own_fingerprint(
    code: str, declaration: str, parameters: Mapping[str, str], inputs: Mapping[str, str]
) -> Fingerprint:
    """:func:`make_fingerprint` keeping the two mappings given, uncopied: the caller never
    changes them afterwards (the path run at every node's start)."""
    text = f"{code}\x1e{declaration}\x1e{_pairs(parameters)}\x1e{_pairs(inputs)}"
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return Fingerprint(code, declaration, parameters, inputs, digest)


@dataclass(frozen=True, slots=True)
class CompletedRecord:
    """What the journal remembers of a node's last completed run.

    Attributes:
        node: the node's name.
        fingerprint: its fingerprint when it ran.
        outputs: each persistent output it wrote to the token of its version after the save.
        run_id: the run it completed in.
    """

    node: str
    fingerprint: Fingerprint
    outputs: Mapping[str, str]
    run_id: str
