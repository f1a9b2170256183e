"""The runners' fast path agrees with the Result-returning functions it stands in for.

``fitting_arguments``/``fitting_outputs`` must succeed exactly when ``call_arguments``/
``split_outputs`` do, with the same value; the runner asks the slow one only for the message.
``bound_arguments`` (inputs exactly as loaded, no check) gives ``call_arguments``' value.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.node import NameForm, Node
from core.node_call import (
    CallArguments,
    bound_arguments,
    call_arguments,
    fitting_arguments,
    fitting_outputs,
    split_outputs,
)
from core.strategies import nodes

_EXTRA = st.sampled_from(["unexpected", "other"])


@st.composite
def _inputs_for(draw: st.DrawFn, n: Node) -> dict[str, object]:
    names = list(n.inputs)
    kept = [name for name in names if draw(st.integers(0, 5)) > 0]
    extra = draw(st.lists(_EXTRA, max_size=1))
    return {name: f"value of {name}" for name in [*kept, *extra]}


@st.composite
def _returned_for(draw: st.DrawFn, n: Node) -> object:
    keys = [key for key, _ in n.output_keys] if n.output_form is NameForm.DICT else []
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return draw(st.none() | st.integers())
    if choice == 1:
        size = len(n.outputs) + draw(st.integers(-1, 1))
        return draw(st.sampled_from([list, tuple]))(range(max(size, 0)))
    kept = [key for key in keys if draw(st.integers(0, 5)) > 0]
    extra = draw(st.lists(_EXTRA, max_size=1))
    return {key: key for key in [*kept, *extra]}


@given(data=st.data(), n=nodes())
def test_fitting_arguments_agrees_with_call_arguments(data: st.DataObject, n: Node) -> None:
    inputs = data.draw(_inputs_for(n))

    assert fitting_arguments(n, inputs) == call_arguments(n, inputs).value_or(None)


@given(data=st.data(), n=nodes())
def test_fitting_arguments_accepts_exactly_the_declared_inputs(data: st.DataObject, n: Node) -> None:
    exact = {name: name for name in n.inputs}

    assert fitting_arguments(n, exact) == call_arguments(n, exact).unwrap()


@given(n=nodes())
def test_bound_arguments_are_the_call_arguments_of_the_loaded_inputs(n: Node) -> None:
    exact = {name: f"value of {name}" for name in n.inputs}

    assert CallArguments(*bound_arguments(n, exact)) == call_arguments(n, exact).unwrap()


@given(data=st.data(), n=nodes())
def test_fitting_outputs_agrees_with_split_outputs(data: st.DataObject, n: Node) -> None:
    returned = data.draw(_returned_for(n))

    assert fitting_outputs(n, returned) == split_outputs(n, returned).value_or(None)
