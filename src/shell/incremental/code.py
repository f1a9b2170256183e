"""A digest of a node's function: what changes when its code changes, and nothing else.

Covered (``scope="function"``): the function's bytecode, constants (nested functions and
lambdas included, recursively), names it uses, argument names, default arguments and the
values captured in its closure; for ``functools.partial`` the wrapped function and the bound
arguments; for a callable object its class's ``__call__`` and its attributes. Not covered:
where the code sits in the file (line numbers, file name), memory addresses in ``repr`` s,
and the code of *other* functions it calls by name (helpers, library code).

``scope="module"`` adds the source file of the module defining the function, so an edit
to a helper in the same module is seen too (at the price of rerunning every node of that
module on any edit there).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import re
import types
from collections.abc import Callable
from typing import Literal

__all__ = ["CodeScope", "code_digest", "stable_repr"]

#: How much code a node's fingerprint covers.
CodeScope = Literal["function", "module"]

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def stable_repr(value: object) -> str:
    """``repr(value)`` without memory addresses, with sets in a fixed order."""
    if isinstance(value, set | frozenset):
        inner = ", ".join(sorted(stable_repr(item) for item in value))
        return f"{type(value).__name__}({{{inner}}})"
    if isinstance(value, types.CodeType):
        return f"<code {value.co_qualname}>"
    return _ADDRESS.sub("", repr(value))


def _code_parts(code: types.CodeType, pending: list[object]) -> list[str]:
    parts = [
        code.co_qualname,
        code.co_code.hex(),
        repr(code.co_names),
        repr(code.co_varnames),
        repr(code.co_freevars),
        f"{code.co_argcount}/{code.co_posonlyargcount}/{code.co_kwonlyargcount}",
    ]
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            pending.append(constant)
        parts.append(stable_repr(constant))
    return parts


def _function_parts(func: types.FunctionType, pending: list[object]) -> list[str]:
    pending.append(func.__code__)
    parts = [f"function {func.__module__}.{func.__qualname__}"]
    for value in (func.__defaults__ or ()):
        parts.append(_value_part(value, pending))
    for key, value in sorted((func.__kwdefaults__ or {}).items()):
        parts.append(f"{key}={_value_part(value, pending)}")
    for cell in func.__closure__ or ():
        try:
            contents = cell.cell_contents
        except ValueError:  # an empty cell (a name assigned later)
            parts.append("<empty cell>")
            continue
        parts.append(_value_part(contents, pending))
    return parts


def _value_part(value: object, pending: list[object]) -> str:
    """A captured value: functions are followed (their code counts), others are shown."""
    if isinstance(value, types.FunctionType | functools.partial | types.MethodType):
        pending.append(value)
        return "<callable>"
    return stable_repr(value)


def _callable_parts(item: object, pending: list[object]) -> list[str]:
    if isinstance(item, types.CodeType):
        return _code_parts(item, pending)
    if isinstance(item, types.FunctionType):
        return _function_parts(item, pending)
    if isinstance(item, functools.partial):
        pending.append(item.func)
        parts = ["partial"]
        parts.extend(_value_part(arg, pending) for arg in item.args)
        parts.extend(f"{k}={_value_part(v, pending)}" for k, v in sorted(item.keywords.items()))
        return parts
    if isinstance(item, types.MethodType):
        pending.append(item.__func__)
        return [f"method of {type(item.__self__).__qualname__}", stable_repr(vars(item.__self__)) if hasattr(item.__self__, "__dict__") else ""]
    if isinstance(item, types.BuiltinFunctionType | types.BuiltinMethodType):
        return [f"builtin {getattr(item, '__module__', '')}.{item.__qualname__}"]
    if callable(item) and not isinstance(item, type):
        pending.append(type(item).__call__)
        shown = stable_repr(sorted(vars(item).items())) if hasattr(item, "__dict__") else ""
        return [f"instance of {type(item).__module__}.{type(item).__qualname__}", shown]
    return [stable_repr(item)]


def _module_source(func: Callable[..., object]) -> str:
    target = inspect.unwrap(getattr(func, "func", func))
    module = inspect.getmodule(target)
    try:
        source = inspect.getsourcefile(module) if module is not None else None
        if source is None:
            return ""
        with open(source, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except (OSError, TypeError):  # a builtin or interactively defined module has no file
        return ""


def code_digest(func: Callable[..., object], *, scope: CodeScope = "function") -> str:
    """A digest of ``func``'s code (see the module docstring for what it covers).

    Every callable reached (nested code, captured functions, a partial's function) is
    visited once, with a work list rather than recursion.
    """
    digest = hashlib.sha256()
    pending: list[object] = [func]
    seen: set[int] = set()
    while pending:
        item = pending.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        for part in _callable_parts(item, pending):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
    if scope == "module":
        digest.update(_module_source(func).encode())
    return digest.hexdigest()[:32]
