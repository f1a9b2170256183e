"""Edge cases users hit, against Kedro 1.7.0: comparisons, cycle messages, remapping faults."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node
from kedro.pipeline import pipeline as kedro_pipeline
from kedro.pipeline.pipeline import CircularDependencyError as KedroCircular

from core import CircularDependencyError, PipelineError, PipelineErrorReason, node, pipeline

pytestmark = pytest.mark.differential


def identity(x: Any) -> Any:
    return x


COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


@pytest.mark.parametrize("op", COMPARISONS, ids=list(COMPARISONS))
@pytest.mark.parametrize("other", ["x", 1, None])
def test_a_node_compared_with_a_non_node_raises_pythons_type_error_as_kedros(op: str, other: object) -> None:
    compare = COMPARISONS[op]
    with pytest.raises(TypeError) as kedros:
        compare(kedro_node(identity, "a", "b", name="n"), other)
    with pytest.raises(TypeError) as ours:
        compare(node(identity, "a", "b", name="n"), other)
    assert str(ours.value) == str(kedros.value)


def test_nodes_still_sort() -> None:
    a, b = node(identity, "a", "b", name="a"), node(identity, "b", "c", name="b")
    assert sorted([b, a]) == [a, b]
    assert b > a


def test_a_cycle_is_reported_with_node_reprs_as_kedro_prints_them() -> None:
    specs = [("a", "b", "x"), ("b", "c", "y"), ("c", "a", "z")]
    with pytest.raises(KedroCircular) as kedros:
        KedroPipeline([kedro_node(identity, i, o, name=n) for i, o, n in specs])
    error = pipeline([node(identity, i, o, name=n) for i, o, n in specs]).failure()
    assert isinstance(error, CircularDependencyError)
    # Kedro lists the cycle's nodes in set order (hash-seeded); the text around them and the
    # node reprs are the same.
    prefix = "Circular dependencies exist among the following 3 item(s): ["
    assert str(kedros.value).startswith(prefix) and error.message.startswith(prefix)
    shown = error.message.removeprefix(prefix).removesuffix("]").split(", Node")
    theirs = str(kedros.value).removeprefix(prefix).removesuffix("]").split(", Node")
    assert sorted(s.removeprefix("Node") for s in shown) == sorted(s.removeprefix("Node") for s in theirs)
    assert "\"Node(" not in error.message


MAPPINGS: dict[str, dict[str, Any]] = {
    "output renamed onto its input": {"outputs": {"b": "a"}},
    "input renamed onto its output": {"inputs": {"a": "b"}},
    "two outputs renamed onto one": {"outputs": {"b": "z", "c": "z"}},
}


@pytest.mark.parametrize("case", MAPPINGS, ids=list(MAPPINGS))
def test_a_mapping_that_makes_a_node_invalid_is_a_failure_with_kedros_message(case: str) -> None:
    kwargs = MAPPINGS[case]

    def two(x: Any) -> Any:
        return x, x

    with pytest.raises(ValueError) as kedros:
        kedro_pipeline([kedro_node(two, "a", ["b", "c"], name="x")], **kwargs)
    result = pipeline([node(two, "a", ["b", "c"], name="x")], **kwargs)
    error = result.failure()
    assert isinstance(error, PipelineError)
    assert error.reason is PipelineErrorReason.MAPPING_INVALID_NODE
    assert error.message == str(kedros.value)


def test_with_two_cycles_the_one_kedro_reports_is_reported() -> None:
    specs = [("x1", "y1", "c"), ("y1", "x1", "d"), ("x2", "y2", "a"), ("y2", "x2", "b")]
    with pytest.raises(KedroCircular) as kedros:
        KedroPipeline([kedro_node(identity, i, o, name=n) for i, o, n in specs])
    error = pipeline([node(identity, i, o, name=n) for i, o, n in specs]).failure()
    assert isinstance(error, CircularDependencyError)
    assert sorted(_items(error.message)) == sorted(_items(str(kedros.value))) == [
        "identity, 'x1', 'y1', 'c'",
        "identity, 'y1', 'x1', 'd'",
    ]


def _items(message: str) -> list[str]:
    return message.split(": [", 1)[1].removeprefix("Node(").removesuffix(")]").split("), Node(")


def _joined(*values: Any) -> Any:
    return values[0]


@st.composite
def interlinked_rings(draw: st.DrawFn) -> list[tuple[list[str], str, str]]:
    """Several dependency rings, some nodes also reading another ring's data, in a random
    construction order: graphs with many cycles."""
    rings = draw(st.integers(2, 4))
    sizes = [draw(st.integers(2, 4)) for _ in range(rings)]
    specs: list[tuple[list[str], str, str]] = []
    for r, size in enumerate(sizes):
        for j in range(size):
            inputs = [f"d{r}_{j}"]
            if draw(st.integers(0, 3)) == 0:
                other = draw(st.integers(0, rings - 1))
                extra = f"d{other}_{draw(st.integers(0, sizes[other] - 1))}"
                if extra not in inputs and extra != f"d{r}_{(j + 1) % size}":
                    inputs.append(extra)
            specs.append((inputs, f"d{r}_{(j + 1) % size}", f"n{r}_{j}"))
    return draw(st.permutations(specs))


@settings(max_examples=150, deadline=None)
@given(interlinked_rings())
def test_the_cycle_reported_is_kedros_on_graphs_with_many_cycles(specs: list[tuple[list[str], str, str]]) -> None:
    with pytest.raises(KedroCircular) as kedros:
        KedroPipeline([kedro_node(_joined, i, o, name=n) for i, o, n in specs])
    error = pipeline([node(_joined, i, o, name=n) for i, o, n in specs]).failure()
    assert isinstance(error, CircularDependencyError)
    assert sorted(_items(error.message)) == sorted(_items(str(kedros.value)))
