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
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pluggy import PluginManager
from returns.pipeline import is_successful
from returns.result import Failure, Result

from core.errors import DatasetError, DatasetErrorReason, RunError, RunErrorReason
from core.node import NameForm, Node
from core.node_call import call_arguments, fitting_arguments, fitting_outputs, split_outputs
from shell import log_names
from shell.hooks.manager import HookManager, _NullPluginManager
from shell.io.catalog import DataCatalog, load_resolved, save_resolved
from shell.io.contract import DatasetLike, is_ephemeral, is_single_process
from shell.io.dataset_boundary import operation_failed
from shell.runners import worker_logs
from shell.runners.node_io import dataset_failure
from shell.runners.run_tools import NodeAbort, RunTools
from shell.runners.task import (
    _DONE,
    NodeCall,
    WorkerDied,
    _node_error,
    _save_chunks,
    _streams,
    _warn_ignored_return,
    log_running,
    run_node,
)
from shell.runners.timeouts import NodeTimedOut

__all__ = ["DRIVER_HOOKS", "Returned", "SaveProblem", "WorkerIO", "crosses_processes", "forget_versions", "perform", "save_here"]

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


@dataclass(frozen=True, slots=True)
class Returned:
    """What a worker task returns: its value with the log records it made."""

    records: tuple[logging.LogRecord, ...]
    value: object


@dataclass(frozen=True, slots=True)
class _Load:
    """An input the worker loads from ``dataset``."""

    name: str
    dataset: object


@dataclass(frozen=True, slots=True)
class _Given:
    """An input the driver loaded (``kind``: the dataset's class name, for the record)."""

    name: str
    kind: str
    data: object


@dataclass(frozen=True, slots=True)
class _Job:
    """One node for a worker: its inputs in order, and each output's dataset (saved in the
    worker) or class name (the data goes back to the driver)."""

    node: Node
    inputs: tuple[_Load | _Given, ...]
    outputs: Mapping[str, object]
    #: send the data of the outputs saved here back too (``after_dataset_saved`` needs it)
    send_saved: bool


@dataclass(frozen=True, slots=True)
class _DatasetProblem:
    """A load or save in the worker failed (a ``DatasetError``'s parts: it does not pickle)."""

    reason: DatasetErrorReason
    message: str
    dataset: str

    def error(self) -> DatasetError:
        return DatasetError(self.reason, self.message, dataset=self.dataset)


@dataclass(frozen=True, slots=True)
class _Performed:
    """The outcome of a job in the worker."""

    #: data for the driver, in output order: its memory outputs (and, with ``send_saved``,
    #: the outputs saved in the worker)
    kept: Mapping[str, object]
    #: a load or save failed (``kept`` holds what the driver must save up to that point)
    problem: _DatasetProblem | None = None
    #: the inputs did not fit the function, or its value the outputs (Kedro's message)
    mismatch: str | None = None
    #: a function that returned a generator without being a generator function: its chunks
    chunks: tuple[object, ...] | None = None


def perform(payload: bytes) -> Returned:
    """Run in the worker: load, call, save (see the module docstring).

    A node function's own exception is raised, with the records made so far attached; dataset
    failures and mismatched shapes are returned as values.
    """
    with worker_logs.collected() as records:
        try:
            job = pickle.loads(payload)
            assert isinstance(job, _Job)
            performed = _perform(job)
        except BaseException as exc:
            worker_logs.attach_records(exc, records)
            raise
        return Returned(tuple(records), performed)


def _perform(job: _Job) -> _Performed:
    node = job.node
    inputs: dict[str, object] = {}
    try:
        for item in job.inputs:
            if isinstance(item, _Load):
                inputs[item.name] = load_resolved(item.name, _dataset(item.dataset))
            else:
                _LOGGER.info("Loading data from %s (%s)...", item.name, item.kind)
                inputs[item.name] = item.data
    except DatasetError as error:
        return _Performed({}, problem=_DatasetProblem(error.reason, error.message, error.dataset))
    arguments = fitting_arguments(node, inputs)
    if arguments is None:
        return _Performed({}, mismatch=call_arguments(node, inputs).failure().message)
    log_running(node)
    returned = node.func(*arguments.args, **arguments.kwargs)
    if node.output_form is NameForm.NONE and returned is not None:
        _warn_ignored_return(node, returned)
    if inspect.isgenerator(returned):
        return _Performed({}, chunks=tuple(returned))
    produced = fitting_outputs(node, returned)
    if produced is None:
        return _Performed({}, mismatch=split_outputs(node, returned).failure().message)
    kept: dict[str, object] = {}
    for name, data in produced.items():
        target = job.outputs[name]
        if isinstance(target, str):
            if data is None:  # the driver's save refuses it before its record, as here
                return _Performed(kept, problem=_none_problem(name))
            _LOGGER.info("Saving data to %s (%s)...", name, target)
            kept[name] = data
            continue
        try:
            save_resolved(name, _dataset(target), data)
        except DatasetError as error:
            return _Performed(kept, problem=_DatasetProblem(error.reason, error.message, error.dataset))
        if job.send_saved:
            kept[name] = data
    return _Performed(kept)


def _dataset(obj: object) -> DatasetLike:
    assert hasattr(obj, "load") and hasattr(obj, "save")
    return obj  # type: ignore[return-value]


def _none_problem(name: str) -> _DatasetProblem:
    return _DatasetProblem(DatasetErrorReason.SAVE, f"{name}: Saving 'None' to a 'Dataset' is not allowed", name)


@dataclass(frozen=True, slots=True)
class SaveProblem:
    """A save made by :func:`save_here` failed; ``recorded``: after its ``Saving data``
    record would have been made (``None`` data is refused before it)."""

    problem: _DatasetProblem
    recorded: bool

    def error(self) -> DatasetError:
        return self.problem.error()


def save_here(name: str, dataset: object, data: object) -> SaveProblem | None:
    """Save ``data`` without a record (a Dask task, next to the data: the driver makes the
    record); what went wrong as a value (``DatasetError`` does not pickle), or ``None``."""
    if data is None:
        return SaveProblem(_none_problem(name), recorded=False)
    try:
        _dataset(dataset).save(data)
    except Exception as exc:  # the dataset boundary
        error = operation_failed(name, dataset, exc, DatasetErrorReason.SAVE, "Failed while saving data to dataset")
        return SaveProblem(_DatasetProblem(error.reason, error.message, name), recorded=True)
    return None


# -- the driver side -----------------------------------------------------------------------

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

    def _job(self, node: Node, tools: RunTools) -> _Job | None:
        """The node's job, or ``None`` when a memory input does not load (the driver-owned
        path then reports it with the records it makes)."""
        inputs: list[_Load | _Given] = []
        for name in node.inputs:
            dataset = tools.datasets[name]
            if name in self._crossing:
                inputs.append(_Load(name, dataset))
                continue
            try:
                data = dataset.load()
            except Exception:  # the dataset boundary: reported by the other path
                return None
            inputs.append(_Given(name, type(dataset).__name__, data))
        outputs = {
            name: (tools.datasets[name] if name in self._crossing else type(tools.datasets[name]).__name__)
            for name in node.outputs
        }
        return _Job(node, tuple(inputs), outputs, self._send_saved)

    def _error_inputs(self, job: _Job, tools: RunTools) -> dict[str, object]:
        """What ``on_node_error`` receives as the failed node's inputs (module docstring)."""
        if not self._error_hook:
            return {}
        inputs: dict[str, object] = {}
        for item in job.inputs:
            if isinstance(item, _Given):
                inputs[item.name] = item.data
                continue
            try:
                inputs[item.name] = tools.datasets[item.name].load()
            except Exception:  # the dataset boundary: the hook sees the inputs that load
                continue
        return inputs

    def _finish(
        self, node: Node, tools: RunTools, is_async: bool, run_id: str | None, job: _Job, payload: bytes
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
        assert isinstance(performed, _Performed)
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
