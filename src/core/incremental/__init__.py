"""Incremental runs and resume, decided purely: fingerprints, journal records, reasons.

The shell observes the pipeline's code, parameters and datasets
(:class:`~core.incremental.model.Observation`) and reads the run journal
(:class:`~core.incremental.model.CompletedRecord`); :func:`decide_changes` says which nodes
run and why, for ``--only-changed`` and ``--resume`` alike.
"""

from core.incremental.decide import (
    ChangeDecision,
    ChangePlan,
    PlanMode,
    decide_changes,
    declaration_digest,
    fingerprint_node,
    fingerprint_parts,
)
from core.incremental.model import (
    COVERAGE,
    CompletedRecord,
    DatasetState,
    Fingerprint,
    NodeObservation,
    Observation,
    StateKind,
    make_fingerprint,
)
from core.incremental.reasons import Reason, ReasonKind, parameter_change

__all__ = [
    "COVERAGE",
    "ChangeDecision",
    "ChangePlan",
    "CompletedRecord",
    "DatasetState",
    "Fingerprint",
    "NodeObservation",
    "Observation",
    "PlanMode",
    "Reason",
    "ReasonKind",
    "StateKind",
    "decide_changes",
    "declaration_digest",
    "fingerprint_node",
    "fingerprint_parts",
    "make_fingerprint",
    "parameter_change",
]
