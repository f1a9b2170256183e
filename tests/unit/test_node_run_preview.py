"""``Node.run`` and node previews against Kedro 1.7.0's ``Node.run``, ``Node.preview`` and
``kedro.pipeline.preview_contract``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kedro.pipeline import node as kedro_node
from kedro.pipeline import preview_contract as kp

from core import preview as ours_preview
from core.errors import RunErrorReason
from core.node import node
from core.pipeline import pipeline


def add(a: int, b: int) -> int:
    return a + b


def pair(a: int) -> list[int]:
    return [a, a + 1]


def keyed(a: int) -> dict[str, int]:
    return {"low": a, "high": a + 1}


def constant() -> int:
    return 7


def boom(a: int) -> int:
    raise RuntimeError(f"boom {a}")


#: (function, inputs, outputs, values given to run)
CASES: list[tuple[Any, Any, Any, Any]] = [
    (add, ["a", "b"], "c", {"a": 1, "b": 2}),
    (add, {"a": "x", "b": "y"}, "c", {"x": 1, "y": 2}),
    (add, ["a", "b"], "c", {"a": 1}),
    (add, ["a", "b"], "c", {"a": 1, "b": 2, "z": 3}),
    (pair, "a", ["lo", "hi"], {"a": 1}),
    (pair, "a", ["lo", "hi", "extra"], {"a": 1}),
    (pair, "a", {"low": "lo", "high": "hi"}, {"a": 1}),
    (keyed, "a", {"low": "lo", "high": "hi"}, {"a": 1}),
    (keyed, "a", {"low": "lo", "other": "hi"}, {"a": 1}),
    (constant, None, "c", None),
    (constant, None, "c", {"x": 1}),
    (add, ["a", "b"], "c", [1, 2]),
]


def _sets_sorted(message: str) -> str:
    # Kedro prints Python sets (no fixed order); kedro-pure sorts them.
    return re.sub(r"\{([^{}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", message)


def _kedro_run(n: Any, values: Any) -> tuple[str, Any]:
    try:
        return "ok", n.run(values)
    except ValueError as exc:
        return "error", str(exc)


@pytest.mark.parametrize(("func", "inputs", "outputs", "values"), CASES)
def test_run_matches_kedro(func: Any, inputs: Any, outputs: Any, values: Any) -> None:
    ours = node(func, inputs, outputs, name="n")
    theirs = kedro_node(func, inputs, outputs, name="n")
    kind, expected = _kedro_run(theirs, values)
    result = ours.run(values)
    if kind == "ok":
        assert result.unwrap() == expected
    else:
        error = result.failure()
        assert error.reason is RunErrorReason.NODE_FAILED and error.node == "n"
        assert error.message == _sets_sorted(expected)


def test_what_the_function_raises_propagates_as_in_kedro() -> None:
    with pytest.raises(RuntimeError, match="boom 1"):
        node(boom, "a", "b", name="n").run({"a": 1})
    with pytest.raises(RuntimeError, match="boom 1"):
        kedro_node(boom, "a", "b", name="n").run({"a": 1})


@settings(max_examples=50)
@given(st.integers(), st.integers())
def test_run_is_the_function(a: int, b: int) -> None:
    assert node(add, ["a", "b"], "c", name="n").run({"a": a, "b": b}).unwrap() == {"c": a + b}


# -- previews -------------------------------------------------------------------------------


PAYLOADS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("TextPreview", ("hello",), {}),
    ("TextPreview", (3,), {}),
    ("MermaidPreview", ("graph TD; a-->b",), {"meta": {"k": 1}}),
    ("MermaidPreview", (None,), {}),
    ("ImagePreview", ("data:image/png;base64,xx",), {}),
    ("ImagePreview", (b"x",), {}),
    ("CustomPreview", ("table", {"rows": [[1, 2]]}), {}),
    ("CustomPreview", ("", {"rows": []}), {}),
    ("CustomPreview", ("table", [1]), {}),
    ("CustomPreview", ("table", {"x": object()}), {}),
    ("CustomPreview", ("table", {1: "x"}), {}),
]


@pytest.mark.parametrize(("kind", "args", "kwargs"), PAYLOADS)
def test_payload_rules_match_kedro(kind: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        theirs = getattr(kp, kind)(*args, **kwargs)
    except TypeError as exc:
        with pytest.raises(TypeError) as ours_error:
            getattr(ours_preview, kind)(*args, **kwargs)
        assert str(ours_error.value) == str(exc)
        return
    ours = getattr(ours_preview, kind)(*args, **kwargs)
    assert ours.to_dict() == theirs.to_dict()


def test_meta_must_be_json_when_dumped() -> None:
    bad = ours_preview.TextPreview("t", meta={"x": object()})
    with pytest.raises(TypeError) as ours_error:
        bad.to_dict()
    with pytest.raises(TypeError) as kedro_error:
        kp.TextPreview("t", meta={"x": object()}).to_dict()  # type: ignore[dict-item]
    assert str(ours_error.value) == str(kedro_error.value)


def test_preview_returns_the_payload_or_a_failure() -> None:
    assert node(add, ["a", "b"], "c", name="n").preview().unwrap() is None
    payload = ours_preview.MermaidPreview("graph TD; a-->c")
    assert node(add, ["a", "b"], "c", name="n", preview_fn=lambda: payload).preview().unwrap() is payload
    error = node(add, ["a", "b"], "c", name="n", preview_fn=lambda: "text").preview().failure()
    assert error.reason is RunErrorReason.INVALID_PREVIEW
    with pytest.raises(ValueError) as kedro_error:
        kedro_node(add, ["a", "b"], "c", name="n", preview_fn=lambda: "text").preview()  # type: ignore[arg-type, return-value]
    assert error.message.startswith(str(kedro_error.value))


def test_preview_fn_must_be_callable_and_survives_tagging_and_namespacing() -> None:
    with pytest.raises(ValueError, match="preview_fn must be a function, not 'str'"):
        node(add, ["a", "b"], "c", name="n", preview_fn="nope")  # type: ignore[arg-type]
    payload = ours_preview.TextPreview("adds")
    n = node(add, ["a", "b"], "c", name="n", preview_fn=lambda: payload)
    assert n.tag("t").preview().unwrap() is payload
    namespaced = pipeline([n], namespace="ns").unwrap()
    assert namespaced.nodes[0].preview().unwrap() is payload
    assert n == node(add, ["a", "b"], "c", name="n")  # not part of the identity
