"""The service behind the HTTP routes: one MULTI-mode session, a bounded pool, run views.

Isolation by construction
-------------------------
Every request is one ``session.run(...)`` call of a ``RunMode.MULTI`` session created with
``serving_mode=True``: each run builds its own configuration loader (with the request's
runtime parameters), its own context and its own catalog, so no two requests share a mutable
object that a run writes to. What they do share is read-only after start-up: the project's
settings, the preloaded pipeline registry (pipelines are values) and the hook manager. The
session's lifecycle cell is replaced under a lock through the pure transitions of
:mod:`core.session_state`, and admission to the pool is the pure
:mod:`core.service.admission`.

Runtime parameters come from untrusted callers, so the session forces
``restrict_runtime_params_type_selection``: a request can never choose the class a dataset is
built from, and the request's ``runner`` can only name one of kedro-pure's runners.

Every run is recorded once in the session store with its request id (the session records a
request's run before anything can fail); the last :attr:`ServerConfig.results_kept` results
are also kept in memory so ``GET /runs/{run_id}`` can return the full response of a run
accepted with ``202``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core._version import __version__
from core.errors import DatasetError, KedroError, RunError, RunErrorReason
from core.pruning import PruneReport, prune_missing_outputs
from core.service.admission import Refusal
from core.service.models import (
    HealthResponse,
    PlanRequest,
    PlanResponse,
    RunFailure,
    RunRecordView,
    RunRequest,
    RunsPage,
    RunSuccess,
)
from core.service.outcomes import encode_outputs, error_detail
from core.session_state import RunMode
from core.store_records import StoredRun, to_plain_json
from shell.api import to_result
from shell.io.timestamp import generate_id
from shell.runners.progress import ProgressEvent, ProgressKind
from shell.runners.runner import AbstractRunner
from shell.secrets import scrub
from shell.server.pool import RunPool
from shell.session import KedroSession
from shell.store.history import list_runs
from shell.store.sqlite import store_file

__all__ = ["RunResponse", "ServerConfig", "Service"]

RunResponse = RunSuccess | RunFailure


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """How the service runs.

    Attributes:
        project_path: The project to serve.
        env: The configuration environment of every run.
        conf_source: The configuration folder (default ``<project>/conf``).
        workers: Runs executing at once.
        queue_limit: Admitted runs that may wait for a worker (default: ``workers``).
        grace: Seconds in-flight runs get to finish when the server stops.
        stop_timeout: Seconds a stopped run gets to reach its next node boundary.
        max_body_bytes: Largest request body accepted (larger: 413).
        results_kept: Finished runs' responses kept in memory for ``GET /runs/{run_id}``.
    """

    project_path: Path
    env: str | None = None
    conf_source: str | None = None
    workers: int = 4
    queue_limit: int | None = None
    grace: float = 30.0
    stop_timeout: float = 10.0
    max_body_bytes: int = 1024 * 1024
    results_kept: int = 1000


class Service:
    """The project served over HTTP. Build it with :meth:`open`; :meth:`close` it once."""

    def __init__(self, config: ServerConfig, session: KedroSession) -> None:
        self.config = config
        self.session = session
        self.pool = RunPool(config.workers, config.queue_limit)
        self._results: OrderedDict[str, RunResponse] = OrderedDict()
        self._requests: dict[str, str] = {}
        self._results_lock = threading.Lock()
        self._shutdown_began: float | None = None
        self._stop_timer: threading.Timer | None = None
        self._store_keeper = _hold_store_open(session.store_path)

    @classmethod
    def open(cls, config: ServerConfig) -> Result[Service, KedroError]:
        """Create the serving session (pipelines preloaded) and the pool."""
        created = KedroSession.create(
            config.project_path,
            env=config.env,
            conf_source=config.conf_source,
            mode=RunMode.MULTI,
            serving_mode=True,
        )
        return created.map(lambda session: cls(config, session))

    # -- runs ---------------------------------------------------------------------------------

    def submit(self, request: RunRequest, request_id: str) -> Result[tuple[str, Future[RunResponse]], Refusal]:
        """Admit a run of ``request`` to the pool; its future gives the response body."""
        run_id = generate_id()
        with self._results_lock:
            self._requests[run_id] = request_id
        submitted = self.pool.submit(run_id, lambda: self.execute(request, run_id, request_id))
        if isinstance(submitted, Failure):
            with self._results_lock:
                self._requests.pop(run_id, None)
            return Failure(submitted.failure())
        return Success((run_id, submitted.unwrap()))

    def execute(self, request: RunRequest, run_id: str, request_id: str) -> RunResponse:
        """Run ``request`` now, in this thread, and keep its response (a worker's job)."""
        began = time.perf_counter()
        outcome = self.session.run(
            pipeline_names=request.pipeline_names,
            tags=request.tags,
            runner=self._runner(request),
            node_names=request.node_names,
            from_nodes=request.from_nodes,
            to_nodes=request.to_nodes,
            from_inputs=request.from_inputs,
            to_outputs=request.to_outputs,
            load_versions=request.load_versions,
            namespaces=request.namespaces,
            only_missing_outputs=request.only_missing_outputs,
            runtime_params=request.params,
            run_id=run_id,
            request_id=request_id,
        )
        duration_ms = round((time.perf_counter() - began) * 1000, 2)
        response: RunResponse
        if is_successful(outcome):
            response = RunSuccess(
                run_id=run_id,
                duration_ms=duration_ms,
                request_id=request_id,
                outputs=encode_outputs(_loaded(outcome.unwrap())),
            )
        else:
            response = RunFailure(
                run_id=run_id,
                duration_ms=duration_ms,
                request_id=request_id,
                error=error_detail(outcome.failure(), scrub),
            )
        self._keep(run_id, response)
        if self._store_keeper is None:  # the store file exists once a run was recorded
            with self._results_lock:
                if self._store_keeper is None:
                    self._store_keeper = _hold_store_open(self.session.store_path)
        return response

    def _runner(self, request: RunRequest) -> AbstractRunner:
        pool = self.pool

        def stop_between_nodes(event: ProgressEvent) -> None:
            if event.kind is ProgressKind.STARTED:
                pool.check_stop()

        workers = request.runner_params.max_workers if request.runner_params else None
        if request.runner == "ThreadRunner":
            from shell.runners.thread import ThreadRunner

            return ThreadRunner(workers, request.is_async, progress=stop_between_nodes)
        if request.runner == "ParallelRunner":
            from shell.runners.parallel import ParallelRunner

            return ParallelRunner(workers, request.is_async, progress=stop_between_nodes)
        from shell.runners.sequential import SequentialRunner

        return SequentialRunner(request.is_async, progress=stop_between_nodes)

    def _keep(self, run_id: str, response: RunResponse) -> None:
        with self._results_lock:
            self._results[run_id] = response
            self._requests.pop(run_id, None)
            while len(self._results) > self.config.results_kept:
                self._results.popitem(last=False)

    # -- plan -----------------------------------------------------------------------------------

    def plan(self, request: PlanRequest) -> Result[PlanResponse, KedroError]:
        """Which nodes a run of ``request`` would execute, in which groups, and why."""
        from shell.cli.plan_cmd import render_plan
        from shell.io.snapshot import snapshot_catalog

        selected = self.session.select_pipeline(
            pipeline_names=request.pipeline_names,
            tags=request.tags,
            node_names=request.node_names,
            from_nodes=request.from_nodes,
            to_nodes=request.to_nodes,
            from_inputs=request.from_inputs,
            to_outputs=request.to_outputs,
            namespaces=request.namespaces,
        )
        if not is_successful(selected):
            return Failure(selected.failure())
        pipeline = selected.unwrap()
        report: PruneReport | None = None
        if request.only_missing_outputs:
            context = self.session.load_context_result(request.params or {})
            if not is_successful(context):
                return Failure(context.failure())
            catalog = context.unwrap().load_catalog(load_versions=request.load_versions)
            if not is_successful(catalog):
                return Failure(catalog.failure())
            snapshot = snapshot_catalog(catalog.unwrap(), pipeline)
            if not is_successful(snapshot):
                error = snapshot.failure()
                return Failure(RunError(RunErrorReason.DATASET, error.message, cause=error))
            report = prune_missing_outputs(pipeline, snapshot.unwrap())
        rendered = render_plan(pipeline, report, "json")
        return Success(PlanResponse.model_validate(rendered))

    # -- views ----------------------------------------------------------------------------------

    def health(self) -> HealthResponse:
        """Kedro's health body, with the pool's load."""
        state = self.pool.state
        return HealthResponse(
            status="unhealthy" if state.draining else "healthy",
            kedro_version=__version__,
            runs_in_flight=state.in_flight,
            capacity=state.capacity,
            draining=state.draining,
        )

    def run_view(self, run_id: str) -> Result[RunRecordView | None, KedroError]:
        """The run's live status, else its record (``None`` when this session has no such run)."""
        live = self.pool.state.status(run_id)
        with self._results_lock:
            result = self._results.get(run_id)
            request_id = self._requests.get(run_id)
        if live is not None:
            # Still in the pool: its record may already say how it ended, but its response is
            # not kept yet, so it is reported as running until both are there.
            return Success(RunRecordView(run_id=run_id, request_id=request_id, status=live))
        found = to_result(
            list_runs(self.session.store_path, self.session.session_id, run_id=run_id, limit=1)
        )
        if not is_successful(found):
            return Failure(found.failure())
        records = found.unwrap()
        return Success(_view(records[0], result) if records else None)

    def runs(self, limit: int) -> Result[RunsPage, KedroError]:
        """This session's recorded runs, newest first."""
        found = to_result(list_runs(self.session.store_path, self.session.session_id, limit=limit))
        if not is_successful(found):
            return Failure(found.failure())
        return Success(
            RunsPage(
                session_id=self.session.session_id,
                runs=[_view(run, None) for run in found.unwrap()],
            )
        )

    # -- lifecycle ------------------------------------------------------------------------------

    def begin_shutdown(self) -> None:
        """Admit no new run (503) and stop the runs still going ``grace`` seconds from now.

        Called from the signal handler (SIGINT/SIGTERM), so it only flips state and starts a
        timer; :meth:`close` does the waiting.
        """
        with self._results_lock:
            if self._shutdown_began is not None:
                return
            self._shutdown_began = time.monotonic()
        self.pool.drain()
        self._stop_timer = threading.Timer(self.config.grace, self.pool.stop)
        self._stop_timer.daemon = True
        self._stop_timer.start()

    def close(self) -> bool:
        """Let in-flight runs finish within the grace period, stop the rest, close the session.

        Returns:
            Whether every run ended (finished, or stopped and recorded as interrupted). A node
            still running ``stop_timeout`` seconds after the stop is abandoned with its thread;
            its run stays ``running`` in the store.
        """
        self.begin_shutdown()
        began = self._shutdown_began if self._shutdown_began is not None else time.monotonic()
        grace_left = max(0.0, self.config.grace - (time.monotonic() - began))
        ended = self.pool.shutdown(grace_left, self.config.stop_timeout)
        if self._stop_timer is not None:
            self._stop_timer.cancel()
        self.session.close()
        if self._store_keeper is not None:
            self._store_keeper.close()
        return ended


def _hold_store_open(store_path: str) -> sqlite3.Connection | None:
    """A connection kept open to the SQLite session store for the service's lifetime.

    The store opens a connection per record and closes it; when the last connection to a WAL
    database closes, SQLite checkpoints the log and syncs the file, several milliseconds per
    record. With this one open (and having read the file, so it holds the WAL index) no
    record's close is the last. ``None`` when the store is not SQLite or cannot be opened
    (then records simply cost more).
    """
    file = store_file(store_path)
    if not file.is_file():
        return None
    try:
        keeper = sqlite3.connect(file, check_same_thread=False)
        keeper.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except sqlite3.Error:
        return None
    return keeper


def _loaded(datasets: Mapping[str, object]) -> dict[str, object]:
    values: dict[str, object] = {}
    for name, dataset in datasets.items():
        load = getattr(dataset, "load", None)
        if load is None:
            continue
        try:
            values[name] = load()
        except DatasetError as error:
            values[name] = f"<not loadable: {error.message}>"
    return values


def _view(run: StoredRun, result: RunResponse | None) -> RunRecordView:
    parameters = to_plain_json(run.parameters)
    request_id = parameters.get("request_id") if isinstance(parameters, dict) else None
    return RunRecordView(
        run_id=run.run_id,
        request_id=request_id if isinstance(request_id, str) else None,
        status=run.outcome.value,
        error=run.error,
        started_at=run.started_at.isoformat(),
        finished_at=run.finished_at.isoformat() if run.finished_at else None,
        parameters=parameters,
        result=result,
    )
