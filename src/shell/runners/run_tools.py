"""What a run resolves once, so that the per-node loop does no repeated work.

* **Datasets.** Warm-up resolves every dataset of the pipeline through the catalog; when the
  catalog loads, saves and releases as :class:`~shell.io.catalog.DataCatalog` does (no
  override), the loop uses those dataset objects directly: one catalog lookup per dataset
  per run, with the catalog's own log records and error values.
* **Hooks.** The six per-node hooks as :mod:`shell.hooks.dispatch` callers: a spec with no
  implementation costs a length check, one plain implementation is called directly, and
  anything else goes through pluggy (re-checked per call, so a plugin registered mid-run
  counts from its next call). ``on_node_error`` always goes through pluggy (it is rare).

Inside the loop, failures travel as :class:`NodeAbort`, an exception this package owns and
catches at the node's boundary (:func:`shell.runners.task.run_node`), where it becomes the
``Failure(RunError)`` the runners and users see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from returns.pipeline import is_successful
from returns.result import Result

from core.errors import DatasetError, DatasetErrorReason, RunError, RunErrorReason
from core.hook_merge import merge_before_node_run_results
from core.node import Node
from shell.hooks.dispatch import HookCall, dispatch
from shell.hooks.manager import HookManager
from shell.io.catalog import DataCatalog, load_resolved, save_resolved
from shell.io.contract import DatasetLike
from shell.io.dataset_boundary import operation_failed

__all__ = ["NodeAbort", "RunTools"]

_T = TypeVar("_T")


class NodeAbort(Exception):
    """Carries a node's ``RunError`` out of the per-node steps (never leaves the runner)."""

    def __init__(self, error: RunError) -> None:
        super().__init__(error.message)
        self.error = error


def _failed(node: Node, error: DatasetError) -> NodeAbort:
    return NodeAbort(RunError(RunErrorReason.DATASET, error.message, node=node.name, cause=error))


#: The order in which the per-node hooks get their arguments here (see shell.hooks.dispatch).
_LOADING = ("dataset_name", "node")
_WITH_DATA = ("dataset_name", "data", "node")
_BEFORE_NODE = ("node", "catalog", "inputs", "is_async", "run_id")
_AFTER_NODE = ("node", "catalog", "inputs", "outputs", "is_async", "run_id")


@dataclass(frozen=True, slots=True)
class RunTools:
    """The catalog and hooks of one run, with what was resolved about them up front."""

    catalog: DataCatalog
    hooks: HookManager
    #: name -> dataset, when the catalog's data operations are the plain ones (else empty)
    datasets: Mapping[str, DatasetLike]
    before_dataset_loaded: HookCall
    after_dataset_loaded: HookCall
    before_node_run: HookCall
    after_node_run: HookCall
    before_dataset_saved: HookCall
    after_dataset_saved: HookCall

    @classmethod
    def of(
        cls, catalog: DataCatalog, hooks: HookManager, datasets: Mapping[str, DatasetLike] | None = None
    ) -> RunTools:
        """Tools for a run; ``datasets`` are the resolved datasets (``None``: look up each time)."""
        return cls(
            catalog=catalog,
            hooks=hooks,
            datasets=datasets or {},
            before_dataset_loaded=dispatch(hooks, "before_dataset_loaded", _LOADING),
            after_dataset_loaded=dispatch(hooks, "after_dataset_loaded", _WITH_DATA),
            before_node_run=dispatch(hooks, "before_node_run", _BEFORE_NODE),
            after_node_run=dispatch(hooks, "after_node_run", _AFTER_NODE),
            before_dataset_saved=dispatch(hooks, "before_dataset_saved", _WITH_DATA),
            after_dataset_saved=dispatch(hooks, "after_dataset_saved", _WITH_DATA),
        )

    def load(self, node: Node, name: str) -> object:
        """Load ``name`` for ``node`` with the dataset hooks; raises :class:`NodeAbort`."""
        self.before_dataset_loaded(name, node)
        dataset = self.datasets.get(name)
        if dataset is not None:
            try:
                data = load_resolved(name, dataset)
            except DatasetError as error:
                raise _failed(node, error) from None
        else:
            data = _unwrap(node, self.catalog.load(name))
        self.after_dataset_loaded(name, data, node)
        return data

    def replaced_inputs(
        self, node: Node, inputs: dict[str, object], is_async: bool, run_id: str | None
    ) -> dict[str, object] | None:
        """Fire ``before_node_run``; the inputs its hooks replace (``None``: none replaced).

        Raises:
            NodeAbort: a hook returned something other than ``None`` or a dict (``HOOK``).
        """
        results = self.before_node_run(node, self.catalog, dict(inputs), is_async, run_id)
        if not results:
            return None
        # pluggy always gives a list; anything else is a foreign manager's answer.
        merged = merge_before_node_run_results(results if isinstance(results, list) else (results,))
        if not is_successful(merged):
            error = merged.failure()
            raise NodeAbort(RunError(error.reason, error.message, node=node.name, cause=error))
        replaced: dict[str, object] = merged.unwrap()
        return replaced

    def save(self, node: Node, name: str, data: object) -> None:
        """Save ``data`` to ``name`` for ``node`` with the dataset hooks; raises :class:`NodeAbort`."""
        self.before_dataset_saved(name, data, node)
        dataset = self.datasets.get(name)
        if dataset is not None:
            try:
                save_resolved(name, dataset, data)
            except DatasetError as error:
                raise _failed(node, error) from None
        else:
            _unwrap(node, self.catalog.save(name, data))
        self.after_dataset_saved(name, data, node)

    def release(self, name: str) -> DatasetError | None:
        """Release ``name``'s data; the error when that fails (the run goes on)."""
        dataset = self.datasets.get(name)
        if dataset is None:
            released = self.catalog.release(name)
            return None if is_successful(released) else released.failure()
        try:  # release_resolved, inlined (once per dataset per run)
            dataset.release()
        except Exception as exc:  # the dataset boundary: a dataset's own code may raise anything
            return operation_failed(
                name, dataset, exc, DatasetErrorReason.RELEASE, "Failed during release for dataset"
            )
        return None


def _unwrap(node: Node, result: Result[_T, DatasetError]) -> _T:
    if not is_successful(result):
        raise _failed(node, result.failure())
    value: _T = result.unwrap()
    return value
