"""``scaffold_project``: a new project runs straight away; bad names and busy targets are refused."""

from __future__ import annotations

import importlib
import itertools
import json
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason
from shell.scaffold import (
    PLACEHOLDERS,
    check_package_name,
    check_project_name,
    derive_package_name,
    read_template,
    scaffold_project,
)
from shell.scaffold.create import _write
from shell.scaffold.render import RenderedFile
from shell.session import KedroSession

_UNIQUE = itertools.count()


@pytest.fixture
def sandbox() -> Iterator[list[str]]:
    """Packages the test imports (append their names); ``sys.path``/``sys.modules`` restored."""
    saved_path = list(sys.path)
    packages: list[str] = []
    try:
        yield packages
    finally:
        sys.path[:] = saved_path
        for name in list(sys.modules):
            if any(name == p or name.startswith(p + ".") for p in packages):
                del sys.modules[name]
        importlib.invalidate_caches()


def _package(sandbox: list[str]) -> str:
    # Unique per test: a project package stays in sys.modules once imported.
    name = f"scaffolded_{next(_UNIQUE)}"
    sandbox.append(name)
    return name


def _error(result: Result[Path, ConfigError]) -> ConfigError:
    assert isinstance(result, Failure), result
    error = result.failure()
    assert isinstance(error, ConfigError)
    return error


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# -- a new project ----------------------------------------------------------------------------


def test_a_new_project_runs_and_writes_its_outputs(tmp_path: Path, sandbox: list[str]) -> None:
    package = _package(sandbox)
    created = scaffold_project(tmp_path / "new" / "weather", project_name="Weather", package_name=package)

    root = created.unwrap()
    assert root == (tmp_path / "new" / "weather").absolute()
    with KedroSession.create(root).unwrap() as session:
        outputs = session.run()
    assert isinstance(outputs, Success), outputs
    assert set(outputs.unwrap()) == {"weather_report"}

    summary = json.loads((root / "data/02_intermediate/city_summary.json").read_text())
    assert summary["Lisbon"] == {"days": 5, "mean": 25.5, "min": 23.9, "max": 27.8}
    reports = list((root / "data/08_reporting/weather_report.md").glob("*/weather_report.md"))
    assert len(reports) == 1, "the report is versioned: one version folder per run"
    report = reports[0].read_text()
    assert report.startswith("# Weather: temperatures by city\n")
    assert report.index("Lisbon") < report.index("Oslo")
    assert (root / "sessions" / "session_store.sqlite3").is_file()


def test_the_project_has_kedros_layout_and_no_placeholder_left(tmp_path: Path) -> None:
    root = scaffold_project(tmp_path / "p", project_name="Space Trip").unwrap()

    files = _tree(root)
    for expected in (
        "pyproject.toml",
        ".gitignore",
        "README.md",
        "conf/base/catalog.yml",
        "conf/base/parameters.yml",
        "conf/local/.gitkeep",
        "conf/local/credentials.yml",
        "data/01_raw/measurements.csv",
        "src/space_trip/__init__.py",
        "src/space_trip/settings.py",
        "src/space_trip/pipeline_registry.py",
        "src/space_trip/pipelines/weather/pipeline.py",
        "src/space_trip/pipelines/weather/nodes.py",
    ):
        assert expected in files, expected
    assert not [p for p in files if p.endswith(".tmpl") or "__package_name__" in p]
    for path, content in files.items():
        assert b"{{" not in content, f"unrendered placeholder in {path}"
    table = tomllib.loads(files["pyproject.toml"].decode())["tool"]["kedro"]
    assert table["package_name"] == "space_trip"
    assert table["project_name"] == "Space Trip"
    assert table["source_dir"] == "src"
    assert "kedro_pure_version" in table
    ignored = files[".gitignore"].decode().splitlines()
    assert "data/0[2-8]_*/" in ignored
    assert "sessions/" in ignored


def test_a_named_pipeline_and_runtime_parameters_work(tmp_path: Path, sandbox: list[str]) -> None:
    package = _package(sandbox)
    root = scaffold_project(tmp_path / "p", project_name="Weather", package_name=package).unwrap()

    with KedroSession.create(root, runtime_params={"summary": {"unit": "fahrenheit", "round_to": 0}}).unwrap() as session:
        outputs = session.run(pipeline_names=["weather"])
    assert isinstance(outputs, Success), outputs
    summary = json.loads((root / "data/02_intermediate/city_summary.json").read_text())
    assert summary["Lisbon"]["max"] == 82.0  # 27.8 °C


def test_an_existing_empty_directory_is_used(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()

    assert scaffold_project(target, project_name="Empty ok").unwrap() == target.absolute()
    assert (target / "pyproject.toml").is_file()


# -- refusals ---------------------------------------------------------------------------------


def test_a_non_empty_directory_is_refused_and_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")

    error = _error(scaffold_project(target, project_name="Busy"))

    assert error.reason is ConfigErrorReason.INVALID
    assert "is not empty" in error.message
    assert _tree(target) == {"notes.txt": b"mine"}


def test_a_file_as_target_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "a_file"
    target.write_text("x")

    error = _error(scaffold_project(target, project_name="Filed"))

    assert "is not a directory" in error.message
    assert target.read_text() == "x"


@pytest.mark.parametrize(
    ("package_name", "says"),
    [
        ("1abc", "must start with a letter"),
        ("my-package", "must start with a letter"),
        ("a.b", "must start with a letter"),
        ("", "must start with a letter"),
        ("café", "ASCII"),
        ("class", "keyword or standard library"),
        ("json", "keyword or standard library"),
        ("core", "kedro-pure's own packages"),
        ("shell", "kedro-pure's own packages"),
        ("kedro", "kedro-pure's own packages"),
        ("pandas", "kedro-pure's own packages"),
    ],
)
def test_bad_package_names_are_refused_before_anything_is_written(
    tmp_path: Path, package_name: str, says: str
) -> None:
    target = tmp_path / "p"

    error = _error(scaffold_project(target, project_name="Good name", package_name=package_name))

    assert error.reason is ConfigErrorReason.INVALID
    assert says in error.message
    assert not target.exists()


@pytest.mark.parametrize("project_name", ["x", "bad/name", "quote\"d", "two\nlines", "  "])
def test_bad_project_names_are_refused(tmp_path: Path, project_name: str) -> None:
    error = _error(scaffold_project(tmp_path / "p", project_name=project_name, package_name="fine"))

    assert "invalid value for project name" in error.message
    assert not (tmp_path / "p").exists()


def test_a_project_name_giving_no_package_name_asks_for_one(tmp_path: Path) -> None:
    error = _error(scaffold_project(tmp_path / "p", project_name="2 fast"))

    assert "'2_fast'" in error.message
    assert "--package" in error.message
    assert not (tmp_path / "p").exists()


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    root = tmp_path / "deep" / "project"
    # The second file cannot be created exclusively: the write fails part-way.
    files = (RenderedFile("conf/a.yml", "a: 1\n"), RenderedFile("conf/a.yml", "a: 2\n"))

    error = _error(_write(root, files))

    assert "Could not create the project" in error.message
    assert list(tmp_path.iterdir()) == []


# -- the template and the name rules ----------------------------------------------------------


def test_the_packaged_template_uses_only_known_placeholders() -> None:
    files = read_template().unwrap()

    assert any(f.path == "pyproject.toml.tmpl" for f in files)
    for file in files:
        text = file.text
        for placeholder in PLACEHOLDERS:
            text = text.replace(placeholder, "")
        assert "{{" not in text, f"unknown placeholder in {file.path}"


@pytest.mark.parametrize(
    ("project_name", "package_name"),
    [("My Project", "my_project"), ("  data-flow ", "data_flow"), ("ABC_x", "abc_x")],
)
def test_the_package_name_is_derived_as_kedro_derives_it(project_name: str, package_name: str) -> None:
    assert derive_package_name(project_name) == package_name


@pytest.mark.differential
@pytest.mark.parametrize(
    "project_name",
    ["My Project", "ab", "a", "data-flow_2", "bad/name", "dots.no", "spaces  ok", "émigré", "x" * 40],
)
def test_project_name_rule_and_derivation_match_kedro(project_name: str) -> None:
    starters = pytest.importorskip("kedro.framework.cli.starters")
    try:
        starters._validate_input_with_regex_pattern("project_name", project_name)
        kedro_accepts = True
    except SystemExit:
        kedro_accepts = False

    assert isinstance(check_project_name(project_name), Success) is kedro_accepts
    assert derive_package_name(project_name) == starters._derive_package_name(project_name)


@pytest.mark.differential
@pytest.mark.parametrize("package_name", ["my_project", "email", "json", "def", "spaceflights", "io"])
def test_package_names_kedro_refuses_are_refused(package_name: str) -> None:
    starters = pytest.importorskip("kedro.framework.cli.starters")
    try:
        starters._validate_package_name_is_importable(package_name)
        kedro_accepts = True
    except SystemExit:
        kedro_accepts = False

    if not kedro_accepts:
        assert isinstance(check_package_name(package_name), Failure)
    else:
        assert isinstance(check_package_name(package_name), Success)
