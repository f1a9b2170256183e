"""Behaviour of the config loader a user notices: merges, keys, resolvers, sources."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf
from omegaconf.basecontainer import BaseContainer
from returns.result import Failure, Result, Success

from core.config import loader_settings
from core.errors import ConfigError, ConfigErrorReason
from shell.config import AbstractConfigLoader, OmegaConfigLoader, load_config
from shell.config.source import ConfigSource
from tests.unit.file_trees import write_tree

PROJECT_ARGS: dict[str, Any] = {"base_env": "base", "default_run_env": "local"}


class InMemorySource:
    """A :class:`ConfigSource` over a dict ``{env: {relative path: text}}``."""

    def __init__(self, envs: Mapping[str, Mapping[str, str]]) -> None:
        self.envs = envs
        self.reads: list[tuple[str, str]] = []

    def env_path(self, env: str) -> str:
        return f"mem/{env}"

    def list_files(self, env: str) -> Result[tuple[str, ...], ConfigError]:
        if env not in self.envs:
            return Failure(
                ConfigError(ConfigErrorReason.MISSING, f"no {env}", path=self.env_path(env))
            )
        return Success(tuple(self.envs[env]))

    def file_path(self, env: str, relative: str) -> str:
        return f"mem/{env}/{relative}"

    def read_text(self, env: str, relative: str) -> Result[str, ConfigError]:
        self.reads.append((env, relative))
        return Success(self.envs[env][relative])


def memory_loader(envs: Mapping[str, Mapping[str, str]], **kwargs: Any) -> OmegaConfigLoader:
    source: ConfigSource = InMemorySource(envs)
    return OmegaConfigLoader("mem", source=source, **{**PROJECT_ARGS, **kwargs})


# -- merging environments -----------------------------------------------------------------------

BASE_AND_LOCAL = {
    "base": {"parameters.yml": "a: {b: 1, c: 2}\n", "catalog.yml": "x: {type: A, args: {p: 1}}\n"},
    "local": {"parameters.yml": "a: {b: 10}\n", "catalog.yml": "x: {args: {q: 2}}\n"},
}


def test_destructive_merge_replaces_top_level_keys_whole() -> None:
    loader = memory_loader(BASE_AND_LOCAL)
    assert loader["parameters"] == {"a": {"b": 10}}
    assert loader["catalog"] == {"x": {"args": {"q": 2}}}


def test_soft_merge_merges_deeply() -> None:
    loader = memory_loader(BASE_AND_LOCAL, merge_strategy={"parameters": "soft", "catalog": "Soft"})
    assert loader["parameters"] == {"a": {"b": 10, "c": 2}}
    assert loader["catalog"] == {"x": {"type": "A", "args": {"p": 1, "q": 2}}}


def test_runtime_params_land_in_each_environment_before_the_destructive_merge() -> None:
    # Kedro's worked example: base c is lost, the runtime c comes back through local.
    loader = memory_loader(BASE_AND_LOCAL, runtime_params={"a": {"c": 99}})
    assert loader["parameters"] == {"a": {"b": 10, "c": 99}}


def test_runtime_params_keep_dotted_keys_literal() -> None:
    loader = memory_loader(BASE_AND_LOCAL, runtime_params={"a.b": 5})
    assert loader["parameters"] == {"a": {"b": 10}, "a.b": 5}


def test_destructive_overrides_are_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="kedro.config.omegaconf_config"):
        memory_loader(BASE_AND_LOCAL)["parameters"]
    assert (
        "Config from path 'mem/local' will override the following existing top-level config keys: a"
        in caplog.text
    )


def test_a_named_environment_replaces_the_default_one() -> None:
    loader = memory_loader({**BASE_AND_LOCAL, "prod": {"parameters.yml": "z: 1\n"}}, env="prod")
    assert loader["parameters"] == {"a": {"b": 1, "c": 2}, "z": 1}


# -- the run environment is the base environment -----------------------------------------------


def test_when_run_env_is_base_only_base_is_read_and_nothing_is_missing() -> None:
    source = InMemorySource({"base": {"catalog.yml": "a: 1\n"}})
    loader = OmegaConfigLoader(
        "mem", env="base", runtime_params={"r": 1}, source=source, **PROJECT_ARGS
    )
    assert loader["catalog"] == {"a": 1}
    # No parameter files: no MissingConfig error, and the runtime params are silently dropped.
    assert loader.load("parameters") == Success({})
    assert all(env == "base" for env, _ in source.reads)


def test_a_standalone_loader_reads_the_source_folder_itself(tmp_path: Path) -> None:
    write_tree(tmp_path, {"catalog.yml": "a: 1\n", "parameters.yml": "p: 1\n"})
    loader = OmegaConfigLoader(tmp_path, runtime_params={"q": 2})
    assert (loader["catalog"], loader["parameters"]) == ({"a": 1}, {"p": 1, "q": 2})


# -- `_` keys ------------------------------------------------------------------------------------


def test_underscore_keys_survive_in_parameters_only() -> None:
    files = "_template: {type: T}\nitem: ${_template}\nnested: {_kept: 1}\n"
    envs = {
        "base": {f"{key}.yml": files for key in ("catalog", "parameters", "credentials")},
        "local": {},
    }
    loader = memory_loader(envs, environ={})
    expected = {"item": {"type": "T"}, "nested": {"_kept": 1}}
    assert loader["catalog"] == expected
    assert loader["credentials"] == expected
    assert loader["parameters"] == {"_template": {"type": "T"}, **expected}


# -- globals, runtime params and environment variables -----------------------------------------


def test_globals_overlay_and_resolve_everywhere() -> None:
    loader = memory_loader(
        {
            "base": {
                "globals.yml": "bucket: b1\nfmt: csv\n",
                "catalog.yml": "d: {path: '${globals:bucket}/${globals:fmt}'}\n",
            },
            "local": {
                "globals.yml": "bucket: b2\n",
                "parameters.yml": "f: ${globals:missing, fallback}\n",
            },
        }
    )
    assert loader["globals"] == {"bucket": "b2", "fmt": "csv"}
    assert loader["catalog"] == {"d": {"path": "b2/csv"}}
    assert loader["parameters"] == {"f": "fallback"}


def test_setting_globals_changes_what_the_resolver_sees() -> None:
    loader = memory_loader({"base": {"catalog.yml": "d: ${globals:bucket}\n"}, "local": {}})
    loader["globals"] = {"bucket": "set"}
    assert loader["catalog"] == {"d": "set"}
    assert loader.load("globals") == Success({"bucket": "set"})


def test_runtime_params_resolve_with_dotted_keys_and_defaults() -> None:
    loader = memory_loader(
        {
            "base": {
                "catalog.yml": "d: {v: '${runtime_params:run.v}', w: '${runtime_params:w, 0}'}\n"
            },
            "local": {},
        },
        runtime_params={"run": {"v": 3}},
    )
    assert loader["catalog"] == {"d": {"v": 3, "w": 0}}


def test_environment_variables_resolve_in_credentials_only() -> None:
    envs = {
        "base": {"credentials.yml": "k: ${oc.env:TOKEN}\nd: ${oc.env:UNSET, dflt}\n"},
        "local": {},
    }
    assert memory_loader(envs, environ={"TOKEN": "t0k"})["credentials"] == {"k": "t0k", "d": "dflt"}
    envs = {"base": {"parameters.yml": "k: ${oc.env:TOKEN}\n"}, "local": {}}
    error = memory_loader(envs, environ={"TOKEN": "t0k"}).load("parameters").failure()
    assert error.reason is ConfigErrorReason.INTERPOLATION


def test_credentials_read_the_process_environment_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KP_CONFIG_TEST_TOKEN", "from-env")
    write_tree(
        tmp_path, {"base/credentials.yml": "k: ${oc.env:KP_CONFIG_TEST_TOKEN}\n", "local/.keep": ""}
    )
    assert OmegaConfigLoader(tmp_path, **PROJECT_ARGS)["credentials"] == {"k": "from-env"}


class Thing:
    pass


def test_custom_resolvers_apply_and_may_return_any_object() -> None:
    thing = Thing()
    loader = memory_loader(
        {
            "base": {"catalog.yml": "d: {n: '${add:1,2}', o: '${thing:}', t: '${pair:}'}\n"},
            "local": {},
        },
        custom_resolvers={
            "add": lambda a, b: a + b,
            "thing": lambda: thing,
            "pair": lambda: (1, 2),
        },
    )
    config = loader["catalog"]
    assert config == {"d": {"n": 3, "o": thing, "t": (1, 2)}}
    assert config["d"]["o"] is thing  # type: ignore[index]


def test_loaders_do_not_leak_resolvers_or_globals_into_omegaconf_or_each_other() -> None:
    registry_before = dict(BaseContainer._resolvers)
    one = memory_loader(
        {"base": {"globals.yml": "g: 1\n", "catalog.yml": "d: ${globals:g}\n"}, "local": {}}
    )
    two = memory_loader(
        {"base": {"globals.yml": "g: 2\n", "catalog.yml": "d: ${globals:g}\n"}, "local": {}},
        custom_resolvers={"kp_private": lambda: 1},
    )
    assert (one["catalog"], two["catalog"]) == ({"d": 1}, {"d": 2})
    assert not OmegaConf.has_resolver("kp_private")
    assert BaseContainer._resolvers == registry_before


# -- the dict-like surface ----------------------------------------------------------------------


def test_keys_are_the_config_types_the_loader_knows() -> None:
    loader = memory_loader({"base": {}, "local": {}}, config_patterns={"spark": ["spark*"]})
    loader["extra"] = {"x": 1}
    assert set(loader.keys()) == {"catalog", "parameters", "credentials", "globals", "spark"}
    assert loader["extra"] == {"x": 1}
    assert loader.config_patterns["spark"] == ["spark*"]


def test_each_lookup_returns_a_fresh_dict() -> None:
    loader = memory_loader(BASE_AND_LOCAL)
    first = loader["parameters"]
    first["a"] = "mutated"
    assert loader["parameters"] == {"a": {"b": 10}}


def test_files_are_read_in_sorted_order_so_later_paths_win_underscore_keys() -> None:
    envs = {
        "base": {
            "parameters/z.yml": "_p: z\n",
            "parameters.yml": "_p: a\n",
            "parameters/b.yml": "_p: b\n",
        }
    }
    assert memory_loader(envs, env="base")["parameters"] == {"_p": "z"}


def test_hidden_files_are_skipped_unless_asked(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "base/parameters.yml": "a: 1\n",
            "base/.hidden/parameters.yml": "b: 1\n",
            "local/.keep": "",
        },
    )
    assert OmegaConfigLoader(tmp_path, **PROJECT_ARGS)["parameters"] == {"a": 1}
    shown = OmegaConfigLoader(tmp_path, ignore_hidden=False, **PROJECT_ARGS)
    assert shown["parameters"] == {"a": 1, "b": 1}


def test_a_zip_archive_loads_like_the_folder(tmp_path: Path) -> None:
    files = {"conf/base/catalog.yml": "a: {type: A}\n", "conf/local/catalog.yml": "b: {type: B}\n"}
    with zipfile.ZipFile(tmp_path / "conf.zip", "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    loader = OmegaConfigLoader(str(tmp_path / "conf.zip"), **PROJECT_ARGS)
    assert loader["catalog"] == {"a": {"type": "A"}, "b": {"type": "B"}}
    assert (
        loader.load("parameters")
        .failure()
        .message.startswith("No files of YAML or JSON format found in conf/base or conf/local")
    )


def test_load_config_is_the_same_lookup_as_a_function() -> None:
    source = InMemorySource(BASE_AND_LOCAL)
    settings = loader_settings(
        base_env="base", default_run_env="local", merge_strategy={"parameters": "soft"}
    )
    assert load_config("parameters", source=source, settings=settings) == Success(
        {"a": {"b": 10, "c": 2}}
    )
    assert (
        load_config("nope", source=source, settings=settings).failure().reason
        is ConfigErrorReason.UNKNOWN_KEY
    )


class DictLoader(AbstractConfigLoader):
    """A user-defined loader that only implements ``__getitem__``."""

    def __getitem__(self, key: str) -> dict[str, object]:
        if key == "catalog":
            return {"a": 1}
        if key == "parameters":
            raise ConfigError(ConfigErrorReason.MISSING, "no parameters")
        raise KeyError(key)


def test_a_custom_loader_gets_the_result_form_for_free() -> None:
    loader = DictLoader("conf", env=None, runtime_params={"x": 1}, ignored_kwarg=True)
    assert loader.load("catalog") == Success({"a": 1})
    assert loader.load("parameters") == Failure(
        ConfigError(ConfigErrorReason.MISSING, "no parameters")
    )
    assert loader.load("other").failure().reason is ConfigErrorReason.UNKNOWN_KEY
    assert loader.get("other", "default") == "default"
    assert loader.runtime_params == {"x": 1}
