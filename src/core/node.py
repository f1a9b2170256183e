"""``node()``: declare a node, with every check Kedro makes; ``Node`` is re-exported here.

Authoring mistakes (a non-callable function, an ``int`` where a dataset name belongs, a bad
name or tag) raise ``TypeError``/``ValueError`` here, when the node is written: they are
programming errors, and this is the only place the core raises. The checks live in
:mod:`core.node_declaration`, :mod:`core.node_signature`, :mod:`core.node_names` and
:mod:`core.node_shape`; the value is :mod:`core.node_value`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from core.name_form import NameForm
from core.node_declaration import DatasetNames, Declared, declare, invalid_node_message, node_label
from core.node_names import VALID_NAME, invalid_name_message, single_tag, tag_set
from core.node_shape import DOTTED_NAME_WARNING, dotted_dataset_names, shape_problem
from core.node_signature import binding_order, bound_positions
from core.node_value import Node, assemble_node

_SINGLE = NameForm.SINGLE

__all__ = [
    "DOTTED_NAME_WARNING",
    "DatasetNames",
    "NameForm",
    "Node",
    "dotted_dataset_names",
    "node",
    "renamed_node",
    "shape_problem",
]


def node(
    func: Callable[..., Any],
    inputs: DatasetNames,
    outputs: DatasetNames,
    *,
    name: str | None = None,
    tags: str | Iterable[str] | None = None,
    confirms: str | list[str] | None = None,
    namespace: str | None = None,
    preview_fn: Callable[[], object] | None = None,
) -> Node:
    """Declare a node running ``func`` on ``inputs`` to produce ``outputs``.

    Args:
        func: the function; called by a runner in the shell, never by the core.
        inputs: ``None``, a dataset name, a list of names (positional arguments) or a dict
            from parameter name to dataset name (keyword arguments). ``params:x`` reads
            parameter ``x``.
        outputs: ``None``, a name, a list of names (the function returns a list or tuple) or a
            dict from returned key to dataset name.
        name: an explicit name (letters, digits, ``_``, ``.``, ``-``); generated otherwise.
        tags: a tag or an iterable of tags.
        confirms: datasets whose ``confirm()`` runs after the node.
        namespace: prefixes the node name with ``"{namespace}."``.
        preview_fn: a function of no arguments returning a :mod:`core.preview` payload,
            called by :meth:`Node.preview` (Kedro 1.2's experimental previews).

    Raises:
        ValueError: wrong Python types, invalid names or tags, duplicate outputs, an input
            that is also an output (transcoding stripped), or neither inputs nor outputs.
        TypeError: the inputs do not bind to the function's signature.
    """
    given_func: object = func
    if not callable(given_func):
        raise ValueError(
            invalid_node_message(
                f"first argument must be a function, not '{type(func).__name__}'.", node_label(func, name)
            )
        )
    # The two commonest declarations inline (node() is hot in big pipelines); declare()
    # handles, and checks, everything else.
    given_in: Declared = (
        (_SINGLE, (), (inputs,)) if type(inputs) is str and inputs else declare(inputs, "inputs", func, name)
    )
    given_out: Declared = (
        (_SINGLE, (), (outputs,)) if type(outputs) is str and outputs else declare(outputs, "outputs", func, name)
    )
    input_form, input_keys, declared_inputs = given_in
    output_form, output_keys, outputs_in_order = given_out
    if not declared_inputs and not outputs_in_order:
        raise ValueError(invalid_node_message("it must have some 'inputs' or 'outputs'.", node_label(func, name)))
    if input_form is NameForm.DICT:
        inputs_in_order = binding_order(func, input_form, input_keys, declared_inputs, name)
    else:
        # Positional inputs bind in declaration order; only whether they bind is in question,
        # and the memo answers it. Any TypeError: ask again for Kedro's message (or for an
        # unhashable callable, which the memo cannot hold).
        inputs_in_order = declared_inputs
        try:
            bound_positions(func, False, (), len(declared_inputs))
        except TypeError:
            binding_order(func, input_form, input_keys, declared_inputs, name)
    given_name: object = name
    if given_name is not None and (not isinstance(given_name, str) or not VALID_NAME.match(given_name)):
        raise ValueError(invalid_name_message(name))
    given_namespace: object = namespace
    if given_namespace is not None and not isinstance(given_namespace, str):
        raise TypeError(
            f"'namespace' must be a string or None, got {type(namespace).__name__} (node {node_label(func, name)})."
        )
    confirmed = () if confirms is None else (confirms,) if isinstance(confirms, str) else tuple(confirms)
    given_preview: object = preview_fn
    if given_preview is not None and not callable(given_preview):
        raise ValueError(
            invalid_node_message(
                f"preview_fn must be a function, not '{type(preview_fn).__name__}'.", node_label(func, name)
            )
        )
    built = assemble_node(
        func,
        input_form,
        input_keys,
        declared_inputs,
        inputs_in_order,
        output_form,
        output_keys,
        outputs_in_order,
        name,
        namespace,
        single_tag(tags) if type(tags) is str else tag_set(tags),
        confirmed,
        preview_fn,
    )
    outs = built.output_bases
    if len(outs) != 1 or outs[0] in built.input_bases:
        problem = shape_problem(built)
        if problem is not None:
            raise ValueError(problem)
    return built


def renamed_node(
    original: Node,
    rename: Callable[[str], str],
    *,
    namespace: str | None,
    extra_tags: frozenset[str] = frozenset(),
) -> Node:
    """A copy of ``original`` with every dataset name passed through ``rename``.

    Used by namespace remapping: the function and the declaration forms are unchanged, so the
    signature need not be bound again (which keeps remapping O(N) and cheap).
    """
    inputs = tuple([rename(i) for i in original.inputs])
    declared = (
        inputs
        if original._declared_inputs is original.inputs
        else tuple([rename(i) for i in original._declared_inputs])
    )
    return assemble_node(
        original.func,
        original._input_form,
        original._input_keys,
        declared,
        inputs,
        original._output_form,
        original._output_keys,
        tuple([rename(o) for o in original.outputs]),
        original.explicit_name,
        namespace,
        original.tags | extra_tags,
        tuple([rename(c) for c in original.confirms]),
        original.preview_fn,
    )
