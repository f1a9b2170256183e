"""What a run resolves once, so that the per-node loop does no repeated work.

* **Datasets.** Warm-up resolves every dataset of the pipeline through the catalog; when the
  catalog loads, saves and releases as :class:`~shell.io.catalog.DataCatalog` does (no
  override), the loop uses those dataset objects directly: one catalog lookup per dataset
  per run, with the catalog's own log records and error values.
* **Hooks.** Which hook specifications have an implementation registered. A call with no
  implementation does nothing in pluggy either, so skipping it changes nothing observable;
  ``on_node_error`` is always called (it is rare).

Inside the loop, failures travel as :class:`NodeAbort`, an exception this package owns and
catches at the node's boundary (:func:`shell.runners.task.run_node`), where it becomes the
``Failure(RunError)`` the runners and users see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from pluggy import PluginManager
from returns.pipeline import is_successful
from returns.result import Result

from core.errors import DatasetError, RunError, RunErrorReason
from core.node import Node
from shell.hooks.manager import HookManager, _NullPluginManager
from shell.io.catalog import DataCatalog, load_resolved, release_resolved, save_resolved
from shell.io.contract import DatasetLike

__all__ = ["NodeAbort", "RunTools", "implemented"]

_T = TypeVar("_T")


class NodeAbort(Exception):
    """Carries a node's ``RunError`` out of the per-node steps (never leaves the runner)."""

    def __init__(self, error: RunError) -> None:
        super().__init__(error.message)
        self.error = error


def implemented(hooks: object, name: str) -> bool:
    """Whether hook ``name`` has an implementation (a foreign manager: assume it has)."""
    if isinstance(hooks, _NullPluginManager):
        return False
    if isinstance(hooks, PluginManager):
        caller = getattr(hooks.hook, name, None)
        return caller is None or bool(caller.get_hookimpls())
    return True


def _failed(node: Node, error: DatasetError) -> NodeAbort:
    return NodeAbort(RunError(RunErrorReason.DATASET, error.message, node=node.name, cause=error))


@dataclass(frozen=True, slots=True)
class RunTools:
    """The catalog and hooks of one run, with what was resolved about them up front."""

    catalog: DataCatalog
    hooks: HookManager
    #: name -> dataset, when the catalog's data operations are the plain ones (else empty)
    datasets: Mapping[str, DatasetLike] = field(default_factory=dict)
    load_hooks: bool = True
    save_hooks: bool = True
    before_node_run: bool = True
    after_node_run: bool = True

    @classmethod
    def of(
        cls, catalog: DataCatalog, hooks: HookManager, datasets: Mapping[str, DatasetLike] | None = None
    ) -> RunTools:
        """Tools for a run; ``datasets`` are the resolved datasets (``None``: look up each time)."""
        return cls(
            catalog=catalog,
            hooks=hooks,
            datasets=datasets or {},
            load_hooks=implemented(hooks, "before_dataset_loaded")
            or implemented(hooks, "after_dataset_loaded"),
            save_hooks=implemented(hooks, "before_dataset_saved")
            or implemented(hooks, "after_dataset_saved"),
            before_node_run=implemented(hooks, "before_node_run"),
            after_node_run=implemented(hooks, "after_node_run"),
        )

    def load(self, node: Node, name: str) -> object:
        """Load ``name`` for ``node`` with the dataset hooks; raises :class:`NodeAbort`."""
        hook = self.hooks.hook
        if self.load_hooks:
            hook.before_dataset_loaded(dataset_name=name, node=node)
        dataset = self.datasets.get(name)
        if dataset is not None:
            try:
                data = load_resolved(name, dataset)
            except DatasetError as error:
                raise _failed(node, error) from None
        else:
            data = _unwrap(node, self.catalog.load(name))
        if self.load_hooks:
            hook.after_dataset_loaded(dataset_name=name, data=data, node=node)
        return data

    def save(self, node: Node, name: str, data: object) -> None:
        """Save ``data`` to ``name`` for ``node`` with the dataset hooks; raises :class:`NodeAbort`."""
        hook = self.hooks.hook
        if self.save_hooks:
            hook.before_dataset_saved(dataset_name=name, data=data, node=node)
        dataset = self.datasets.get(name)
        if dataset is not None:
            try:
                save_resolved(name, dataset, data)
            except DatasetError as error:
                raise _failed(node, error) from None
        else:
            _unwrap(node, self.catalog.save(name, data))
        if self.save_hooks:
            hook.after_dataset_saved(dataset_name=name, data=data, node=node)

    def release(self, name: str) -> DatasetError | None:
        """Release ``name``'s data; the error when that fails (the run goes on)."""
        dataset = self.datasets.get(name)
        if dataset is None:
            released = self.catalog.release(name)
            return None if is_successful(released) else released.failure()
        try:
            release_resolved(name, dataset)
        except DatasetError as error:
            return error
        return None


def _unwrap(node: Node, result: Result[_T, DatasetError]) -> _T:
    if not is_successful(result):
        raise _failed(node, result.failure())
    value: _T = result.unwrap()
    return value
