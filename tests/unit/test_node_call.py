"""How node functions are called and their results split, against Kedro 1.7.0's Node.run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from kedro.pipeline import node as kedro_node
from returns.result import Failure, Success

from core import RunErrorReason, node
from core.node_call import call_arguments, ignored_return_warning, split_outputs


def one(a: Any) -> Any:
    return a


def two(a: Any, b: Any) -> Any:
    return [a, b]


def keyed(a: Any, b: Any) -> Any:
    return {"x": a, "y": b}


def nothing() -> Any:
    return 1


def _run_ours(func: Callable[..., Any], inputs: Any, outputs: Any, given: dict[str, Any]) -> Any:
    n = node(func, inputs, outputs, name="n")
    return call_arguments(n, given).bind(
        lambda call: split_outputs(n, func(*call.args, **call.kwargs))
    )


def _run_kedro(func: Callable[..., Any], inputs: Any, outputs: Any, given: dict[str, Any]) -> Any:
    try:
        return Success(kedro_node(func, inputs, outputs, name="n").run(given))
    except ValueError as exc:
        return Failure(str(exc))


CASES: list[tuple[Callable[..., Any], Any, Any, dict[str, Any]]] = [
    (one, "a", "b", {"a": 1}),
    (one, "a", "b", {"z": 1}),
    (two, ["a", "b"], ["c", "d"], {"a": 1, "b": 2}),
    (two, ["a", "b"], ["c", "d"], {"a": 1}),
    (two, {"b": "q", "a": "p"}, "c", {"p": 1, "q": 2}),
    (two, {"b": "q", "a": "p"}, "c", {"p": 1}),
    (nothing, None, "c", {}),
    (nothing, None, "c", {"x": 1}),
    (nothing, [], "c", {"x": 1}),
    (nothing, {}, "c", {}),
    (keyed, ["a", "b"], {"x": "out_x", "y": "out_y"}, {"a": 1, "b": 2}),
    (one, "a", ["c", "d"], {"a": 5}),
    (one, "a", ["c", "d"], {"a": [1, 2, 3]}),
    (one, "a", {"x": "c"}, {"a": 5}),
    (one, "a", {"x": "c"}, {"a": {"y": 1}}),
]


@pytest.mark.differential
@pytest.mark.parametrize(("func", "inputs", "outputs", "given"), CASES)
def test_call_and_split_match_kedro_node_run(
    func: Callable[..., Any], inputs: Any, outputs: Any, given: dict[str, Any]
) -> None:
    ours = _run_ours(func, inputs, outputs, given)
    theirs = _run_kedro(func, inputs, outputs, given)
    if isinstance(theirs, Success):
        assert ours == theirs
    else:
        assert isinstance(ours, Failure)
        assert ours.failure().reason is RunErrorReason.NODE_FAILED
        assert ours.failure().node == "n"
        assert ours.failure().message == theirs.failure()


def test_dict_inputs_are_passed_by_keyword() -> None:
    n = node(two, {"b": "q", "a": "p"}, "c")
    call = call_arguments(n, {"p": 1, "q": 2}).unwrap()
    assert call.args == ()
    assert dict(call.kwargs) == {"a": 1, "b": 2}


def test_a_node_without_outputs_ignores_its_result_with_kedros_warning() -> None:
    n = node(one, "a", None, name="sink")
    assert split_outputs(n, 42) == Success({})
    warning = ignored_return_warning(n, 42)
    assert warning is not None and warning.startswith("Node 'sink' returned a value of type 'int'")
    assert ignored_return_warning(n, None) is None
