"""Binding a node's declared inputs to its function's signature.

``node()`` checks the inputs bind (as Kedro does) and orders dict inputs the way they bind,
which is the order Kedro loads and reports them in. ``inspect.signature`` is slow, so the
answer is memoised per function and declaration *shape* (count and dict keys, not names): a
pipeline reuses a handful of functions for thousands of nodes.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

from core.name_form import NameForm
from core.node_declaration import authored, node_label, readable_func_name

__all__ = ["binding_order", "bound_positions"]


@functools.lru_cache(maxsize=4096)
def bound_positions(
    func: Callable[..., object], by_keyword: bool, keys: tuple[str, ...], count: int
) -> tuple[int, ...] | None:
    """Where each declared input lands when bound to ``func``, in binding order.

    ``None`` when ``func`` has no signature to check (C builtins). Raises ``TypeError`` when
    the inputs do not bind. Depends only on the function's signature and the shape.
    """
    if inspect.isbuiltin(func):
        return None
    try:
        signature = inspect.signature(func, follow_wrapped=False)
    except (TypeError, ValueError):
        return None
    if by_keyword:
        bound = signature.bind(**{key: i for i, key in enumerate(keys)})
        return (*bound.args, *bound.kwargs.values())
    signature.bind(*range(count))
    return tuple(range(count))


def binding_order(
    func: Callable[..., object], form: NameForm, keys: tuple[str, ...], names: tuple[str, ...], name: object
) -> tuple[str, ...]:
    """Check the inputs ``(form, keys, names)`` bind to ``func`` and return them in the
    order they bind (``names`` itself unless they are a dict); ``name`` (the node's, if
    given) only labels the node in the ``TypeError``."""
    # A bool, not the enum, in the memo key: Enum.__hash__ is Python code, on every node.
    by_keyword = form is NameForm.DICT
    try:
        try:
            positions = bound_positions(func, by_keyword, keys, len(names))
        except TypeError as exc:
            if "unhashable" not in str(exc):
                raise
            # An unhashable callable object cannot be memoised; bind it directly.
            positions = bound_positions.__wrapped__(func, by_keyword, keys, len(names))
    except TypeError as exc:
        parameters = list(inspect.signature(func, follow_wrapped=False).parameters.keys())
        raise TypeError(
            f"Inputs of '{readable_func_name(func)}' function expected "
            f"{parameters}, but got {authored(form, keys, names)}\n"
            f"Node: {node_label(func, name)}"
        ) from exc
    if positions is None or not by_keyword:
        return names
    return tuple([names[i] for i in positions])
