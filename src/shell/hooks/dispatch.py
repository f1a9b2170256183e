"""Calling a hook once per node without pluggy's per-call machinery where it changes nothing.

A runner calls six hooks per node. Through pluggy each call builds a keyword dict, applies the
spec's defaults, checks the arguments, copies the list of implementations and runs the
general loop that serves wrappers, ``firstresult`` and tracing: ~1.5 µs, most of a trivial
node's cost. :func:`dispatch` builds, once per run, a caller taking the hook's arguments
positionally that answers what pluggy would answer:

* **no implementation** registered: nothing is called; the answer is pluggy's for that case
  (``[]``, or ``None`` for a ``firstresult`` spec);
* **exactly one plain implementation** (not a wrapper, no keyword-defaulted parameters): its
  function is called with the arguments it names, and its return is wrapped as pluggy wraps
  it (``[]`` for ``None``, else ``[value]``; the value itself for ``firstresult``). What it
  raises propagates unchanged: pluggy re-raises the same exception object, and with no
  wrapper there is nothing to run in between;
* anything else (several implementations, wrappers, tracing or call monitoring switched on,
  a spec with defaults, a historic spec, a pluggy without the internals checked here, a
  foreign manager): the call goes through pluggy with keyword arguments.

Which case applies is decided again on every call from the caller's live list of
implementations and the manager's executor (identity checks), so a plugin registered or
unregistered during a run (by a hook, say) takes effect from the next call, as in pluggy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shell.hooks.manager import HookManager, _NullPluginManager

__all__ = ["HookCall", "dispatch"]

#: A hook taking its arguments positionally, in the order given to :func:`dispatch`.
HookCall = Callable[..., object]

# pluggy's own call loop: a manager whose executor is something else (tracing, monitoring)
# is called through pluggy. Private, so :func:`dispatch` checks every internal it relies on,
# and a pluggy that has moved it sends every call through pluggy (``None`` matches no executor).
_PLUGGY_LOOP: object
try:
    from pluggy._callers import _multicall as _PLUGGY_LOOP
except ImportError:
    _PLUGGY_LOOP = None


def dispatch(hooks: HookManager, name: str, order: tuple[str, ...]) -> HookCall:
    """The caller of hook ``name`` of ``hooks``, taking the arguments named by ``order``
    positionally (``order`` lists every argument of the spec)."""
    if isinstance(hooks, _NullPluginManager):
        return _absent
    caller = getattr(hooks.hook, name, None)
    if caller is None:
        return _through(hooks, name, order)
    spec = getattr(caller, "spec", None)
    plain = (
        isinstance(getattr(caller, "_hookimpls", None), list)
        and getattr(hooks, "_inner_hookexec", None) is not None
        and spec is not None
        and not getattr(spec, "kwargdefaults", None)
        and set(spec.argnames) == set(order)
        and not caller.is_historic()
    )
    if not plain or spec is None:
        return _through(hooks, name, order)
    return _shortcut(hooks, caller, order, firstresult=bool(spec.opts.get("firstresult", False)))


def _absent(*args: object) -> object:
    """The null manager's hooks: nothing to call."""
    del args
    return None


def _through(hooks: HookManager, name: str, order: tuple[str, ...]) -> HookCall:
    def call(*args: object) -> object:
        hook: Callable[..., object] = getattr(hooks.hook, name)
        return hook(**dict(zip(order, args, strict=True)))

    return call


def _shortcut(manager: Any, caller: Any, order: tuple[str, ...], *, firstresult: bool) -> HookCall:
    known: object = None
    #: the function of the one plain implementation (``None``: let pluggy call it)
    function: Callable[..., object] | None = None
    #: where its arguments are in ``order``; ``single``: the one position, when it takes one
    positions: tuple[int, ...] = ()
    single = -1

    def learn(impl: Any) -> None:
        nonlocal known, function, positions, single
        known = impl
        plain = not (impl.hookwrapper or impl.wrapper or impl.kwargnames)
        function = impl.function if plain else None
        positions = tuple(order.index(argument) for argument in impl.argnames)
        single = positions[0] if len(positions) == 1 else -1

    def call(*args: object) -> object:
        if manager._inner_hookexec is _PLUGGY_LOOP:
            impls = caller._hookimpls
            count = len(impls)
            if count == 1:
                if impls[0] is not known:
                    learn(impls[0])
                if function is not None:
                    result = function(args[single]) if single >= 0 else function(*[args[at] for at in positions])
                    if firstresult:
                        return result
                    return [] if result is None else [result]
            elif count == 0:
                return None if firstresult else []
        return caller(**dict(zip(order, args, strict=True)))

    return call
