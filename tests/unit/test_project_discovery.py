"""Project detection: ``is_kedro_project`` and the parent walk of ``find_kedro_project``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shell.project import _is_project, find_kedro_project, is_kedro_project
from tests.unit.test_project_support import Projects, project_sandbox


@pytest.fixture
def projects(tmp_path: Path) -> Iterator[Projects]:
    with project_sandbox(tmp_path) as made:
        yield made


def test_project_root_is_found_from_itself(projects: Projects) -> None:
    root, _ = projects.make()
    assert find_kedro_project(root) == root.resolve()


def test_project_root_is_found_from_a_nested_directory(projects: Projects) -> None:
    root, package = projects.make()
    nested = root / "src" / package / "pipelines" / "deep"
    nested.mkdir(parents=True)
    assert find_kedro_project(nested) == root.resolve()


def test_nearest_project_wins(projects: Projects) -> None:
    outer, _ = projects.make()
    inner, _ = projects.make()
    moved = outer / "sub" / inner.name
    moved.parent.mkdir()
    inner.rename(moved)
    assert find_kedro_project(moved / "conf" / "base") == moved.resolve()


def test_outside_any_project_is_none(tmp_path: Path) -> None:
    lonely = tmp_path / "a" / "b"
    lonely.mkdir(parents=True)
    assert find_kedro_project(lonely) is None


def test_relative_path_walks_up(projects: Projects, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = projects.make()
    monkeypatch.chdir(root / "conf" / "base")
    assert find_kedro_project(Path(".")) == root.resolve()


def test_pyproject_without_tool_kedro_is_not_a_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.kedro_viz]\na = 1\n')
    assert not is_kedro_project(tmp_path)
    assert find_kedro_project(tmp_path) is None


def test_commented_or_broken_tool_kedro_is_not_a_project(tmp_path: Path) -> None:
    # Kedro 1.7 matches the text; we parse the TOML (deliberate difference).
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "pyproject.toml").write_text("# [tool.kedro]\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "pyproject.toml").write_text("[tool.kedro]\nbroken = \n")
    assert not is_kedro_project(tmp_path / "a")
    assert not is_kedro_project(tmp_path / "b")


def test_a_directory_named_pyproject_is_not_a_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").mkdir()
    assert not is_kedro_project(tmp_path)


def test_is_project_is_the_old_name() -> None:
    assert _is_project is is_kedro_project


@pytest.mark.differential
def test_detection_matches_kedro(projects: Projects, tmp_path: Path) -> None:
    # kedro.utils has no import-time side effects, so it can be compared in-process.
    from kedro.utils import find_kedro_project as kedro_find
    from kedro.utils import is_kedro_project as kedro_is

    root, package = projects.make()
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "pyproject.toml").write_text('[project]\nname = "x"\n')
    starts = [
        root,
        root / "src" / package,
        root / "conf" / "local",
        plain,
        tmp_path,
    ]
    for start in starts:
        resolved = start.resolve()
        assert is_kedro_project(resolved) == kedro_is(resolved), start
        assert find_kedro_project(resolved) == kedro_find(resolved), start
