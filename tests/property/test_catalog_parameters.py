"""The ``params:`` feed: laws, and a differential test against Kedro 1.7.0."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.catalog import parameter_feed

_keys = st.text("abxy._", min_size=1, max_size=3)
_leaves = st.one_of(
    st.integers(), st.text(max_size=3), st.none(), st.lists(st.integers(), max_size=2)
)
parameter_trees = st.recursive(
    _leaves, lambda inner: st.dictionaries(_keys, inner, max_size=4), max_leaves=12
)
top_levels = st.dictionaries(_keys, parameter_trees, max_size=5)


@given(top_levels)
def test_every_nested_path_is_fed(params: dict[str, object]) -> None:
    feed = parameter_feed(params)
    assert feed["parameters"] is params

    def walk(prefix: str, value: object) -> None:
        assert f"params:{prefix}" in feed
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}", sub)

    for key, value in params.items():
        walk(key, value)


@given(top_levels)
def test_feed_values_are_the_parameter_values_themselves(params: dict[str, object]) -> None:
    feed = parameter_feed(params)
    for key, value in params.items():
        # Only a nested path spelled like a dotted top-level key can shadow one.
        if not any(other != key and key.startswith(other + ".") for other in params):
            assert feed[f"params:{key}"] is value


@pytest.mark.differential
@given(top_levels)
def test_feed_matches_kedro(params: dict[str, object]) -> None:
    from kedro.framework.context import KedroContext

    # ``_get_parameters`` only reads ``self.params``.
    expected = KedroContext._get_parameters(SimpleNamespace(params=params))  # type: ignore[arg-type]
    ours = parameter_feed(params)
    assert list(ours) == list(expected)
    assert all(ours[k] is expected[k] for k in expected)
