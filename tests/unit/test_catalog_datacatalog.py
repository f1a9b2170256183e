"""``DataCatalog``: building, membership, materialising, data operations as ``Result``s."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from returns.pipeline import is_successful
from returns.result import Result

from core.catalog import EntrySource, Version
from core.errors import DatasetError, DatasetErrorReason
from core.node import node
from core.pipeline import pipeline
from shell.io import (
    AbstractDataset,
    CachedDataset,
    DataCatalog,
    JSONDataset,
    MemoryDataset,
    PickleDataset,
    snapshot_catalog,
)


def _catalog(config: dict[str, Any], **kwargs: Any) -> DataCatalog:
    return DataCatalog.from_config(config, **kwargs).unwrap()


def _error(result: Any) -> DatasetError:
    assert not is_successful(result)
    error = result.failure()
    assert isinstance(error, DatasetError)
    return error


class RecordingDataset(AbstractDataset):
    """A fake of our dataset port that records calls (and can be told to fail)."""

    def __init__(self, fail: str = "", data: object = None) -> None:
        self.calls: list[str] = []
        self.fail = fail
        self.data = data

    def _maybe_fail(self, what: str) -> None:
        self.calls.append(what)
        if self.fail == what:
            raise OSError(f"disk on fire during {what}")

    def load(self) -> object:
        self._maybe_fail("load")
        return self.data

    def save(self, data: object) -> None:
        self._maybe_fail("save")
        self.data = data

    def _exists(self) -> bool:
        self._maybe_fail("exists")
        return self.data is not None

    def _release(self) -> None:
        self._maybe_fail("release")

    def confirm(self) -> None:
        self._maybe_fail("confirm")

    def _describe(self) -> dict[str, object]:
        return {"fail": self.fail or None}


class DuckDataset:
    """Not derived from anything: just the four methods (like a third-party dataset)."""

    def __init__(self, value: int = 0) -> None:
        self.value = value

    def load(self) -> int:
        return self.value

    def save(self, data: int) -> None:
        self.value = data

    def exists(self) -> bool:
        return True

    def release(self) -> None:
        return None


class NotADataset:
    def __init__(self) -> None:
        pass


# -- building ---------------------------------------------------------------------------------


def test_from_config_builds_lazily_and_lists_entries_in_order(tmp_path: Path) -> None:
    catalog = _catalog(
        {
            "b": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "b.pkl")},
            "a": {"type": "no.such.Type"},  # not imported until used
            "{name}_json": {"type": "json.JSONDataset", "filepath": str(tmp_path / "{name}.json")},
        }
    )
    assert catalog.keys() == ["b", "a"]
    assert len(catalog) == 2
    assert is_successful(catalog.get("b"))
    assert catalog.keys() == ["a", "b"]  # materialised names come after unused entries
    assert "(not loaded yet)" in repr(catalog)
    assert "'b': shell.io.pickle_dataset.PickleDataset(filepath=" in repr(catalog)


def test_from_config_generates_a_save_version_and_accepts_one() -> None:
    assert DataCatalog.from_config({}).unwrap().save_version is not None
    assert DataCatalog.from_config({}, save_version="V1").unwrap().save_version == "V1"
    error = _error(DataCatalog.from_config({}, save_version="a/b"))
    assert error.reason is DatasetErrorReason.CONFIG


def test_load_versions_keys_must_be_declared() -> None:
    error = _error(
        DataCatalog.from_config(
            {"{any}": {"type": "MemoryDataset"}}, load_versions={"cars": "2020"}
        )
    )
    assert error.reason is DatasetErrorReason.NOT_FOUND
    assert error.message == "'load_versions' keys [cars] are not found in the catalog."


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ({"cars": "cars.csv"}, DatasetErrorReason.CONFIG),
        ({"cars": {"filepath": "cars.csv"}}, DatasetErrorReason.CONFIG),
        (
            {"cars": {"type": "pickle.PickleDataset", "credentials": "nope"}},
            DatasetErrorReason.CREDENTIALS,
        ),
        ({"{cars": {"type": "pickle.PickleDataset"}}, DatasetErrorReason.PATTERN),
        (
            {"{a}": {"type": "MemoryDataset"}, "{b}": {"type": "MemoryDataset"}},
            DatasetErrorReason.PATTERN,
        ),
    ],
)
def test_bad_catalogs_fail_to_build(config: dict[str, Any], reason: DatasetErrorReason) -> None:
    assert _error(DataCatalog.from_config(config)).reason is reason


# -- membership and materialising -------------------------------------------------------------


def test_membership_counts_user_patterns_but_not_the_runtime_default() -> None:
    catalog = _catalog({"{name}_csv": {"type": "MemoryDataset"}})
    assert "cars_csv" in catalog
    assert "CARS_CSV" in catalog  # factory matching ignores case
    assert "cars" not in catalog
    with_catch_all = _catalog({"{anything}": {"type": "MemoryDataset"}})
    assert "cars" in with_catch_all


def test_get_without_fallback_refuses_undeclared_names() -> None:
    catalog = _catalog({})
    error = _error(catalog.get("ghost"))
    assert error == DatasetError(
        DatasetErrorReason.NOT_FOUND, "Dataset 'ghost' not found in the catalog", dataset="ghost"
    )
    names = catalog.keys()
    assert "ghost" not in names
    with pytest.raises(DatasetError):
        catalog["ghost"]


def test_fallback_to_runtime_pattern_registers_a_memory_dataset() -> None:
    catalog = _catalog({})
    dataset = catalog.get("ghost", fallback_to_runtime_pattern=True).unwrap()
    assert isinstance(dataset, MemoryDataset)
    assert catalog.keys() == ["ghost"]
    assert catalog["ghost"] is dataset
    assert "ghost" in catalog


def test_patterns_fill_their_placeholders_and_the_dataset_is_reused(tmp_path: Path) -> None:
    catalog = _catalog(
        {
            "{layer}.{name}": {
                "type": "pickle.PickleDataset",
                "filepath": f"{tmp_path}/{{layer}}/{{name}}.pkl",
            }
        }
    )
    resolution = catalog.resolve_config("raw.cars")
    assert resolution is not None
    assert resolution.source is EntrySource.PATTERN
    dataset = catalog["raw.cars"]
    assert isinstance(dataset, PickleDataset)
    assert dataset.filepath == f"{tmp_path}/raw/cars.pkl"
    assert catalog["raw.cars"] is dataset


def test_catch_all_use_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    catalog = _catalog({"{anything}": {"type": "MemoryDataset"}})
    with caplog.at_level(logging.WARNING):
        assert is_successful(catalog.get("cars"))
    assert "Config from the dataset pattern '{anything}'" in caplog.text


def test_unknown_type_names_the_entry_and_lists_own_types() -> None:
    catalog = _catalog({"cars": {"type": "pandas.CVSDataset", "filepath": "x.csv"}})
    error = _error(catalog.load("cars"))
    assert error.reason is DatasetErrorReason.CONFIG
    assert error.dataset == "cars"
    assert "An exception occurred when parsing config for dataset 'cars'" in error.message
    assert "pandas.CSVDataset" in error.message  # what to write instead


def test_a_missing_required_argument_names_the_entry() -> None:
    catalog = _catalog({"cars": {"type": "pickle.PickleDataset"}})
    error = _error(catalog.save("cars", 1))
    assert error.reason is DatasetErrorReason.CONFIG
    assert error.dataset == "cars"
    assert "'filepath'" in error.message
    assert "add the missing one to its catalog entry" in error.message


def test_an_unexpected_argument_names_the_entry() -> None:
    catalog = _catalog({"m": {"type": "MemoryDataset", "versioned": True}})
    error = _error(catalog.get("m"))
    assert error.message.endswith(
        "Dataset 'm' must only contain arguments valid for the constructor of "
        "'shell.io.memory.MemoryDataset'."
    )


def test_a_class_without_the_dataset_methods_is_refused() -> None:
    catalog = _catalog({"x": {"type": f"{__name__}.NotADataset"}})
    error = _error(catalog.get("x"))
    assert error.reason is DatasetErrorReason.CONFIG
    assert "must extend 'AbstractDataset'" in error.message


def test_any_class_with_the_four_methods_is_a_dataset_by_import_path() -> None:
    catalog = _catalog({"duck": {"type": f"{__name__}.DuckDataset", "value": 3}})
    assert catalog.load("duck").unwrap() == 3
    assert is_successful(catalog.save("duck", 4))
    assert catalog.load("duck").unwrap() == 4


def test_a_kedro_dataset_class_works_in_our_catalog(tmp_path: Path) -> None:
    from kedro.io import AbstractDataset as KedroAbstractDataset
    from kedro.io import DatasetError as KedroDatasetError

    class KedroText(KedroAbstractDataset[str, str]):
        def __init__(self, path: str) -> None:
            self._path = Path(path)

        def load(self) -> str:
            if not self._path.exists():
                raise KedroDatasetError(f"Nothing at {self._path}")
            return self._path.read_text()

        def save(self, data: str) -> None:
            self._path.write_text(data)

        def _exists(self) -> bool:
            return self._path.exists()

        def _describe(self) -> dict[str, Any]:
            return {"path": str(self._path)}

    catalog = _catalog({"notes": {"type": KedroText, "path": str(tmp_path / "n.txt")}})
    error = _error(catalog.load("notes"))
    assert error.reason is DatasetErrorReason.LOAD
    assert error.message == f"notes: Nothing at {tmp_path / 'n.txt'}"
    assert catalog.exists("notes").unwrap() is False
    assert is_successful(catalog.save("notes", "hello"))
    assert catalog.load("notes").unwrap() == "hello"


# -- data operations --------------------------------------------------------------------------


def test_load_save_exists_release_confirm_on_a_fake() -> None:
    fake = RecordingDataset()
    catalog = DataCatalog(datasets={"x": fake})
    assert catalog.exists("x").unwrap() is False
    assert is_successful(catalog.save("x", 5))
    assert catalog.load("x").unwrap() == 5
    assert catalog.exists("x").unwrap() is True
    assert is_successful(catalog.release("x"))
    assert is_successful(catalog.confirm("x"))
    assert fake.calls == ["exists", "save", "load", "exists", "release", "confirm"]


@pytest.mark.parametrize(
    ("operation", "reason", "text"),
    [
        ("load", DatasetErrorReason.LOAD, "Failed while loading data from dataset"),
        ("save", DatasetErrorReason.SAVE, "Failed while saving data to dataset"),
        ("exists", DatasetErrorReason.EXISTS, "Failed during exists check for dataset"),
        ("release", DatasetErrorReason.RELEASE, "Failed during release for dataset"),
    ],
)
def test_dataset_failures_come_back_as_values_naming_dataset_operation_and_cause(
    operation: str, reason: DatasetErrorReason, text: str
) -> None:
    catalog = DataCatalog(datasets={"x": RecordingDataset(fail=operation, data=1)})
    calls: dict[str, Callable[[], Result[object, DatasetError]]] = {
        "load": lambda: catalog.load("x"),
        "save": lambda: catalog.save("x", 2),
        "exists": lambda: catalog.exists("x"),
        "release": lambda: catalog.release("x"),
    }
    error = _error(calls[operation]())
    assert error.reason is reason
    assert error.dataset == "x"
    assert error.message.startswith(f"x: {text} ")
    assert f"disk on fire during {operation}" in error.message
    assert isinstance(error.__cause__, OSError)


def test_unknown_names() -> None:
    catalog = _catalog({})
    assert _error(catalog.load("ghost")).reason is DatasetErrorReason.NOT_FOUND
    assert _error(catalog.save("ghost", 1)).reason is DatasetErrorReason.NOT_FOUND
    assert _error(catalog.release("ghost")).reason is DatasetErrorReason.NOT_FOUND
    assert _error(catalog.confirm("ghost")).reason is DatasetErrorReason.NOT_FOUND
    assert catalog.exists("ghost").unwrap() is False
    names = catalog.keys()
    assert "ghost" not in names


def test_saving_none_is_refused_and_writes_nothing() -> None:
    fake = RecordingDataset(data=1)
    catalog = DataCatalog(datasets={"x": fake})
    error = _error(catalog.save("x", None))
    assert error.message == "x: Saving 'None' to a 'Dataset' is not allowed"
    assert fake.calls == []


def test_confirm_needs_a_confirm_method() -> None:
    catalog = DataCatalog(datasets={"m": MemoryDataset(1)})
    assert _error(catalog.confirm("m")).message == "Dataset 'm' does not have 'confirm' method"


def test_empty_memory_dataset_load_message() -> None:
    catalog = _catalog({"m": {"type": "MemoryDataset"}})
    error = _error(catalog.load("m"))
    assert error.reason is DatasetErrorReason.LOAD
    assert error.message == "m: Data for MemoryDataset has not been saved yet."


def test_setitem_wraps_plain_values_and_replaces_entries(caplog: pytest.LogCaptureFixture) -> None:
    catalog = _catalog({"x": {"type": "pickle.PickleDataset", "filepath": "x.pkl"}})
    with caplog.at_level(logging.WARNING):
        catalog["x"] = {"a": 1}
    assert "Replacing dataset 'x'" in caplog.text
    assert isinstance(catalog["x"], MemoryDataset)
    assert catalog.load("x").unwrap() == {"a": 1}
    duck = DuckDataset(7)
    catalog["d"] = duck
    assert id(catalog["d"]) == id(duck)


def test_parameters_are_fed_as_memory_datasets() -> None:
    catalog = _catalog({})
    catalog.add_parameters({"x": 1, "y": {"z": 2, "w": {"v": 3}}})
    assert catalog.keys() == [
        "parameters",
        "params:x",
        "params:y",
        "params:y.z",
        "params:y.w",
        "params:y.w.v",
    ]
    assert catalog.load("params:y.w.v").unwrap() == 3
    assert catalog.load("parameters").unwrap() == {"x": 1, "y": {"z": 2, "w": {"v": 3}}}


def test_list_patterns_ends_with_the_runtime_default() -> None:
    catalog = _catalog({"{a}": {"type": "MemoryDataset"}, "x_{a}": {"type": "MemoryDataset"}})
    assert catalog.list_patterns() == ["x_{a}", "{a}", "{default}"]


# -- versions through the catalog -------------------------------------------------------------


def test_versioned_entries_save_under_the_run_version_and_refuse_to_overwrite(
    tmp_path: Path,
) -> None:
    config = {
        "d": {"type": "json.JSONDataset", "filepath": str(tmp_path / "d.json"), "versioned": True}
    }
    first = _catalog(config, save_version="2020-01-01T00.00.00.000Z")
    assert is_successful(first.save("d", {"v": 1}))
    assert (tmp_path / "d.json" / "2020-01-01T00.00.00.000Z" / "d.json").exists()
    error = _error(first.save("d", {"v": 2}))
    assert error.reason is DatasetErrorReason.VERSION_EXISTS
    assert error.message.startswith("d: Save path ")
    assert first.load("d").unwrap() == {"v": 1}  # the refused save changed nothing
    second = _catalog(config, save_version="2021-01-01T00.00.00.000Z")
    assert is_successful(second.save("d", {"v": 2}))
    assert second.load("d").unwrap() == {"v": 2}  # latest
    assert second.load("d", version="2020-01-01T00.00.00.000Z").unwrap() == {"v": 1}
    pinned = _catalog(config, load_versions={"d": "2020-01-01T00.00.00.000Z"})
    assert pinned.load("d").unwrap() == {"v": 1}


def test_a_missing_version_is_an_error_value(tmp_path: Path) -> None:
    config = {
        "d": {"type": "json.JSONDataset", "filepath": str(tmp_path / "d.json"), "versioned": True}
    }
    catalog = _catalog(config)
    error = _error(catalog.load("d"))
    assert error.reason is DatasetErrorReason.VERSION_NOT_FOUND
    assert error.message.startswith("d: Did not find any versions for ")
    assert catalog.exists("d").unwrap() is False
    pinned = _catalog(config, load_versions={"d": "1999"})
    assert _error(pinned.load("d")).reason is DatasetErrorReason.VERSION_NOT_FOUND


def test_loading_a_version_of_a_dataset_without_versions_fails() -> None:
    catalog = DataCatalog(datasets={"m": MemoryDataset(1)})
    error = _error(catalog.load("m", version="2020"))
    assert error.reason is DatasetErrorReason.CONFIG
    assert "is not versioned" in error.message


def test_get_with_version_returns_a_copy(tmp_path: Path) -> None:
    catalog = DataCatalog(datasets={"d": JSONDataset(filepath=str(tmp_path / "d.json"))})
    copy = catalog.get("d", version=Version("V", None)).unwrap()
    assert isinstance(copy, JSONDataset)
    assert copy.version == Version("V", None)
    assert catalog["d"].version is None  # type: ignore[attr-defined]


def test_credentials_reach_the_filesystem() -> None:
    catalog = _catalog(
        {
            "d": {
                "type": "pickle.PickleDataset",
                "filepath": "memory://creds/d.pkl",
                "credentials": "mem",
            }
        },
        credentials={"mem": {"skip_instance_cache": True}},
    )
    assert is_successful(catalog.save("d", [1]))
    assert catalog.load("d").unwrap() == [1]


# -- snapshot ---------------------------------------------------------------------------------


def _identity(x: object) -> object:
    return x


def test_snapshot_probes_only_persistent_outputs(tmp_path: Path) -> None:
    probes = RecordingDataset(data=None)
    stored = RecordingDataset(data=1)
    catalog = _catalog({"{name}_mem": {"type": "MemoryDataset"}})
    catalog["raw"] = RecordingDataset(data=1)  # a persistent input: never probed
    catalog["missing_out"] = probes
    catalog["stored_out"] = stored
    catalog["cached"] = CachedDataset(MemoryDataset())
    pipe = pipeline(
        [
            node(_identity, "raw", "a_mem", name="n1"),
            node(_identity, "a_mem", "missing_out", name="n2"),
            node(_identity, "a_mem", "stored_out", name="n3"),
            node(_identity, "stored_out", "cached", name="n4"),
            node(_identity, "cached", "undeclared", name="n5"),
        ]
    ).unwrap()
    snapshot = snapshot_catalog(catalog, pipe).unwrap()
    assert snapshot.registered == {"raw", "a_mem", "missing_out", "stored_out", "cached"}
    assert snapshot.ephemeral == {"a_mem", "cached"}
    assert snapshot.existing == {"stored_out"}
    assert catalog["raw"].calls == []  # type: ignore[attr-defined]
    assert probes.calls == ["exists"]
    names = catalog.keys()
    assert "undeclared" not in names
    assert not snapshot.is_known("undeclared")


def test_snapshot_reports_a_failing_probe() -> None:
    catalog = DataCatalog(datasets={"out": RecordingDataset(fail="exists")})
    pipe = pipeline([node(_identity, "inp", "out", name="n")]).unwrap()
    error = _error(snapshot_catalog(catalog, pipe))
    assert error.reason is DatasetErrorReason.EXISTS
    assert error.dataset == "out"


# -- timestamps -------------------------------------------------------------------------------


def test_generate_timestamp_has_kedros_format_and_does_not_go_backwards() -> None:
    import re

    from shell.io import generate_timestamp

    first, second = generate_timestamp(), generate_timestamp()
    shape = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}\.\d{3}Z")
    assert shape.fullmatch(first)
    assert first <= second


@pytest.mark.differential
def test_generate_timestamp_matches_kedros_shape() -> None:
    from datetime import datetime

    from kedro.io.core import generate_timestamp as kedro_timestamp

    from shell.io import generate_timestamp

    ours, theirs = generate_timestamp(), kedro_timestamp()
    assert len(ours) == len(theirs) == 24
    # Both parse with Kedro's format once the dropped microsecond digits are restored.
    for stamp in (ours, theirs):
        datetime.strptime(stamp[:-1] + "000Z", "%Y-%m-%dT%H.%M.%S.%fZ")
    # Both are UTC: read a moment apart, they cannot be whole hours apart.
    parsed = [datetime.strptime(s[:-1] + "000Z", "%Y-%m-%dT%H.%M.%S.%fZ") for s in (ours, theirs)]
    assert abs((parsed[0] - parsed[1]).total_seconds()) < 1800


def test_items_and_values_build_every_entry_as_kedros_do() -> None:
    catalog = DataCatalog.from_config({"declared": {"type": "MemoryDataset", "data": 1}}).unwrap()
    catalog["fed"] = 2
    assert sorted(name for name, _ in catalog.items()) == ["declared", "fed"]
    assert sorted(dataset.load() for dataset in catalog.values()) == [1, 2]  # type: ignore[type-var]


@pytest.mark.differential
def test_a_dataset_with_another_save_version_is_refused_as_kedro_does(tmp_path: Path) -> None:
    from kedro.io import DataCatalog as KedroCatalog
    from kedro.io import Version as KedroVersion
    from kedro.io.core import VersionAlreadyExistsError
    from kedro_datasets.pickle import PickleDataset as KedroPickle

    from core.catalog.versioning import Version
    from shell.io import PickleDataset

    def kedros(name: str, save: str) -> Any:
        return KedroPickle(filepath=str(tmp_path / f"{name}.pkl"), version=KedroVersion("2001-01-01T00.00.00.000Z", save))

    def ours(name: str, save: str) -> Any:
        return PickleDataset(filepath=str(tmp_path / f"{name}.pkl"), version=Version("2001-01-01T00.00.00.000Z", save))

    v1, v2 = "2020-01-01T00.00.00.000Z", "2021-01-01T00.00.00.000Z"
    with pytest.raises(VersionAlreadyExistsError) as at_init:
        KedroCatalog({"a": kedros("a", v1), "b": kedros("b", v2)})
    with pytest.raises(DatasetError) as ours_at_init:
        DataCatalog({"a": ours("a", v1), "b": ours("b", v2)})
    assert ours_at_init.value.reason is DatasetErrorReason.VERSION_EXISTS
    assert ours_at_init.value.message == str(at_init.value)

    kedro_catalog = KedroCatalog({"a": kedros("a", v1)})
    catalog = DataCatalog({"a": ours("a", v1)})
    assert catalog.save_version == v1
    with pytest.raises(VersionAlreadyExistsError) as at_set:
        kedro_catalog["b"] = kedros("b", v2)
    with pytest.raises(DatasetError) as ours_at_set:
        catalog["b"] = ours("b", v2)
    assert ours_at_set.value.message == str(at_set.value)
    assert "b" not in catalog
    catalog["c"] = ours("c", v1)  # the same save version joins
