"""Every runner computes what Kedro 1.7.0's ``SequentialRunner`` computes, on random pipelines.

Pipelines come from :func:`core.strategies.pipelines`, whose node functions are picklable and
combine their inputs deterministically, so any correct runner, in any process, gives the same
data. Three things are compared for each pipeline: the data of the free outputs the run
returns, every value saved during the run (recorded by an ``after_dataset_saved`` hook) and
the set of nodes that ran.

Two storages are used:

* memory: free inputs are ``MemoryDataset`` s and intermediates are created by the runner,
  so releasing datasets early (after their last reader) is exercised as well;
* shelf: every dataset is a slot of a shared store addressed by the *base* name, as two file
  datasets over one path would be, so transcoded pairs (``d3@pandas`` written, ``d3@spark``
  read) exchange data. (With memory datasets they cannot, in Kedro or here.)
"""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kedro.framework.hooks.manager import _create_hook_manager as kedro_hook_manager
from kedro.io import AbstractDataset as KedroAbstractDataset
from kedro.io import DataCatalog as KedroCatalog
from kedro.io import MemoryDataset as KedroMemoryDataset
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node
from kedro.runner import SequentialRunner as KedroSequentialRunner
from returns.pipeline import is_successful

from core import Pipeline, strip_transcoding
from core.strategies import SyntheticFunction, pipelines
from shell.hooks import _create_hook_manager, hook_impl
from shell.io import DataCatalog, MemoryDataset
from shell.runners import AbstractRunner, ParallelRunner, SequentialRunner, ThreadRunner

pytestmark = pytest.mark.differential

#: Quiet loggers during runs: Kedro logs every load and save at INFO.
_LOGGERS = ("kedro", "shell")


@contextmanager
def quiet() -> Iterator[None]:
    saved = {name: logging.getLogger(name).level for name in _LOGGERS}
    for name in _LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def free_value(name: str) -> str:
    return f"free:{name}"


class SavedData:
    """Records every save and every node that ran (hooks fire in the caller's process)."""

    def __init__(self) -> None:
        self.saved: dict[str, object] = {}
        self.ran: list[str] = []

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: object) -> None:
        self.saved[dataset_name] = data

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        self.ran.append(node.name)


class Shelf(KedroAbstractDataset[object, object]):
    """A slot of ``store`` named by a base dataset name; release keeps the data."""

    def __init__(self, store: dict[str, object], key: str) -> None:
        self._store = store
        self._key = key

    def load(self) -> object:
        return self._store[self._key]

    def save(self, data: object) -> None:
        self._store[self._key] = data

    def _exists(self) -> bool:
        return self._key in self._store

    def _describe(self) -> dict[str, object]:
        return {"key": self._key}


@dataclass(frozen=True)
class Outcome:
    """What a successful run computed."""

    outputs: dict[str, object]
    saved: dict[str, object]
    ran: frozenset[str]
    #: the shelf's store after the run (empty for memory runs)
    store: dict[str, object]


#: Builds a catalog's ``datasets`` argument for a pipeline; the store is filled as a side effect.
Storage = Callable[[Pipeline, dict[str, object]], dict[str, object]]


def memory_storage(p: Pipeline, store: dict[str, object]) -> dict[str, object]:
    del store
    return {name: free_value(name) for name in p.inputs()}


def shelf_storage(p: Pipeline, store: dict[str, object]) -> dict[str, object]:
    for name in p.inputs():
        store[strip_transcoding(name)] = free_value(strip_transcoding(name))
    return {name: Shelf(store, strip_transcoding(name)) for name in p.datasets()}


def run_ours(p: Pipeline, runner: AbstractRunner, storage: Storage) -> Outcome:
    store: dict[str, object] = {}
    datasets = storage(p, store)
    catalog = DataCatalog(
        {name: value if isinstance(value, Shelf) else MemoryDataset(data=value) for name, value in datasets.items()}
    )
    hooks = _create_hook_manager()
    recorder = SavedData()
    hooks.register(recorder)
    with quiet():
        result = runner.run(p, catalog, hooks)
    assert is_successful(result), f"{runner!r}: {result}"
    outputs = {name: dataset.load() for name, dataset in result.unwrap().items()}
    return Outcome(outputs, recorder.saved, frozenset(recorder.ran), store)


def run_kedro(p: Pipeline, storage: Storage) -> Outcome:
    kp = KedroPipeline(
        [kedro_node(n.func, n.declared_inputs, n.declared_outputs, name=n.name) for n in p.construction_order]
    )
    store: dict[str, object] = {}
    datasets = storage(p, store)
    catalog = KedroCatalog(
        {
            name: value if isinstance(value, Shelf) else KedroMemoryDataset(data=value)
            for name, value in datasets.items()
        }
    )
    hooks = kedro_hook_manager()
    recorder = SavedData()
    hooks.register(recorder)
    with quiet():
        returned = KedroSequentialRunner().run(kp, catalog, hooks)
    outputs = {name: catalog.load(name) for name in returned}
    return Outcome(outputs, recorder.saved, frozenset(recorder.ran), store)


def assert_same(ours: Outcome, reference: Outcome, what: str) -> None:
    assert ours.ran == reference.ran, what
    assert ours.outputs == reference.outputs, what
    assert ours.saved == reference.saved, what
    assert ours.store == reference.store, what


def in_process_runners(workers: int) -> list[AbstractRunner]:
    return [SequentialRunner(), SequentialRunner(is_async=True), ThreadRunner(max_workers=workers)]


def check_runners(p: Pipeline, runners: list[AbstractRunner], storage: Storage) -> None:
    kedro = run_kedro(p, storage)
    sequential = run_ours(p, SequentialRunner(), storage)
    # Every node ran and every output reached the catalog.
    assert sequential.ran == frozenset(n.name for n in p.nodes)
    assert_same(sequential, kedro, "SequentialRunner vs Kedro's SequentialRunner")
    for runner in runners:
        assert_same(run_ours(p, runner, storage), sequential, f"{runner!r} vs SequentialRunner")


@settings(max_examples=25)
@given(pipelines(transcoding=False), st.integers(1, 4))
def test_in_process_runners_compute_what_kedro_computes(p: Pipeline, workers: int) -> None:
    check_runners(p, in_process_runners(workers), memory_storage)


@settings(max_examples=25)
@given(pipelines(), st.integers(1, 4))
def test_in_process_runners_agree_on_transcoded_persisted_data(p: Pipeline, workers: int) -> None:
    check_runners(p, in_process_runners(workers), shelf_storage)


# -- worker processes ---------------------------------------------------------------------


@settings(max_examples=5)
@given(pipelines(transcoding=False, min_size=1))
def test_parallel_runner_computes_what_kedro_computes(p: Pipeline) -> None:
    check_runners(p, [ParallelRunner(max_workers=2)], memory_storage)


@settings(max_examples=5)
@given(pipelines(min_size=1))
def test_parallel_runner_agrees_on_transcoded_persisted_data(p: Pipeline) -> None:
    check_runners(p, [ParallelRunner(max_workers=2, is_async=True)], shelf_storage)


def test_strategy_functions_unpickle_in_a_fresh_process() -> None:
    """A worker imports ``core.strategies`` before Hypothesis (once a circular import)."""
    blob = pickle.dumps(SyntheticFunction("n0", "d0"))
    child = subprocess.run(
        [sys.executable, "-c", "import pickle, sys; print(pickle.loads(sys.stdin.buffer.read())('x'))"],
        input=blob,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr.decode()
    assert child.stdout.decode().strip() == SyntheticFunction("n0", "d0")("x")
