"""The HTTP service's request and response bodies, as pydantic models (pure values).

Kedro 1.7's server (``kedro.server.models``) defines ``RunRequest``, ``RunSuccess``,
``RunFailure``, ``ErrorDetail`` and ``HealthResponse``; the models here accept and produce
the same JSON, so a client written for Kedro's server works unchanged:

* every field of Kedro's ``RunRequest`` has the same name, type and default, and unknown
  fields are refused (Kedro: ``extra="forbid"``), so a misspelt option is a ``422`` naming
  it instead of being ignored;
* responses carry every key Kedro's do, with the same meaning; the keys we add
  (``request_id``, ``outputs``, the error's ``reason``/``node``/``resume``) are extra keys
  that Kedro's client models ignore.

Deliberate differences (each pinned by a test): ``runner`` must name one of kedro-pure's
runners (:data:`SERVICE_RUNNERS`, with Kedro's ``kedro.runner.`` prefix accepted) and
anything else is a ``422`` on ``runner``: the service never imports a class a request names.
Lists and strings have upper bounds (:data:`MAX_NAMES`, :data:`MAX_NAME_LENGTH`), so one
request cannot make the service allocate without limit.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StringConstraints, field_validator

__all__ = [
    "MAX_NAMES",
    "MAX_NAME_LENGTH",
    "SERVICE_RUNNERS",
    "ErrorDetail",
    "HealthResponse",
    "PlanNode",
    "PlanRequest",
    "PlanResponse",
    "ResumeDetail",
    "RunAccepted",
    "RunFailure",
    "RunRecordView",
    "RunRequest",
    "RunSuccess",
    "RunnerParams",
    "RunsPage",
    "canonical_runner",
]

#: The runners a request may choose. ``DaskRunner`` is left out: it starts a cluster per run.
SERVICE_RUNNERS = ("SequentialRunner", "ThreadRunner", "ParallelRunner")

#: Most names one list field of a request may hold.
MAX_NAMES = 10_000
#: Longest name (node, dataset, tag, pipeline, namespace, version) a request may hold.
MAX_NAME_LENGTH = 1_000

_RUNNER_PREFIXES = ("kedro.runner.", "shell.runners.")

Name = Annotated[str, StringConstraints(max_length=MAX_NAME_LENGTH)]
Names = Annotated[list[Name], Field(max_length=MAX_NAMES)]


def canonical_runner(name: str) -> str | None:
    """The service runner ``name`` designates (``kedro.runner.ThreadRunner`` -> ``ThreadRunner``).

    Returns:
        The canonical name, or ``None`` when ``name`` is not a runner the service offers.
    """
    for prefix in _RUNNER_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name if name in SERVICE_RUNNERS else None


class _Selection(BaseModel):
    """What chooses the nodes: Kedro's ``kedro run`` selection options and runtime params."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    from_inputs: Names | None = Field(default=None, description="Datasets to start from.")
    to_outputs: Names | None = Field(default=None, description="Datasets to end at.")
    from_nodes: Names | None = Field(default=None, description="Nodes to start from.")
    to_nodes: Names | None = Field(default=None, description="Nodes to end at.")
    node_names: Names | None = Field(default=None, description="Run only these nodes.")
    tags: Names | None = Field(default=None, description="Run only nodes with these tags.")
    load_versions: dict[Name, Name] | None = Field(
        default=None, description="Dataset name -> version to load."
    )
    pipeline_names: Names | None = Field(
        default=None, description="Registered pipelines to combine (default: __default__)."
    )
    namespaces: Names | None = Field(default=None, description="Run only these namespaces.")
    params: dict[Name, JsonValue] | None = Field(
        default=None,
        description=(
            "Runtime parameters for this run only. They can never choose a dataset's type."
        ),
    )
    only_missing_outputs: bool = Field(
        default=False, description="Run only nodes whose persisted outputs are missing."
    )


class RunnerParams(BaseModel):
    """Arguments for the chosen runner (kedro-pure's addition; Kedro has only ``is_async``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_workers: int | None = Field(
        default=None, ge=1, le=64, description="Workers of ThreadRunner/ParallelRunner."
    )


class RunRequest(_Selection):
    """``POST /run``: Kedro's ``RunRequest`` fields, plus ``runner_params``."""

    runner: str | None = Field(
        default=None,
        description=f"One of {', '.join(SERVICE_RUNNERS)} (default SequentialRunner).",
    )
    is_async: bool = Field(default=False, description="Load and save datasets in threads.")
    runner_params: RunnerParams | None = Field(default=None, description="Runner arguments.")

    @field_validator("runner")
    @classmethod
    def _known_runner(cls, value: str | None) -> str | None:
        if value is None:
            return None
        canonical = canonical_runner(value)
        if canonical is None:
            raise ValueError(
                f"runner {value!r} is not one of the service's runners: "
                f"{', '.join(SERVICE_RUNNERS)} (a 'kedro.runner.' prefix is accepted). "
                "The service never imports a class named by a request."
            )
        return canonical


class PlanRequest(_Selection):
    """``POST /plan``: the same selection as ``/run``; nothing runs."""


class ResumeDetail(BaseModel):
    """Where a failed run can be resumed from (Kedro's ``--from-nodes`` suggestion)."""

    from_nodes: list[str]
    argument: str = Field(description='The CLI argument, e.g. --from-nodes "a,b".')
    nothing_ran: bool


class ErrorDetail(BaseModel):
    """Kedro's ``ErrorDetail`` (``type``, ``message``) with what kedro-pure knows besides."""

    type: str = Field(description="The error's class name.")
    message: str = Field(description="The error's message, credentials redacted.")
    reason: str | None = Field(default=None, description="The error's reason code.")
    node: str | None = Field(default=None, description="The failing node, if one failed.")
    resume: ResumeDetail | None = Field(default=None, description="How to resume the run.")


class RunSuccess(BaseModel):
    """Kedro's ``RunSuccess``, plus the request id and the free outputs' values."""

    status: Literal["success"] = "success"
    run_id: str
    duration_ms: float
    request_id: str
    outputs: dict[str, JsonValue] = Field(
        default_factory=dict,
        description="The free outputs' values, JSON-encoded (repr for other objects).",
    )


class RunFailure(BaseModel):
    """Kedro's ``RunFailure``, plus the request id."""

    status: Literal["failure"] = "failure"
    run_id: str
    duration_ms: float
    request_id: str
    error: ErrorDetail


class RunAccepted(BaseModel):
    """``202``: the run was queued; poll ``location`` (``GET /runs/{run_id}``)."""

    status: Literal["accepted"] = "accepted"
    run_id: str
    request_id: str
    location: str


class HealthResponse(BaseModel):
    """Kedro's ``HealthResponse``; ``kedro_version`` holds kedro-pure's version."""

    status: Literal["healthy", "unhealthy"] = "healthy"
    kedro_version: str
    runs_in_flight: int = 0
    capacity: int = 0
    draining: bool = False


class PlanNode(BaseModel):
    """One node of a plan and why it would (not) run."""

    name: str
    runs: bool
    reason: str
    inputs: list[str]
    outputs: list[str]


class PlanResponse(BaseModel):
    """``POST /plan``: what ``kedro-pure plan --format json`` prints."""

    status: Literal["success"] = "success"
    groups: list[list[str]]
    nodes: list[PlanNode]
    inputs: list[str]
    outputs: list[str]


class RunRecordView(BaseModel):
    """A run as the service reports it: its live status, or its record in the store."""

    run_id: str
    request_id: str | None
    status: str = Field(description="queued, running, or the stored outcome (success, failed, ...).")
    error: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    parameters: JsonValue = None
    result: RunSuccess | RunFailure | None = None


class RunsPage(BaseModel):
    """``GET /runs``: this service session's runs, newest first."""

    session_id: str
    runs: list[RunRecordView]


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")


def valid_request_id(text: str) -> bool:
    """Whether a caller's ``X-Request-ID`` may be used as it is (else the service makes one)."""
    return bool(_REQUEST_ID.match(text))
