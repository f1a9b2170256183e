"""``DaskRunner``: node functions run as tasks on a ``dask.distributed`` cluster.

Needs the optional extra ``dask`` (``pip install 'kedro-pure[dask]'``). This module imports
Dask only when a runner is built, so :mod:`shell.runners` works without it.

Design
------
The driver (this process) drives :mod:`core.scheduler` like every other runner: it submits
the nodes the scheduler says are ready, records completions and failures, and releases what
the scheduler says is releasable. Dask never sees the pipeline's graph; it runs one task per
node, submitted once the node's parents have completed.

* **Inputs.** For a ready node the driver loads, through the catalog and with the dataset
  hooks, the inputs the catalog holds (free inputs, parameters, persisted datasets), and
  takes the *Dask futures* of the in-memory intermediates produced earlier in the run. The
  function is submitted with ``client.submit`` and those futures as arguments, so the task
  depends on them and intermediate data goes from worker to worker, never through here.
* **Outputs.** An output stays in the cluster (as a future) when the catalog would have put
  it in a plain ``MemoryDataset`` and it is not a free output of the pipeline. An output
  whose dataset can cross processes (it pickles, is not memory or single-process) is saved
  by a task in the cluster, next to its data, when no hook needs the data: the bytes a
  sequential run writes, not those of a copy re-pickled here (the record is the catalog's,
  made here; see :mod:`shell.runners.worker_io`). Every other output (memory-like or
  unpicklable datasets, or any output when a save or node hook is registered) is gathered
  and saved by the driver through the catalog, firing the save hooks. The scheduler's release decisions
  cover both: a released intermediate's future is dropped, and the cluster frees its data.
* **Hooks run in the driver**, with data, never futures. A node's in-cluster inputs are
  gathered when ``after_dataset_loaded``, ``before_node_run`` or ``after_node_run`` has an
  implementation; its in-cluster outputs when ``after_node_run``, ``before_dataset_saved``
  or ``after_dataset_saved`` has one; ``on_node_error`` gathers the failing node's inputs
  only when it fires. With none of those registered, intermediates never leave the
  cluster. Replacement inputs returned by ``before_node_run`` are sent with the task.
* **Copies.** A ``MemoryDataset`` gives every reader its own copy (per its copy mode); the
  worker does the same for in-cluster inputs before calling the function, so a node that
  mutates its input cannot change what another node reads.
* **Generator nodes** (functions that ``yield``): the worker collects the chunks and the
  driver saves them chunk by chunk through the catalog, as the other runners do; their
  outputs are never kept in the cluster. A function that returns a generator without being
  a generator function (e.g. a decorator hiding ``yield`` without ``functools.wraps``)
  fails its node with a message saying so.
* **Failures.** A node that raises fires ``on_node_error`` (here) and fails the run: nothing
  new is submitted, nodes in flight finish and are recorded (their saved outputs stay
  saved), and the ``RunError`` carries the resume plan. A worker that dies running a node
  (Dask's ``KilledWorker``) fails that node with ``WORKER_DIED``, and so does a task Dask
  cancels (the cluster went away); the runner never waits on a task that cannot finish.
  The runner's own cluster never retries a task whose worker died (Kedro never retries);
  on a cluster you pass in, Dask's ``allowed-failures`` retries happen first.
* **Time limits** (``node_timeout``, ``timeout-SECONDS`` tags): a node still running past
  its limit, counted from when its worker starts it, fails with ``RunError(TIMEOUT)`` and
  the resume plan, as under the other runners. On the runner's own cluster its worker is
  retired (its data and queued tasks move to another worker) and killed; on a cluster you
  pass in, only the task is cancelled: its thread runs on until the function returns, and
  the run's tasks not started yet are cancelled too (see :mod:`shell.runners.dask_timeouts`).
* **The cluster**: ``client`` if given (left open), else ``Client(address)`` (closed at the
  end), else a ``LocalCluster`` of two single-threaded worker processes made for the run
  and closed at the end. Functions and data are pickled with cloudpickle (lambdas work);
  workers must be able to import kedro-pure and the project's modules.

Differences from the in-process runners, inherent to keeping data in the cluster: after a
*failed* run the in-cluster intermediates are not in the catalog's memory datasets (the
resume plan is unaffected: it counts persisted datasets only); and if a worker holding an
intermediate dies, Dask may recompute it by running its node's function again, without
hooks.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import RunError, RunErrorReason
from core.scheduler import Progress, mark_failed, mark_submitted, next_ready, progress, start
from shell import log_names
from shell.runners.dask_client import _Client
from shell.runners.dask_driver import _Driver, _Flight
from shell.runners.dask_timeouts import Limits, reporting_starts, stop_task
from shell.runners.progress import ProgressCallback, ProgressEvent, ProgressKind
from shell.runners.runner import AbstractRunner, RunContext, _completed, _failed, _stuck

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["DaskRunner"]

_MISSING_EXTRA = (
    "DaskRunner needs 'dask.distributed', which is not installed. Install the optional "
    "extra: pip install 'kedro-pure[dask]'"
)


def _distributed() -> ModuleType:
    """``dask.distributed``, or an ImportError naming the extra to install."""
    try:
        import distributed
    except ImportError as exc:
        raise ImportError(_MISSING_EXTRA) from exc
    return distributed



def _drive(
    context: RunContext,
    driver: _Driver,
    client: _Client,
    distributed: ModuleType,
    limits: Limits | None = None,
    cluster: object | None = None,
) -> Result[None, RunError]:
    """The loop over the core scheduler (the same shape as ``drive_concurrently``).

    With ``limits``, a node past its time limit is stopped (:func:`stop_task`; ``cluster``
    is the runner's own, whose stuck worker may be killed) and fails with ``TIMEOUT``.
    """
    s = start(context.pipeline)
    done: list[str] = []
    total = len(context.pipeline.nodes)
    by_name = context.pipeline.graph.by_name
    running: dict[str, _Flight] = {}
    first_error: RunError | None = None

    def failed(name: str) -> None:
        nonlocal s
        s = mark_failed(s, name)
        context.progress(ProgressEvent(ProgressKind.FAILED, name, len(done), total))

    try:
        while True:
            while first_error is None and (name := next_ready(s)) is not None:
                s = mark_submitted(s, name)
                context.progress(ProgressEvent(ProgressKind.STARTED, name, len(done), total))
                launched = driver.launch(by_name[name])
                if is_successful(launched):
                    flight = launched.unwrap()
                    running[flight.task.key] = flight
                else:
                    failed(name)
                    first_error = launched.failure()
            if limits is not None:
                for flight, error in _stop_overdue(driver, client, limits, running, cluster):
                    failed(flight.node.name)
                    first_error = first_error or error
            if not running:
                break
            waited = limits.wait_at_most(running.values(), time.monotonic()) if limits else None
            try:
                finished = distributed.wait(
                    [f.task for f in running.values()], timeout=waited, return_when="FIRST_COMPLETED"
                ).done
            except TimeoutError:  # a time limit may have run out: look again
                continue
            keys = {f.key for f in finished}
            for key in [k for k in running if k in keys]:
                flight = running.pop(key)
                name = flight.node.name
                outcome = driver.settle(flight)
                if is_successful(outcome):
                    s, released = _completed(context, s, name, done)
                    driver.release(released)
                else:
                    failed(name)
                    first_error = first_error or outcome.failure()
    except KeyboardInterrupt:
        client.cancel([f.task for f in running.values()])
        raise
    finally:
        driver.close()
    if first_error is not None:
        return _failed(context, first_error, done)
    if progress(s) is Progress.STUCK:
        return Failure(_stuck(s, done))
    return Success(None)


def _stop_overdue(
    driver: _Driver, client: _Client, limits: Limits, running: dict[str, _Flight], cluster: object | None
) -> list[tuple[_Flight, RunError | None]]:
    """Stop (and drop from ``running``) the nodes past their limit: each with its
    ``TIMEOUT`` error. On a cluster the runner does not own, the nodes not started yet are
    cancelled too (``None``: no error of their own), as they may wait behind the stuck thread."""
    overdue = limits.overdue(list(running.values()), time.monotonic())
    stopped: list[tuple[_Flight, RunError | None]] = []
    for flight, seconds, where in overdue:
        del running[flight.task.key]
        stop_task(client, flight.task, where, cluster)
        stopped.append((flight, driver.timed_out(flight, seconds)))
    if overdue and cluster is None:
        waiting = [f for f in running.values() if limits.starts.of(f.task.key) is None]
        if waiting:
            client.cancel([f.task for f in waiting])
        for flight in waiting:
            del running[flight.task.key]
            stopped.append((flight, None))
    return stopped


class DaskRunner(AbstractRunner):
    """Runs node functions as tasks on a Dask cluster; data I/O and hooks stay here.

    See the module docstring for the design.

    Args:
        client: a connected ``distributed.Client`` to use (left open after the run).
        address: the address of a Dask scheduler to connect to for each run.
        is_async: load a node's catalog inputs and save its outputs concurrently in threads.
        progress: optional progress callback.

    Raises:
        ImportError: ``dask.distributed`` is not installed (extra ``kedro-pure[dask]``).
        ValueError: both ``client`` and ``address`` are given.
    """

    logger_name = log_names.RUNNER_DASK

    def __init__(
        self,
        client: Client | None = None,
        address: str | None = None,
        *,
        is_async: bool = False,
        progress: ProgressCallback | None = None,
    ) -> None:
        _distributed()
        if client is not None and address is not None:
            raise ValueError("Give DaskRunner a client or an address, not both.")
        super().__init__(is_async=is_async, progress=progress)
        self._client = client
        self._address = address

    def __repr__(self) -> str:
        where = f"address={self._address!r}, " if self._address is not None else ""
        return f"DaskRunner({where}is_async={self.is_async})"

    def _run(self, context: RunContext) -> Result[None, RunError]:
        distributed = _distributed()
        if self._client is not None:
            return self._run_on(context, cast(_Client, self._client), None, distributed)
        connected = self._connect(distributed)
        if not is_successful(connected):
            return Failure(connected.failure())
        cluster, client = connected.unwrap()
        try:
            return self._run_on(context, client, cluster, distributed)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    def _run_on(
        self, context: RunContext, client: _Client, cluster: object | None, distributed: ModuleType
    ) -> Result[None, RunError]:
        """Drive the run on ``client``'s cluster (``cluster``: the runner's own, if it is)."""
        from shell.runners.dask_logs import forward_node_records

        timed = any(self.timeout_for(n) is not None for n in context.pipeline.nodes)
        with ExitStack() as stack:
            stack.enter_context(forward_node_records(client))
            limits = None
            if timed:
                limits = Limits(stack.enter_context(reporting_starts(client)), self.timeout_for)
            driver = _Driver(
                context, client, distributed, start_topic=limits.starts.topic if limits else None
            )
            return _drive(context, driver, client, distributed, limits, cluster)

    def _connect(self, distributed: ModuleType) -> Result[tuple[Any, _Client], RunError]:
        """A client of ``address``, or of a local cluster made for this run (and the cluster)."""
        try:
            if self._address is not None:
                return Success((None, cast(_Client, distributed.Client(self._address))))
            import dask

            # Kedro never retries a node: a task whose worker died fails at once. The HTTP
            # dashboard takes any free port (``None`` still binds 8787, and warns when
            # taken) on the loopback interface only: a run's cluster is nobody else's
            # business (":0" alone would serve it on every interface).
            with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
                cluster = distributed.LocalCluster(
                    n_workers=2,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:0",
                )
            return Success((cluster, cast(_Client, distributed.Client(cluster))))
        except OSError as exc:  # includes TimeoutError: no scheduler answered in time
            where = self._address or "a local cluster"
            return Failure(
                RunError(
                    RunErrorReason.INVALID_RUNNER,
                    f"DaskRunner could not connect to the Dask scheduler at {where}: "
                    f"{type(exc).__name__}: {exc}",
                    cause=exc,
                )
            )
