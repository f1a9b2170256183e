"""No module of ``core`` or ``shell`` imports, directly or not, a module that imports it.

Function-level (lazy) imports count too: a cycle hidden behind a lazy import still means two
modules that cannot be understood, tested or split apart one without the other. Imports
under ``if TYPE_CHECKING:`` (annotations only, never executed) do not count.
"""

from __future__ import annotations

import graphlib

import grimp


def _first_cycle(edges: dict[str, set[str]]) -> list[str]:
    try:
        graphlib.TopologicalSorter(edges).prepare()
    except graphlib.CycleError as error:
        cycle: list[str] = error.args[1]
        return cycle
    return []


def test_core_and_shell_have_no_import_cycle() -> None:
    graph = grimp.build_graph("core", "shell", exclude_type_checking_imports=True)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) & graph.modules for m in graph.modules}

    assert _first_cycle(edges) == []


def test_the_check_finds_a_cycle() -> None:
    assert sorted(set(_first_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}))) == ["a", "b", "c"]
