"""Generated configuration folders load exactly as Kedro 1.7.0 loads them.

Each environment's intended tree is split over several files (every leaf goes to one file, so
no key is defined twice and the result does not depend on reading order); runtime parameters
and the merge strategy vary too.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kedro.config import OmegaConfigLoader as KedroLoader
from omegaconf.basecontainer import BaseContainer

from shell.config import OmegaConfigLoader

pytestmark = pytest.mark.differential

_keys = st.sampled_from(["a", "b", "c", "d"])
_leaves = st.one_of(
    st.integers(-5, 5),
    st.sampled_from(["x", "y", "???", "a b"]),
    st.booleans(),
    st.none(),
    st.lists(st.integers(0, 3), max_size=2),
)
_trees = st.recursive(
    _leaves, lambda inner: st.dictionaries(_keys, inner, max_size=3), max_leaves=8
)
_tops = st.dictionaries(_keys, _trees, max_size=4)
_parameter_files = ("parameters.yml", "parameters/extra.yml", "deep/er/parameters_x.yaml")
_catalog_files = ("catalog.yml", "catalog/more.yml", "sub/catalog_y.json")

Leaf = tuple[tuple[str, ...], object]


def _leaves_of(tree: Mapping[str, object], prefix: tuple[str, ...] = ()) -> list[Leaf]:
    out: list[Leaf] = []
    for key, value in tree.items():
        if isinstance(value, dict) and value:
            out.extend(_leaves_of(value, (*prefix, key)))
        else:
            out.append(((*prefix, key), value))
    return out


def _build(leaves: list[Leaf]) -> dict[str, object]:
    tree: dict[str, object] = {}
    for path, value in leaves:
        node = tree
        for key in path[:-1]:
            node = node.setdefault(key, {})  # type: ignore[assignment]
        node[path[-1]] = value
    return tree


@st.composite
def _split(
    draw: st.DrawFn, tree: Mapping[str, object], names: tuple[str, ...], by_leaf: bool
) -> dict[str, dict[str, object]]:
    """Spread ``tree`` over files: leaf by leaf (parameters) or top-level key by key."""
    units = _leaves_of(tree) if by_leaf else [((key,), value) for key, value in tree.items()]
    files: dict[str, list[Leaf]] = {}
    for unit in units:
        files.setdefault(draw(st.sampled_from(names)), []).append(unit)
    return {name: _build(units) for name, units in files.items()}


def _yaml(data: object) -> str:
    return json.dumps(data)  # JSON is YAML, and parsed by the same loader


@st.composite
def projects(draw: st.DrawFn) -> dict[str, str]:
    files: dict[str, str] = {}
    for env in ("base", "local"):
        files[f"{env}/.keep"] = ""
        parameters = draw(_split(draw(_tops), _parameter_files, True))
        catalog = draw(_split(draw(_tops), _catalog_files, False))
        files.update({f"{env}/{name}": _yaml(content) for name, content in parameters.items()})
        files.update({f"{env}/{name}": _yaml(content) for name, content in catalog.items()})
    return files


def _outcome(factory: object, key: str) -> object:
    try:
        return factory()[key]  # type: ignore[operator]
    except Exception as exc:
        return ("error", str(exc).splitlines()[0])


@pytest.fixture(autouse=True)
def _restore_omegaconf_resolvers() -> Iterator[None]:
    saved = dict(BaseContainer._resolvers)
    yield
    BaseContainer._resolvers = saved


@settings(max_examples=40)
@given(
    projects(), _tops, st.sampled_from(["soft", "destructive"]), st.sampled_from(["local", "base"])
)
def test_generated_projects_load_like_kedro(
    files: dict[str, str], runtime_params: dict[str, object], strategy: str, env: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        conf = Path(tmp)
        for relative, text in files.items():
            (conf / relative).parent.mkdir(parents=True, exist_ok=True)
            (conf / relative).write_text(text)
        args: dict[str, Any] = {
            "env": env,
            "runtime_params": runtime_params,
            "base_env": "base",
            "default_run_env": "local",
            "merge_strategy": {"parameters": strategy, "catalog": strategy},
        }
        for key in ("parameters", "catalog"):
            theirs = _outcome(lambda: KedroLoader(str(conf), **args), key)
            ours = _outcome(lambda: OmegaConfigLoader(str(conf), **args), key)
            if isinstance(theirs, tuple) and isinstance(ours, tuple):
                assert theirs[0] == ours[0]
            else:
                assert ours == theirs
