"""``ParallelRunner``: a node's file datasets are loaded and saved in the worker that runs it.

The driver-owned design (:mod:`shell.runners.parallel`) pickles every output back to the
driver, which saves it. An object that does not pickle to the same bytes after a round trip
(a scikit-learn estimator, a plotly figure) was then written with other bytes than a
sequential run writes, and large inputs were read by the driver, one thread at a time,
while workers waited. So, where nothing in the driver needs the data, a node's *persistent*
datasets travel to the worker instead of their data: the worker loads those inputs, calls the
function, and saves those outputs itself, as Kedro's ``ParallelRunner`` does and with the bytes
a sequential run writes. What stays in the driver:

* **Memory data.** Memory, shared-memory and cached datasets (``_EPHEMERAL`` or
  ``_SINGLE_PROCESS``), parameters, datasets that do not pickle, and every dataset of a catalog
  that overrides ``load``/``save``: the driver loads them and sends the data, and saves what
  the node returns for them, as before.
* **Hooks.** A run uses this path only when no hook that is given a node's data *before* its
  outputs are saved has an implementation (``before/after_dataset_loaded``,
  ``before_node_run``, ``after_node_run``, ``before_dataset_saved``): those hooks keep the
  driver-owned path and see what they saw before. ``after_dataset_saved`` fires in the
  driver, in output order, with the saved data sent back (only when it has an
  implementation), once the node's saves are done. ``on_node_error`` fires in the driver as
  before, with the node's inputs: the data the driver sent, and the worker-loaded inputs
  loaded again here (only when it has an implementation and the node failed).
* **Records.** The worker makes the node's records in a sequential run's order: ``Loading
  data from ...`` for each input (also for the data the driver sent), ``Running node: ...``,
  the function's own, then ``Saving data to ...`` for each output; the driver replays them
  (:mod:`shell.runners.worker_logs`) and loads and saves its memory data without a record of
  its own, so the records are those of the driver-owned path, in the same order.
* **Versions.** The dataset objects are pickled per node, so a worker loads the version that
  exists when the node starts and saves under the catalog's save version; afterwards the
  driver's own object forgets its cached versions and listings, as a save in the driver
  would have made it, so later loads and the run journal (which records a node after its
  saves) see the new version.

Anything that stops a node before it reaches the worker (data that does not pickle, a memory
load that fails) runs that node on the driver-owned path instead, which reports it as before.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable

from pluggy import PluginManager
from returns.pipeline import is_successful
from returns.result import Failure, Result

from core.errors import DatasetErrorReason, RunError, RunErrorReason
from core.node import Node
from shell import log_names
from shell.hooks.manager import HookManager, _NullPluginManager
from shell.io.catalog import DataCatalog
from shell.io.contract import DatasetLike, is_ephemeral, is_single_process
from shell.io.dataset_boundary import operation_failed
from shell.runners.node_io import dataset_failure
from shell.runners.run_tools import NodeAbort, RunTools
from shell.runners.task import (
    _DONE,
    NodeCall,
    WorkerDied,
    _node_error,
    _save_chunks,
    _streams,
    run_node,
)
from shell.runners.timeouts import NodeTimedOut
from shell.runners.worker_job import (
    Given,
    Job,
    Load,
    Performed,
    Returned,
    perform,
)

__all__ = ["DRIVER_HOOKS", "WorkerIO", "crosses_processes", "forget_versions", "implemented"]

_LOGGER = logging.getLogger(log_names.CATALOG)

#: Hooks given a node's data before its outputs are saved: with any implemented, the driver
#: keeps every load and save (see the module docstring).
DRIVER_HOOKS = (
    "before_dataset_loaded",
    "after_dataset_loaded",
    "before_node_run",
    "after_node_run",
    "before_dataset_saved",
)


#: Submits a task to the pool for ``node`` and returns its value (records replayed, the
#: node's own exception raised, a dead worker or a timeout raised as the runners expect).
Submit = Callable[[Node, Callable[[bytes], Returned], bytes], object]


def implemented(hooks: object, name: str) -> bool:
    """Whether hook ``name`` has an implementation when the run starts (a foreign manager:
    assume it has)."""
    if isinstance(hooks, _NullPluginManager):
        return False
    if isinstance(hooks, PluginManager):
        caller = getattr(hooks.hook, name, None)
        return caller is None or bool(caller.get_hookimpls())
    return True


def crosses_processes(dataset: DatasetLike) -> bool:
    """Whether a worker can load and save ``dataset`` itself (a persistent dataset that pickles)."""
    from multiprocessing.reduction import ForkingPickler

    if is_ephemeral(dataset) or is_single_process(dataset):
        return False
    try:
        ForkingPickler.dumps(dataset)
    except Exception:  # a dataset's own pickling may raise anything: it stays here
        return False
    return True


class WorkerIO:
    """Runs nodes with their persistent datasets' loads and saves in the worker.

    Args:
        tools: the run's tools (resolved datasets, hooks with implementations).
        submit: how a task runs in the pool (see :data:`Submit`).
        node_call: the driver-owned call strategy, for nodes that stay on that path.
    """

    def __init__(self, tools: RunTools, submit: Submit, node_call: NodeCall) -> None:
        self._submit = submit
        self._node_call = node_call
        self._send_saved = implemented(tools.hooks, "after_dataset_saved")
        self._error_hook = implemented(tools.hooks, "on_node_error")
        usable = bool(tools.datasets) and not any(implemented(tools.hooks, h) for h in DRIVER_HOOKS)
        self._crossing: frozenset[str] = frozenset(
            name for name, dataset in tools.datasets.items() if usable and crosses_processes(dataset)
        )

    @property
    def crossing(self) -> frozenset[str]:
        """The datasets workers load and save themselves."""
        return self._crossing

    def __call__(
        self,
        node: Node,
        catalog: DataCatalog,
        hooks: HookManager,
        *,
        is_async: bool,
        run_id: str | None,
        call: NodeCall,
        tools: RunTools | None = None,
    ) -> Result[None, RunError]:
        """:func:`~shell.runners.task.run_node`'s signature and result."""
        del call
        tools = tools or RunTools.of(catalog, hooks)
        known = tools.datasets
        driver_owned = (
            (self._crossing.isdisjoint(node.inputs) and self._crossing.isdisjoint(node.outputs))
            # a dataset the run does not use directly (one with a validator) goes through the catalog
            or not all(name in known for name in (*node.inputs, *node.outputs))
            or inspect.isgeneratorfunction(inspect.unwrap(node.func))
        )
        job = None if driver_owned else self._job(node, tools)
        if job is None:
            return run_node(
                node, catalog, hooks, is_async=is_async, run_id=run_id, call=self._node_call, tools=tools
            )
        from multiprocessing.reduction import ForkingPickler

        try:
            payload = bytes(ForkingPickler.dumps(job))
        except Exception:  # data that does not pickle: the driver-owned path says so
            return run_node(
                node, catalog, hooks, is_async=is_async, run_id=run_id, call=self._node_call, tools=tools
            )
        try:
            self._finish(node, tools, is_async, run_id, job, payload)
        except NodeAbort as abort:
            return Failure(abort.error)
        return _DONE

    def _job(self, node: Node, tools: RunTools) -> Job | None:
        """The node's job, or ``None`` when a memory input does not load (the driver-owned
        path then reports it with the records it makes)."""
        inputs: list[Load | Given] = []
        for name in node.inputs:
            dataset = tools.datasets[name]
            if name in self._crossing:
                inputs.append(Load(name, dataset))
                continue
            try:
                data = dataset.load()
            except Exception:  # the dataset boundary: reported by the other path
                return None
            inputs.append(Given(name, type(dataset).__name__, data))
        outputs = {
            name: (tools.datasets[name] if name in self._crossing else type(tools.datasets[name]).__name__)
            for name in node.outputs
        }
        return Job(node, tuple(inputs), outputs, self._send_saved)

    def _error_inputs(self, job: Job, tools: RunTools) -> dict[str, object]:
        """What ``on_node_error`` receives as the failed node's inputs (module docstring)."""
        if not self._error_hook:
            return {}
        inputs: dict[str, object] = {}
        for item in job.inputs:
            if isinstance(item, Given):
                inputs[item.name] = item.data
                continue
            try:
                inputs[item.name] = tools.datasets[item.name].load()
            except Exception:  # the dataset boundary: the hook sees the inputs that load
                continue
        return inputs

    def _finish(
        self, node: Node, tools: RunTools, is_async: bool, run_id: str | None, job: Job, payload: bytes
    ) -> None:
        hooks, catalog = tools.hooks, tools.catalog

        def failed(exc: BaseException, reason: RunErrorReason = RunErrorReason.NODE_FAILED) -> NodeAbort:
            inputs = self._error_inputs(job, tools)
            return NodeAbort(
                _node_error(node, exc, hooks, catalog, inputs, is_async=is_async, run_id=run_id, reason=reason)
            )

        try:
            performed = self._submit(node, perform, payload)
        except WorkerDied as died:
            raise failed(died, RunErrorReason.WORKER_DIED) from None
        except NodeTimedOut as late:
            raise failed(late, RunErrorReason.TIMEOUT) from None
        except Exception as exc:  # the task boundary: the user's function may raise anything
            raise failed(exc) from None
        assert isinstance(performed, Performed)
        if performed.mismatch is not None:
            raise failed(ValueError(performed.mismatch))
        if performed.chunks is not None:
            streams = _streams(node, iter(performed.chunks))
            if not is_successful(streams):
                raise failed(ValueError(streams.failure().message))
            saved = _save_chunks(node, streams.unwrap(), catalog, hooks)
            if not is_successful(saved):
                raise NodeAbort(saved.failure())
            return
        for name in node.outputs:
            if name in self._crossing:
                forget_versions(tools.datasets[name])
        for name, data in performed.kept.items():
            if name not in self._crossing:
                _save_quietly(node, name, tools.datasets[name], data)
        if performed.problem is not None:
            raise NodeAbort(dataset_failure(node, performed.problem.error()))
        if self._send_saved:
            for name in node.outputs:
                hooks.hook.after_dataset_saved(dataset_name=name, data=performed.kept[name], node=node)
        for name in node.confirms:
            confirmed = catalog.confirm(name)
            if not is_successful(confirmed):
                raise NodeAbort(dataset_failure(node, confirmed.failure()))


def _save_quietly(node: Node, name: str, dataset: DatasetLike, data: object) -> None:
    """Save memory data the worker sent back (its record was made there, in order)."""
    try:
        dataset.save(data)
    except Exception as exc:  # the dataset boundary
        error = operation_failed(name, dataset, exc, DatasetErrorReason.SAVE, "Failed while saving data to dataset")
        raise NodeAbort(dataset_failure(node, error)) from None


def forget_versions(dataset: object) -> None:
    """What a save in this process would have done to the driver's object: drop its cached
    load/save versions and file listings (Kedro's and kedro-pure's versioned datasets keep
    them in ``_clear_version_cache``/``_invalidate_cache``), so that the next load and the
    journal see the version the worker wrote."""
    for method in ("_clear_version_cache", "_invalidate_cache"):
        forget = getattr(dataset, method, None)
        if callable(forget):
            try:
                forget()
            except Exception:  # a cache that cannot be dropped is re-read later anyway
                _LOGGER.debug("Could not drop the cached versions of %r", dataset)
