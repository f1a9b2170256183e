"""Saving the outputs of a :class:`~shell.runners.dask.DaskRunner` node.

Outputs that stay in the cluster (``kept``) only fire the save hooks. The others are saved
through the catalog in the driver, except those whose dataset can be written from another
process while no hook needs the data before the save: a task saves them next to their data,
so the bytes written are a sequential run's (see :mod:`shell.runners.worker_io`). Hooks fire
in output order, as the in-process runners fire them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from concurrent.futures import CancelledError
from types import ModuleType

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import RunError
from core.node import Node
from shell import log_names
from shell.runners.dask_client import _Client, _Future
from shell.runners.dask_failures import _NodeFailures
from shell.runners.node_io import dataset_failure, save_outputs
from shell.runners.run_context import RunContext
from shell.runners.worker_io import crosses_processes, forget_versions
from shell.runners.worker_job import SaveProblem, save_here

__all__ = ["_OutputSaver"]

_CATALOG_LOGGER = logging.getLogger(log_names.CATALOG)


class _OutputSaver:
    """Saves one run's node outputs (``gather_outputs``: a save hook has an implementation,
    so every output is gathered to the driver and saved there)."""

    def __init__(
        self,
        context: RunContext,
        client: _Client,
        distributed: ModuleType,
        failures: _NodeFailures,
        *,
        gather_outputs: bool,
    ) -> None:
        self._context = context
        self._client = client
        self._distributed = distributed
        self._failures = failures
        self._datasets = context.run_tools().datasets
        #: outputs a task saves next to the data (see :meth:`_save_there`)
        self.saved_there: frozenset[str] = frozenset(
            name
            for name, dataset in self._datasets.items()
            if not gather_outputs and crosses_processes(dataset)
        )

    def store(self, node: Node, outputs: Mapping[str, object], kept: Mapping[str, _Future]) -> Result[None, RunError]:
        """Save ``node``'s outputs (data, or futures where nobody needed the data) that the
        catalog persists; fire the save hooks for the ``kept`` in-cluster ones too."""
        context = self._context
        hooks = context.hooks
        persisted = {name: value for name, value in outputs.items() if name not in kept}
        if context.is_async and len(persisted) > 1:
            for name in [n for n in persisted if n in self.saved_there]:
                there = self._save_there(node, name, persisted.pop(name))
                if not is_successful(there):
                    return there
            for name in kept:
                hooks.hook.before_dataset_saved(dataset_name=name, data=outputs[name], node=node)
                hooks.hook.after_dataset_saved(dataset_name=name, data=outputs[name], node=node)
            return save_outputs(node, persisted, context.catalog, hooks, is_async=True)
        # In output order, as the in-process runners fire the hooks.
        for name, value in outputs.items():
            if name in kept:
                hooks.hook.before_dataset_saved(dataset_name=name, data=value, node=node)
                hooks.hook.after_dataset_saved(dataset_name=name, data=value, node=node)
                continue
            if name in self.saved_there:
                saved = self._save_there(node, name, value)
            else:
                saved = save_outputs(node, {name: value}, context.catalog, hooks, is_async=False)
            if not is_successful(saved):
                return saved
        return Success(None)

    def _save_there(self, node: Node, name: str, future: object) -> Result[None, RunError]:
        """Save output ``name`` in the cluster, next to its data (``future``), with the record
        the catalog makes: the bytes a sequential run writes, where gathering the data here
        to save it would write a re-pickled copy (see :mod:`shell.runners.worker_io`). Only
        when no hook needs the data before the save; the driver's dataset then forgets its
        cached versions, as its own save would have made it."""
        dataset = self._datasets[name]
        try:
            task = self._client.submit(
                save_here, name, dataset, future, key=f"save-{name}-{uuid.uuid4().hex}", pure=False
            )
            problem = self._client.gather({name: task})[name]
        except (self._distributed.KilledWorker, CancelledError) as exc:
            return Failure(self._failures.worker_died(node, exc, {}))
        except Exception as exc:  # task boundary: pickling the dataset runs its own code
            return Failure(self._failures.not_sent(node, exc, {}))
        if not (isinstance(problem, SaveProblem) and not problem.recorded):
            _CATALOG_LOGGER.info("Saving data to %s (%s)...", name, type(dataset).__name__)
        forget_versions(dataset)
        if isinstance(problem, SaveProblem):
            return Failure(dataset_failure(node, problem.error()))
        return Success(None)
