"""What a ``ParallelRunner`` worker runs for a node whose files it loads and saves itself,
and the save task a ``DaskRunner`` runs next to the data (see :mod:`shell.runners.worker_io`
for the design). The values here cross processes, so they hold only what pickles: datasets,
data, and a failed operation's reason and message (a ``DatasetError`` keeps its cause).
"""

from __future__ import annotations

import inspect
import logging
import pickle
from collections.abc import Mapping
from dataclasses import dataclass

from core.errors import DatasetError, DatasetErrorReason
from core.node import NameForm, Node
from core.node_call import call_arguments, fitting_arguments, fitting_outputs, split_outputs
from shell import log_names
from shell.io.catalog import load_resolved, save_resolved
from shell.io.contract import DatasetLike
from shell.io.dataset_boundary import operation_failed
from shell.runners import worker_logs
from shell.runners.task import _warn_ignored_return, log_running

__all__ = ["DatasetProblem", "Given", "Job", "Load", "Performed", "Returned", "SaveProblem", "perform", "save_here"]

_LOGGER = logging.getLogger(log_names.CATALOG)


@dataclass(frozen=True, slots=True)
class Returned:
    """What a worker task returns: its value with the log records it made."""

    records: tuple[logging.LogRecord, ...]
    value: object


@dataclass(frozen=True, slots=True)
class Load:
    """An input the worker loads from ``dataset``."""

    name: str
    dataset: object


@dataclass(frozen=True, slots=True)
class Given:
    """An input the driver loaded (``kind``: the dataset's class name, for the record)."""

    name: str
    kind: str
    data: object


@dataclass(frozen=True, slots=True)
class Job:
    """One node for a worker: its inputs in order, and each output's dataset (saved in the
    worker) or class name (the data goes back to the driver)."""

    node: Node
    inputs: tuple[Load | Given, ...]
    outputs: Mapping[str, object]
    #: send the data of the outputs saved here back too (``after_dataset_saved`` needs it)
    send_saved: bool


@dataclass(frozen=True, slots=True)
class DatasetProblem:
    """A load or save in the worker failed (a ``DatasetError``'s parts: it does not pickle)."""

    reason: DatasetErrorReason
    message: str
    dataset: str

    def error(self) -> DatasetError:
        return DatasetError(self.reason, self.message, dataset=self.dataset)


@dataclass(frozen=True, slots=True)
class Performed:
    """The outcome of a job in the worker."""

    #: data for the driver, in output order: its memory outputs (and, with ``send_saved``,
    #: the outputs saved in the worker)
    kept: Mapping[str, object]
    #: a load or save failed (``kept`` holds what the driver must save up to that point)
    problem: DatasetProblem | None = None
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
            assert isinstance(job, Job)
            performed = _perform(job)
        except BaseException as exc:
            worker_logs.attach_records(exc, records)
            raise
        return Returned(tuple(records), performed)


def _perform(job: Job) -> Performed:
    node = job.node
    inputs: dict[str, object] = {}
    try:
        for item in job.inputs:
            if isinstance(item, Load):
                inputs[item.name] = load_resolved(item.name, _dataset(item.dataset))
            else:
                _LOGGER.info("Loading data from %s (%s)...", item.name, item.kind)
                inputs[item.name] = item.data
    except DatasetError as error:
        return Performed({}, problem=DatasetProblem(error.reason, error.message, error.dataset))
    arguments = fitting_arguments(node, inputs)
    if arguments is None:
        return Performed({}, mismatch=call_arguments(node, inputs).failure().message)
    log_running(node)
    returned = node.func(*arguments.args, **arguments.kwargs)
    if node.output_form is NameForm.NONE and returned is not None:
        _warn_ignored_return(node, returned)
    if inspect.isgenerator(returned):
        return Performed({}, chunks=tuple(returned))
    produced = fitting_outputs(node, returned)
    if produced is None:
        return Performed({}, mismatch=split_outputs(node, returned).failure().message)
    kept: dict[str, object] = {}
    for name, data in produced.items():
        target = job.outputs[name]
        if isinstance(target, str):
            if data is None:  # the driver's save refuses it before its record, as here
                return Performed(kept, problem=_none_problem(name))
            _LOGGER.info("Saving data to %s (%s)...", name, target)
            kept[name] = data
            continue
        try:
            save_resolved(name, _dataset(target), data)
        except DatasetError as error:
            return Performed(kept, problem=DatasetProblem(error.reason, error.message, error.dataset))
        if job.send_saved:
            kept[name] = data
    return Performed(kept)


def _dataset(obj: object) -> DatasetLike:
    assert hasattr(obj, "load") and hasattr(obj, "save")
    return obj  # type: ignore[return-value]


def _none_problem(name: str) -> DatasetProblem:
    return DatasetProblem(DatasetErrorReason.SAVE, f"{name}: Saving 'None' to a 'Dataset' is not allowed", name)


@dataclass(frozen=True, slots=True)
class SaveProblem:
    """A save made by :func:`save_here` failed; ``recorded``: after its ``Saving data``
    record would have been made (``None`` data is refused before it)."""

    problem: DatasetProblem
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
        return SaveProblem(DatasetProblem(error.reason, error.message, name), recorded=True)
    return None
