"""Which recorded run ``--resume`` continues, and with which options (pure).

``--resume`` without a run id continues the most recent run of the project that did not
succeed (failed, interrupted, or never finished because its process died), unless a later
run succeeded; with a run id, that run, which must not have succeeded. The run's recorded options (Kedro's ``run_params``
record) are reused: pipelines, tags, node and dataset filters, namespaces, load versions,
runtime parameters and environment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from returns.result import Failure, Result, Success

from core.errors import RunError, RunErrorReason
from core.store_records import RunOutcome, StoredRun

__all__ = ["ResumeOptions", "pick_resumable", "resume_options"]

_LISTS = ("pipeline_names", "tags", "node_names", "from_nodes", "to_nodes", "from_inputs", "to_outputs", "namespaces")


@dataclass(frozen=True, slots=True)
class ResumeOptions:
    """The options of the run being resumed.

    Attributes:
        run_id: the resumed run.
        selection: ``session.run`` keyword arguments choosing the nodes (lists of names).
        load_versions: the dataset versions it loaded.
        runtime_params: its runtime parameters.
        env: its configuration environment.
    """

    run_id: str
    selection: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    load_versions: Mapping[str, str] = field(default_factory=dict)
    runtime_params: Mapping[str, object] = field(default_factory=dict)
    env: str | None = None


def pick_resumable(runs: Sequence[StoredRun], run_id: str | None) -> Result[StoredRun, RunError]:
    """The run to resume among the project's recorded runs (any order).

    Returns:
        ``Failure(RunError(RESUME_REFUSED))`` when there is none, the id is unknown, or that
        run succeeded (nothing to resume).
    """
    ordered = sorted(runs, key=lambda run: (run.started_at, run.run_key))
    if run_id is None:
        # Only runs after the last success: a run that succeeded since (a resume, or a full
        # run) finished the work.
        successes = [i for i, run in enumerate(ordered) if run.outcome is RunOutcome.SUCCESS]
        since = ordered[successes[-1] + 1 :] if successes else ordered
        candidates = [run for run in since if run.outcome is not RunOutcome.SUCCESS]
        if not candidates:
            return Failure(
                RunError(
                    RunErrorReason.RESUME_REFUSED,
                    "There is no failed or interrupted run of this project to resume.",
                )
            )
        return Success(candidates[-1])
    named = [run for run in ordered if run.run_id == run_id]
    if not named:
        return Failure(
            RunError(
                RunErrorReason.RESUME_REFUSED,
                f"No run {run_id!r} is recorded for this project (see `kedro-pure sessions list`).",
            )
        )
    last = named[-1]
    if last.outcome is RunOutcome.SUCCESS:
        return Failure(
            RunError(RunErrorReason.RESUME_REFUSED, f"Run {run_id} succeeded: there is nothing to resume.")
        )
    return Success(last)


def _names(value: object) -> tuple[str, ...] | None:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(str(item) for item in value)
    return None


def resume_options(run: StoredRun) -> ResumeOptions:
    """The options recorded for ``run`` (missing or malformed fields are left out)."""
    params = run.parameters if isinstance(run.parameters, Mapping) else {}
    selection = {key: names for key in _LISTS if (names := _names(params.get(key)))}
    versions = params.get("load_versions")
    runtime = params.get("runtime_params")
    env = params.get("env")
    return ResumeOptions(
        run_id=run.run_id,
        selection=selection,
        load_versions={str(k): str(v) for k, v in versions.items()} if isinstance(versions, Mapping) else {},
        runtime_params=_thawed(runtime) if isinstance(runtime, Mapping) else {},
        env=env if isinstance(env, str) else None,
    )


def _thawed(value: Mapping[str, object]) -> dict[str, object]:
    """Frozen JSON mappings and tuples back to dicts and lists (runtime parameters)."""
    out: dict[str, object] = {}
    stack: list[tuple[Mapping[str, object], dict[str, object]]] = [(value, out)]
    while stack:
        source, target = stack.pop()
        for key, item in source.items():
            if isinstance(item, Mapping):
                child: dict[str, object] = {}
                target[str(key)] = child
                stack.append((item, child))
            elif isinstance(item, tuple):
                target[str(key)] = list(item)
            else:
                target[str(key)] = item
    return out
