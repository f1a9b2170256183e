"""From a begun run of a :class:`~shell.session.KedroSession` to :func:`shell.session_run.execute_run`:
the run's record (its run params), a fresh context and the selected pipeline. A request's run
is recorded before anything can fail; a run refused here closes that record as failed. Also
the check refusing per-run arguments outside a ``RunMode.MULTI`` session."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from returns.pipeline import is_successful
from returns.result import Failure, Result

from core._version import __version__
from core.errors import KedroError, KedroSessionError, SessionErrorReason
from shell.session_run import execute_run, record_run_finished, record_run_started
from shell.session_setup import _as_mapping, _as_optional_str

if TYPE_CHECKING:
    from shell.incremental.planning import IncrementalOptions
    from shell.io.contract import DatasetLike
    from shell.runners.runner import AbstractRunner
    from shell.session import KedroSession

__all__ = ["launch_run", "refuse_per_run_arguments"]


def refuse_per_run_arguments(
    multi: bool,
    session_id: str,
    runtime_params: Mapping[str, object] | None,
    run_id: str | None,
    request_id: str | None,
) -> KedroSessionError | None:
    """Why ``session.run`` refuses per-run arguments outside a ``RunMode.MULTI`` session
    (``None``: it does not)."""
    if runtime_params is not None and not multi:
        return KedroSessionError(
            SessionErrorReason.PROJECT,
            "runtime_params can only be given per run in a RunMode.MULTI session; "
            "pass them to KedroSession.create() instead.",
            session_id=session_id,
        )
    if (run_id is not None or request_id is not None) and not multi:
        return KedroSessionError(
            SessionErrorReason.PROJECT,
            "run_id and request_id can only be given per run in a RunMode.MULTI session.",
            session_id=session_id,
        )
    return None


def launch_run(
    session: KedroSession,
    *,
    run_id: str,
    pipeline_names: Iterable[str] | None,
    tags: Iterable[str] | None,
    runner: AbstractRunner | None,
    node_names: Iterable[str] | None,
    from_nodes: Iterable[str] | None,
    to_nodes: Iterable[str] | None,
    from_inputs: Iterable[str] | None,
    to_outputs: Iterable[str] | None,
    load_versions: Mapping[str, str] | None,
    namespaces: Iterable[str] | None,
    only_missing_outputs: bool,
    runtime_params: Mapping[str, object] | None,
    incremental: IncrementalOptions,
    request_id: str | None = None,
) -> Result[dict[str, DatasetLike], KedroError]:
    """The part of ``session.run`` after the run began."""
    from core.run_record import describe_runner, make_run_params, run_params_dict
    from core.store_records import RunOutcome
    from shell.context import KedroContext

    def record_for(env: str | None) -> dict[str, object]:
        stored_params = _as_mapping(session._store.get("runtime_params"))
        return run_params_dict(
            make_run_params(
                session_id=session._session_id,
                run_id=run_id,
                project_path=session._project_path.as_posix(),
                env=env,
                kedro_version=__version__,
                runner=describe_runner(runner),
                mode=session._state.mode,
                pipeline_names=pipeline_names,
                tags=tags,
                from_nodes=from_nodes,
                to_nodes=to_nodes,
                node_names=node_names,
                from_inputs=from_inputs,
                to_outputs=to_outputs,
                load_versions=load_versions,
                namespaces=namespaces,
                runtime_params=runtime_params if runtime_params is not None else stored_params,
                only_missing_outputs=only_missing_outputs,
                request_id=request_id,
            )
        )

    # A request's run is recorded before anything can fail, so each request has exactly
    # one record; other runs are recorded from the runner's start (refusals leave none).
    early: dict[str, object] | None = None
    run_key: tuple[int | None] | None = None
    if request_id is not None:
        early = record_for(_as_optional_str(session._store.get("env")))
        run_key = (record_run_started(session._store, run_id, early),)

    def refused(error: KedroError) -> Result[dict[str, DatasetLike], KedroError]:
        if run_key is not None:
            record_run_finished(session._store, run_key[0], RunOutcome.FAILED, error.message)
        return Failure(error)

    context = session.load_context_result(runtime_params)
    if not is_successful(context):
        return refused(context.failure())
    ctx = context.unwrap()
    names = list(pipeline_names) if pipeline_names else None
    filtered = session.select_pipeline(
        pipeline_names=names,
        tags=tags,
        node_names=node_names,
        from_nodes=from_nodes,
        to_nodes=to_nodes,
        from_inputs=from_inputs,
        to_outputs=to_outputs,
        namespaces=namespaces,
    )
    if not is_successful(filtered):
        return refused(filtered.failure())
    named = session._pipelines.select(names)
    if is_successful(named) and isinstance(ctx, KedroContext):
        # Typed parameters are validated for the pipelines this run names (Kedro's scope),
        # when the catalog is built: before any node runs.
        ctx._pipelines_to_validate = named.unwrap()
    return execute_run(
        session_id=session._session_id,
        run_id=run_id,
        settings=session._settings,
        store=session._store,
        hook_manager=session._hook_manager,
        context=ctx,
        pipeline=filtered.unwrap(),
        runner=runner,
        record=early if early is not None else record_for(ctx.env),
        load_versions=load_versions,
        only_missing_outputs=only_missing_outputs,
        run_key=run_key,
        incremental=incremental,
    )
