"""How a node's function is called and how its result becomes named outputs (pure).

The shell loads the inputs, asks :func:`call_arguments` how to pass them, calls the function,
and asks :func:`split_outputs` which dataset receives which value. Both return ``Failure`` with
Kedro's messages when the shapes do not match; calling the function itself is the shell's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from returns.result import Failure, Result, Success

from core.errors import RunError, RunErrorReason
from core.name_form import NameForm
from core.node_view import NodeView

__all__ = [
    "CallArguments",
    "bound_arguments",
    "call_arguments",
    "fitting_arguments",
    "fitting_outputs",
    "ignored_return_warning",
    "split_outputs",
]


@dataclass(frozen=True, slots=True)
class CallArguments:
    """Positional and keyword arguments for one call of a node's function."""

    args: tuple[object, ...]
    kwargs: Mapping[str, object]


def _sorted_keys(values: Mapping[str, object]) -> list[str]:
    return sorted(values)


def _node_failed(n: NodeView, message: str) -> RunError:
    return RunError(RunErrorReason.NODE_FAILED, message, node=n.name)


def call_arguments(n: NodeView, inputs: Mapping[str, object]) -> Result[CallArguments, RunError]:
    """The arguments for ``n``'s function, given ``{dataset name: loaded value}``.

    Returns:
        ``Failure(RunError(NODE_FAILED))`` with Kedro's message when ``inputs`` does not have
        exactly the node's input names.
    """
    got = f"but got the following {len(inputs)} input(s) instead: {_sorted_keys(inputs)}."
    form = n.input_form
    if form is NameForm.NONE or not n.inputs:
        # ``inputs=[]`` and ``{}`` declare no inputs too (Kedro tests emptiness, not the form).
        if inputs:
            return Failure(_node_failed(n, f"Node {n} expected no inputs, {got}"))
        return Success(CallArguments((), {}))
    if form is NameForm.SINGLE:
        (only,) = n.inputs
        if set(inputs) != {only}:
            return Failure(_node_failed(n, f"Node {n} expected one input named '{only}', {got}"))
        return Success(CallArguments((inputs[only],), {}))
    if form is NameForm.LIST:
        declared = list(n.declared_inputs or [])
        if set(inputs) != set(declared):
            return Failure(
                _node_failed(n, f"Node {n} expected {len(declared)} input(s) {declared}, {got}")
            )
        return Success(CallArguments(tuple(inputs[name] for name in declared), {}))
    wanted = sorted({dataset for _, dataset in n.input_keywords})
    if set(inputs) != set(wanted):
        return Failure(_node_failed(n, f"Node {n} expected {len(wanted)} input(s) {wanted}, {got}"))
    return Success(CallArguments((), {param: inputs[dataset] for param, dataset in n.input_keywords}))


def fitting_arguments(n: NodeView, inputs: Mapping[str, object]) -> CallArguments | None:
    """What :func:`call_arguments` succeeds with, or ``None`` where it fails (ask it why).

    The runners' per-node path: no ``Result`` and no message text are built for the usual case.
    """
    form = n.input_form
    if form is NameForm.NONE or not n.inputs:
        return None if inputs else _NO_ARGUMENTS
    if form is NameForm.SINGLE:
        only = n.inputs[0]
        return CallArguments((inputs[only],), _NO_KWARGS) if len(inputs) == 1 and only in inputs else None
    if form is NameForm.LIST:
        declared = n.declared_inputs or ()
        if inputs.keys() != set(declared):
            return None
        return CallArguments(tuple([inputs[name] for name in declared]), _NO_KWARGS)
    keywords = n.input_keywords
    if inputs.keys() != {dataset for _, dataset in keywords}:
        return None
    return CallArguments((), {param: inputs[dataset] for param, dataset in keywords})


def bound_arguments(n: NodeView, inputs: Mapping[str, object]) -> tuple[tuple[object, ...], Mapping[str, object]]:
    """``(args, kwargs)`` of :func:`call_arguments` for ``inputs`` that hold exactly ``n``'s
    input names (what a runner loaded for it): no check, no container, no message.

    Anything else in ``inputs`` (replacements a ``before_node_run`` hook added) must go
    through :func:`fitting_arguments`, which checks.
    """
    if n.input_form is NameForm.DICT:
        return (), {param: inputs[dataset] for param, dataset in n.input_keywords}
    # Every other form binds ``n.inputs`` positionally, in order (none for ``NONE``).
    names = n.inputs
    if len(names) == 1:
        return (inputs[names[0]],), _NO_KWARGS
    return tuple([inputs[name] for name in names]), _NO_KWARGS


def fitting_outputs(n: NodeView, returned: object) -> dict[str, object] | None:
    """What :func:`split_outputs` succeeds with, or ``None`` where it fails (ask it why)."""
    form = n.output_form
    if form is NameForm.NONE:
        return {}
    if form is NameForm.SINGLE:
        return {n.outputs[0]: returned}
    if form is NameForm.LIST:
        if not isinstance(returned, list | tuple) or len(returned) != len(n.outputs):
            return None
        return dict(zip(n.outputs, returned, strict=True))
    if not isinstance(returned, dict) or returned.keys() != {key for key, _ in n.output_keys}:
        return None
    return {dataset: returned[key] for key, dataset in n.output_keys}


_NO_KWARGS: Mapping[str, object] = MappingProxyType({})
_NO_ARGUMENTS = CallArguments((), _NO_KWARGS)


def _set_text(keys: object) -> str:
    items = sorted(repr(k) for k in keys) if isinstance(keys, set | frozenset | list | tuple) else []
    return "{" + ", ".join(items) + "}"


def split_outputs(n: NodeView, returned: object) -> Result[dict[str, object], RunError]:
    """``{dataset name: value}`` for what ``n``'s function returned.

    A node without outputs ignores its return value (see :func:`ignored_return_warning`).

    Returns:
        ``Failure(RunError(NODE_FAILED))`` with Kedro's message when a list node returns a
        non-sequence or the wrong number of values, or a dict node returns a non-dict or other
        keys.
    """
    form = n.output_form
    if form is NameForm.NONE:
        return Success({})
    if form is NameForm.SINGLE:
        return Success({n.outputs[0]: returned})
    prefix = f"Failed to save outputs of node {n}.\n"
    if form is NameForm.LIST:
        if not isinstance(returned, list | tuple):
            return Failure(
                _node_failed(
                    n,
                    f"{prefix}The node definition contains a list of outputs {list(n.outputs)}, "
                    f"whereas the node function returned a '{type(returned).__name__}'.",
                )
            )
        if len(returned) != len(n.outputs):
            return Failure(
                _node_failed(
                    n,
                    f"{prefix}The node function returned {len(returned)} output(s), whereas the "
                    f"node definition contains {len(n.outputs)} output(s).",
                )
            )
        return Success(dict(zip(n.outputs, returned, strict=True)))
    if not isinstance(returned, dict):
        return Failure(
            _node_failed(
                n,
                f"{prefix}The node output is a dictionary, whereas the function output is "
                f"{type(returned)}.",
            )
        )
    declared = {key for key, _ in n.output_keys}
    if set(returned) != declared:
        # Kedro's labels are swapped relative to their content; kept for parity.
        return Failure(
            _node_failed(
                n,
                f"{prefix}The node's output keys {_set_text(set(returned))} do not match with "
                f"the returned output's keys {_set_text(declared)}.",
            )
        )
    return Success({dataset: returned[key] for key, dataset in n.output_keys})


def ignored_return_warning(n: NodeView, returned: object) -> str | None:
    """Kedro's warning text when a node without outputs returned a value, else ``None``."""
    if n.output_form is not NameForm.NONE or returned is None:
        return None
    label = n.explicit_name or n.func_name
    return (
        f"Node '{label}' returned a value of type '{type(returned).__name__}', but the node is "
        "defined with outputs=None. Kedro ignores return values for nodes without declared "
        "outputs. If this return value is intentional, declare outputs in the node definition "
        "to include it in the pipeline."
    )
