"""Running one node: load its inputs, fire the node hooks, call it, save its outputs.

This is the one place where a node's own exception is caught: whatever the user's function
raises is reported through ``on_node_error`` and becomes a ``Failure(RunError)`` value that
keeps the exception as ``cause`` (the task boundary). How the function is *called* is a
strategy, so the same sequence serves the in-process runners and the process-pool runner,
which calls the function in a worker while loading, saving and hooks stay in the driver.
"""

from __future__ import annotations

import inspect
import itertools
import logging
import warnings
from collections.abc import Callable, Iterator, Mapping
from types import GeneratorType
from typing import Any

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import RunError, RunErrorReason
from core.node import NameForm, Node
from core.node_call import (
    CallArguments,
    bound_arguments,
    call_arguments,
    fitting_arguments,
    fitting_outputs,
    split_outputs,
)
from shell import log_names
from shell.hooks.manager import HookManager
from shell.io.catalog import DataCatalog
from shell.log_gate import enabled_cache
from shell.runners.node_io import dataset_failure, load_inputs, save_outputs
from shell.runners.run_tools import NodeAbort, RunTools
from shell.runners.timeouts import NodeTimedOut

__all__ = ["NodeCall", "SplitCall", "WorkerDied", "call_here", "log_running", "run_node", "run_steps"]

#: How a node's function is called with its arguments (here, or in a worker).
NodeCall = Callable[[Node, CallArguments], object]


class WorkerDied(Exception):
    """Raised by a call strategy when the process running the node died."""


def call_here(node: Node, arguments: CallArguments) -> object:
    """Call the node's function in this process."""
    return node.func(*arguments.args, **arguments.kwargs)


class SplitCall:
    """A call strategy that :func:`run_steps` gives the arguments unpacked (no
    :class:`CallArguments` record per node: the thread runner calls every node through one)."""

    def split_call(self, node: Node, args: tuple[object, ...], kwargs: Mapping[str, object]) -> object:
        """Call ``node`` with ``args`` and ``kwargs``."""
        raise NotImplementedError

    def __call__(self, node: Node, arguments: CallArguments) -> object:
        return self.split_call(node, arguments.args, arguments.kwargs)


def _async_generator_error(node: Node) -> RunError:
    return RunError(
        RunErrorReason.NODE_FAILED,
        "Async data loading and saving does not work with nodes wrapping generator functions. "
        f"Please make sure you don't use `yield` anywhere in node {node}.",
        node=node.name,
    )


class _BadChunk(Exception):
    """A chunk yielded by a generator node did not match the node's outputs."""

    def __init__(self, error: RunError) -> None:
        super().__init__(error.message)
        self.error = error


def _split_chunks(node: Node, chunks: Iterator[object]) -> Iterator[dict[str, object]]:
    for chunk in chunks:
        split = split_outputs(node, chunk)
        if not is_successful(split):
            raise _BadChunk(split.failure())
        yield split.unwrap()


def _streams(node: Node, generator: Iterator[object]) -> Result[dict[str, Any], RunError]:
    """Per-output lazy streams of a generator node's chunks (the first chunk is checked now)."""
    first = next(generator, _NO_CHUNK)
    if first is _NO_CHUNK:
        return Success({name: iter(()) for name in node.outputs})
    checked = split_outputs(node, first)
    if not is_successful(checked):
        return Failure(checked.failure())
    dicts = _split_chunks(node, itertools.chain([first], generator))
    copies = itertools.tee(dicts, max(len(node.outputs), 1))
    return Success({name: _field(copy, name) for name, copy in zip(node.outputs, copies, strict=False)})


def _field(chunks: Iterator[dict[str, object]], name: str) -> Iterator[object]:
    # A function, not an inline generator expression: the name must be bound per output.
    return (chunk[name] for chunk in chunks)


_NO_CHUNK = object()

#: Kedro's node logger: "Running node: ..." and a node function's failure.
_NODE_LOGGER = logging.getLogger(log_names.NODE)
_NODE_INFO = enabled_cache(_NODE_LOGGER)
#: Node reprs hold brackets that rich would read as markup.
_PLAIN = {"markup": False}


def log_running(node: Node) -> None:
    """Kedro's INFO record as a node starts (every runner logs it, after ``before_node_run``)."""
    _NODE_LOGGER.info("Running node: %s", node, extra=_PLAIN)


def _warn_ignored_return(node: Node, returned: object) -> None:
    warnings.warn(
        f"Node '{node.explicit_name or node.func_name}' returned a value of type "
        f"'{type(returned).__name__}', but the node is defined with outputs=None. Kedro ignores "
        "return values for nodes without declared outputs. If this return value is "
        "intentional, declare outputs in the node definition to include it in the pipeline.",
        UserWarning,
        stacklevel=2,
    )


def _node_error(
    node: Node,
    exc: BaseException,
    hooks: HookManager,
    catalog: DataCatalog,
    inputs: dict[str, object],
    *,
    is_async: bool,
    run_id: str | None,
    reason: RunErrorReason = RunErrorReason.NODE_FAILED,
) -> RunError:
    if reason is RunErrorReason.NODE_FAILED:
        # Kedro's node logs its own failure, before the runner fires on_node_error.
        _NODE_LOGGER.error("Node %s failed with error: \n%s", node, exc, extra=_PLAIN)
    hooks.hook.on_node_error(
        error=exc, node=node, catalog=catalog, inputs=inputs, is_async=is_async, run_id=run_id
    )
    return RunError(
        reason,
        f"Node '{node.name}' failed: {type(exc).__name__}: {exc}",
        node=node.name,
        cause=exc,
    )


def run_node(
    node: Node,
    catalog: DataCatalog,
    hooks: HookManager,
    *,
    is_async: bool,
    run_id: str | None,
    call: NodeCall = call_here,
    tools: RunTools | None = None,
) -> Result[None, RunError]:
    """Run ``node`` with Kedro's sequence of hooks; everything it does is reported as a value.

    ``tools`` carries what the run resolved once (datasets, which hooks have implementations);
    without it every load and save goes through the catalog and every hook is called.

    Returns:
        ``Success(None)`` once the outputs are saved and confirmed; ``Failure(RunError)``
        naming the node: ``NODE_FAILED`` (the function raised or returned the wrong shape;
        ``on_node_error`` fired), ``WORKER_DIED``, ``DATASET`` (a load, save or confirm
        failed) or ``HOOK`` (``before_node_run`` returned something other than a dict).
    """
    try:
        run_steps(node, tools or RunTools.of(catalog, hooks), is_async, run_id, call)
    except NodeAbort as abort:
        return Failure(abort.error)
    return _DONE


#: The one success value of every node (``Success`` is immutable).
_DONE: Result[None, RunError] = Success(None)


def run_steps(node: Node, tools: RunTools, is_async: bool, run_id: str | None, call: NodeCall) -> None:
    """The steps of :func:`run_node`; every failure is raised as :class:`NodeAbort` (the
    in-process loops call this directly and catch it: no ``Result`` per node)."""
    catalog, hooks = tools.catalog, tools.hooks
    if is_async and inspect.isgeneratorfunction(node.func):
        raise NodeAbort(_async_generator_error(node))
    if is_async and len(node.inputs) > 1:
        loaded = load_inputs(node, catalog, hooks, is_async=True)
        if not is_successful(loaded):
            raise NodeAbort(loaded.failure())
        inputs = loaded.unwrap()
    else:
        inputs = {}
        for name in node.inputs:  # a loop, not a comprehension: no frame per node
            inputs[name] = tools.load(node, name)
    replaced = tools.replaced_inputs(node, inputs, is_async, run_id)
    if replaced:
        inputs.update(replaced)
    if _NODE_INFO.get(logging.INFO) is not False:  # see shell.log_gate
        _NODE_LOGGER.info("Running node: %s", node, extra=_PLAIN)
    if replaced:  # hooks may have added names the node does not take: check
        arguments = fitting_arguments(node, inputs)
        if arguments is None:
            problem = ValueError(call_arguments(node, inputs).failure().message)
            raise NodeAbort(_node_error(node, problem, hooks, catalog, inputs, is_async=is_async, run_id=run_id))
        args, kwargs = arguments.args, arguments.kwargs
    else:  # exactly the node's inputs, as loaded
        args, kwargs = bound_arguments(node, inputs)
    try:
        if call is call_here:  # the usual call, without building its argument record
            returned = node.func(*args, **kwargs) if kwargs else node.func(*args)
        elif isinstance(call, SplitCall):
            returned = call.split_call(node, args, kwargs)
        else:
            returned = call(node, CallArguments(args, kwargs))
    except WorkerDied as died:
        raise NodeAbort(
            _node_error(
                node, died, hooks, catalog, inputs,
                is_async=is_async, run_id=run_id, reason=RunErrorReason.WORKER_DIED,
            )
        ) from None
    except NodeTimedOut as late:
        raise NodeAbort(
            _node_error(
                node, late, hooks, catalog, inputs,
                is_async=is_async, run_id=run_id, reason=RunErrorReason.TIMEOUT,
            )
        ) from None
    except Exception as exc:  # the task boundary: the user's function may raise anything
        raise NodeAbort(
            _node_error(node, exc, hooks, catalog, inputs, is_async=is_async, run_id=run_id)
        ) from None
    chunked = False
    produced: dict[str, Any] | None
    if isinstance(returned, GeneratorType):  # inspect.isgenerator, without the call
        if node.output_form is NameForm.NONE:
            _warn_ignored_return(node, returned)
        chunked = True
        streams = _streams(node, returned)
        if not is_successful(streams):
            problem = ValueError(streams.failure().message)
            raise NodeAbort(_node_error(node, problem, hooks, catalog, inputs, is_async=is_async, run_id=run_id))
        produced = streams.unwrap()
    else:
        produced = fitting_outputs(node, returned)
        if produced is None:
            problem = ValueError(split_outputs(node, returned).failure().message)
            raise NodeAbort(_node_error(node, problem, hooks, catalog, inputs, is_async=is_async, run_id=run_id))
        # Only a node without outputs ignores what it returned (nothing is split for it).
        if not produced and returned is not None and node.output_form is NameForm.NONE:
            _warn_ignored_return(node, returned)
    tools.after_node_run(node, catalog, inputs, produced, is_async, run_id)
    if chunked:
        saved = _save_chunks(node, produced, catalog, hooks)
    elif is_async and len(produced) > 1:
        saved = save_outputs(node, produced, catalog, hooks, is_async=True)
    else:
        for name, data in produced.items():
            tools.save(node, name, data)
        saved = _DONE
    if saved is not _DONE and not is_successful(saved):
        raise NodeAbort(saved.failure())
    for name in node.confirms:
        confirmed = catalog.confirm(name)
        if not is_successful(confirmed):
            raise NodeAbort(dataset_failure(node, confirmed.failure()))


def _save_chunks(
    node: Node, streams: dict[str, Any], catalog: DataCatalog, hooks: HookManager
) -> Result[None, RunError]:
    """Save a generator node's chunks round-robin across its outputs, as Kedro does."""
    names = list(streams)
    try:
        for values in zip(*(streams[n] for n in names), strict=False):
            saved = save_outputs(node, dict(zip(names, values, strict=True)), catalog, hooks, is_async=False)
            if not is_successful(saved):
                return saved
    except _BadChunk as bad:
        return Failure(bad.error)
    except Exception as exc:  # the generator is user code and may raise while it is consumed
        return Failure(
            RunError(
                RunErrorReason.NODE_FAILED,
                f"Node '{node.name}' failed: {type(exc).__name__}: {exc}",
                node=node.name,
                cause=exc,
            )
        )
    return Success(None)
