"""kedro-pure's OmegaConfigLoader against Kedro 1.7.0's, on the same configuration folders."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from kedro.config import OmegaConfigLoader as KedroLoader
from omegaconf.basecontainer import BaseContainer

from shell.config import OmegaConfigLoader
from tests.unit.file_trees import write_tree

pytestmark = [pytest.mark.differential, pytest.mark.filterwarnings("ignore::UserWarning")]

PROJECT_ARGS: dict[str, Any] = {"base_env": "base", "default_run_env": "local"}


@pytest.fixture(autouse=True)
def _restore_omegaconf_resolvers() -> Iterator[None]:
    # Kedro's loader changes OmegaConf's process-wide resolvers for good (it removes oc.env);
    # put them back so other tests do not depend on test order.
    saved = dict(BaseContainer._resolvers)
    yield
    BaseContainer._resolvers = saved


def outcome(factory: Callable[[], Mapping[str, object]], key: str) -> tuple[str, object]:
    """``("ok", config)`` or ``("error", message)`` for one lookup."""
    try:
        return ("ok", factory()[key])
    except Exception as exc:
        return ("error", str(exc))


_POSITION = re.compile(r"unable to read line (\d+), position (\d+)\.")


def one_based(kedros: str) -> str:
    """Kedro's YAML position counted from 1, as ours is (a documented divergence)."""
    return _POSITION.sub(lambda m: f"unable to read line {int(m[1]) + 1}, position {int(m[2]) + 1}.", kedros)


def assert_same(conf: Path, keys: tuple[str, ...], **kwargs: Any) -> None:
    """Same configuration, or both fail and ours says (at least) what Kedro's first line says."""
    for key in keys:
        theirs = outcome(lambda: KedroLoader(str(conf), **kwargs), key)
        ours = outcome(lambda: OmegaConfigLoader(str(conf), **kwargs), key)
        if theirs[0] == "error" and ours[0] == "error":
            assert one_based(str(theirs[1]).splitlines()[0]) in str(ours[1]), key
        else:
            assert ours == theirs, key


PROJECT = {
    "base/catalog.yml": (
        "_csv: &csv\n  type: pandas.CSVDataset\n  load_args: {sep: ','}\n"
        "companies:\n  <<: *csv\n  filepath: data/01_raw/companies.csv\n"
        "shuttles:\n  type: ${_excel}\n  filepath: data/01_raw/shuttles.xlsx\n"
        "_excel: pandas.ExcelDataset\n"
        "'{name}_model':\n  type: pickle.PickleDataset\n  filepath: data/06_models/{name}.pkl\n"
    ),
    "base/catalog/reporting.yml": "plot:\n  type: ${globals:plot_type}\n  filepath: ${globals:paths.reporting}/plot.json\n",
    "base/pipelines/sub/catalog_extra.json": '{"extra": {"type": "MemoryDataset"}}',
    "base/globals.yml": "plot_type: plotly.JSONDataset\npaths:\n  reporting: data/08_reporting\ndefaults:\n  test_size: 0.2\n  random_state: 3\n",
    "base/parameters.yml": "model_options: ${globals:defaults}\nfeatures: [engines, passenger_capacity]\n_private: kept\n",
    "base/parameters/data_science.yml": "ds:\n  alpha: 0.1\n  nested: {a: 1, b: 2}\nalias: ${ds.nested}\n",
    "base/credentials.yml": "db:\n  con: postgresql://${oc.env:KP_TEST_USER}@host/db\n  port: ${oc.env:KP_TEST_PORT, 5432}\n_unused: 1\n",
    "local/catalog.yml": "companies:\n  type: pandas.ParquetDataset\n  filepath: data/companies.pq\n",
    "local/parameters.yml": "ds:\n  alpha: 0.5\n",
    "local/credentials.yml": "api: {token: secret}\n",
    "local/.ipynb_checkpoints/parameters.yml": "ds: {alpha: 99}\n",
    "local/globals.yml": "plot_type: matplotlib.MatplotlibWriter\n",
    "prod/parameters.yml": "features: [all]\nds: {nested: {a: 10}}\n",
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KP_TEST_USER", "kedro")
    monkeypatch.delenv("KP_TEST_PORT", raising=False)
    return write_tree(tmp_path / "conf", PROJECT)


KEYS = ("catalog", "parameters", "credentials", "globals")


def test_a_full_project_loads_the_same(project: Path) -> None:
    assert_same(project, KEYS, **PROJECT_ARGS)


@pytest.mark.parametrize("env", ["prod", "base", "local"])
def test_each_run_environment_loads_the_same(project: Path, env: str) -> None:
    assert_same(project, KEYS, env=env, **PROJECT_ARGS)


@pytest.mark.parametrize(
    "runtime_params",
    [
        {"ds": {"alpha": 0.9}},
        {"model_options": {"test_size": 0.5}},
        {"new": 1, "features": "one"},
        {"ds.alpha": 3},
        {"ds": 5},
    ],
)
def test_runtime_params_merge_the_same(project: Path, runtime_params: dict[str, object]) -> None:
    assert_same(project, ("parameters", "catalog"), runtime_params=runtime_params, **PROJECT_ARGS)


@pytest.mark.parametrize("strategy", ["soft", "SOFT", "destructive"])
def test_merge_strategies_merge_the_same(project: Path, strategy: str) -> None:
    merge_strategy = {"parameters": strategy, "catalog": strategy, "globals": strategy}
    assert_same(project, KEYS, env="prod", merge_strategy=merge_strategy, **PROJECT_ARGS)


def test_runtime_params_resolver_reads_the_same(tmp_path: Path) -> None:
    conf = write_tree(
        tmp_path,
        {
            "base/catalog.yml": "ds:\n  type: MemoryDataset\n  metadata: {run: '${runtime_params:run.id, none}'}\n",
            "base/parameters.yml": "seed: ${runtime_params:seed}\nname: ${runtime_params:name, default}\n",
            "local/parameters.yml": "other: 1\n",
        },
    )
    assert_same(
        conf,
        ("catalog", "parameters"),
        runtime_params={"seed": 7, "run": {"id": "r1"}},
        **PROJECT_ARGS,
    )


def test_custom_patterns_and_resolvers_load_the_same(tmp_path: Path) -> None:
    conf = write_tree(
        tmp_path,
        {
            "base/spark.yml": "spark.driver.memory: ${mul:2,3}g\n",
            "base/spark/more.yml": "spark.executor.cores: 4\n",
            "local/spark_local.yml": "spark.master: local[*]\n",
            "base/parameters_custom.yml": "x: 1\n",
        },
    )
    args = {
        "config_patterns": {"spark": ["spark*", "spark*/**"], "parameters": ["parameters_custom*"]},
        "custom_resolvers": {"mul": lambda a, b: a * b},
        **PROJECT_ARGS,
    }
    assert_same(conf, ("spark", "parameters"), **args)


def test_a_standalone_loader_reads_the_folder_itself(tmp_path: Path) -> None:
    conf = write_tree(
        tmp_path, {"catalog.yml": "a: {type: MemoryDataset}\n", "parameters.yml": "p: 1\n"}
    )
    assert_same(conf, ("catalog", "parameters", "credentials"), runtime_params={"q": 2})


def test_run_env_equal_to_base_reads_base_only_and_never_reports_missing(tmp_path: Path) -> None:
    conf = write_tree(tmp_path, {"base/catalog.yml": "a: {type: MemoryDataset}\n"})
    assert_same(
        conf,
        ("catalog", "parameters", "credentials"),
        env="base",
        runtime_params={"q": 2},
        **PROJECT_ARGS,
    )


@pytest.mark.parametrize(
    "files",
    [
        {"base/catalog.yml": "a: [1\n", "local/x.txt": ""},
        {"base/parameters.yml": "a: 1\n  b: 2\n", "local/x.txt": ""},
        {"base/parameters.yml": "\tb: 1\n", "local/x.txt": ""},
        {"base/catalog.yml": "a: ${nope}\n", "local/x.txt": ""},
        {"base/catalog.yml": "a: ${globals:nope}\n", "local/x.txt": ""},
        {"base/catalog.yml": "a: ${globals:_hidden}\n", "local/x.txt": ""},
        {"base/catalog.yml": "a: ${runtime_params:nope}\n", "local/x.txt": ""},
        {"base/catalog.yml": "a: ${oc.env:HOME}\n", "local/x.txt": ""},
        {"base/credentials.yml": "a: ${oc.env:KP_SURELY_UNSET}\n", "local/x.txt": ""},
        {"base/parameters.yml": "a: ${b\n", "local/x.txt": ""},
        {"base/catalog.yml": "a: 1\n"},
        {"local/catalog.yml": "a: 1\n"},
        {"base/x.txt": "", "local/x.txt": ""},
        {
            "base/parameters.yml": "a: {x: 1}\n",
            "base/p/parameters.yml": "a: [1]\n",
            "local/x.txt": "",
        },
    ],
    ids=[
        "flow-sequence",
        "mapping-indent",
        "tab",
        "unknown-key",
        "unknown-global",
        "private-global",
        "unknown-runtime-param",
        "oc-env-outside-credentials",
        "unset-env-var",
        "grammar",
        "missing-env-dir",
        "missing-base-dir",
        "no-files",
        "incompatible-containers",
    ],
)
def test_bad_configuration_fails_the_same_way(tmp_path: Path, files: dict[str, str]) -> None:
    conf = write_tree(tmp_path / "conf", files)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(conf, ("catalog", "parameters", "credentials"), **PROJECT_ARGS)


def test_a_broken_globals_file_fails_construction_the_same_way(tmp_path: Path) -> None:
    conf = write_tree(tmp_path, {"base/globals.yml": "a: ${runtime_params:x}\n", "local/x.txt": ""})
    assert_same(conf, ("catalog",), **PROJECT_ARGS)


def test_duplicate_keys_name_the_same_files(tmp_path: Path) -> None:
    conf = write_tree(
        tmp_path,
        {
            "base/parameters.yml": "p: {x: 1, y: 2}\nq: 1\n",
            "base/sub/parameters.yml": "p: {x: 3}\nq: 2\n_r: 1\n",
            "local/x.txt": "",
        },
    )
    ours = outcome(lambda: OmegaConfigLoader(str(conf), **PROJECT_ARGS), "parameters")
    theirs = outcome(lambda: KedroLoader(str(conf), **PROJECT_ARGS), "parameters")
    first, second = str(conf / "base/parameters.yml"), str(conf / "base/sub/parameters.yml")
    # Kedro's pair order follows a set's iteration order; ours is sorted.
    assert ours == ("error", f"Duplicate keys found in {first} and {second}: p.x, q")
    assert theirs in {ours, ("error", f"Duplicate keys found in {second} and {first}: p.x, q")}


@pytest.mark.parametrize(
    "patterns",
    [
        ["catalog*", "../**/user1/catalog2*"],
        ["../**/user1/catalog2*"],
        ["catalog*", "catalog*/**", "**/catalog*", "../**/user1/catalog2*"],
    ],
)
def test_patterns_reaching_outside_the_environment_pick_up_what_kedros_glob_does(
    tmp_path: Path, patterns: list[str]
) -> None:
    conf = write_tree(
        tmp_path / "conf",
        {
            "base/catalog.yml": "a: {type: MemoryDataset}\n",
            "base/catalog_extra.yml": "d: {type: MemoryDataset}\n",
            "base/user1/catalog2.yml": "b: {type: MemoryDataset}\n",
            "other/user1/catalog2x.yml": "c: {type: MemoryDataset}\n",
            "local/.keep": "",
        },
    )
    kwargs = {**PROJECT_ARGS, "config_patterns": {"catalog": patterns}}
    theirs = outcome(lambda: KedroLoader(str(conf), **kwargs), "catalog")
    ours = outcome(lambda: OmegaConfigLoader(str(conf), **kwargs), "catalog")
    if theirs[0] == "error":
        # One file reached by two paths is read twice: Kedro's duplicate-key error (the pair's
        # order follows a set in Kedro).
        assert ours[0] == "error" and str(ours[1]).startswith("Duplicate keys found in ")
        assert str(ours[1]).endswith(": b") and str(theirs[1]).endswith(": b")
    else:
        assert ours == theirs
