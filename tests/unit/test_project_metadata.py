"""``[tool.kedro]`` metadata: the pure table rules, reading it from disk, and bootstrapping."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from returns.result import Failure, Success

from core.errors import ConfigError, ConfigErrorReason
from core.project import EXPECTED_PROJECT_KEYS, ProjectTable, parse_project_table
from shell.project import ProjectMetadata, bootstrap_project, read_metadata
from tests.unit.test_project_support import Projects, project_sandbox, pyproject


@pytest.fixture
def projects(tmp_path: Path) -> Iterator[Projects]:
    with project_sandbox(tmp_path) as made:
        yield made


def _table(**keys: object) -> dict[str, object]:
    return {"tool": {"kedro": {"package_name": "demo", "project_name": "Demo", **keys}}}


def _message(result: object) -> str:
    assert isinstance(result, Failure)
    error = result.failure()
    assert isinstance(error, ConfigError)
    return error.message


# -- the pure table rules ------------------------------------------------------------------


def test_minimal_table_gives_defaults() -> None:
    assert parse_project_table(_table()) == Success(ProjectTable("demo", "Demo"))


def test_all_keys_are_kept() -> None:
    table = _table(
        kedro_init_version="1.7.0",
        source_dir="code",
        tools=["Linting", "Testing"],
        example_pipeline="False",
    )
    assert parse_project_table(table) == Success(
        ProjectTable(
            "demo",
            "Demo",
            source_dir="code",
            kedro_init_version="1.7.0",
            tools=("Linting", "Testing"),
            example_pipeline="False",
        )
    )


def test_missing_section_is_kedros_error() -> None:
    result = parse_project_table({"project": {"name": "x"}})
    assert _message(result) == (
        "There's no '[tool.kedro]' section in the 'pyproject.toml'. Please add '[tool.kedro]' "
        "section to the file with appropriate configuration parameters."
    )
    assert result.failure().reason is ConfigErrorReason.INVALID


def test_missing_package_name_is_named() -> None:
    result = parse_project_table({"tool": {"kedro": {"project_name": "Demo"}}})
    assert _message(result) == "Missing required keys ['package_name'] from 'pyproject.toml'."


def test_major_version_mismatch_is_refused() -> None:
    assert _message(parse_project_table(_table(kedro_init_version="0.19.9"))).startswith(
        "Your Kedro project version 0.19.9 does not match Kedro package version 1.7.0"
    )


def test_minor_versions_of_kedro_1_are_accepted() -> None:
    assert isinstance(parse_project_table(_table(kedro_init_version="1.0.0")), Success)


def test_unknown_key_lists_the_expected_ones() -> None:
    assert _message(parse_project_table(_table(colour="blue"))) == (
        "Found unexpected keys in 'pyproject.toml'. Make sure it only contains the following "
        f"keys: {list(EXPECTED_PROJECT_KEYS)}."
    )


@pytest.mark.parametrize("name", ["my-pkg", "1st", "", "a..b"])
def test_package_name_must_be_importable(name: str) -> None:
    assert "importable Python package name" in _message(parse_project_table(_table(package_name=name)))


def test_non_string_values_are_refused() -> None:
    assert "'project_name'" in _message(parse_project_table(_table(project_name=3)))
    assert "'kedro_init_version'" in _message(parse_project_table(_table(kedro_init_version=1)))


# -- reading from disk ---------------------------------------------------------------------------


def test_read_metadata_resolves_paths(projects: Projects) -> None:
    root, package = projects.make()
    result = read_metadata(root)
    assert result == Success(
        ProjectMetadata(
            config_file=root.resolve() / "pyproject.toml",
            package_name=package,
            project_name="Demo Project",
            project_path=root.resolve(),
            source_dir=root.resolve() / "src",
            kedro_init_version="1.7.0",
        )
    )


def test_missing_pyproject_is_reported(tmp_path: Path) -> None:
    result = read_metadata(tmp_path)
    assert _message(result).startswith(
        f"Could not find the project configuration file 'pyproject.toml' in {tmp_path.resolve()}."
    )
    assert result.failure().reason is ConfigErrorReason.MISSING


def test_unparsable_pyproject_is_a_syntax_error(projects: Projects) -> None:
    root, _ = projects.make(toml="[tool.kedro\npackage_name = 'x'\n")
    result = read_metadata(root)
    assert _message(result).startswith("Failed to parse 'pyproject.toml' file.")
    assert result.failure().reason is ConfigErrorReason.SYNTAX
    assert result.failure().path == str(root.resolve() / "pyproject.toml")


def test_pyproject_without_tool_kedro(projects: Projects) -> None:
    root, _ = projects.make(toml='[project]\nname = "x"\n')
    assert "There's no '[tool.kedro]' section" in _message(read_metadata(root))


# -- bootstrap ---------------------------------------------------------------------------------


def test_bootstrap_puts_source_dir_first_on_sys_path_once(projects: Projects) -> None:
    root, package = projects.make()
    first = bootstrap_project(root)
    assert isinstance(first, Success)
    source = str(root.resolve() / "src")
    assert sys.path[0] == source
    bootstrap_project(root)
    assert sys.path.count(source) == 1
    # The package is importable now.
    __import__(package)


def test_bootstrap_refuses_a_source_dir_outside_the_project(projects: Projects) -> None:
    package = projects.new_package()
    root, _ = projects.make(package=package, toml=pyproject(package, source_dir="../elsewhere"))
    (root.parent / "elsewhere").mkdir()
    result = bootstrap_project(root)
    assert _message(result) == (
        f"Source path '{root.parent.resolve() / 'elsewhere'}' has to be relative to your "
        f"project root '{root.resolve()}'."
    )
    assert result.failure().reason is ConfigErrorReason.INVALID


def test_bootstrap_refuses_a_missing_source_dir(projects: Projects) -> None:
    package = projects.new_package()
    root, _ = projects.make(package=package, toml=pyproject(package, source_dir="code"))
    before = list(sys.path)
    result = bootstrap_project(root)
    assert _message(result) == f"Source path '{root.resolve() / 'code'}' cannot be found."
    assert result.failure().reason is ConfigErrorReason.MISSING
    assert sys.path == before


def test_bootstrap_failure_leaves_sys_path_alone(tmp_path: Path) -> None:
    before = list(sys.path)
    assert isinstance(bootstrap_project(tmp_path), Failure)
    assert sys.path == before


# -- differential: Kedro's _get_project_metadata on the same files -------------------------

_CASES = {
    "valid": pyproject("demo_pkg"),
    "custom_source": pyproject("demo_pkg", source_dir="code", tools="['Linting']"),
    "no_section": '[project]\nname = "x"\n',
    "missing_package": '[tool.kedro]\nproject_name = "x"\nkedro_init_version = "1.7.0"\n',
    "missing_two": '[tool.kedro]\nkedro_init_version = "1.7.0"\n',
    "old_version": pyproject("demo_pkg", kedro_init_version="0.19.3"),
    "broken": "[tool.kedro\n",
}

_HARNESS = """
import json, sys
from pathlib import Path
from kedro.framework.startup import _get_project_metadata

out = {}
for case in sys.argv[1:]:
    try:
        m = _get_project_metadata(Path(case))
    except (RuntimeError, ValueError) as error:
        out[case] = {"error": str(error)}
    else:
        out[case] = {"package_name": m.package_name, "project_name": m.project_name,
                     "source_dir": str(m.source_dir), "config_file": str(m.config_file),
                     "kedro_init_version": m.kedro_init_version, "tools": m.tools}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def kedro_metadata(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    # Kedro's startup module configures logging when imported: keep it out of this process.
    work = tmp_path_factory.mktemp("kedro_metadata")
    for name, text in _CASES.items():
        (work / name).mkdir()
        (work / name / "pyproject.toml").write_text(text)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_HARNESS), *(str(work / n) for n in _CASES)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found: dict[str, dict[str, object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return {Path(path).name: outcome for path, outcome in found.items()}


@pytest.mark.differential
@pytest.mark.parametrize("case", sorted(_CASES))
def test_metadata_matches_kedro(
    case: str, kedro_metadata: dict[str, dict[str, object]], tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text(_CASES[case])
    ours = read_metadata(tmp_path)
    theirs = kedro_metadata[case]
    if "error" in theirs:
        # Ours may add the parser's detail after Kedro's sentence.
        assert _message(ours).startswith(str(theirs["error"]))
        return
    metadata = ours.unwrap()
    assert metadata.package_name == theirs["package_name"]
    assert metadata.project_name == theirs["project_name"]
    assert metadata.kedro_init_version == theirs["kedro_init_version"]
    assert metadata.tools == theirs["tools"]
    assert metadata.source_dir.relative_to(tmp_path.resolve()) == Path(
        str(theirs["source_dir"])
    ).relative_to(Path(str(theirs["config_file"])).parent)
