"""Catalog configuration parsing: the bad inputs and Kedro's messages, and frozen values."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from pydantic import BaseModel
from returns.pipeline import is_successful

from core.catalog import (
    CatalogConfig,
    CopyMode,
    FrozenMapping,
    Version,
    check_load_versions,
    check_version_string,
    format_timestamp,
    freeze,
    infer_copy_mode,
    parameter_feed,
    parse_catalog_config,
    parse_copy_mode,
    parse_dataset_spec,
    pick_load_version,
    thaw,
    type_candidates,
    versioned_path,
    versions_in_listing,
)
from core.errors import DatasetError, DatasetErrorReason


def _failure(raw: dict[str, object], credentials: dict[str, object] | None = None) -> DatasetError:
    result = parse_catalog_config(raw, credentials)
    assert not is_successful(result)
    error = result.failure()
    assert isinstance(error, DatasetError)
    return error


def test_an_entry_that_is_not_a_mapping_is_named() -> None:
    error = _failure({"cars": "data/cars.csv"})
    assert error.reason is DatasetErrorReason.CONFIG
    assert error.dataset == "cars"
    assert error.message.startswith("Catalog entry 'cars' is not a valid dataset configuration.")
    assert "preceded by an underscore" in error.message


def test_an_entry_without_type_is_named() -> None:
    error = _failure({"cars": {"filepath": "cars.csv"}})
    assert error.reason is DatasetErrorReason.CONFIG
    assert error.dataset == "cars"
    assert "'type' is missing from dataset catalog configuration." in error.message


def test_a_pattern_without_type_fails_only_when_a_name_resolves_through_it() -> None:
    """Kedro builds such a catalog and fails at ``get``, naming the resolved dataset."""
    from shell.io import DataCatalog

    config = {"{name}_csv": {"filepath": "{name}.csv"}, "a": {"type": "MemoryDataset"}}
    assert is_successful(parse_catalog_config(config))
    catalog = DataCatalog.from_config(config).unwrap()
    assert is_successful(catalog.get("a"))
    error = catalog.get("cars_csv").failure()
    assert error.dataset == "cars_csv"
    assert "'type' is missing from dataset catalog configuration." in error.message


@pytest.mark.differential
@pytest.mark.parametrize(
    "config",
    [
        {"a": {"filepath": "a"}, "b": "not a mapping"},
        {"a": {"filepath": "a"}, "c": {"type": "x", "credentials": "nope"}},
        {"b": "not a mapping", "c": {"type": "x", "credentials": "nope"}},
        {"a": {"filepath": "a"}, "{x}_p": {"type": "x", "filepath": "{y}"}},
        {"c": {"type": "x", "credentials": "nope"}, "{x}_p": {"type": "x", "credentials": "nope2"}},
        {"a": {"filepath": "a"}, "b": {"filepath": "b"}},
    ],
)
def test_with_several_faults_the_one_kedro_reports_first_is_reported(config: dict[str, object]) -> None:
    from kedro.io import DataCatalog as KedroCatalog

    with pytest.raises(Exception) as kedros:
        KedroCatalog.from_config(cast(Any, config))
    error = _failure(config)
    theirs = str(kedros.value).strip('"')
    assert error.message.removeprefix(f"{error.dataset}: ") == theirs


@pytest.mark.parametrize("where", ["top", "nested"])
def test_unknown_credentials_are_named(where: str) -> None:
    entry: dict[str, object] = {"type": "pandas.CSVDataset", "filepath": "s3://b/cars.csv"}
    if where == "top":
        entry["credentials"] = "prod_s3"
    else:
        entry["fs_args"] = {"client": {"credentials": "prod_s3"}}
    error = _failure({"cars": entry}, {"dev_s3": {"key": "k"}})
    assert error.reason is DatasetErrorReason.CREDENTIALS
    assert error.dataset == "cars"
    assert "Unable to find credentials 'prod_s3'" in error.message


def test_credentials_are_substituted_at_any_mapping_depth_but_not_in_lists() -> None:
    raw = {
        "cars": {
            "type": "pandas.CSVDataset",
            "credentials": "s3",
            "fs_args": {"inner": {"credentials": "s3"}},
            "hooks": [{"credentials": "s3"}],
        }
    }
    config = parse_catalog_config(raw, {"s3": {"key": "k"}}).unwrap()
    entry = thaw(config.entries["cars"])
    assert entry == {
        "type": "pandas.CSVDataset",
        "credentials": {"key": "k"},
        "fs_args": {"inner": {"credentials": {"key": "k"}}},
        "hooks": [{"credentials": "s3"}],
    }


@pytest.mark.parametrize("key", ["{name", "{a}_x}", "{}_x", "{a:d}_x", "{{a}}_x", "{a b}_x"])
def test_a_malformed_pattern_is_named(key: str) -> None:
    error = _failure({key: {"type": "pickle.PickleDataset"}})
    assert error.reason is DatasetErrorReason.PATTERN
    assert error.dataset == key
    assert "is malformed" in error.message
    assert "'{name}_csv'" in error.message  # says what a placeholder looks like


def test_two_catch_all_patterns_are_refused_with_kedro_message() -> None:
    error = _failure(
        {"{b}": {"type": "pickle.PickleDataset"}, "{a}": {"type": "pickle.PickleDataset"}}
    )
    assert error.reason is DatasetErrorReason.PATTERN
    assert error.message == (
        "Multiple catch-all patterns found in the catalog: {a}, {b}. Only one catch-all "
        "pattern is allowed, remove the extras."
    )


def test_a_placeholder_missing_from_the_pattern_is_refused() -> None:
    error = _failure({"{name}_csv": {"type": "pandas.CSVDataset", "filepath": "{nam}.csv"}})
    assert error.reason is DatasetErrorReason.PATTERN
    assert error.message == (
        "Incorrect dataset configuration provided. Keys used in the configuration "
        "{'{nam}'} should present in the dataset pattern name {name}_csv."
    )


def test_a_config_string_that_cannot_be_filled_is_refused() -> None:
    error = _failure({"{name}_csv": {"type": "pandas.CSVDataset", "filepath": "{name}}.csv"}})
    assert error.reason is DatasetErrorReason.PATTERN
    assert error.dataset == "{name}_csv"


def test_load_versions_must_name_declared_datasets() -> None:
    config = parse_catalog_config(
        {
            "cars": {"type": "pickle.PickleDataset", "filepath": "c.pkl"},
            "{name}_csv": {"type": "pandas.CSVDataset", "filepath": "{name}.csv"},
            "{any}": {"type": "pickle.PickleDataset", "filepath": "{any}.pkl"},
        }
    ).unwrap()
    assert is_successful(check_load_versions(config, ["cars", "boats_csv"]))
    result = check_load_versions(config, ["zeta", "cars", "alpha"])
    assert result.failure() == DatasetError(
        DatasetErrorReason.NOT_FOUND,
        "'load_versions' keys [alpha, zeta] are not found in the catalog.",
        dataset="alpha, zeta",
    )


def test_the_config_is_a_frozen_copy_of_the_input() -> None:
    raw: dict[str, object] = {"cars": {"type": "x.Y", "save_args": {"index": False}, "cols": [1]}}
    config = parse_catalog_config(raw).unwrap()
    raw["cars"]["save_args"]["index"] = True  # type: ignore[index]
    raw["cars"]["cols"].append(2)  # type: ignore[index]
    entry = config.entries["cars"]
    assert thaw(entry) == {"type": "x.Y", "save_args": {"index": False}, "cols": [1]}
    with pytest.raises(TypeError):
        entry["type"] = "other"
    with pytest.raises(TypeError):
        entry["save_args"]["index"] = True  # type: ignore[index]


def test_thaw_gives_fresh_mutable_copies_and_frozen_values_pickle() -> None:
    frozen = freeze({"a": {"b": [1, {"c": 2}]}, "t": (1, [2])})
    first, second = thaw(frozen), thaw(frozen)
    assert first == {"a": {"b": [1, {"c": 2}]}, "t": (1, [2])}
    assert first is not second
    assert first["a"] is not second["a"]  # type: ignore[index]
    assert pickle.loads(pickle.dumps(frozen)) == frozen
    assert isinstance(pickle.loads(pickle.dumps(frozen)), FrozenMapping)
    config = parse_catalog_config({"{n}_x": {"type": "a.B", "filepath": "{n}"}}).unwrap()
    copy = pickle.loads(pickle.dumps(config))
    assert isinstance(copy, CatalogConfig)
    assert copy == config


def test_an_empty_catalog_parses() -> None:
    assert parse_catalog_config(None).unwrap() == CatalogConfig()
    assert parse_catalog_config({}).unwrap() == CatalogConfig()


# -- dataset specs and type names -----------------------------------------------------------


def test_a_spec_strips_reserved_keys_and_keeps_arguments() -> None:
    spec = parse_dataset_spec(
        "cars",
        freeze({"type": "pandas.CSVDataset", "filepath": "c.csv", "versioned": True, "version": 1}),  # type: ignore[arg-type]
    ).unwrap()
    assert spec.type_ref == "pandas.CSVDataset"
    assert spec.versioned is True
    assert dict(spec.arguments) == {"filepath": "c.csv"}
    assert any("reserved word" in note for note in spec.notes)


@pytest.mark.parametrize("type_name", [".pandas.CSVDataset", "pandas.CSVDataset.", ""])
def test_a_relative_type_path_is_refused(type_name: str) -> None:
    error = parse_dataset_spec("cars", {"type": type_name}).failure()
    assert error.reason is DatasetErrorReason.CONFIG
    assert error.dataset == "cars"


def test_type_candidates_try_own_names_then_kedro_datasets_then_the_path() -> None:
    own = {"pickle.PickleDataset": "shell.io.pickle_dataset.PickleDataset"}
    assert type_candidates("pickle.PickleDataset", own) == (
        "shell.io.pickle_dataset.PickleDataset",
        "kedro_datasets.pickle.PickleDataset",
        "pickle.PickleDataset",
    )
    assert type_candidates("my.mod.Cls", own) == ("kedro_datasets.my.mod.Cls", "my.mod.Cls")


# -- versions ---------------------------------------------------------------------------------


def test_timestamps_have_kedros_exact_format() -> None:
    moment = datetime(2026, 11, 23, 18, 52, 50, 168999, tzinfo=UTC)
    assert format_timestamp(moment) == "2026-11-23T18.52.50.168Z"
    plus_two = datetime(2026, 11, 23, 20, 52, 50, 168999, tzinfo=timezone(timedelta(hours=2)))
    assert format_timestamp(plus_two) == "2026-11-23T18.52.50.168Z"


def test_versioned_path_layout() -> None:
    assert versioned_path("data/d.json", "V1") == "data/d.json/V1/d.json"
    assert versioned_path("s3://b/d.json/", "V1") == "s3://b/d.json/V1/d.json"


def test_listing_keeps_only_version_files_newest_first() -> None:
    listing = [
        "data/d.json/2020-01-01T00.00.00.000Z/d.json",
        "data/d.json/2021-01-01T00.00.00.000Z/d.json",
        "data/d.json/2022-01-01T00.00.00.000Z/.d.json.1234.tmp",
    ]
    assert versions_in_listing("data/d.json", listing) == (
        "2021-01-01T00.00.00.000Z",
        "2020-01-01T00.00.00.000Z",
    )


@pytest.mark.parametrize("bad", ["", "a/b", "a\\b", ".", ".."])
def test_unsafe_version_strings_are_refused(bad: str) -> None:
    assert check_version_string(bad).failure().reason is DatasetErrorReason.CONFIG


def test_pick_load_version() -> None:
    available = ["2020-01-01T00.00.00.000Z", "2021-01-01T00.00.00.000Z"]
    pick = pick_load_version
    assert pick(Version(None, None), available, described="d").unwrap() == available[1]
    assert pick(Version(available[0], None), available, described="d").unwrap() == available[0]
    missing = pick(Version("2019", None), available, described="D()", dataset="cars").failure()
    assert missing.reason is DatasetErrorReason.VERSION_NOT_FOUND
    assert missing.dataset == "cars"
    assert "Version '2019' of D() does not exist" in missing.message
    assert available[1] in missing.message
    none = pick(Version(None, None), [], described="D()").failure()
    assert none.message == "Did not find any versions for D()"


# -- copy modes and parameters ----------------------------------------------------------------


def test_copy_modes() -> None:
    assert parse_copy_mode(None).unwrap() is None
    assert parse_copy_mode("assign").unwrap() is CopyMode.ASSIGN
    assert parse_copy_mode("shallow").failure().message == (
        "Invalid copy mode: shallow. Possible values are: deepcopy, copy, assign."
    )
    assert infer_copy_mode("pandas", "DataFrame", is_pandas_or_numpy=True) is CopyMode.COPY
    assert infer_copy_mode("polars", "DataFrame") is CopyMode.ASSIGN
    assert infer_copy_mode("ibis.expr.types", "Table", is_ibis_table=True) is CopyMode.ASSIGN
    # Kedro's isinstance check: a class merely named Table is deep-copied.
    assert infer_copy_mode("ibis.expr.types", "Table") is CopyMode.DEEPCOPY
    assert infer_copy_mode("builtins", "dict") is CopyMode.DEEPCOPY


class _Model(BaseModel):
    rate: float
    layers: dict[str, int]


@dataclasses.dataclass
class _Options:
    seed: int


def test_parameters_descend_into_models_and_dataclasses() -> None:
    params: dict[str, object] = {
        "model": _Model(rate=0.5, layers={"a": 1}),
        "opts": _Options(seed=3),
        "items": [{"x": 1}],
    }
    feed = parameter_feed(params)
    assert list(feed) == [
        "parameters",
        "params:model",
        "params:model.rate",
        "params:model.layers",
        "params:model.layers.a",
        "params:opts",
        "params:opts.seed",
        "params:items",
    ]
    assert feed["params:model.layers.a"] == 1
