"""A node's ``inputs``/``outputs`` argument: checked once and frozen as ``(form, keys, names)``.

``form`` is how the argument was written (:class:`NameForm`), ``names`` the dataset names in
declaration order and ``keys`` the dict keys (only for ``NameForm.DICT``, else empty). Plain
tuples rather than an object per declaration: a 20,000-node pipeline would otherwise hand the
cyclic collector 40,000 more objects to trace.
"""

from __future__ import annotations

from collections.abc import Callable

from core.name_form import NameForm

__all__ = [
    "DatasetNames",
    "Declared",
    "authored",
    "declare",
    "declared_identity",
    "invalid_node_message",
    "node_label",
    "readable_func_name",
]

#: What a user may pass as ``inputs`` or ``outputs``.
DatasetNames = None | str | list[str] | dict[str, str]

#: ``(form, keys, names)``: a declaration as authored, frozen.
Declared = tuple[NameForm, tuple[str, ...], tuple[str, ...]]

_NO_NAMES: Declared = (NameForm.NONE, (), ())
_SINGLE = NameForm.SINGLE
_LIST = NameForm.LIST


def invalid_node_message(message: str, label: str) -> str:
    """Kedro's ``Invalid Node definition`` message for the node labelled ``label``."""
    return (
        f"Invalid Node definition: {message}\n"
        "Format should be: node(function, inputs, outputs)\n"
        f"Node: {label}"
    )


def readable_func_name(func: Callable[..., object]) -> str:
    """The function's ``__name__``, ``"<partial>"`` for an unnamed partial, else its repr."""
    name = getattr(func, "__name__", None)
    if isinstance(name, str):
        return name
    text = repr(func)
    return "<partial>" if "functools.partial" in text else text


def node_label(func: object, name: object) -> str:
    """How error messages name a node being declared: its name, else its function's."""
    if name:
        return str(name)
    return readable_func_name(func) if callable(func) else repr(func)


def declare(value: object, what: str, func: object, name: object) -> Declared:
    """Freeze an ``inputs``/``outputs`` argument, rejecting wrong Python types with Kedro's
    message (``func`` and ``name`` only label the node in that message)."""
    # Fast paths for the well-formed declarations a big pipeline is made of.
    if type(value) is str and value:
        return (_SINGLE, (), (value,))
    if type(value) is list and value:
        for item in value:
            if type(item) is not str:
                break
        else:
            return (_LIST, (), tuple(value))
    if value is None or value == "":
        return _NO_NAMES
    # ``[]`` and ``{}`` stay a list and a dict with no names: Kedro keeps them as authored,
    # so they show in ``repr``, differ from ``None`` in identity, and the function must return
    # an empty list / dict for them.
    if isinstance(value, list | dict) and not value:
        return (NameForm.LIST if isinstance(value, list) else NameForm.DICT, (), ())
    if not isinstance(value, str | list | dict):
        raise ValueError(
            invalid_node_message(
                f"'{what}' type must be one of [String, List, Dict, None], "
                f"not '{type(value).__name__}'.",
                node_label(func, name),
            )
        )
    items: list[object] = list(value.values()) if isinstance(value, dict) else (
        [value] if isinstance(value, str) else list(value)
    )
    for item in items:
        if not isinstance(item, str):
            noun = "inputs to" if what == "inputs" else "outputs of"
            raise ValueError(
                invalid_node_message(
                    f"names of variables used as {noun} the function must be of "
                    f"'String' type, but {item} from {value} is '{type(item)}'.",
                    node_label(func, name),
                )
            )
    names = tuple(str(i) for i in items)
    if isinstance(value, str):
        return (_SINGLE, (), names)
    if isinstance(value, list):
        return (_LIST, (), names)
    keys = tuple(value.keys())
    for key in keys:
        if not isinstance(key, str):
            raise ValueError(
                invalid_node_message(f"keys of dict '{what}' must be strings, got {key!r}.", node_label(func, name))
            )
    return (NameForm.DICT, keys, names)


def declared_identity(form: NameForm, keys: tuple[str, ...], names: tuple[str, ...]) -> object:
    """The declaration's part of a node's identity: ``None``, the name, the tuple of names,
    or a dict's sorted items (so key order does not matter, as in Kedro)."""
    if form is _SINGLE:
        return names[0]
    if form is _LIST:
        return names
    if form is NameForm.NONE:
        return None
    return tuple(sorted(zip(keys, names, strict=True)))


def authored(form: NameForm, keys: tuple[str, ...], names: tuple[str, ...]) -> DatasetNames:
    """The declaration as the author wrote it (a fresh list or dict)."""
    if form is _SINGLE:
        return names[0]
    if form is _LIST:
        return list(names)
    if form is NameForm.NONE:
        return None
    return dict(zip(keys, names, strict=True))
