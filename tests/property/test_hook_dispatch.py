"""Law of :mod:`shell.hooks.dispatch`: a dispatched hook call answers exactly what pluggy's own
call answers, with the same implementations called in the same order with the same
arguments, and the same exception object when one raises, whatever is registered: none, one,
several, wrappers of both styles, ``tryfirst``/``trylast``, ``firstresult`` specs, plugins
registered and unregistered between calls, and tracing switched on and off.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import pluggy
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from shell.hooks import _create_hook_manager, hook_impl
from shell.hooks.dispatch import dispatch
from shell.hooks.manager import NullPluginManager

_spec = pluggy.HookspecMarker("dispatch-law")
_impl = pluggy.HookimplMarker("dispatch-law")
ORDER = ("a", "b", "c")


class Specs:
    @_spec
    def collect(self, a: object, b: object, c: object) -> object:
        """A plain spec: every non-None return, in call order."""

    @_spec(firstresult=True)
    def first(self, a: object, b: object, c: object) -> object:
        """The first non-None return."""


class Boom(Exception):
    """What a raising implementation raises."""


@dataclass(frozen=True)
class Plugin:
    """How one generated implementation behaves."""

    kind: str  # "plain" | "wrapper" | "hookwrapper"
    takes: tuple[str, ...]  # the arguments it names (a subset of ORDER, in order)
    returns: str  # "none" | "value" | "raise"
    position: str  # "" | "tryfirst" | "trylast"


def _function(plugin: Plugin, tag: int, log: list[tuple[int, tuple[object, ...]]]) -> Callable[..., Any]:
    def behave(*args: object) -> object:
        log.append((tag, args))
        if plugin.returns == "raise":
            raise Boom(tag)
        return None if plugin.returns == "none" else f"r{tag}"

    def wrapper(*args: object) -> Generator[None, object, object]:
        log.append((tag, args))
        result = yield
        if plugin.returns == "raise":
            raise Boom(tag)
        return result

    def old_wrapper(*args: object) -> Generator[None, object, None]:
        log.append((tag, args))
        yield

    body = {"plain": behave, "wrapper": wrapper, "hookwrapper": old_wrapper}[plugin.kind]
    # A function whose parameters are exactly the names it takes (pluggy reads them).
    params = ", ".join(plugin.takes)
    namespace: dict[str, Any] = {"body": body}
    forward = f"body({params})" if plugin.kind == "plain" else f"(yield from body({params}))"
    exec(f"def hook({params}):\n    return {forward}", namespace)
    made: Callable[..., Any] = namespace["hook"]
    return made


def _plugin_object(plugin: Plugin, tag: int, log: list[tuple[int, tuple[object, ...]]]) -> object:
    holder = type(f"P{tag}", (), {})()
    for name in ("collect", "first"):
        mark = _impl(
            wrapper=plugin.kind == "wrapper",
            hookwrapper=plugin.kind == "hookwrapper",
            tryfirst=plugin.position == "tryfirst",
            trylast=plugin.position == "trylast",
        )
        setattr(holder, name, mark(_function(plugin, tag, log)))
    return holder


PLUGINS = st.builds(
    Plugin,
    kind=st.sampled_from(["plain", "plain", "plain", "wrapper", "hookwrapper"]),
    takes=st.sampled_from([(), ("a",), ("b", "c"), ("a", "b", "c"), ("c",)]),
    returns=st.sampled_from(["none", "value", "value", "raise"]),
    position=st.sampled_from(["", "", "tryfirst", "trylast"]),
)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("register"), PLUGINS),
        st.tuples(st.just("unregister"), st.integers(0, 5)),
        st.tuples(st.just("call"), st.sampled_from(["collect", "first"])),
        st.tuples(st.just("trace"), st.booleans()),
    ),
    max_size=14,
)


def _outcome(call: Callable[[], object]) -> tuple[str, object]:
    try:
        return ("returned", call())
    except Boom as raised:
        return ("raised", raised)


@given(STEPS)
@example([("call", "collect"), ("call", "first")])
@example([("register", Plugin("plain", ("a",), "value", "")), ("call", "collect"), ("call", "first")])
@example([("register", Plugin("plain", (), "raise", "")), ("call", "collect")])
@example(
    [
        ("register", Plugin("plain", ("a",), "value", "")),
        ("call", "collect"),
        ("unregister", 0),
        ("register", Plugin("plain", ("c",), "value", "")),
        ("call", "collect"),
    ]
)
@example([("register", Plugin("plain", ("a",), "value", "")), ("trace", True), ("call", "collect")])
def test_a_dispatched_call_answers_as_pluggy(steps: list[tuple[str, Any]]) -> None:
    manager = pluggy.PluginManager("dispatch-law")
    manager.add_hookspecs(Specs)
    log: list[tuple[int, tuple[object, ...]]] = []
    registered: list[object] = []
    dispatched = {name: dispatch(manager, name, ORDER) for name in ("collect", "first")}
    undo_tracing: Callable[[], None] | None = None
    traced: list[str] = []
    manager.trace.root.setwriter(traced.append)
    for tag, (action, argument) in enumerate(steps):
        if action == "register":
            plugin = _plugin_object(argument, tag, log)
            manager.register(plugin)
            registered.append(plugin)
        elif action == "unregister" and registered:
            manager.unregister(registered.pop(argument % len(registered)))
        elif action == "trace":
            if argument and undo_tracing is None:
                undo_tracing = manager.enable_tracing()
            elif not argument and undo_tracing is not None:
                undo_tracing()
                undo_tracing = None
        elif action == "call":
            args: tuple[object, ...] = (object(), f"b{tag}", tag)
            hook = getattr(manager.hook, argument)
            ours_call = dispatched[argument]
            log.clear()
            traced.clear()
            theirs = _outcome(lambda: hook(**dict(zip(ORDER, args, strict=True))))  # noqa: B023
            their_calls, their_trace = list(log), list(traced)
            log.clear()
            traced.clear()
            ours = _outcome(lambda: ours_call(*args))  # noqa: B023
            assert log == their_calls
            assert traced == their_trace
            if theirs[0] == "raised":
                # the same kind of exception from the same implementation (pluggy re-raises
                # the object the implementation raised; so does the shortcut)
                assert ours[0] == "raised" and ours[1].args == theirs[1].args  # type: ignore[attr-defined]
            else:
                assert ours == theirs


def test_the_shortcut_raises_the_implementations_own_exception() -> None:
    raised = Boom("mine")

    class Raising:
        @hook_impl
        def before_dataset_loaded(self, dataset_name: str) -> None:
            raise raised

    hooks = _create_hook_manager()
    hooks.register(Raising())
    call = dispatch(hooks, "before_dataset_loaded", ("dataset_name", "node"))

    with pytest.raises(Boom) as caught:
        call("a", None)
    assert caught.value is raised


def test_a_null_manager_answers_none_and_calls_nothing() -> None:
    call = dispatch(NullPluginManager(), "before_node_run", ("node", "catalog", "inputs", "is_async", "run_id"))

    assert call(None, None, {}, False, None) is None


class Counting:
    def __init__(self) -> None:
        self.names: list[str] = []

    @hook_impl
    def before_dataset_loaded(self, dataset_name: str) -> None:
        self.names.append(dataset_name)


def test_a_plugin_registered_after_the_dispatcher_was_built_is_called() -> None:
    hooks = _create_hook_manager()
    call = dispatch(hooks, "before_dataset_loaded", ("dataset_name", "node"))
    call("before", None)
    late = Counting()
    hooks.register(late)

    call("after", None)
    hooks.unregister(late)
    call("gone", None)

    assert late.names == ["after"]
