"""Messages and hints a new user meets, through the real ``kedro-pure`` console script."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.cli_projects import kedro_pure, kedro_pure_all, write_cli_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_cli_project(tmp_path_factory.mktemp("messages") / "p")


def test_selection_hints_suggest_near_names_once(project: Path) -> None:
    near_node, namespaced, near_dataset, env = kedro_pure_all(
        [["run", "--nodes", "clea"], ["run", "--nodes", "scale"], ["run", "--to-outputs", "joind"], ["run", "--env", "nope"]],
        cwd=project,
    )
    assert near_node.code == 4, near_node
    assert "Hint: Did you mean: clean?" in near_node.stderr
    # Kedro's own message suggests the namespaced names; the hint does not repeat it.
    assert namespaced.code == 4, namespaced
    assert "Did you mean: ['alpha.scale', 'beta.scale']?" in namespaced.stderr
    assert namespaced.stderr.count("Did you mean") == 1
    assert near_dataset.code == 4, near_dataset
    assert "Hint: Did you mean: joined?" in near_dataset.stderr
    assert env.code == 3, env
    assert "Environments in " in env.stderr and ": local, prod. Pass one of them to --env" in env.stderr


def test_verbose_shows_the_traceback_of_a_broken_settings_module(tmp_path: Path) -> None:
    root = write_cli_project(tmp_path / "p")
    settings = next((root / "src").glob("*/settings.py"))
    settings.write_text(settings.read_text() + "import a_module_that_is_not_there\n")
    quiet, verbose = kedro_pure("run", cwd=root), kedro_pure("-v", "run", cwd=root)
    assert quiet.code == verbose.code == 3, verbose
    assert "Traceback (most recent call last)" not in quiet.stderr
    assert "Add --verbose to see the traceback." in quiet.stderr
    assert "ModuleNotFoundError: No module named 'a_module_that_is_not_there'" in verbose.stderr
    assert "Traceback (most recent call last)" in verbose.stderr
    assert "--verbose" not in verbose.stderr


def test_new_into_a_non_empty_directory_says_so(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    done = kedro_pure("new", "taken", cwd=tmp_path)
    assert done.code == 3, done
    assert "is not empty" in done.stderr
    assert "Hint: Choose a new or empty directory" in done.stderr
    assert (tmp_path / "taken" / "notes.txt").read_text() == "mine"
