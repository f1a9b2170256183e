"""The driver side of :class:`~shell.runners.dask.DaskRunner`: submitting and settling tasks.

See :mod:`shell.runners.dask` for the design (what stays in the cluster, when hooks gather
data, how failures are reported). The client protocols are in :mod:`shell.runners.dask_client`
(re-exported here), the failure reports in :mod:`shell.runners.dask_failures`, saving
outputs in :mod:`shell.runners.dask_saving`.
"""

from __future__ import annotations

import inspect
import operator
import uuid
from collections.abc import Mapping
from concurrent.futures import CancelledError, ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType

from pluggy import PluginManager
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.copy_modes import CopyMode
from core.errors import DatasetError, RunError
from core.node import NameForm, Node
from core.node_call import call_arguments
from shell.hooks.manager import call_before_node_run
from shell.io.memory import MemoryDataset
from shell.runners.dask_client import _Client, _Future
from shell.runners.dask_failures import _NodeFailures, gather_for_hooks
from shell.runners.dask_saving import _OutputSaver
from shell.runners.dask_worker import _Chunks, _Copy, _invoke, _OutputsRejected, _Work
from shell.runners.node_io import dataset_failure
from shell.runners.runner import RunContext
from shell.runners.task import _async_generator_error, _save_chunks, _streams, log_running

__all__ = ["_Client", "_Driver", "_Flight", "_Future"]

#: Hooks that receive a node's input data.
_INPUT_HOOKS = ("after_dataset_loaded", "before_node_run", "after_node_run")
#: Hooks that receive a node's output data.
_OUTPUT_HOOKS = ("after_node_run", "before_dataset_saved", "after_dataset_saved")


def _implemented(hooks: object, names: tuple[str, ...]) -> bool:
    """Whether any of the hooks ``names`` has an implementation registered."""
    if not isinstance(hooks, PluginManager):
        return False
    return any(getattr(hooks.hook, name).get_hookimpls() for name in names)


def _is_generator_node(node: Node) -> bool:
    return inspect.isgeneratorfunction(inspect.unwrap(node.func))


@dataclass(frozen=True, slots=True)
class _Flight:
    """A node submitted to the cluster.

    ``inputs`` is what the node hooks see: data, or futures where nobody needed the data.
    """

    node: Node
    task: _Future
    inputs: Mapping[str, object]
    #: a generator node, whose task returns its chunks
    chunked: bool


class _Driver:
    """The driver side of one run: submits nodes and settles their tasks.

    ``held`` maps the names of in-cluster intermediates to their futures. With a
    ``start_topic`` every task reports its start on it (see :mod:`shell.runners.dask_timeouts`).
    """

    def __init__(
        self, context: RunContext, client: _Client, distributed: ModuleType, *, start_topic: str | None = None
    ) -> None:
        self._context = context
        self._client = client
        self._distributed = distributed
        self._start_topic = start_topic
        self._held: dict[str, _Future] = {}
        hooks = context.hooks
        self._gather_inputs = _implemented(hooks, _INPUT_HOOKS)
        self._gather_outputs = _implemented(hooks, _OUTPUT_HOOKS)
        self._failures = _NodeFailures(
            context, client, distributed, gather_on_error=_implemented(hooks, ("on_node_error",))
        )
        self._free_outputs = context.pipeline.outputs()
        self._saver = _OutputSaver(
            context, client, distributed, self._failures, gather_outputs=self._gather_outputs
        )

    # -- submitting ---------------------------------------------------------------------

    def launch(self, node: Node) -> Result[_Flight, RunError]:
        """Load ``node``'s inputs, fire ``before_node_run`` and submit its task."""
        context = self._context
        hooks = context.hooks
        chunked = _is_generator_node(node)
        if chunked and context.is_async:
            return Failure(_async_generator_error(node))
        loaded = self._inputs(node)
        if not is_successful(loaded):
            return Failure(loaded.failure())
        call_inputs, seen = loaded.unwrap()
        replaced = call_before_node_run(
            hooks, node=node, catalog=context.catalog, inputs=seen,
            is_async=context.is_async, run_id=context.run_id,
        )
        if not is_successful(replaced):
            error = replaced.failure()
            return Failure(RunError(error.reason, error.message, node=node.name, cause=error))
        replacements = replaced.unwrap()
        call_inputs.update(replacements)
        seen.update(replacements)
        log_running(node)
        arguments = call_arguments(node, call_inputs)
        if not is_successful(arguments):
            return Failure(self._failures.node_error(node, ValueError(arguments.failure().message), seen))
        # The same structural mapping, applied to copy modes, says which argument slots
        # receive in-cluster intermediates.
        slots = call_arguments(node, self._copy_marks(node, call_inputs)).unwrap()
        work = _Work(
            node=node,
            chunked=chunked,
            copy_args=tuple((i, m.mode) for i, m in enumerate(slots.args) if isinstance(m, _Copy)),
            copy_kwargs=tuple(
                (k, m.mode) for k, m in slots.kwargs.items() if isinstance(m, _Copy)
            ),
            start_topic=self._start_topic,
        )
        call = arguments.unwrap()
        try:
            task = self._client.submit(
                _invoke, work, call.args, dict(call.kwargs),
                key=f"{node.name}-{uuid.uuid4().hex}", pure=False,
            )
        except Exception as exc:  # task boundary: pickling runs the user's __reduce__ code
            return Failure(self._failures.not_sent(node, exc, seen))
        return Success(_Flight(node=node, task=task, inputs=seen, chunked=chunked))

    def _inputs(self, node: Node) -> Result[tuple[dict[str, object], dict[str, object]], RunError]:
        """``(what the task receives, what the hooks see)`` for each input of ``node``."""
        hooks = self._context.hooks
        in_cluster = {name: self._held[name] for name in node.inputs if name in self._held}
        # One round trip for all of them, and only when a hook will look at the data.
        gathered = self._gather(in_cluster) if self._gather_inputs and in_cluster else {}
        from_catalog = [name for name in node.inputs if name not in in_cluster]
        preloaded: dict[str, Result[object, DatasetError]] = {}
        if self._context.is_async and len(from_catalog) > 1:
            with ThreadPoolExecutor(max_workers=len(from_catalog)) as pool:
                results = list(pool.map(lambda n: self._load_one(node, n), from_catalog))
            preloaded = dict(zip(from_catalog, results, strict=True))
        call_inputs: dict[str, object] = {}
        seen: dict[str, object] = {}
        # In declaration order, so the dataset hooks fire as the in-process runners fire them.
        for name in node.inputs:
            future = in_cluster.get(name)
            if future is not None:
                hooks.hook.before_dataset_loaded(dataset_name=name, node=node)
                data = gathered.get(name, future)
                hooks.hook.after_dataset_loaded(dataset_name=name, data=data, node=node)
                call_inputs[name], seen[name] = future, data
                continue
            loaded = preloaded[name] if name in preloaded else self._load_one(node, name)
            if not is_successful(loaded):
                return Failure(dataset_failure(node, loaded.failure()))
            call_inputs[name] = seen[name] = loaded.unwrap()
        return Success((call_inputs, seen))

    def _load_one(self, node: Node, name: str) -> Result[object, DatasetError]:
        hooks = self._context.hooks
        hooks.hook.before_dataset_loaded(dataset_name=name, node=node)
        loaded = self._context.catalog.load(name)
        if is_successful(loaded):
            hooks.hook.after_dataset_loaded(dataset_name=name, data=loaded.unwrap(), node=node)
        return loaded

    def _copy_marks(self, node: Node, call_inputs: Mapping[str, object]) -> dict[str, _Copy | None]:
        """For each input, whether the worker must copy it, and with which mode."""
        marks: dict[str, _Copy | None] = {}
        for name in node.inputs:
            held = self._held.get(name)
            if held is None or call_inputs[name] is not held:
                marks[name] = None
                continue
            dataset = self._context.catalog.get(name).value_or(None)
            # MemoryDataset keeps its configured mode privately; None means "infer".
            mode = getattr(dataset, "_copy_mode", None)
            marks[name] = _Copy(mode if isinstance(mode, CopyMode) else None)
        return marks

    # -- settling -----------------------------------------------------------------------

    def settle(self, flight: _Flight) -> Result[None, RunError]:
        """Turn a finished task into the node's outcome: hooks fired, outputs stored."""
        node, task = flight.node, flight.task
        status = task.status
        if status == "finished":
            if flight.chunked:
                return self._settle_chunks(flight)
            return self._settle_values(flight)
        if status == "error":
            exc = task.exception() or RuntimeError(f"the Dask task of node '{node.name}' failed")
            if isinstance(exc, self._distributed.KilledWorker):
                return Failure(self._failures.worker_died(node, exc, flight.inputs))
            if isinstance(exc, _OutputsRejected):
                return Failure(self._failures.node_error(node, ValueError(str(exc)), flight.inputs))
            return Failure(self._failures.node_error(node, exc, flight.inputs))
        # Cancelled or lost: the scheduler dropped the task (the cluster went away).
        return Failure(
            self._failures.worker_died(node, CancelledError(f"the Dask task is {status}"), flight.inputs)
        )

    def _outputs(self, flight: _Flight) -> dict[str, _Future]:
        node, task = flight.node, flight.task
        form = node.output_form
        if form is NameForm.NONE:
            return {}
        if form is NameForm.SINGLE:
            return {node.outputs[0]: task}
        return {
            name: self._client.submit(
                operator.getitem, task, name, key=f"{name}-{uuid.uuid4().hex}", pure=False
            )
            for name in node.outputs
        }

    def _keeps(self, name: str) -> bool:
        """Whether output ``name`` stays in the cluster rather than going to the catalog."""
        if name in self._free_outputs:
            return False
        dataset = self._context.catalog.get(name).value_or(None)
        # Exactly MemoryDataset: a subclass, a cached or a shared dataset may do more on save.
        return type(dataset) is MemoryDataset

    def _settle_values(self, flight: _Flight) -> Result[None, RunError]:
        context = self._context
        node = flight.node
        hooks = context.hooks
        futures = self._outputs(flight)
        kept = {name: f for name, f in futures.items() if self._keeps(name)}
        wanted = futures if self._gather_outputs else {
            n: f for n, f in futures.items() if n not in kept and n not in self._saver.saved_there
        }
        fetched = self._fetch(node, wanted, flight.inputs)
        if not is_successful(fetched):
            return Failure(fetched.failure())
        data = fetched.unwrap()
        outputs = {name: data.get(name, future) for name, future in futures.items()}
        hooks.hook.after_node_run(
            node=node, catalog=context.catalog, inputs=flight.inputs, outputs=outputs,
            is_async=context.is_async, run_id=context.run_id,
        )
        saved = self._saver.store(node, outputs, kept)
        if not is_successful(saved):
            return saved
        for name in node.confirms:
            confirmed = context.catalog.confirm(name)
            if not is_successful(confirmed):
                return Failure(dataset_failure(node, confirmed.failure()))
        self._held.update(kept)
        return Success(None)

    def _settle_chunks(self, flight: _Flight) -> Result[None, RunError]:
        context = self._context
        node = flight.node
        fetched = self._fetch(node, {"": flight.task}, flight.inputs)
        if not is_successful(fetched):
            return Failure(fetched.failure())
        chunks = fetched.unwrap()[""]
        assert isinstance(chunks, _Chunks)
        streams = _streams(node, iter(chunks.values))
        if not is_successful(streams):
            problem = ValueError(streams.failure().message)
            return Failure(self._failures.node_error(node, problem, flight.inputs))
        produced = streams.unwrap()
        context.hooks.hook.after_node_run(
            node=node, catalog=context.catalog, inputs=flight.inputs, outputs=produced,
            is_async=context.is_async, run_id=context.run_id,
        )
        saved = _save_chunks(node, produced, context.catalog, context.hooks)
        if not is_successful(saved):
            return saved
        for name in node.confirms:
            confirmed = context.catalog.confirm(name)
            if not is_successful(confirmed):
                return Failure(dataset_failure(node, confirmed.failure()))
        return Success(None)

    def _fetch(
        self, node: Node, futures: Mapping[str, _Future], inputs: Mapping[str, object]
    ) -> Result[dict[str, object], RunError]:
        """Gather ``futures`` to the driver; a lost worker or unpicklable data fails ``node``."""
        if not futures:
            return Success({})
        try:
            return Success(self._client.gather(dict(futures)))
        except (self._distributed.KilledWorker, CancelledError) as exc:
            return Failure(self._failures.worker_died(node, exc, inputs))
        except Exception as exc:  # task boundary: unpickling runs the user's data's code
            return Failure(self._failures.not_sent(node, exc, inputs))

    def _gather(self, futures: Mapping[str, _Future]) -> dict[str, object]:
        """Data for hooks; where it cannot be fetched the hooks see the futures."""
        return gather_for_hooks(self._client, self._distributed, futures)

    def timed_out(self, flight: _Flight, seconds: float) -> RunError:
        """The failure of a node stopped at its time limit (its task already cancelled)."""
        return self._failures.timed_out(flight.node, flight.inputs, seconds)

    # -- releasing ----------------------------------------------------------------------

    def release(self, names: tuple[str, ...]) -> None:
        """Drop the futures of released intermediates (the cluster frees their data)."""
        for name in names:
            future = self._held.pop(name, None)
            if future is not None:
                future.release()

    def close(self) -> None:
        """Drop every future still held (the run is over)."""
        self.release(tuple(self._held))
