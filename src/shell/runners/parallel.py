"""``ParallelRunner``: node functions run in worker processes; data and hooks stay here.

Design (a deliberate departure from Kedro's, with the same results):

* Hooks fire in the driver process, where their side effects are visible, and no catalog is
  pickled per task (Kedro unpickles the whole catalog for every task).
* Where no hook needs a node's data before its outputs are saved, the node's *persistent*
  datasets that can cross processes go to the worker, which loads those inputs, calls the
  function and saves those outputs itself (:mod:`shell.runners.worker_io`): the files hold the
  bytes a sequential run writes, and large loads run in parallel in the workers. Memory data
  and parameters are loaded and saved by the driver, and so is everything of a dataset that
  cannot be pickled or is single-process (a cache), which therefore still works.
* Otherwise (such a hook is registered) the driver loads a node's inputs (firing the dataset
  hooks), sends the function and its arguments to a worker, receives the returned values,
  and saves them (firing the hooks again), as the in-process runners do.
* What must cross process boundaries is each node's function and the data it reads and
  returns. Before any node runs, every node function is checked to pickle, and all
  offenders are reported in one ``Failure``. Data that turns out not to pickle fails its
  node with an error naming the node.
* A worker that dies (killed, segfault) breaks the pool: the node it ran fails with
  ``RunErrorReason.WORKER_DIED`` (if other nodes were running, all of them fail, and the
  message names every one, since which worker died is not known), nothing new is
  submitted, and the run ends; it never hangs (every worker is started before the first
  node, see :func:`shell.runners.worker_pool.start_every_worker`).
* The call is pickled in the driver and unpickled in the worker by the task itself, so a
  function whose module the worker cannot import fails its node instead of the pool.

Each in-flight node is driven by one driver thread that loads its inputs, waits for a worker
and saves its outputs. There are :data:`DRIVERS_PER_WORKER` driver threads per worker
process, so while the workers compute, other ready nodes already load their inputs and
finished ones save theirs: dataset I/O overlaps computation, bounded (at most that many nodes
hold loaded data at once), instead of a node's loads waiting for a worker to be free.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from returns.result import Failure, Result, Success

from core.errors import RunError, RunErrorReason
from core.node import Node
from core.node_call import CallArguments
from core.pipeline import Pipeline
from shell import log_names
from shell.io.catalog import DataCatalog
from shell.runners import worker_logs, worker_path, worker_pool
from shell.runners.progress import ProgressCallback
from shell.runners.runner import (
    SYNC_NOTE,
    AbstractRunner,
    RunContext,
    drive_concurrently,
    required_workers,
)
from shell.runners.task import WorkerDied
from shell.runners.timeouts import NodeTimedOut, TimeoutFor
from shell.runners.worker_io import WorkerIO
from shell.runners.worker_job import Returned
from shell.runners.worker_pool import (
    keep_go,
    start_every_worker,
    start_method,
    stop_workers,
)
from shell.runners.workers import validate_max_workers

# multiprocessing and the process pool are imported where they are used: importing them costs
# more than the rest of the runners, and every session imports this module.
if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

__all__ = ["DRIVERS_PER_WORKER", "ParallelRunner"]

#: Driver threads per worker process (see the module docstring).
DRIVERS_PER_WORKER = 2

@dataclass(frozen=True, slots=True)
class _Chunks:
    """A generator's chunks, materialised in the worker (generators do not pickle)."""

    values: tuple[object, ...]


def _invoke(payload: bytes) -> Returned:
    """Run in the worker: unpickle the call, make it, and materialise a returned generator.

    The call arrives pickled by the driver, so a function that cannot be *unpickled* here
    (its module does not import in a fresh process) raises like any node error instead of
    crashing the worker and breaking the pool for every other node.
    """
    with worker_logs.collected() as records:
        try:
            func, args, kwargs = pickle.loads(payload)
            assert callable(func)
            returned = func(*args, **kwargs)
            if isinstance(returned, Iterator) and hasattr(returned, "gi_frame"):
                returned = _Chunks(tuple(returned))
        except BaseException as exc:
            worker_logs.attach_records(exc, records)
            raise
        return Returned(tuple(records), returned)


def _replay(chunks: _Chunks) -> Iterator[object]:
    yield from chunks.values


def _cannot_send(node: Node, exc: BaseException) -> TypeError:
    return TypeError(
        f"the data of node '{node.name}' cannot be sent between processes: {exc}. "
        "Use ThreadRunner or SequentialRunner for nodes whose inputs or outputs "
        "cannot be pickled."
    )


class _ProcessCall:
    """The call strategy: run the function in ``pool`` and wait for it."""

    def __init__(
        self, pool: ProcessPoolExecutor, timeout_for: TimeoutFor | None = None, *, slots: int | None = None
    ) -> None:
        self._pool = pool
        self._timeout_for = timeout_for
        #: With time limits, at most ``slots`` (the workers) tasks are in the pool at once: a
        #: task queued there behind a busy worker would spend its node's time waiting.
        self._slots = threading.BoundedSemaphore(slots) if slots is not None else None
        self._lock = threading.Lock()
        self._running: set[str] = set()
        #: the nodes that were running when the pool broke (fixed by the first to notice)
        self._suspects: tuple[str, ...] | None = None

    def __call__(self, node: Node, arguments: CallArguments) -> object:
        from multiprocessing.reduction import ForkingPickler

        try:
            payload = ForkingPickler.dumps((node.func, arguments.args, dict(arguments.kwargs)))
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            raise _cannot_send(node, exc) from exc
        returned = self.submit(node, _invoke, bytes(payload))
        return _replay(returned) if isinstance(returned, _Chunks) else returned

    def submit(self, node: Node, task: Callable[[bytes], Returned], payload: bytes) -> object:
        """Run ``task(payload)`` in the pool for ``node``: its value, once the records it made
        are replayed here; a dead worker, a timeout or data that cannot come back raised as
        the runners expect, the node's own exception as it was raised."""
        from concurrent.futures.process import BrokenProcessPool

        seconds = self._timeout_for(node) if self._timeout_for is not None else None
        if self._slots is not None:
            self._slots.acquire()
        with self._lock:
            self._running.add(node.name)
        try:
            outcome = self._pool.submit(task, payload).result(timeout=seconds)
        except FutureTimeout:
            # A stuck worker can only be stopped by killing it; which process runs this node
            # is not known, so the pool's workers go (nodes running beside it fail too).
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                process.kill()
            raise NodeTimedOut(node.name, seconds or 0.0) from None
        except BrokenProcessPool as exc:
            raise WorkerDied(self._died(node)) from exc
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            worker_logs.replay(worker_logs.records_of(exc))
            if _is_pickling_problem(exc):
                raise _cannot_send(node, exc) from exc
            raise
        except Exception as exc:  # the node's own error: its records first, then the error
            worker_logs.replay(worker_logs.records_of(exc))
            raise
        finally:
            if self._slots is not None:
                self._slots.release()
            with self._lock:
                self._running.discard(node.name)
        assert isinstance(outcome, Returned)
        worker_logs.replay(outcome.records)
        return outcome.value

    def _died(self, node: Node) -> str:
        # A broken pool fails every node in flight at once, and which worker died first is
        # not known: naming only this node could blame an innocent one.
        with self._lock:
            if self._suspects is None:
                self._suspects = tuple(sorted(self._running))
            suspects = self._suspects
        if suspects == (node.name,):
            return (
                f"the worker process running node '{node.name}' died (killed or crashed) "
                "before the node finished; no further node was started"
            )
        shown = ", ".join(f"'{name}'" for name in suspects)
        return (
            f"a worker process died (killed or crashed) while nodes {shown} were running, "
            f"so node '{node.name}' did not finish; the one that crashed is one of those; "
            "no further node was started"
        )


def _is_pickling_problem(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, pickle.PicklingError) or "pickle" in text or "serializ" in text


def _unpicklable_nodes(pipeline: Pipeline) -> list[Node]:
    from multiprocessing.reduction import ForkingPickler

    offenders = []
    for node in pipeline.nodes:
        try:
            ForkingPickler.dumps(node.func)
        except (pickle.PicklingError, AttributeError, TypeError):
            offenders.append(node)
    return offenders


def _node_modules(pipeline: Pipeline) -> list[str]:
    """The modules defining the pipeline's node functions (sorted, each once)."""
    found = {getattr(n.func, "__module__", None) for n in pipeline.nodes}
    return sorted(m for m in found if isinstance(m, str) and m not in ("__main__", "builtins"))


class ParallelRunner(AbstractRunner):
    """Runs node functions concurrently in worker processes (good for CPU-bound nodes).

    Args:
        max_workers: at most this many worker processes (default: one per CPU); never more
            than the pipeline can use (Kedro's rule).
        is_async: load inputs and save outputs of each node concurrently in threads.
        progress: optional progress callback.

    Raises:
        ValueError: ``max_workers`` is not positive.
    """

    logger_name = log_names.RUNNER_PARALLEL

    def __init__(
        self,
        max_workers: int | None = None,
        is_async: bool = False,
        *,
        progress: ProgressCallback | None = None,
    ) -> None:
        super().__init__(is_async=is_async, progress=progress)
        self._max_workers = validate_max_workers(max_workers)

    def __repr__(self) -> str:
        return f"ParallelRunner(max_workers={self._max_workers}, is_async={self.is_async})"

    def _validate(self, pipeline: Pipeline, catalog: DataCatalog) -> Result[None, RunError]:
        del catalog
        offenders = _unpicklable_nodes(pipeline)
        if not offenders:
            return Success(None)
        # Kedro prints the sorted list of nodes itself (reprs without extra quotes).
        shown = "[" + ", ".join(repr(n) for n in sorted(offenders)) + "]"
        return Failure(
            RunError(
                RunErrorReason.NOT_SERIALISABLE,
                f"The following nodes cannot be serialised: {shown}\nIn order to utilize "
                "multiprocessing you need to make sure all nodes are serialisable, i.e. nodes "
                "should not include lambda functions, nested functions, closures, etc.\nIf you "
                "are using custom decorators ensure they are correctly decorated using "
                "functools.wraps().",
                node=", ".join(sorted(n.name for n in offenders)),
            )
        )

    def _run(self, context: RunContext) -> Result[None, RunError]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

        if not self.is_async:
            self._logger.info(SYNC_NOTE)
        workers = required_workers(context.pipeline, self._max_workers)
        method = start_method()
        mp_context = multiprocessing.get_context(method)
        if method == "forkserver":
            # Workers are forked from the fork server: importing kedro-pure and the modules of
            # the node functions there once (next to the main module, which multiprocessing
            # preloads by default) spares every worker of every run from importing them again
            # (pandas, scikit-learn... take seconds, on the critical path of the first nodes).
            # The fork server gets the driver's sys.path through shell.runners.worker_path
            # (imported first); a module it cannot import is skipped there and imported by the
            # worker as before. This takes effect when the fork server starts, and replaces any
            # preload list set before that.
            os.environ[worker_path.PATH_VARIABLE] = worker_path.driver_path()
            mp_context.set_forkserver_preload(
                [worker_path.__name__, "__main__", __name__, worker_pool.__name__, *_node_modules(context.pipeline)]
            )
        go = mp_context.Event()
        with (
            ProcessPoolExecutor(
                max_workers=workers, mp_context=mp_context, initializer=keep_go,
                initargs=(go, worker_logs.driver_levels(), os.getpid()),
            ) as processes,
            ThreadPoolExecutor(
                max_workers=min(len(context.pipeline.nodes), workers * DRIVERS_PER_WORKER) or 1,
                thread_name_prefix="kedro-pure-driver",
            ) as drivers,
        ):
            try:
                started = start_every_worker(processes, workers, go)
            except KeyboardInterrupt:
                stop_workers(processes)  # interrupted while starting: nothing ran yet
                raise
            if started is not None:
                return Failure(started)
            timed = any(self.timeout_for(n) is not None for n in context.pipeline.nodes)
            process_call = _ProcessCall(processes, self.timeout_for, slots=workers if timed else None)
            return drive_concurrently(
                replace(context, call=process_call),
                drivers,
                on_interrupt=lambda: stop_workers(processes),
                run_one=WorkerIO(context.run_tools(), process_call.submit, process_call),
            )
