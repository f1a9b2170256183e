"""What runs on a Dask worker for :class:`~shell.runners.dask.DaskRunner`: one node's call.

The driver sends :func:`_invoke` with a :class:`_Work` and the node's arguments; the worker
copies the in-cluster inputs (as a ``MemoryDataset`` would), calls the function and shapes
its result. Kept free of driver state so that pickling it sends only this.
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass

from returns.pipeline import is_successful

from core.catalog.copy_modes import CopyMode
from core.node import NameForm, Node
from core.node_call import split_outputs
from shell.io.memory import copy_mode_for, copy_with_mode

__all__ = ["_Chunks", "_Copy", "_OutputsRejected", "_Work", "_invoke"]


class _OutputsRejected(Exception):
    """Raised on a worker when a node's return value does not fit its declared outputs."""


@dataclass(frozen=True, slots=True)
class _Chunks:
    """A generator node's chunks, collected on the worker (generators do not pickle)."""

    values: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class _Work:
    """What a worker needs besides the arguments to run one node.

    ``copy_args`` and ``copy_kwargs`` name the arguments that are in-cluster intermediates
    and the copy mode of their memory dataset (``None``: inferred from the data).
    ``start_topic``, when set, is the Dask event topic on which the worker reports that it
    starts the node (the driver times node limits from that moment).
    """

    node: Node
    chunked: bool
    copy_args: tuple[tuple[int, CopyMode | None], ...]
    copy_kwargs: tuple[tuple[str, CopyMode | None], ...]
    start_topic: str | None = None


@dataclass(frozen=True, slots=True)
class _Copy:
    """Marks an argument slot that receives an in-cluster intermediate."""

    mode: CopyMode | None


def _copied(value: object, mode: CopyMode | None) -> object:
    return copy_with_mode(value, mode if mode is not None else copy_mode_for(value))


def _report_start(topic: str) -> None:
    """Tell the driver (a Dask event) which task this worker starts, and where."""
    from distributed import get_worker

    worker = get_worker()
    worker.log_event(
        topic, {"key": worker.get_current_task(), "worker": worker.address, "pid": os.getpid()}
    )


def _invoke(work: _Work, args: tuple[object, ...], kwargs: dict[str, object]) -> object:
    """Run on a worker: copy in-cluster inputs, call the function, shape its result.

    Returns ``None`` for a node without outputs, the value for one output, ``{dataset:
    value}`` for several, or the collected chunks of a generator node.
    """
    node = work.node
    if work.start_topic is not None:
        _report_start(work.start_topic)
    positional = list(args)
    for index, mode in work.copy_args:
        positional[index] = _copied(positional[index], mode)
    for key, mode in work.copy_kwargs:
        kwargs[key] = _copied(kwargs[key], mode)
    returned = node.func(*positional, **kwargs)
    if work.chunked:
        return _Chunks(tuple(returned))
    if inspect.isgenerator(returned):
        raise _OutputsRejected(
            f"Node {node} returned a generator, but its function is not a generator function. "
            "DaskRunner runs generator nodes only when their function uses `yield` (wrap "
            "decorators with functools.wraps)."
        )
    form = node.output_form
    if form is NameForm.NONE:
        return None
    if form is NameForm.SINGLE:
        return returned
    split = split_outputs(node, returned)
    if not is_successful(split):
        raise _OutputsRejected(split.failure().message)
    return split.unwrap()
