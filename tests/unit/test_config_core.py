"""Examples for the pure config functions (Kedro's documented cases), and public type pins."""

from __future__ import annotations

import pickle
from typing import assert_type

import pytest
from returns.result import Failure, Result, Success

from core.config import (
    DEFAULT_CONFIG_PATTERNS,
    ConfigDocument,
    FrozenConfig,
    FrozenMapping,
    MergeStrategy,
    Opaque,
    check_duplicate_keys,
    check_runtime_type_selection,
    deep_merge,
    freeze_mapping,
    loader_settings,
    merge_environments,
    parse_merge_strategy,
    raw_directory_config,
    select_config_files,
    thaw,
)
from core.errors import ConfigError, ConfigErrorReason
from shell.config import OmegaConfigLoader


def frozen(data: dict[str, object]) -> FrozenConfig:
    return freeze_mapping(data).unwrap()


def test_default_patterns_select_kedros_documented_examples() -> None:
    listing = [
        "catalog.yml",
        "catalog_x.yaml",
        "catalog/one.yml",
        "sub/deep/catalog_x.yaml",
        "catalog_j.json",
        "mycatalog.yml",
        "catalog.txt",
        "catalog/.ipynb_checkpoints/catalog.yml",
        "parameters.yml",
    ]
    assert select_config_files(listing, DEFAULT_CONFIG_PATTERNS["catalog"]) == Success(
        (
            "catalog.yml",
            "catalog/one.yml",
            "catalog_j.json",
            "catalog_x.yaml",
            "sub/deep/catalog_x.yaml",
        )
    )
    assert select_config_files(listing, DEFAULT_CONFIG_PATTERNS["globals"]) == Success(())
    assert select_config_files(["globals.yml", "x/globals.yml"], ("globals.yml",)) == Success(
        ("globals.yml",)
    )


def test_frozen_configs_are_immutable_hashable_ordered_and_picklable() -> None:
    config = frozen({"b": {"x": [1, 2]}, "a": None})
    assert list(config) == ["b", "a"]
    assert config == {"b": {"x": (1, 2)}, "a": None}
    assert hash(config) == hash(frozen({"a": None, "b": {"x": [1, 2]}}))
    assert pickle.loads(pickle.dumps(config)) == config
    with pytest.raises(AttributeError):
        config._items = {}
    assert thaw(config) == {"b": {"x": [1, 2]}, "a": None}


def test_freezing_refuses_what_omegaconf_refuses() -> None:
    error = freeze_mapping({"a": {"b": object()}}).failure()
    assert error.reason is ConfigErrorReason.INVALID
    assert error.message == "Value 'object' is not a supported primitive type\n    full_key: a.b"
    thing = object()
    opaque = freeze_mapping({"a": {"b": thing}}, opaque=True).unwrap()
    assert opaque == {"a": {"b": Opaque(thing)}}
    assert thaw(opaque) == {"a": {"b": thing}}


def test_merge_follows_omegaconf_on_missing_and_type_changes() -> None:
    merged = deep_merge(
        frozen({"a": {"x": 1}, "b": 1, "c": [1, 2], "d": "keep"}),
        frozen({"a": {"y": 2}, "b": {"now": "dict"}, "c": [3], "d": "???", "e": "???"}),
    )
    assert merged == Success(
        {"a": {"x": 1, "y": 2}, "b": {"now": "dict"}, "c": (3,), "d": "keep", "e": "???"}
    )
    clash = deep_merge(frozen({"a": {"x": 1}}), frozen({"a": [1]})).failure()
    assert clash == ConfigError(
        ConfigErrorReason.INVALID, "Cannot merge incompatible container types\n    full_key: a"
    )


def test_kedros_worked_example_of_runtime_params_and_strategies() -> None:
    base = ConfigDocument("base/parameters.yml", frozen({"a": {"b": 1, "c": 2}}))
    env = ConfigDocument("local/parameters.yml", frozen({"a": {"b": 10}}))
    runtime = frozen({"a": {"c": 99}})
    base_raw = raw_directory_config("parameters", [base], runtime).unwrap()
    env_raw = raw_directory_config("parameters", [env], runtime).unwrap()
    assert merge_environments(base_raw, env_raw, MergeStrategy.DESTRUCTIVE) == Success(
        {"a": {"b": 10, "c": 99}}
    )
    plain_base = raw_directory_config("parameters", [base], FrozenMapping()).unwrap()
    plain_env = raw_directory_config("parameters", [env], FrozenMapping()).unwrap()
    assert merge_environments(plain_base, plain_env, MergeStrategy.SOFT) == Success(
        {"a": {"b": 10, "c": 2}}
    )
    # Runtime parameters only reach parameters, and never an empty directory.
    assert raw_directory_config("catalog", [base], runtime) == Success({"a": {"b": 1, "c": 2}})
    assert raw_directory_config("parameters", [], runtime) == Success({})


@pytest.mark.parametrize(
    ("name", "strategy"), [("soft", MergeStrategy.SOFT), ("DESTRUCTIVE", MergeStrategy.DESTRUCTIVE)]
)
def test_strategy_names_are_case_insensitive(name: str, strategy: MergeStrategy) -> None:
    assert parse_merge_strategy(name) == Success(strategy)


def test_duplicate_check_passes_documents_through() -> None:
    documents = [
        ConfigDocument("a.yml", frozen({"x": 1})),
        ConfigDocument("b.yml", frozen({"y": 1})),
    ]
    assert check_duplicate_keys("catalog", documents) == Success(tuple(documents))


def test_type_guard_ignores_defaults_and_finds_nested_types() -> None:
    raw = frozen({"d": {"type": "W", "dataset": {"type": "${runtime_params:t, MemoryDataset}"}}})
    resolved = frozen({"d": {"type": "W", "dataset": {"type": "MemoryDataset"}}})
    assert check_runtime_type_selection(raw, resolved, frozenset()) == Success(None)
    assert isinstance(check_runtime_type_selection(raw, resolved, frozenset({"t"})), Failure)


def test_settings_default_like_kedro() -> None:
    settings = loader_settings(config_patterns={"catalog": ["cat*"], "spark": ["spark*"]})
    assert (settings.base_env, settings.default_run_env) == ("", "")
    assert settings.config_patterns["catalog"] == ("cat*",)
    assert settings.config_patterns["parameters"] == DEFAULT_CONFIG_PATTERNS["parameters"]
    assert settings.run_env(None) == "" and not settings.reads_run_env(None)


def test_public_types() -> None:
    loader = OmegaConfigLoader("nowhere", base_env="base", default_run_env="local")
    assert_type(loader.load("catalog"), Result[dict[str, object], ConfigError])
    assert_type(OmegaConfigLoader.create("nowhere"), Result[OmegaConfigLoader, ConfigError])
    assert_type(loader.get("not-a-key"), dict[str, object] | None)
    assert loader.get("not-a-key") is None
    assert_type(deep_merge(FrozenMapping()), Result[FrozenConfig, ConfigError])


def test_an_environment_reached_through_dot_dot_is_not_hidden() -> None:
    patterns = DEFAULT_CONFIG_PATTERNS["parameters"]
    assert select_config_files(["parameters.yml"], patterns, env="../shared") == Success(
        ("parameters.yml",)
    )
    assert select_config_files(["parameters.yml"], patterns, env="../.shared") == Success(())
