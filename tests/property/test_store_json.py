"""Laws of the session store's value encoding: JSON round-trips, anything else never fails."""

from __future__ import annotations

import json
from datetime import date
from pathlib import PurePosixPath

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Success

from core.store_json import decode_json, encode_json, to_plain_json

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=20,
)
ODD = st.one_of(
    st.sets(st.integers(), max_size=3),
    st.binary(max_size=4),
    st.dates().map(date.isoformat).map(date.fromisoformat),
    st.just(float("nan")),
    st.just(float("-inf")),
    st.builds(PurePosixPath, st.text(alphabet="abc/", min_size=1, max_size=6)),
    st.builds(object),
    st.tuples(st.integers()),
)
ANYTHING = st.recursive(
    st.one_of(SCALARS, ODD),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(
            st.one_of(st.text(max_size=4), st.integers(), st.tuples(st.integers())),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=20,
)


def _as_read_back(value: object) -> object:
    """JSON as records hold it: arrays as tuples (mappings compare equal to dicts)."""
    if isinstance(value, dict):
        return {key: _as_read_back(item) for key, item in value.items()}
    if isinstance(value, list):
        return tuple(_as_read_back(item) for item in value)
    return value


@given(JSON)
def test_json_values_round_trip(value: object) -> None:
    assert decode_json(encode_json(value)) == Success(_as_read_back(value))


@given(JSON)
def test_json_values_are_stored_as_they_are(value: object) -> None:
    assert to_plain_json(value) == value


def _no_constants(name: str) -> object:
    raise AssertionError(f"non-standard JSON constant {name}")


@given(ANYTHING)
def test_any_value_encodes_to_strict_json(value: object) -> None:
    text = encode_json(value)
    assert json.loads(text, parse_constant=_no_constants) == to_plain_json(value)


@given(ANYTHING)
def test_conversion_is_idempotent(value: object) -> None:
    plain = to_plain_json(value)
    assert to_plain_json(plain) == plain


@given(ODD)
def test_non_json_values_are_stored_as_repr_path_or_list(value: object) -> None:
    expected: object
    if isinstance(value, PurePosixPath):
        expected = str(value)
    elif isinstance(value, tuple):
        expected = list(value)
    else:
        expected = repr(value)
    assert to_plain_json(value) == expected
