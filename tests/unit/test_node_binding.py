"""Binding node inputs to functions: memoised per function, correct for every kind of callable."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from core import node


class Unhashable:
    """A callable object that cannot be a cache key (``__eq__`` without ``__hash__``)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unhashable)

    __hash__ = None  # type: ignore[assignment]

    def __call__(self, a: Any, b: Any) -> Any:
        return a


def pair(a: Any, b: Any) -> Any:
    return a


def test_an_unhashable_callable_still_binds_and_is_checked() -> None:
    assert node(Unhashable(), {"b": "x", "a": "z"}, "out").inputs == ("z", "x")
    with pytest.raises(TypeError, match="expected \\['a', 'b'\\], but got \\['only'\\]"):
        node(Unhashable(), ["only"], "out")


def test_the_same_function_binds_differently_shaped_declarations() -> None:
    # The memo is keyed by declaration shape: a dict in another key order binds in signature order.
    assert node(pair, {"a": "p", "b": "q"}, "o1").inputs == ("p", "q")
    assert node(pair, {"b": "q", "a": "p"}, "o2").inputs == ("p", "q")
    assert node(pair, ["x", "y"], "o3").inputs == ("x", "y")
    with pytest.raises(TypeError, match="but got \\['x', 'y', 'z'\\]"):
        node(pair, ["x", "y", "z"], "o4")


def test_builtins_and_partials_bind() -> None:
    assert node(len, "items", "count").inputs == ("items",)
    assert node(functools.partial(pair, b=1), "a_in", "out").inputs == ("a_in",)
