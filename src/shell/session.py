"""``KedroSession``: one project, one configuration environment, and its runs.

Theory of operation
-------------------
``KedroSession.create(...)`` bootstraps the project, validates ``settings.py``, opens the
session store, builds the hook manager and records where the session runs (project path, id,
CLI call, env, runtime parameters, user, git). Every failure is a ``Failure`` value.

``session.run(...)`` follows Kedro's order of operations and hook calls exactly: a fresh
context (``after_context_created``), the requested pipelines combined and filtered, a fresh
catalog (``after_catalog_created``), ``before_pipeline_run``, the runner, then
``after_pipeline_run`` or ``on_pipeline_error``. Whether a run may start at all is decided by
the pure state machine in :mod:`core.session_state`; this class holds the one mutable cell.

* A second run after a successful one is refused with Kedro's ``KedroSessionError``
  message; a failed run may be retried (Kedro's behaviour).
* A run after ``close()`` is refused (our addition: Kedro has no such check).
* ``mode=RunMode.MULTI`` (the role of Kedro's ``KedroServiceSession``) allows many runs, each
  with its own run id, still refused after close; each run reloads the context and catalog.
* Ctrl-C during a run fires ``on_pipeline_error``, records the run as interrupted and returns
  ``Failure(RunError(INTERRUPTED))``; datasets are saved atomically, so nothing is half-written.

Each run is recorded in the store (a SQLite store by default) with its parameters, outcome,
error and timings, when the store supports run records.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import types
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Self

from returns.io import IOResult
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import KedroError, RunError, RunErrorReason
from core.pipeline import Pipeline
from core.session_state import RunMode, SessionState, begin_run, close, end_run, new_session
from shell import interrupts, log_names
from shell.abstract_session import AbstractSession
from shell.api import to_result
from shell.hooks.manager import (
    _create_hook_manager,
    _register_hooks_entry_points,
    register_hooks,
)
from shell.io.timestamp import generate_id
from shell.project.bootstrap import ProjectMetadata, bootstrap_project
from shell.project.registry import ProjectPipelines
from shell.project.settings import validate_settings
from shell.session_context import config_loader, load_context
from shell.session_info import _session_data
from shell.session_launch import launch_run, refuse_per_run_arguments
from shell.session_plan import plan_changes
from shell.session_run import RUNNER_CLASS_MESSAGE
from shell.session_select import select_pipeline
from shell.session_setup import (
    _describe_exception,
    _raise_on_failure,
    _resolve_project_path,
    open_store,
)
from shell.store.base import BaseSessionStore

# What only a run needs (context, configuration, catalog, runners, run records) is imported
# by the first run, not by importing this module: wrapper scripts and the CLI import the
# session just to create one, or to print help.
if TYPE_CHECKING:
    from core.incremental import ChangePlan
    from core.project_settings import ProjectSettings
    from shell.config.abstract import AbstractConfigLoader
    from shell.context import KedroContext
    from shell.incremental.code import CodeScope
    from shell.incremental.plan_cache import CacheProbe
    from shell.io.contract import DatasetLike
    from shell.runners.runner import AbstractRunner

__all__ = ["RUNNER_CLASS_MESSAGE", "KedroSession", "RunMode"]

logger = logging.getLogger(log_names.SESSION)


class KedroSession(AbstractSession):
    """A session over one project. Build it with :meth:`create`.

    The constructor has Kedro's signature and raises the ``KedroError`` that :meth:`create`
    would return as a ``Failure``.
    """

    def __init__(
        self,
        session_id: str,
        package_name: str | None = None,
        project_path: str | Path | None = None,
        save_on_close: bool = False,
        conf_source: str | None = None,
        *,
        mode: RunMode = RunMode.SINGLE,
        serving_mode: bool = False,
    ) -> None:
        self._project_path = _resolve_project_path(project_path)
        self._session_id = session_id
        self.save_on_close = save_on_close
        metadata = _raise_on_failure(bootstrap_project(self._project_path))
        self._metadata: ProjectMetadata = metadata
        self._package_name = package_name or metadata.package_name
        self._settings: ProjectSettings = _raise_on_failure(validate_settings(metadata))
        self._store: BaseSessionStore = _raise_on_failure(
            open_store(self._settings, self._project_path, session_id)
        )
        self._hook_manager = _create_hook_manager()
        _raise_on_failure(register_hooks(self._hook_manager, self._settings.HOOKS))
        _register_hooks_entry_points(self._hook_manager, self._settings.DISABLE_HOOKS_FOR_PLUGINS)
        self._conf_source = conf_source or str(self._project_path / self._settings.CONF_SOURCE)
        self._pipelines = ProjectPipelines(metadata)
        self._state: SessionState = new_session(session_id, mode=mode)
        # Concurrent runs of a MULTI session (the HTTP service) replace the state cell together.
        self._state_lock = threading.Lock()
        self._serving_mode = serving_mode

    # -- creation --------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        project_path: str | Path | None = None,
        save_on_close: bool = True,
        env: str | None = None,
        runtime_params: Mapping[str, object] | None = None,
        conf_source: str | None = None,
        *,
        mode: RunMode = RunMode.SINGLE,
        serving_mode: bool = False,
    ) -> Result[Self, KedroError]:
        """Create a session and record where it runs.

        Args:
            project_path: the project root (default: the nearest project above the working
                directory, else the working directory).
            save_on_close: save the store when the session closes.
            env: the configuration environment (default: ``KEDRO_ENV``, else the loader's
                default run environment, ``local``).
            runtime_params: parameters merged over the configured ones.
            conf_source: the configuration folder (default: ``<project>/conf``).
            mode: ``RunMode.MULTI`` allows many runs in this session.
            serving_mode: runtime parameters come from untrusted callers (Kedro's
                ``KedroServiceSession.create(serving_mode=True)``): the configuration loader
                always refuses a catalog ``type`` chosen by them
                (``restrict_runtime_params_type_selection``, whatever ``settings.py`` says),
                and every registered pipeline is loaded now, before concurrent runs begin.

        Returns:
            ``Success(session)``; ``Failure(ConfigError)`` for a project that is not a Kedro
            project, an invalid ``settings.py`` or a store that cannot be opened.
        """
        try:
            session = cls(
                generate_id(),
                project_path=project_path,
                save_on_close=save_on_close,
                conf_source=conf_source,
                mode=mode,
                serving_mode=serving_mode,
            )
        except KedroError as error:
            return Failure(error)
        if serving_mode:
            preloaded = session.registered_pipelines()
            if not is_successful(preloaded):
                return Failure(preloaded.failure())
        session._store.update(
            _session_data(session._project_path, session.session_id, env, runtime_params)
        )
        return Success(session)

    # -- properties ------------------------------------------------------------------------

    @property
    def session_id(self) -> str:
        """The session's id (a timestamp)."""
        return self._session_id

    @property
    def store(self) -> dict[str, object]:
        """A copy of what the session recorded."""
        return dict(self._store)

    @property
    def store_path(self) -> str:
        """Where the session store keeps its records (the store's ``path``)."""
        return self._store.path

    @property
    def conf_source(self) -> str:
        """The configuration folder (or archive) the session reads."""
        return self._conf_source

    @property
    def state(self) -> SessionState:
        """The session's state (created, running or closed, and its runs)."""
        return self._state

    @property
    def metadata(self) -> ProjectMetadata:
        """The project's metadata."""
        return self._metadata

    @property
    def settings(self) -> ProjectSettings:
        """The project's validated settings."""
        return self._settings

    # -- context ---------------------------------------------------------------------------

    def _config_loader(self, runtime_params: Mapping[str, object] | None) -> Result[AbstractConfigLoader, KedroError]:
        return config_loader(self, runtime_params)

    def load_context_result(self, runtime_params: Mapping[str, object] | None = None) -> Result[KedroContext, KedroError]:
        """A fresh context (new config loader); fires ``after_context_created``."""
        return load_context(self, runtime_params)

    def load_context(self) -> KedroContext:
        """Kedro's ``load_context()``: raises what :meth:`load_context_result` returns."""
        return _raise_on_failure(self.load_context_result())

    # -- running ---------------------------------------------------------------------------

    def run(
        self,
        pipeline_name: str | None = None,
        pipeline_names: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        runner: AbstractRunner | None = None,
        node_names: Iterable[str] | None = None,
        from_nodes: Iterable[str] | None = None,
        to_nodes: Iterable[str] | None = None,
        from_inputs: Iterable[str] | None = None,
        to_outputs: Iterable[str] | None = None,
        load_versions: Mapping[str, str] | None = None,
        namespaces: Iterable[str] | None = None,
        only_missing_outputs: bool = False,
        *,
        runtime_params: Mapping[str, object] | None = None,
        run_id: str | None = None,
        request_id: str | None = None,
        only_changed: bool = False,
        resume: str | bool | None = None,
        keep_going: bool = False,
        code_scope: CodeScope = "function",
        plan_cache: CacheProbe | None = None,
    ) -> Result[dict[str, DatasetLike], KedroError]:
        """Run the requested pipelines (Kedro's ``session.run``).

        ``runtime_params``, ``run_id`` and ``request_id`` are only accepted in
        ``RunMode.MULTI`` (per-run values, as in Kedro's service session); a single-run
        session takes its parameters in :meth:`create`. ``run_id`` replaces the generated
        run id (it must not be in flight already). A run given a ``request_id`` is recorded
        in the store with it (key ``request_id`` of the run params, after Kedro's keys)
        whatever happens, even when it is refused before the runner starts.

        Incremental runs (see :mod:`shell.incremental`): ``only_changed`` runs only the
        nodes whose fingerprint or outputs changed since their last completed run, and what
        depends on them; ``resume`` (a run id, or ``True`` for the last run that did not
        succeed) runs only the nodes that run did not complete, with its selection and load
        versions when none are given here; ``keep_going`` runs every node not depending on a
        failed one (the ``RunError`` then lists every failure in ``failures``).
        ``plan_cache`` (the command line's plan cache lookup that missed, or a plain run's
        probe) writes an ``only_changed`` plan that runs nothing to the cache
        (:mod:`shell.incremental.plan_cache`), and after a successful plain run, or
        ``only_changed`` run that ran nodes, the next no-op's plan.

        Ctrl-C (a divergence from Kedro, which raises ``KeyboardInterrupt``): called in the
        main thread with Python's own SIGINT handler, the run holds SIGINT until it returns
        (:func:`shell.interrupts.held_for_python_run`): an interrupt ends it with
        ``Failure(RunError(INTERRUPTED))``, recorded so; one arriving after the outcome was
        recorded is raised as ``KeyboardInterrupt`` once the run returns.

        Returns:
            ``Success`` of the free outputs' datasets; ``Failure``: ``KedroSessionError``
            (second run, run after close, unknown pipeline, a runner class instead of an
            instance), ``PipelineError`` (filters), ``ConfigError``/``DatasetError``/
            ``KedroContextError`` (configuration and catalog), ``RunError`` (node failures,
            unsatisfied inputs, interruption).
        """
        logger.info("Kedro project %s", self._package_name or self._project_path.name)
        if pipeline_name:
            from core.run_record import PIPELINE_NAME_DEPRECATION_MESSAGE

            logger.warning(PIPELINE_NAME_DEPRECATION_MESSAGE)
        multi = self._state.mode is RunMode.MULTI
        refused = refuse_per_run_arguments(multi, self._session_id, runtime_params, run_id, request_id)
        if refused is not None:
            return Failure(refused)
        from shell.incremental.resume import incremental_options

        incremental = incremental_options(self._store, only_changed, resume, keep_going, code_scope)
        if not is_successful(incremental):
            return Failure(incremental.failure())
        options, resumed = incremental.unwrap()
        if plan_cache is not None:
            options = dataclasses.replace(options, plan_cache=plan_cache)
        if resumed is not None and not any(
            (pipeline_name, pipeline_names, tags, node_names, from_nodes, to_nodes, from_inputs, to_outputs, namespaces)
        ):
            selection = resumed.selection
            pipeline_names, tags = selection.get("pipeline_names"), selection.get("tags")
            node_names, from_nodes = selection.get("node_names"), selection.get("from_nodes")
            to_nodes, from_inputs = selection.get("to_nodes"), selection.get("from_inputs")
            to_outputs, namespaces = selection.get("to_outputs"), selection.get("namespaces")
            load_versions = load_versions or dict(resumed.load_versions) or None
        if run_id is None:
            run_id = generate_id() if multi else self._session_id
        with self._state_lock:
            started = begin_run(self._state, run_id)
            if not is_successful(started):
                return Failure(started.failure())
            self._state = started.unwrap()
        outcome: Result[dict[str, DatasetLike], KedroError] = Failure(
            RunError(RunErrorReason.INTERRUPTED, "The run was interrupted.")
        )
        try:
            with interrupts.held_for_python_run():
                outcome = launch_run(
                    self,
                    run_id=run_id,
                    pipeline_names=[pipeline_name] if pipeline_name else pipeline_names,
                    tags=tags,
                    runner=runner,
                    node_names=node_names,
                    from_nodes=from_nodes,
                    to_nodes=to_nodes,
                    from_inputs=from_inputs,
                    to_outputs=to_outputs,
                    load_versions=load_versions,
                    namespaces=namespaces,
                    only_missing_outputs=only_missing_outputs,
                    runtime_params=runtime_params,
                    request_id=request_id,
                    incremental=options,
                )
        finally:
            with self._state_lock:
                self._state = end_run(self._state, run_id, succeeded=is_successful(outcome))
        return outcome

    def plan_changes(
        self,
        *,
        pipeline_names: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        node_names: Iterable[str] | None = None,
        from_nodes: Iterable[str] | None = None,
        to_nodes: Iterable[str] | None = None,
        from_inputs: Iterable[str] | None = None,
        to_outputs: Iterable[str] | None = None,
        namespaces: Iterable[str] | None = None,
        load_versions: Mapping[str, str] | None = None,
        code_scope: CodeScope = "function",
        resume: str | bool | None = None,
    ) -> Result[ChangePlan, KedroError]:
        """What ``run(only_changed=True, ...)`` (or ``run(resume=...)``) with these arguments
        would run, and why: the very plan such a run follows (nothing runs; the digest cache
        is updated). For a resume, the resumed run's selection and load versions are used
        when none are given, and ``plan.stale`` lists what would make the resume refused.

        Returns:
            ``Success(plan)``; the failures ``run`` would return for the same arguments, or
            ``KedroSessionError`` when the store keeps no run journal.
        """
        return plan_changes(
            self, pipeline_names=pipeline_names, tags=tags, node_names=node_names,
            from_nodes=from_nodes, to_nodes=to_nodes, from_inputs=from_inputs,
            to_outputs=to_outputs, namespaces=namespaces, load_versions=load_versions,
            code_scope=code_scope, resume=resume,
        )

    def select_pipeline(
        self,
        *,
        pipeline_names: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        node_names: Iterable[str] | None = None,
        from_nodes: Iterable[str] | None = None,
        to_nodes: Iterable[str] | None = None,
        from_inputs: Iterable[str] | None = None,
        to_outputs: Iterable[str] | None = None,
        namespaces: Iterable[str] | None = None,
    ) -> Result[Pipeline, KedroError]:
        """The registered pipelines named (default ``__default__``) combined, then filtered as
        ``run`` filters them: what a run with these arguments would execute (before pruning).
        """
        return select_pipeline(
            self._pipelines, pipeline_names=pipeline_names, tags=tags, node_names=node_names,
            from_nodes=from_nodes, to_nodes=to_nodes, from_inputs=from_inputs,
            to_outputs=to_outputs, namespaces=namespaces,
        )

    def registered_pipelines(self) -> Result[Mapping[str, Pipeline], KedroError]:
        """Every registered pipeline by name."""
        loaded = self._pipelines.registry(None)
        if not is_successful(loaded):
            return Failure(loaded.failure())
        registry = loaded.unwrap()
        return registry.select(registry.names()).alt(lambda error: error)

    # -- closing ---------------------------------------------------------------------------

    def close(self) -> Result[None, KedroError]:
        """Close the session (idempotent); saves the store when ``save_on_close``."""
        already_closed = self._state.is_closed
        self._state = close(self._state)
        if already_closed or not self.save_on_close:
            return Success(None)
        # A store written for Kedro returns None from save(); ours return an IOResult.
        saved: object = self._store.save()
        if not isinstance(saved, IOResult):
            return Success(None)
        outcome = to_result(saved)
        if not is_successful(outcome):
            return Failure(outcome.failure())
        return Success(None)

    # ``__enter__`` is AbstractSession's (returns the session); ``__exit__`` also records the
    # exception that ended the ``with`` block in the store and logs a store that failed to save.
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        if exc_type is not None and exc_value is not None:
            self._store["exception"] = _describe_exception(exc_type, exc_value, tb)
        closed = self.close()
        if not is_successful(closed):
            logger.warning("The session store could not be saved: %s", closed.failure())

