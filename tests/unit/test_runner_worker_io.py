"""``ParallelRunner`` and ``DaskRunner``: persistent datasets are loaded and saved by the worker.

What is checked (see :mod:`shell.runners.worker_io`): where the loads and saves happen (a
dataset that records the process it ran in), that a hook given the data before the save keeps
them in the driver, that ``after_dataset_saved`` and ``on_node_error`` still fire in the
driver with the data, that a node's records are a sequential run's, in its order, that a
versioned output written by a worker is what the next node and the driver's dataset see, and
that a failing save or load is the same ``DATASET`` failure as in the driver.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from returns.pipeline import is_successful
from returns.result import Result

from core import Pipeline, RunError, RunErrorReason, node, pipeline
from core.catalog.versioning import Version
from shell.hooks import _create_hook_manager, hook_impl
from shell.io import AbstractDataset, DataCatalog, DatasetLike, MemoryDataset, PickleDataset
from shell.runners import AbstractRunner, ParallelRunner, SequentialRunner

pytestmark = pytest.mark.timeout(120)

# -- node functions and datasets (module level: workers import them) -----------------------


def identity(value: object) -> object:
    return value


def tag(value: object, suffix: str) -> str:
    logging.getLogger("tests.worker_io").info("tagging %s", value)
    return f"{value}-{suffix}"


def fan_out(value: object, suffix: str) -> list[object]:
    return [f"{value}-{suffix}", f"{value}+{suffix}"]


def make_lock(value: object) -> object:
    return threading.Lock()


def fail(value: object) -> object:
    raise ValueError(f"cannot handle {value}")


class ProcessFile(AbstractDataset):
    """A text file; ``load`` returns its text and the pid that loaded it, ``save`` writes the
    pid that saved it beside the data."""

    def __init__(self, filepath: str) -> None:
        self._path = Path(filepath)

    def load(self) -> object:
        return {"text": self._path.read_text().split("\n", 1)[1], "loaded_by": os.getpid()}

    def save(self, data: object) -> None:
        self._path.write_text(f"{os.getpid()}\n{data}")

    def saved_by(self) -> int:
        return int(self._path.read_text().split("\n", 1)[0])

    def _describe(self) -> Mapping[str, object]:
        return {"filepath": str(self._path)}


class Refusing(AbstractDataset):
    """Every save fails."""

    def load(self) -> object:
        raise OSError("nothing here")

    def save(self, data: object) -> None:
        raise OSError("disk full")

    def _describe(self) -> Mapping[str, object]:
        return {}


class Text(AbstractDataset):
    """A text file holding ``str(data)`` (so even an unpicklable object can be saved)."""

    def __init__(self, filepath: str) -> None:
        self._path = Path(filepath)

    def load(self) -> object:
        return self._path.read_text()

    def save(self, data: object) -> None:
        self._path.write_text(type(data).__name__)

    def _describe(self) -> Mapping[str, object]:
        return {"filepath": str(self._path)}


class SavedData:
    """Hooks: every ``after_dataset_saved`` with its data, and the process it fired in."""

    def __init__(self) -> None:
        self.saved: list[tuple[str, object, int]] = []

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: object) -> None:
        self.saved.append((dataset_name, data, os.getpid()))


class BeforeSave:
    """A hook given the data before the save: loads and saves stay in the driver."""

    @hook_impl
    def before_dataset_saved(self, dataset_name: str) -> None:
        del dataset_name


class Errors:
    """``on_node_error``: the node and the inputs it received."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, object]]] = []

    @hook_impl
    def on_node_error(self, node: Any, inputs: dict[str, object]) -> None:
        self.seen.append((node.name, dict(inputs)))


# -- helpers --------------------------------------------------------------------------------------


def catalog_of(datasets: Mapping[str, object]) -> DataCatalog:
    """A catalog; plain values become memory datasets."""
    return DataCatalog({k: v if hasattr(v, "load") else MemoryDataset(data=v) for k, v in datasets.items()})


def run(
    runner: AbstractRunner, p: Pipeline, catalog: DataCatalog, *hooks: object
) -> Result[dict[str, DatasetLike], RunError]:
    manager = _create_hook_manager()
    for hook in hooks:
        manager.register(hook)
    return runner.run(p, catalog, manager)


def written(tmp_path: Path, source: str = "raw") -> ProcessFile:
    dataset = ProcessFile(str(tmp_path / "source.txt"))
    dataset.save(source)
    return dataset


# -- where loads and saves happen --------------------------------------------------------------


def test_a_worker_loads_and_saves_the_files_of_the_node_it_runs(tmp_path: Path) -> None:
    out = ProcessFile(str(tmp_path / "out.txt"))
    catalog = catalog_of({"source": written(tmp_path), "out": out, "loaded": MemoryDataset()})
    p = pipeline([node(identity, "source", "loaded", name="read"), node(identity, "source", "out", name="write")]).unwrap()

    result = run(ParallelRunner(max_workers=2), p, catalog)

    assert is_successful(result), result
    loaded = catalog.load("loaded").unwrap()
    assert isinstance(loaded, dict)
    assert loaded["text"] == "raw"
    assert loaded["loaded_by"] != os.getpid()
    assert out.saved_by() != os.getpid()


def test_a_hook_given_the_data_before_the_save_keeps_loads_and_saves_in_the_driver(tmp_path: Path) -> None:
    out = ProcessFile(str(tmp_path / "out.txt"))
    catalog = catalog_of({"source": written(tmp_path), "out": out})
    p = pipeline([node(identity, "source", "out", name="write")]).unwrap()

    result = run(ParallelRunner(max_workers=2), p, catalog, BeforeSave())

    assert is_successful(result), result
    assert out.saved_by() == os.getpid()


def test_an_output_that_does_not_pickle_is_saved_by_the_worker(tmp_path: Path) -> None:
    """The driver-owned design failed this node: its value could not come back."""
    catalog = catalog_of({"source": "x", "lock": Text(str(tmp_path / "lock.txt"))})
    p = pipeline([node(make_lock, "source", "lock", name="locker")]).unwrap()

    result = run(ParallelRunner(max_workers=2), p, catalog)

    assert is_successful(result), result
    assert (tmp_path / "lock.txt").read_text() == "lock"


# -- hooks and records -----------------------------------------------------------------------------


def test_after_dataset_saved_fires_in_the_driver_in_output_order_as_sequentially(tmp_path: Path) -> None:
    def outcome(runner: AbstractRunner, folder: Path) -> list[tuple[str, object, int]]:
        folder.mkdir()
        catalog = catalog_of(
            {"source": "raw", "params:suffix": "s", "first": Text(str(folder / "first.txt")), "second": MemoryDataset()}
        )
        hook = SavedData()
        p = pipeline([node(fan_out, ["source", "params:suffix"], ["first", "second"], name="fan")]).unwrap()
        assert is_successful(run(runner, p, catalog, hook))
        return hook.saved

    parallel = outcome(ParallelRunner(max_workers=2), tmp_path / "parallel")

    assert parallel == outcome(SequentialRunner(), tmp_path / "sequential")
    assert {pid for _, _, pid in parallel} == {os.getpid()}


def test_a_nodes_records_are_the_sequential_runs_in_its_order(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    def play(runner: AbstractRunner, folder: Path) -> list[tuple[str, str]]:
        folder.mkdir()
        catalog = catalog_of(
            {
                "params:suffix": "s",
                "source": written(folder),
                "first": MemoryDataset(),
                "second": ProcessFile(str(folder / "second.txt")),
            }
        )
        p = pipeline([node(fan_out, ["params:suffix", "source"], ["first", "second"], name="fan")]).unwrap()
        caplog.clear()
        assert is_successful(run(runner, p, catalog))
        return [(r.name, r.getMessage()) for r in caplog.records if r.name != "kedro.runner.parallel_runner"]

    caplog.set_level(logging.INFO)
    parallel = play(ParallelRunner(max_workers=2), tmp_path / "parallel")
    sequential = play(SequentialRunner(), tmp_path / "sequential")

    wanted = ("kedro.io.data_catalog", "kedro.pipeline.node")
    assert [r for r in parallel if r[0] in wanted] == [r for r in sequential if r[0] in wanted]
    assert [message for _, message in parallel if message.startswith(("Loading", "Saving"))] == [
        "Loading data from params:suffix (MemoryDataset)...",
        "Loading data from source (ProcessFile)...",
        "Saving data to first (MemoryDataset)...",
        "Saving data to second (ProcessFile)...",
    ]


def test_on_node_error_gets_the_failed_nodes_inputs_in_the_driver(tmp_path: Path) -> None:
    catalog = catalog_of({"source": written(tmp_path), "out": Text(str(tmp_path / "out.txt"))})
    errors = Errors()
    p = pipeline([node(fail, "source", "out", name="failing")]).unwrap()

    result = run(ParallelRunner(max_workers=2), p, catalog, errors)

    assert not is_successful(result)
    assert result.failure().reason is RunErrorReason.NODE_FAILED
    assert "cannot handle" in result.failure().message
    [(name, inputs)] = errors.seen
    assert name == "failing"
    assert inputs["source"] == {"text": "raw", "loaded_by": os.getpid()}


# -- versions and failures ------------------------------------------------------------------------


def test_a_versioned_output_written_by_a_worker_is_what_the_next_node_and_the_driver_see(tmp_path: Path) -> None:
    PickleDataset(filepath=str(tmp_path / "model.pkl"), version=Version(None, "2026-12-07T09.00.00.000Z")).save("old")
    model = PickleDataset(filepath=str(tmp_path / "model.pkl"), version=Version(None, "2026-12-07T10.00.00.000Z"))
    catalog = catalog_of({"source": "trained", "model": model, "copy": MemoryDataset()})
    p = pipeline([node(identity, "source", "model", name="train"), node(identity, "model", "copy", name="use")]).unwrap()
    # The driver's object has cached the latest version before the run: the old one.
    assert model.resolve_load_version() == "2026-12-07T09.00.00.000Z"

    result = run(ParallelRunner(max_workers=2), p, catalog)

    assert is_successful(result), result
    assert catalog.load("copy").unwrap() == "trained"
    assert model.resolve_load_version() == "2026-12-07T10.00.00.000Z"
    assert model.load() == "trained"


def test_a_save_failing_in_the_worker_is_the_drivers_dataset_failure(tmp_path: Path) -> None:
    catalog = catalog_of({"source": "raw", "params:suffix": "s", "first": MemoryDataset(), "second": Refusing()})
    p = pipeline([node(fan_out, ["source", "params:suffix"], ["first", "second"], name="fan")]).unwrap()

    result = run(ParallelRunner(max_workers=2), p, catalog)

    error = result.failure()
    assert (error.reason, error.node) == (RunErrorReason.DATASET, "fan")
    assert "second" in error.message and "disk full" in error.message
    assert catalog.load("first").unwrap() == "raw-s"  # saved before the failing output, as sequentially


def test_a_load_failing_in_the_worker_is_the_drivers_dataset_failure(tmp_path: Path) -> None:
    catalog = catalog_of({"source": Refusing(), "out": Text(str(tmp_path / "out.txt"))})
    p = pipeline([node(identity, "source", "out", name="copy")]).unwrap()

    parallel = run(ParallelRunner(max_workers=2), p, catalog).failure()
    sequential = run(SequentialRunner(), p, catalog).failure()

    assert (parallel.reason, parallel.node, parallel.message) == (sequential.reason, sequential.node, sequential.message)
    assert not (tmp_path / "out.txt").exists()
