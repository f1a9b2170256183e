"""Laws of the pure config merges, and their agreement with OmegaConf's ``unsafe_merge``."""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import given
from hypothesis import strategies as st
from omegaconf import OmegaConf
from returns.result import Failure, Success

from core.config import (
    MISSING,
    ConfigValue,
    FrozenConfig,
    FrozenMapping,
    MergeStrategy,
    deep_merge,
    drop_private_keys,
    freeze_mapping,
    merge_environments,
    thaw_mapping,
)
from core.errors import ConfigErrorReason
from shell.config.resolution import dereference

_keys = st.sampled_from(["a", "b", "c", "_d"])
_leaves = st.one_of(
    st.integers(-3, 3),
    st.sampled_from(["x", "y", MISSING, ""]),
    st.none(),
    st.booleans(),
    st.lists(st.integers(0, 2), max_size=2),
)
_trees = st.recursive(
    _leaves, lambda inner: st.dictionaries(_keys, inner, max_size=3), max_leaves=10
)
_plain = st.dictionaries(_keys, _trees, max_size=4)
# Lists never hold mappings here, so "a mapping meets a list" only happens at mapping keys.
_interpolations = st.sampled_from(["${a}", "${b}", "${a.b}", "${nope}", "${.c}", "x${a}"])
_trees_with_refs = st.recursive(
    st.one_of(_leaves, _interpolations),
    lambda inner: st.dictionaries(_keys, inner, max_size=3),
    max_leaves=10,
)
_with_refs = st.dictionaries(_keys, _trees_with_refs, max_size=4)


def _frozen(data: dict[str, object]) -> FrozenConfig:
    return freeze_mapping(data).unwrap()


def _omegaconf_merge(*layers: dict[str, object]) -> object:
    """OmegaConf's answer, or the exception type when it refuses."""
    try:
        merged = OmegaConf.unsafe_merge(*(OmegaConf.create(layer) for layer in layers))
        return OmegaConf.to_container(merged, resolve=False)
    except TypeError:
        return TypeError


def _ours(*layers: dict[str, object], with_dereference: bool = False) -> object:
    result = deep_merge(
        *(_frozen(layer) for layer in layers), dereference=dereference if with_dereference else None
    )
    if isinstance(result, Failure):
        assert result.failure().reason is ConfigErrorReason.INVALID
        return TypeError
    return thaw_mapping(result.unwrap())


@given(st.lists(_plain, min_size=1, max_size=4))
def test_deep_merge_agrees_with_omegaconf_unsafe_merge(layers: list[dict[str, object]]) -> None:
    assert _ours(*layers) == _omegaconf_merge(*layers)


@given(st.lists(_with_refs, min_size=1, max_size=3))
def test_merging_onto_interpolations_agrees_with_omegaconf(layers: list[dict[str, object]]) -> None:
    assert _ours(*layers, with_dereference=True) == _omegaconf_merge(*layers)


@given(_plain)
def test_empty_mapping_is_an_identity(data: dict[str, object]) -> None:
    config = _frozen(data)
    assert deep_merge(config, FrozenMapping()) == Success(config)
    assert deep_merge(FrozenMapping(), config) == Success(config)


@given(_plain)
def test_merging_a_config_with_itself_changes_nothing(data: dict[str, object]) -> None:
    config = _frozen(data)
    assert deep_merge(config, config) == Success(config)


@given(_plain, _plain)
def test_destructive_merge_lets_env_keys_win_whole(
    base: dict[str, object], env: dict[str, object]
) -> None:
    merged = merge_environments(_frozen(base), _frozen(env), MergeStrategy.DESTRUCTIVE).unwrap()
    assert set(merged) == set(base) | set(env)
    for key, value in merged.items():
        assert value == (_frozen(env)[key] if key in env else _frozen(base)[key])


def _leaf_paths(
    value: ConfigValue, prefix: tuple[object, ...] = ()
) -> dict[tuple[object, ...], ConfigValue]:
    if isinstance(value, Mapping) and value:
        out: dict[tuple[object, ...], ConfigValue] = {}
        for key, sub in value.items():
            out.update(_leaf_paths(sub, (*prefix, key)))
        return out
    return {prefix: value}


@given(_plain, _plain)
def test_soft_merge_is_deep(base: dict[str, object], env: dict[str, object]) -> None:
    result = merge_environments(_frozen(base), _frozen(env), MergeStrategy.SOFT)
    if isinstance(result, Failure):
        return  # a mapping met a list: checked against OmegaConf above
    merged = result.unwrap()
    merged_leaves = _leaf_paths(merged)
    # Every leaf the run environment sets survives, unless it is "???" (which keeps base).
    for path, value in _leaf_paths(_frozen(env)).items():
        if path and value != MISSING and not (isinstance(value, Mapping) and not value):
            assert merged_leaves[path] == value
    # A base leaf survives whenever the run environment says nothing on its path.
    env_leaves = _leaf_paths(_frozen(env))
    for path, value in _leaf_paths(_frozen(base)).items():
        untouched = not any(path[: len(p)] == p or p[: len(path)] == path for p in env_leaves)
        if path and untouched:
            assert merged_leaves[path] == value


@given(_plain, _plain)
def test_soft_and_destructive_agree_on_disjoint_keys(
    base: dict[str, object], env: dict[str, object]
) -> None:
    env = {k: v for k, v in env.items() if k not in base}
    soft = merge_environments(_frozen(base), _frozen(env), MergeStrategy.SOFT)
    destructive = merge_environments(_frozen(base), _frozen(env), MergeStrategy.DESTRUCTIVE)
    assert soft == destructive


@given(_plain)
def test_private_keys_are_dropped_except_in_parameters(data: dict[str, object]) -> None:
    config = _frozen(data)
    assert drop_private_keys("parameters", config) == config
    for key in ("catalog", "credentials", "globals", "custom"):
        dropped = drop_private_keys(key, config)
        assert set(dropped) == {k for k in config if not str(k).startswith("_")}
        assert all(dropped[k] == config[k] for k in dropped)
