"""Every bad configuration gives a clear ``ConfigError`` value (and Kedro's exception form)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason
from shell.config import OmegaConfigLoader
from tests.unit.file_trees import write_tree

PROJECT_ARGS: dict[str, Any] = {"base_env": "base", "default_run_env": "local"}


def load(conf: Path, key: str, **kwargs: Any) -> Result[dict[str, object], ConfigError]:
    loader = OmegaConfigLoader(str(conf), **{**PROJECT_ARGS, **kwargs})
    return loader.load(key)


def failure(conf: Path, key: str, **kwargs: Any) -> ConfigError:
    result = load(conf, key, **kwargs)
    assert not is_successful(result), result
    return result.failure()


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    (tmp_path / "conf" / "local").mkdir(parents=True)
    (tmp_path / "conf" / "base").mkdir(parents=True)
    return tmp_path / "conf"


# -- YAML syntax: file, line and column ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "problem"),
    [
        # 1-based, as an editor counts (Kedro prints the parser's 0-based mark).
        ("a: [1\n", 2, 1, "expected ',' or ']'"),
        ("a: 1\n  b: 2\n", 2, 4, "mapping values are not allowed in this context"),
        ("ok: 1\n\tb: 1\n", 2, 1, "found a tab character that violates indentation"),
        ('{"a": 1, "b": }}', 1, 16, "did not find expected <document start>"),
        ("a: !custom 1\n", 1, 4, "could not determine a constructor for the tag '!custom'"),
    ],
)
def test_a_syntax_error_names_file_line_and_column(
    conf: Path, text: str, line: int, column: int, problem: str
) -> None:
    write_tree(conf, {"base/parameters.yml": "fine: 1\n", "base/sub/parameters.yml": text})
    error = failure(conf, "parameters")
    path = (conf / "base/sub/parameters.yml").as_posix()
    assert error.reason is ConfigErrorReason.SYNTAX
    assert error.path == path
    first, detail = error.message.split("\n", 1)
    assert (
        first == f"Invalid YAML or JSON file {path}, unable to read line {line}, position {column}."
    )
    assert problem in detail


def test_a_file_that_is_not_utf8_is_a_syntax_error(conf: Path) -> None:
    (conf / "base" / "catalog.yml").write_bytes(b"a: \xff\xfe\n")
    error = failure(conf, "catalog")
    assert error.reason is ConfigErrorReason.SYNTAX
    assert "not valid UTF-8" in error.message


def test_the_loader_raises_the_same_error_from_getitem(conf: Path) -> None:
    write_tree(conf, {"base/catalog.yml": "a: [1\n"})
    loader = OmegaConfigLoader(str(conf), **PROJECT_ARGS)
    with pytest.raises(ConfigError) as raised:
        loader["catalog"]
    assert raised.value == loader.load("catalog").failure()


# -- duplicate keys ----------------------------------------------------------------------------


def test_a_key_repeated_in_one_file_is_a_duplicate_with_its_position(conf: Path) -> None:
    write_tree(conf, {"base/catalog.yml": "a: 1\nb: 2\na: 3\n"})
    error = failure(conf, "catalog")
    assert error.reason is ConfigErrorReason.DUPLICATE_KEY
    assert error.message.startswith(
        f"Invalid YAML or JSON file {(conf / 'base/catalog.yml').as_posix()}, unable to read line 3, position 1."
    )
    assert "found duplicate key a" in error.message


def test_top_level_keys_defined_in_two_files_name_both_files(conf: Path) -> None:
    write_tree(
        conf,
        {
            "base/catalog.yml": "a: 1\nb: 2\n_t: 1\n",
            "base/catalog/x.yml": "b: 3\na: 4\n_t: 2\n",
            "base/z/catalog.yml": "a: 5\n",
        },
    )
    error = failure(conf, "catalog")
    one, two, three = (
        str(conf / p) for p in ("base/catalog.yml", "base/catalog/x.yml", "base/z/catalog.yml")
    )
    assert error.reason is ConfigErrorReason.DUPLICATE_KEY
    assert error.message.splitlines() == [
        f"Duplicate keys found in {one} and {two}: a, b",
        f"Duplicate keys found in {one} and {three}: a",
        f"Duplicate keys found in {two} and {three}: a",
    ]
    assert error.path == one


def test_parameters_clash_on_shared_leaves_only(conf: Path) -> None:
    write_tree(
        conf, {"base/parameters.yml": "p: {x: 1}\n", "base/parameters/more.yml": "p: {y: 2}\n"}
    )
    assert load(conf, "parameters") == Success({"p": {"x": 1, "y": 2}})
    write_tree(conf, {"base/parameters/more.yml": "p: {x: 2}\n"})
    assert failure(conf, "parameters").message.endswith(": p.x")


def test_duplicates_in_different_environments_are_not_errors(conf: Path) -> None:
    write_tree(conf, {"base/catalog.yml": "a: 1\n", "local/catalog.yml": "a: 2\n"})
    assert load(conf, "catalog") == Success({"a": 2})


def test_a_long_duplicate_key_list_is_cut_at_100_characters(conf: Path) -> None:
    keys = [f"key_{i:03d}" for i in range(30)]
    body = "".join(f"{k}: 1\n" for k in keys)
    write_tree(conf, {"base/catalog.yml": body, "base/catalog_2.yml": body})
    message = failure(conf, "catalog").message
    assert message.endswith(", ".join(keys)[:100] + "...")


# -- missing configuration ----------------------------------------------------------------------


def test_a_missing_run_environment_directory_is_missing(conf: Path) -> None:
    write_tree(conf, {"base/catalog.yml": "a: 1\n"})
    error = failure(conf, "catalog", env="prod")
    assert error.reason is ConfigErrorReason.MISSING
    assert error.message == (
        f"Given configuration path either does not exist or is not a valid directory: {conf / 'prod'}"
    )
    assert error.path == str(conf / "prod")


def test_a_missing_base_directory_is_missing(tmp_path: Path) -> None:
    write_tree(tmp_path, {"local/catalog.yml": "a: 1\n"})
    error = failure(tmp_path, "catalog")
    assert error.reason is ConfigErrorReason.MISSING
    assert error.message.endswith(f"not a valid directory: {tmp_path / 'base'}")


def test_no_matching_files_in_either_directory_is_missing(conf: Path) -> None:
    write_tree(conf, {"base/readme.txt": "", "local/catalog.txt": ""})
    error = failure(conf, "credentials")
    assert error.reason is ConfigErrorReason.MISSING
    assert error.message == (
        f"No files of YAML or JSON format found in {conf / 'base'} or {conf / 'local'} matching "
        "the glob pattern(s): ['credentials*', 'credentials*/**', '**/credentials*']"
    )


def test_a_key_without_patterns_is_unknown(conf: Path) -> None:
    loader = OmegaConfigLoader(str(conf), **PROJECT_ARGS)
    assert loader.load("spark").failure() == ConfigError(
        ConfigErrorReason.UNKNOWN_KEY,
        "No config patterns were found for 'spark' in your config loader",
    )
    with pytest.raises(KeyError, match="No config patterns were found for 'spark'"):
        loader["spark"]
    assert loader.get("spark", {"default": True}) == {"default": True}


def test_get_does_not_swallow_configuration_errors(conf: Path) -> None:
    loader = OmegaConfigLoader(str(conf), **PROJECT_ARGS)
    with pytest.raises(ConfigError) as raised:
        loader.get("catalog")
    assert raised.value.reason is ConfigErrorReason.MISSING


# -- interpolation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("catalog", "a: ${nope}\n", "Interpolation key 'nope' not found"),
        (
            "catalog",
            "a: ${globals:nope}\n",
            "Globals key 'nope' not found and no default value provided.",
        ),
        (
            "parameters",
            "a: ${globals:_x}\n",
            "Keys starting with '_' are not supported for globals.",
        ),
        (
            "catalog",
            "a: ${runtime_params:nope}\n",
            "Runtime parameter 'nope' not found and no default value provided.",
        ),
        ("catalog", "a: ${oc.env:HOME}\n", "Unsupported interpolation type oc.env"),
        ("parameters", "a: ${oc.env:HOME}\n", "Unsupported interpolation type oc.env"),
        ("credentials", "a: ${oc.env:KP_NOT_SET}\n", "Environment variable 'KP_NOT_SET' not found"),
        ("credentials", "a: ${other}\n", "Interpolation key 'other' not found"),
        ("parameters", "a: ${b\n", "no viable alternative at input '${b'"),
        (
            "catalog",
            "a: ${unknown_resolver:1}\n",
            "Unsupported interpolation type unknown_resolver",
        ),
    ],
)
def test_an_unresolvable_interpolation_is_an_interpolation_error(
    conf: Path, key: str, text: str, message: str
) -> None:
    write_tree(conf, {f"base/{key}.yml": text, "base/credentials_other.yml": "other: 1\n"})
    error = failure(conf, key, environ={})
    assert error.reason is ConfigErrorReason.INTERPOLATION
    assert message in error.message


def test_interpolation_does_not_cross_environments(conf: Path) -> None:
    write_tree(conf, {"base/parameters.yml": "a: 1\n", "local/parameters.yml": "b: ${a}\n"})
    error = failure(conf, "parameters")
    assert error.reason is ConfigErrorReason.INTERPOLATION
    # The local file holding the key, not base's: environments are resolved one by one.
    assert error.path == str(conf / "local" / "parameters.yml")


def test_runtime_params_in_globals_fail_construction(conf: Path) -> None:
    write_tree(conf, {"base/globals.yml": "a: ${runtime_params:x}\n"})
    expected = ConfigError(
        ConfigErrorReason.INTERPOLATION,
        "The `runtime_params:` resolver is not supported for globals.",
        path=str(conf / "base"),
    )
    with pytest.raises(ConfigError) as raised:
        OmegaConfigLoader(str(conf), runtime_params={"x": 1}, **PROJECT_ARGS)
    assert raised.value == expected
    assert OmegaConfigLoader.create(str(conf), runtime_params={"x": 1}, **PROJECT_ARGS) == Failure(
        expected
    )


def test_a_missing_globals_file_or_folder_does_not_fail_construction(tmp_path: Path) -> None:
    assert isinstance(OmegaConfigLoader.create(str(tmp_path / "nowhere"), **PROJECT_ARGS), Success)


def test_runtime_params_cannot_choose_a_dataset_type_when_restricted(conf: Path) -> None:
    write_tree(
        conf,
        {
            "base/catalog.yml": (
                "safe:\n  type: ${runtime_params:missing_type, MemoryDataset}\n"
                "wrapped:\n  type: partitions.PartitionedDataset\n"
                "  dataset: {type: '${runtime_params:ds.type}'}\n"
            )
        },
    )
    runtime = {"ds": {"type": "pickle.PickleDataset"}}
    assert load(conf, "catalog", runtime_params=runtime).unwrap()["wrapped"] == {
        "type": "partitions.PartitionedDataset",
        "dataset": {"type": "pickle.PickleDataset"},
    }
    error = failure(
        conf, "catalog", runtime_params=runtime, restrict_runtime_params_type_selection=True
    )
    assert error == ConfigError(
        ConfigErrorReason.INTERPOLATION,
        "Dataset 'wrapped' resolves a 'type' field via the 'runtime_params:' resolver to "
        "'pickle.PickleDataset', which is not permitted. Runtime parameters must not select "
        "which dataset class is instantiated, at any nesting depth.",
    )


# -- invalid shapes -----------------------------------------------------------------------------


def test_an_unknown_merge_strategy_is_invalid(conf: Path) -> None:
    write_tree(conf, {"base/catalog.yml": "a: 1\n"})
    error = failure(conf, "catalog", merge_strategy={"catalog": "gentle"})
    assert error == ConfigError(
        ConfigErrorReason.INVALID,
        "Merging strategy gentle not supported. The accepted merging strategies are ['soft', 'destructive'].",
    )


def test_a_mapping_merged_onto_a_list_is_invalid(conf: Path) -> None:
    write_tree(conf, {"base/parameters.yml": "a: {x: 1}\n", "base/p/parameters.yml": "a: [1]\n"})
    error = failure(conf, "parameters")
    assert error.reason is ConfigErrorReason.INVALID
    assert error.message.startswith("Cannot merge incompatible container types")


def test_a_file_holding_a_list_is_invalid(conf: Path) -> None:
    write_tree(conf, {"base/catalog.yml": "- a\n- b\n"})
    error = failure(conf, "catalog")
    assert error.reason is ConfigErrorReason.INVALID
    assert "must contain a mapping at the top level" in error.message


def test_a_runtime_parameter_omegaconf_cannot_hold_is_invalid(conf: Path) -> None:
    write_tree(conf, {"base/parameters.yml": "a: 1\n"})
    error = failure(conf, "parameters", runtime_params={"when": object()})
    assert error.reason is ConfigErrorReason.INVALID
    assert error.message.startswith("Value 'object' is not a supported primitive type")


def test_a_null_key_is_invalid_and_names_the_file(conf: Path) -> None:
    write_tree(conf, {"base/catalog.yml": "~: 1\n"})
    error = failure(conf, "catalog")
    assert error.reason is ConfigErrorReason.INVALID
    assert str(conf / "base" / "catalog.yml") in error.message


def test_double_star_inside_a_pattern_segment_is_invalid(conf: Path) -> None:
    write_tree(conf, {"base/catalog.yml": "a: 1\n"})
    error = failure(conf, "catalog", config_patterns={"catalog": ["cat**"]})
    assert error.reason is ConfigErrorReason.INVALID


def test_an_undefined_interpolation_names_the_file_holding_the_key(conf: Path) -> None:
    write_tree(conf, {"base/parameters.yml": "fine: 1\n", "base/more/parameters_x.yml": "broken: ${nowhere}\n"})
    error = failure(conf, "parameters")
    assert error.reason is ConfigErrorReason.INTERPOLATION
    path = (conf / "base/more/parameters_x.yml").as_posix()
    assert error.path == path
    assert error.message.endswith(f"in file: {path}")
