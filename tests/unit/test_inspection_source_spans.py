"""Node source spans (``shell.inspection.source_locator``) against Kedro 1.7.0's own lookup
(``kedro.inspection.snapshot._resolve_node_source``), function by function, on a module
holding every shape of callable a node may wrap, many functions deep into the file."""

from __future__ import annotations

import functools
import importlib
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kedro.inspection.snapshot import _resolve_node_source

from shell.inspection import source_locator

MODULE = textwrap.dedent(
    '''
    import functools


    def plain(x):
        return x


    def traced(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)

        return wrapper


    def tagged(label):
        def decorate(func):
            func.label = label
            return func

        return decorate


    @traced
    def decorated(x):
        return x


    @tagged(
        "multi-line decorator"
    )
    def decorated_with_arguments(x):
        return x


    def long_signature(
        a,
        b=1,
        *,
        c=(1,
           2),
    ):
        """Docstring."""
        # a comment inside
        return a


    def one_liner(x): return x


    async def coroutine(x):
        return x


    def trailing_comment(x):
        return x
        # indented comment after the last statement


    # a comment at column 0 after it


    def factory():
        def inner(x):
            return x

        return inner


    class Holder:
        def method(self, x):
            return x

        @staticmethod
        def static(x):
            return x

        @classmethod
        def klass(cls, x):
            return x


    class CallableThing:
        def __call__(self, x):
            return x


    def continued(x):
        y = x + \\
            1
        return y
    '''
) + "".join(f"\n\ndef late_{i}(x):\n    '''f{i}'''\n    return x\n" for i in range(300))


@pytest.fixture
def module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    package = tmp_path / "src" / "span_pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "shapes.py").write_text(MODULE)
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    yield importlib.import_module("span_pkg.shapes")
    for name in ("span_pkg.shapes", "span_pkg"):  # each test imports its own copy
        sys.modules.pop(name, None)


def _callables(module: object) -> dict[str, Callable[..., object]]:
    get = functools.partial(getattr, module)
    holder = get("Holder")()
    found: dict[str, Callable[..., object]] = {
        name: get(name)
        for name in (
            "plain", "decorated", "decorated_with_arguments", "long_signature", "one_liner",
            "coroutine", "trailing_comment", "continued", "CallableThing",
        )
    }
    found.update(
        inner=get("factory")(),
        method=holder.method,
        static=get("Holder").static,
        klass=get("Holder").klass,
        instance=get("CallableThing")(),
        lambda_=lambda x: x,
        partial=functools.partial(get("plain"), 1),
        builtin=len,
        outside=pytest.fixture,  # a function outside the project
        **{f"late_{i}": get(f"late_{i}") for i in (0, 1, 150, 299)},
    )
    return found


def test_spans_match_kedro_for_every_shape_of_callable(module: object, tmp_path: Path) -> None:
    locate = source_locator(tmp_path)
    for label, func in _callables(module).items():
        ours = locate(func)
        theirs = _resolve_node_source(func, tmp_path.resolve())
        expected = None if theirs is None else (theirs.filepath, theirs.line_start, theirs.line_end)
        got = None if ours is None else (ours.filepath, ours.line_start, ours.line_end)
        assert got == expected, label
        assert locate(func) is ours  # looked up once


def test_a_span_covers_the_function_and_nothing_after_it(module: object, tmp_path: Path) -> None:
    span = source_locator(tmp_path)(module.late_299)  # type: ignore[attr-defined]
    assert span is not None
    lines = MODULE.splitlines()
    assert lines[span.line_start - 1] == "def late_299(x):"
    assert span.line_end == len(lines)
