"""``DataCatalog.filter``/``get_type``/``to_config`` and ``CatalogConfigResolver`` against Kedro 1.7.0,
and the ``to_config`` round-trip law.

Random catalogs (explicit entries of two test dataset classes and memory datasets, credentials
at the top level and nested, pinned load versions, factory patterns including a catch-all) are
built in both libraries from the same configuration. The dataset classes subclass Kedro's
``AbstractDataset`` and are named by their full import path, so both libraries resolve the same
class. Memory datasets are named ``MemoryDataset``: each library has its own class, mapped by
:data:`SAME_CLASS`.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kedro.io import AbstractDataset
from kedro.io import DataCatalog as KedroCatalog
from kedro.io.catalog_config_resolver import CatalogConfigResolver as KedroResolver

from shell.io import DataCatalog
from shell.io.config_resolver import CatalogConfigResolver

pytestmark = pytest.mark.differential


class Alpha(AbstractDataset[Any, Any]):
    """A file-like dataset that records its arguments and touches nothing."""

    def __init__(self, filepath: str = "", credentials: Any = None, fs_args: Any = None, metadata: Any = None) -> None:
        self._filepath = filepath

    def load(self) -> Any:
        return self._filepath

    def save(self, data: Any) -> None:
        return None

    def _exists(self) -> bool:
        return False

    def _describe(self) -> dict[str, Any]:
        return {"filepath": self._filepath}


class Beta(Alpha):
    """A second class, for type filters."""


HERE = __name__
TYPES = (f"{HERE}.Alpha", f"{HERE}.Beta", "MemoryDataset")
SAME_CLASS = {"shell.io.memory.MemoryDataset": "kedro.io.memory_dataset.MemoryDataset"}
NAMES = ("raw_a", "raw_b", "model_x", "ns.model_y", "report", "x_csv", "ns.t_pkl")
PATTERNS = {
    "{name}_csv": {"type": f"{HERE}.Beta", "filepath": "data/{name}.csv"},
    "{ns}.{name}_pkl": {"type": f"{HERE}.Alpha", "filepath": "{ns}/{name}.pkl", "credentials": "c1"},
    "{anything}": {"type": f"{HERE}.Alpha", "filepath": "any/{anything}"},
}
CREDENTIALS = {"c1": {"token": "abc"}, "c2": {"key": "k", "secret": "s"}}
PROBES = (*NAMES, "unknown_one", "q_csv", "a.b_pkl", "plain")


@st.composite
def catalog_configs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, str]]:
    config: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=len(NAMES))):
        kind = draw(st.sampled_from(TYPES))
        entry: dict[str, Any] = {"type": kind}
        if kind != "MemoryDataset":
            entry["filepath"] = f"data/{name}.bin"
            where = draw(st.sampled_from(["none", "top", "nested"]))
            if where == "top":
                entry["credentials"] = draw(st.sampled_from(sorted(CREDENTIALS)))
            elif where == "nested":
                entry["fs_args"] = {"credentials": draw(st.sampled_from(sorted(CREDENTIALS)))}
        config[name] = entry
    for pattern in draw(st.lists(st.sampled_from(sorted(PATTERNS)), unique=True)):
        config[pattern] = dict(PATTERNS[pattern])
    files = [n for n, e in config.items() if "{" not in n and e["type"] != "MemoryDataset"]
    pinned = {n: "2024-01-01T00.00.00.000Z" for n in draw(st.lists(st.sampled_from(files), unique=True)) } if files else {}
    return config, pinned


def _ours(config: dict[str, Any], pinned: dict[str, str]) -> DataCatalog:
    return DataCatalog.from_config(config, CREDENTIALS, pinned, "2024-02-02T00.00.00.000Z").unwrap()


def _kedros(config: dict[str, Any], pinned: dict[str, str]) -> Any:
    return KedroCatalog.from_config(config, CREDENTIALS, pinned, "2024-02-02T00.00.00.000Z")


def _same(path: str | None) -> str | None:
    return None if path is None else SAME_CLASS.get(path, path)


@settings(max_examples=80, deadline=None)
@given(catalog_configs())
def test_get_type_and_filter_match_kedro(drawn: tuple[dict[str, Any], dict[str, str]]) -> None:
    config, pinned = drawn
    ours, kedros = _ours(config, pinned), _kedros(config, pinned)
    for name in PROBES:
        assert _same(ours.get_type(name).unwrap()) == kedros.get_type(name), name
    assert ours.keys() == kedros.keys()
    assert ours._ipython_key_completions_() == kedros._ipython_key_completions_()
    for regex in ("raw", re.compile("^model"), "x", None):
        assert ours.filter(name_regex=regex).unwrap() == kedros.filter(name_regex=regex)
        assert ours.filter(name_regex=regex, type_regex="Beta").unwrap() == kedros.filter(name_regex=regex, type_regex="Beta")
    assert ours.filter(by_type=Alpha).unwrap() == kedros.filter(by_type=Alpha)
    assert ours.filter(by_type=[Alpha, Beta]).unwrap() == kedros.filter(by_type=[Alpha, Beta])
    # Nothing was built by these questions.
    assert all(ours.resolve_config(n) is not None for n in list(ours))


@settings(max_examples=80, deadline=None)
@given(catalog_configs(), st.lists(st.sampled_from(PROBES), unique=True, max_size=3))
def test_to_config_matches_kedro_apart_from_patterns(drawn: tuple[dict[str, Any], dict[str, str]], used: list[str]) -> None:
    config, pinned = drawn
    ours, kedros = _ours(config, pinned), _kedros(config, pinned)
    for name in used:  # materialise some datasets first, in both
        if name in ours:
            ours.get(name).unwrap()
            kedros.get(name)
    catalog, credentials, versions, save_version = ours.to_config().unwrap()
    k_catalog, k_credentials, k_versions, k_save_version = kedros.to_config()
    patterns = {k for k in catalog if "{" in k}
    assert patterns == {k for k in config if "{" in k}
    assert {k: v for k, v in catalog.items() if k not in patterns} == _without_derived(k_catalog)
    assert {k: v for k, v in credentials.items() if not any(k.startswith(p) for p in patterns)} == k_credentials
    assert versions == k_versions
    assert save_version == k_save_version


def _without_derived(catalog: dict[str, Any]) -> dict[str, Any]:
    # Kedro describes a materialised dataset by its constructor's arguments (``_init_config``),
    # defaults included as ``None``; kedro-pure keeps the configuration it was built from.
    # A dataset built from a pattern is described as ``{type, args: (), kwargs: {...}}``.
    flat = {
        name: {"type": entry["type"], **entry["kwargs"]} if set(entry) == {"type", "args", "kwargs"} else entry
        for name, entry in catalog.items()
    }
    return {name: {k: v for k, v in entry.items() if v is not None} for name, entry in flat.items()}


@settings(max_examples=80, deadline=None)
@given(catalog_configs(), st.lists(st.sampled_from(PROBES), unique=True, max_size=3))
def test_to_config_round_trip(drawn: tuple[dict[str, Any], dict[str, str]], used: list[str]) -> None:
    """``from_config(*to_config())`` rebuilds a catalog with the same configuration for every
    dataset that is not a memory dataset (those are left out, as Kedro leaves them out), and
    ``to_config`` of the rebuilt catalog is the same tuple."""
    config, pinned = drawn
    ours = _ours(config, pinned)
    for name in used:
        if name in ours:
            ours.get(name).unwrap()
    described = ours.to_config().unwrap()
    rebuilt = DataCatalog.from_config(*described).unwrap()
    assert rebuilt.to_config().unwrap() == described
    assert rebuilt.config_resolver.parsed.patterns == ours.config_resolver.parsed.patterns
    for name in PROBES:
        if ours.get_type(name).unwrap() != "shell.io.memory.MemoryDataset":
            assert rebuilt.get_type(name).unwrap() == ours.get_type(name).unwrap()
    for name in described[0]:
        if "{" not in name:
            assert rebuilt.resolve_config(name) is not None


@settings(max_examples=80, deadline=None)
@given(catalog_configs())
def test_resolver_matches_kedro(drawn: tuple[dict[str, Any], dict[str, str]]) -> None:
    config, _ = drawn
    ours = CatalogConfigResolver(config, CREDENTIALS)
    kedros = KedroResolver(config, CREDENTIALS, default_runtime_patterns={"{default}": {"type": "kedro.io.MemoryDataset"}})
    assert ours.list_patterns() == kedros.list_patterns()
    assert ours.config == kedros.config
    for name in PROBES:
        assert ours.match_dataset_pattern(name) == kedros.match_dataset_pattern(name)
        assert ours.match_user_catch_all_pattern(name) == kedros.match_user_catch_all_pattern(name)
        assert ours.match_runtime_pattern(name) == kedros.match_runtime_pattern(name)
        assert ours.resolve_pattern(name) == kedros.resolve_pattern(name)
    for name, entry in kedros.config.items():
        assert ours.unresolve_credentials(name, entry) == KedroResolver._unresolve_credentials(name, entry)


def test_unresolve_credentials_follows_kedros_walk() -> None:
    config: dict[str, Any] = {"a": {"credentials": {"x": 1}}, "b": {"c": {"credentials": {"y": 2}}}, "credentials": {"z": 3}}
    assert CatalogConfigResolver.unresolve_credentials("ds", config) == KedroResolver._unresolve_credentials("ds", config)
