"""Loading a node's inputs and saving its outputs through the catalog, with dataset hooks.

Both run in the driver process for every runner, so ``before/after_dataset_loaded`` and
``before/after_dataset_saved`` hooks always fire where the caller can see their effects
(the process runners load and save persistent datasets in workers only where no such hook
needs the data first, see :mod:`shell.runners.worker_io`).
With ``is_async`` the loads (and the saves) of one node run concurrently in threads.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import DatasetError, RunError, RunErrorReason
from core.node import Node
from shell.hooks.manager import HookManager
from shell.io.catalog import DataCatalog

__all__ = ["dataset_failure", "load_inputs", "save_outputs"]


def dataset_failure(node: Node, error: DatasetError) -> RunError:
    """A run failure for a dataset error met while running ``node``."""
    return RunError(RunErrorReason.DATASET, error.message, node=node.name, cause=error)


def _load_one(
    node: Node, name: str, catalog: DataCatalog, hooks: HookManager
) -> Result[object, DatasetError]:
    hooks.hook.before_dataset_loaded(dataset_name=name, node=node)
    loaded = catalog.load(name)
    if is_successful(loaded):
        hooks.hook.after_dataset_loaded(dataset_name=name, data=loaded.unwrap(), node=node)
    return loaded


def load_inputs(
    node: Node, catalog: DataCatalog, hooks: HookManager, *, is_async: bool
) -> Result[dict[str, object], RunError]:
    """``{input name: data}`` for ``node``, loaded in ``node.inputs`` order (or concurrently).

    Returns:
        ``Failure(RunError(DATASET))`` naming the node and the dataset when a load fails.
    """
    names = node.inputs
    inputs: dict[str, object] = {}
    if not (is_async and len(names) > 1):
        # Kedro's order: the first input that fails to load ends the node; no further input
        # is loaded and no further dataset hook fires.
        for name in names:
            loaded = _load_one(node, name, catalog, hooks)
            if not is_successful(loaded):
                return Failure(dataset_failure(node, loaded.failure()))
            inputs[name] = loaded.unwrap()
        return Success(inputs)
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        futures = [pool.submit(_load_one, node, name, catalog, hooks) for name in names]
        results = [f.result() for f in futures]
    for name, result in zip(names, results, strict=True):
        if not is_successful(result):
            return Failure(dataset_failure(node, result.failure()))
        inputs[name] = result.unwrap()
    return Success(inputs)


def _save_one(
    node: Node, name: str, data: object, catalog: DataCatalog, hooks: HookManager
) -> Result[None, DatasetError]:
    hooks.hook.before_dataset_saved(dataset_name=name, data=data, node=node)
    saved = catalog.save(name, data)
    if is_successful(saved):
        hooks.hook.after_dataset_saved(dataset_name=name, data=data, node=node)
    return saved


def save_outputs(
    node: Node,
    outputs: Mapping[str, object],
    catalog: DataCatalog,
    hooks: HookManager,
    *,
    is_async: bool,
) -> Result[None, RunError]:
    """Save every output of ``node`` (in output order, or concurrently with ``is_async``).

    Returns:
        ``Failure(RunError(DATASET))`` naming the node and the dataset of the first failed
        save; outputs saved before it stay saved.
    """
    items = list(outputs.items())
    if is_async and len(items) > 1:
        return _save_concurrently(node, items, catalog, hooks)
    for name, data in items:
        saved = _save_one(node, name, data, catalog, hooks)
        if not is_successful(saved):
            return Failure(dataset_failure(node, saved.failure()))
    return Success(None)


def _save_concurrently(
    node: Node, items: list[tuple[str, object]], catalog: DataCatalog, hooks: HookManager
) -> Result[None, RunError]:
    """Kedro's asynchronous order: every ``before_dataset_saved`` in output order, then the
    saves in threads, each ``after_dataset_saved`` as its save completes; stop at the first
    failure (saves already started still finish)."""
    for name, data in items:
        hooks.hook.before_dataset_saved(dataset_name=name, data=data, node=node)
    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        futures = {pool.submit(catalog.save, name, data): (name, data) for name, data in items}
        for future in as_completed(futures):
            saved = future.result()
            if not is_successful(saved):
                return Failure(dataset_failure(node, saved.failure()))
            name, data = futures[future]
            hooks.hook.after_dataset_saved(dataset_name=name, data=data, node=node)
    return Success(None)
