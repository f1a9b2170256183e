"""Laws of merging ``before_node_run`` returns, and parity with Kedro's own merge.

Returns arrive in pluggy call order, the reverse of registration order; on a conflict the hook
registered first wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.pipeline import is_successful
from returns.result import Failure, Success

from core.errors import RunError, RunErrorReason
from core.hook_merge import merge_before_node_run_results
from shell.hooks import _create_hook_manager, call_before_node_run, hook_impl

KEYS = st.sampled_from(["a", "b", "c", "d"])
REPLACEMENTS = st.dictionaries(KEYS, st.integers(), max_size=4)
RETURNS = st.one_of(st.none(), REPLACEMENTS)
NOT_DICTS = st.one_of(
    st.integers(), st.text(max_size=3), st.lists(st.integers(), max_size=2), st.just((1, 2))
)


def _first_registered_wins(registration_order: Sequence[dict[str, int] | None]) -> dict[str, int]:
    """The rule stated directly: for each name, the earliest-registered hook's value."""
    expected: dict[str, int] = {}
    for returned in registration_order:
        for key, value in (returned or {}).items():
            expected.setdefault(key, value)
    return expected


@given(st.lists(RETURNS, max_size=6))
def test_first_registered_hook_wins(registration_order: list[dict[str, int] | None]) -> None:
    call_order = list(reversed(registration_order))
    assert merge_before_node_run_results(call_order) == Success(
        _first_registered_wins(registration_order)
    )


@given(st.lists(RETURNS, max_size=6), st.integers(min_value=0, max_value=6))
def test_none_is_neutral(call_order: list[dict[str, int] | None], where: int) -> None:
    with_none = [*call_order[:where], None, *call_order[where:]]
    assert merge_before_node_run_results(with_none) == merge_before_node_run_results(call_order)


@given(
    st.lists(RETURNS, max_size=4), NOT_DICTS, st.lists(st.one_of(RETURNS, NOT_DICTS), max_size=4)
)
def test_first_non_dict_is_refused(
    before: list[dict[str, int] | None], bad: object, after: list[object]
) -> None:
    result = merge_before_node_run_results([*before, bad, *after])
    assert result == Failure(
        RunError(
            RunErrorReason.HOOK,
            "'before_node_run' must return either None or a dictionary mapping dataset names "
            f"to updated values, got '{type(bad).__name__}' instead.",
        )
    )


@given(st.lists(RETURNS, max_size=6))
def test_inputs_are_not_mutated(call_order: list[dict[str, int] | None]) -> None:
    snapshot = [None if r is None else dict(r) for r in call_order]
    merge_before_node_run_results(call_order)
    assert call_order == snapshot


def test_null_manager_answer_means_no_replacements() -> None:
    assert merge_before_node_run_results(None) == Success({})


class _Returns:
    """A hook object whose ``before_node_run`` returns a fixed value."""

    def __init__(self, value: object) -> None:
        self.value = value

    @hook_impl
    def before_node_run(self) -> object:
        return self.value


@pytest.mark.differential
@settings(max_examples=50)
@given(st.lists(st.one_of(RETURNS, NOT_DICTS), max_size=5))
def test_same_merge_as_kedro(registration_order: list[object]) -> None:
    from kedro.framework.hooks.manager import _create_hook_manager as kedro_manager
    from kedro.runner.task import Task

    hooks = [_Returns(value) for value in registration_order]
    ours, theirs = _create_hook_manager(), kedro_manager()
    for hook in hooks:
        ours.register(hook)
        theirs.register(hook)
    inputs = {"a": 0, "z": -1}
    no_node: Any = None
    result = call_before_node_run(
        ours, node=no_node, catalog=None, inputs=inputs, is_async=False, run_id="r"
    )
    try:
        expected = Task._collect_inputs_from_hook(no_node, no_node, inputs, False, theirs, "r")
    except TypeError as error:
        assert not is_successful(result)
        assert result.failure().message == str(error)
    else:
        assert result == Success(expected)
