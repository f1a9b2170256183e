"""Memory, shared-memory and cached datasets, and the shared-memory catalog."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from returns.pipeline import is_successful

from core.errors import DatasetError, DatasetErrorReason
from shell.io import (
    CachedDataset,
    DataCatalog,
    MemoryDataset,
    PickleDataset,
    SharedDatasetManager,
    SharedMemoryDataCatalog,
    SharedMemoryDataset,
    is_ephemeral,
    is_single_process,
)


def test_deepcopy_is_the_default_so_callers_cannot_change_stored_data() -> None:
    dataset = MemoryDataset({"a": [1]})
    loaded = dataset.load()
    assert isinstance(loaded, dict)
    loaded["a"].append(2)
    assert dataset.load() == {"a": [1]}


def test_assign_shares_the_object() -> None:
    data = {"a": [1]}
    dataset = MemoryDataset(data, copy_mode="assign")
    assert dataset.load() is data


def test_dataframes_are_copied_with_their_own_copy() -> None:
    frame = pd.DataFrame({"a": [1, 2]})
    dataset = MemoryDataset(frame)
    loaded = dataset.load()
    assert isinstance(loaded, pd.DataFrame)
    assert loaded is not frame
    loaded.loc[0, "a"] = 99
    assert dataset.load().equals(frame)  # type: ignore[attr-defined]


def test_other_dataframe_types_are_assigned() -> None:
    class DataFrame:  # the name is what counts (Spark, polars, ...)
        pass

    frame = DataFrame()
    assert MemoryDataset(frame).load() is frame


def test_invalid_copy_mode() -> None:
    with pytest.raises(DatasetError) as raised:
        MemoryDataset(1, copy_mode="shallow")
    assert raised.value.reason is DatasetErrorReason.CONFIG


def test_memory_dataset_lifecycle_and_flags() -> None:
    dataset = MemoryDataset()
    assert not dataset.exists()
    assert repr(dataset) == "shell.io.memory.MemoryDataset()"
    with pytest.raises(DatasetError):
        dataset.save(None)  # refused by the dataset itself, as in Kedro
    assert not dataset.exists()
    dataset.save(3)
    assert repr(dataset) == "shell.io.memory.MemoryDataset(data='<int>')"
    dataset.release()
    assert not dataset.exists()
    assert is_ephemeral(dataset)
    assert not is_single_process(dataset)
    assert pickle.loads(pickle.dumps(MemoryDataset())).exists() is False


def test_cached_dataset_caches_loads_and_saves_to_both(tmp_path: object) -> None:
    inner = MemoryDataset(1)
    cached = CachedDataset(inner)
    assert cached.load() == 1
    inner.save(2)
    assert cached.load() == 1  # served from the cache
    cached.save(3)
    assert inner.load() == 3
    cached.release()
    assert not inner.exists()
    assert not cached.exists()
    assert is_ephemeral(cached)
    assert is_single_process(cached)


def test_cached_dataset_from_config_and_pickling_clears_the_cache(tmp_path: object) -> None:
    path = f"memory://cached-test/{id(tmp_path)}.pkl"
    cached = CachedDataset({"type": "pickle.PickleDataset", "filepath": path})
    assert isinstance(cached.dataset, PickleDataset)
    cached.save([1])
    clone = pickle.loads(pickle.dumps(cached))
    assert clone.load() == [1]  # from the wrapped dataset, the cache was emptied
    with pytest.raises(DatasetError, match="versioned in the 'CachedDataset'"):
        CachedDataset({"type": "pickle.PickleDataset", "filepath": path, "versioned": True})
    with pytest.raises(DatasetError, match="should be either a dict"):
        CachedDataset(42)  # type: ignore[arg-type]


def test_cached_dataset_in_a_catalog() -> None:
    catalog = DataCatalog.from_config(
        {"c": {"type": "CachedDataset", "dataset": {"type": "MemoryDataset", "data": 5}}}
    ).unwrap()
    assert catalog.load("c").unwrap() == 5


def _is_shared(dataset: SharedMemoryDataset) -> bool:
    return dataset.is_shared


def test_shared_memory_dataset_works_locally_until_a_manager_arrives() -> None:
    dataset = SharedMemoryDataset()
    assert not dataset.exists()
    dataset.save({"a": 1})
    assert dataset.load() == {"a": 1}
    assert _is_shared(dataset) is False
    with SharedDatasetManager() as manager:
        dataset.set_manager(manager)
        assert _is_shared(dataset) is True
        assert dataset.load() == {"a": 1}  # moved into the manager
        dataset.save({"a": 2})
        assert dataset.load() == {"a": 2}
        with pytest.raises(DatasetError) as raised:
            dataset.save(lambda: 1)
        assert raised.value.reason is DatasetErrorReason.SAVE
        assert "cannot be serialised" in raised.value.message


def _write_and_read(catalog: SharedMemoryDataCatalog) -> object:
    assert is_successful(catalog.save("out", {"from": "worker"}))
    return catalog.load("out").unwrap()


def test_shared_catalog_shares_undeclared_outputs_between_processes() -> None:
    catalog = SharedMemoryDataCatalog.from_config({}).unwrap()
    dataset = catalog.get("out", fallback_to_runtime_pattern=True).unwrap()
    assert isinstance(dataset, SharedMemoryDataset)
    assert is_successful(catalog.validate_catalog(outputs={"out"}))
    with SharedDatasetManager() as manager:
        catalog.set_manager_datasets(manager)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            assert pool.submit(_write_and_read, catalog).result() == {"from": "worker"}
        # The worker's save is visible in the parent.
        assert catalog.load("out").unwrap() == {"from": "worker"}


def test_validate_catalog_reports_every_unusable_dataset_at_once() -> None:
    catalog = SharedMemoryDataCatalog.from_config(
        {
            "cached": {"type": "CachedDataset", "dataset": {"type": "MemoryDataset"}},
            "plain": {"type": "MemoryDataset"},
            "fine": {"type": "SharedMemoryDataset"},
        }
    ).unwrap()
    catalog["closure"] = MemoryDataset(lambda: 1, copy_mode="assign")
    catalog.add_parameters({"rate": 1})
    for name in ("cached", "plain", "fine"):
        assert is_successful(catalog.get(name))
    error = catalog.validate_catalog(outputs={"plain", "fine"}).failure()
    assert error.reason is DatasetErrorReason.NOT_SHAREABLE
    assert error.message.startswith(
        "The following datasets cannot be used with multiprocessing: ['cached', 'closure', 'plain']\n"
    )
    assert "- 'cached': it is a single-process dataset" in error.message
    assert "- 'closure': it cannot be pickled" in error.message
    assert "- 'plain': it is a process-local MemoryDataset written by the pipeline" in error.message
    assert error.dataset == "cached, closure, plain"


@pytest.mark.differential
def test_memory_datasets_refuse_none_themselves_as_kedros_do() -> None:
    from kedro.io import MemoryDataset as KedroMemoryDataset
    from kedro.io.core import DatasetError as KedroDatasetError

    from core.errors import DatasetError
    from shell.io.shared_memory import SharedMemoryDataset

    with pytest.raises(KedroDatasetError) as kedros:
        KedroMemoryDataset().save(None)
    for dataset in (MemoryDataset(), SharedMemoryDataset()):
        with pytest.raises(DatasetError) as ours:
            dataset.save(None)
        assert ours.value.message == str(kedros.value)


def test_a_class_registered_as_an_ibis_table_is_assigned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kedro's ``isinstance(data, ibis.Table)``: a registered class counts, a look-alike name
    does not (a stand-in ``ibis`` package, imported for real from a temporary directory)."""
    import importlib
    import sys

    from core.catalog.copy_modes import CopyMode
    from shell.io.memory import copy_mode_for

    package = tmp_path / "ibis"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import abc\n\nclass Table(abc.ABC):\n    pass\n\nclass Registered:\n    pass\n\n"
        "class Lookalike:\n    pass\n\nLookalike.__name__ = 'Table'\nTable.register(Registered)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "ibis", raising=False)
    ibis = importlib.import_module("ibis")
    try:
        assert copy_mode_for(ibis.Registered()) is CopyMode.ASSIGN
        assert copy_mode_for(ibis.Lookalike()) is CopyMode.DEEPCOPY
    finally:
        del sys.modules["ibis"]


def test_the_copy_mode_follows_a_later_abc_registration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Copy modes are remembered by type; registering the type as an ``ibis.Table`` later
    (an ABC registration) still changes the answer, as Kedro's instance check would."""
    import importlib
    import sys

    from core.catalog.copy_modes import CopyMode
    from shell.io.memory import copy_mode_for

    class Plain:
        pass

    assert copy_mode_for(Plain()) is CopyMode.DEEPCOPY
    package = tmp_path / "ibis"
    package.mkdir()
    (package / "__init__.py").write_text("import abc\n\nclass Table(abc.ABC):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "ibis", raising=False)
    ibis = importlib.import_module("ibis")
    try:
        ibis.Table.register(Plain)
        assert copy_mode_for(Plain()) is CopyMode.ASSIGN
    finally:
        del sys.modules["ibis"]


def test_an_object_posing_as_a_dataframe_does_not_decide_for_its_type() -> None:
    """An object whose ``__class__`` is not its type (a mock with a spec) passes instance
    checks its type does not; what it gets must not stick to the type."""
    from core.catalog.copy_modes import CopyMode
    from shell.io.memory import copy_mode_for

    class Posing:
        def __init__(self, pose: bool) -> None:
            self.pose = pose

        @property  # type: ignore[misc]
        def __class__(self) -> type:
            return pd.DataFrame if self.pose else Posing

    assert copy_mode_for(Posing(pose=True)) is CopyMode.COPY
    assert copy_mode_for(Posing(pose=False)) is CopyMode.DEEPCOPY


@pytest.mark.parametrize("value", [7, 2.5, True, 1j, "text", b"bytes", None])
@pytest.mark.parametrize("mode", [None, "deepcopy", "assign"])
def test_atomic_values_come_back_as_kedro_gives_them(value: object, mode: str | None) -> None:
    """Copying an int or a str is skipped (deepcopy returns the object itself): the same
    object comes back as from Kedro's dataset."""
    from kedro.io import MemoryDataset as KedroMemoryDataset

    ours, kedros = MemoryDataset(data=value, copy_mode=mode), KedroMemoryDataset(data=value, copy_mode=mode)  # type: ignore[arg-type]

    assert ours.load() is value and kedros.load() is value


def test_copy_mode_copy_on_an_int_fails_as_in_kedro() -> None:
    from kedro.io import MemoryDataset as KedroMemoryDataset

    with pytest.raises(AttributeError):
        KedroMemoryDataset(data=3, copy_mode="copy")
    with pytest.raises(AttributeError):
        MemoryDataset(data=3, copy_mode="copy")
