"""``kedro-pure migrate``: what it rewrites, --check, --write, idempotence, the git safety check."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from returns.result import Failure

from core.errors import ConfigError, ConfigErrorReason
from shell.cli.main import cli
from shell.migrate import apply_plan, plan_migration, rewrite_module
from tests.unit.starter_runs import STARTER, copy_starter

needs_starter = pytest.mark.skipif(not STARTER.is_dir(), reason="the shared starter is not available")


def migrate(project: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-q", "migrate", str(project), *options], catch_exceptions=False)
    return result.exit_code, result.stdout


def test_a_pipeline_module_gets_kedro_pures_node_and_pipeline_keeping_comments() -> None:
    source = textwrap.dedent(
        """\
        from kedro.pipeline import Node, Pipeline  # the building blocks


        def create_pipeline(**kwargs) -> Pipeline:
            # one node
            return Pipeline(
                [
                    Node(func=len, inputs="a", outputs="b", name="n"),  # keep me
                ]
            )
        """
    )

    migrated, kept = rewrite_module(source)

    assert migrated == textwrap.dedent(
        """\
        from core import node, pipeline, Pipeline  # the building blocks


        def create_pipeline(**kwargs) -> Pipeline:
            # one node
            return pipeline(
                [
                    node(func=len, inputs="a", outputs="b", name="n"),  # keep me
                ]
            ).unwrap()
        """
    )
    assert kept == []


def test_aliases_lowercase_functions_and_names_without_counterpart() -> None:
    source = textwrap.dedent(
        """\
        from kedro.pipeline import node as make_node, pipeline
        from kedro.io import DataCatalog, AbstractDataset

        p = pipeline([make_node(len, "a", "b")], namespace="x")
        """
    )

    migrated, kept = rewrite_module(source)

    assert migrated == textwrap.dedent(
        """\
        from core import node, pipeline
        from kedro.io import AbstractDataset
        from shell.io import DataCatalog

        p = pipeline([node(len, "a", "b")], namespace="x").unwrap()
        """
    )
    assert kept == ["kedro.io.AbstractDataset"]


def test_a_module_without_kedro_is_returned_as_it_is() -> None:
    source = "from core import node\n# kedro is mentioned only here\nx = node\n"

    assert rewrite_module(source) == (source, [])


@needs_starter
def test_the_starter_migrates_with_the_expected_changes(tmp_path: Path) -> None:
    project = copy_starter(tmp_path / "sp")

    code, diff = migrate(project)

    assert code == 0
    assert "+def register_pipelines(names: list[str] | None = None) -> dict[str, Pipeline]:" in diff
    assert "+    pipelines = find_pipelines(__package__, names=names, raise_errors=True).unwrap()" in diff
    assert "+from shell.config import OmegaConfigLoader  # noqa: E402" in diff
    assert "+        with KedroSession.create(project_path=Path.cwd()).unwrap() as session:" in diff
    assert "+from core.filters import from_nodes, to_nodes" in diff
    assert {line[6:] for line in diff.splitlines() if line.startswith("+++ b/")} == {
        "src/spaceflights_pandas/__main__.py",
        "src/spaceflights_pandas/pipeline_registry.py",
        "src/spaceflights_pandas/settings.py",
        "src/spaceflights_pandas/pipelines/data_processing/pipeline.py",
        "src/spaceflights_pandas/pipelines/data_science/pipeline.py",
        "src/spaceflights_pandas/pipelines/reporting/pipeline.py",
        "tests/test_run.py",
        "tests/pipelines/data_science/test_pipeline.py",
    }
    # Without --write nothing changes on disk.
    assert (project / "src/spaceflights_pandas/settings.py").read_bytes() == (
        STARTER / "src/spaceflights_pandas/settings.py"
    ).read_bytes()


@needs_starter
def test_check_write_and_idempotence(tmp_path: Path) -> None:
    project = copy_starter(tmp_path / "sp")

    assert migrate(project, "--check")[0] == 1
    code, diff = migrate(project, "--write")
    assert code == 0 and diff
    assert migrate(project, "--check") == (0, "")
    assert migrate(project, "--write") == (0, "")
    sources = "".join(p.read_text() for p in sorted((project / "src").rglob("*.py")))
    assert "from kedro.pipeline" not in sources and "kedro.framework.project import find" not in sources


def git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=project, check=True, capture_output=True,
    )


@needs_starter
def test_files_with_uncommitted_changes_are_refused_unless_forced(tmp_path: Path) -> None:
    project = copy_starter(tmp_path / "sp")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "pristine")
    settings = project / "src/spaceflights_pandas/settings.py"
    settings.write_text(settings.read_text() + "# my uncommitted work\n")
    before = {p: p.read_bytes() for p in project.rglob("*.py")}

    plan = plan_migration(project).unwrap()
    refused = apply_plan(plan)

    assert isinstance(refused, Failure)
    error = refused.failure()
    assert isinstance(error, ConfigError) and error.reason is ConfigErrorReason.INVALID
    assert "src/spaceflights_pandas/settings.py" in error.message and "--force" in error.message
    assert {p: p.read_bytes() for p in project.rglob("*.py")} == before  # nothing half-written
    assert migrate(project, "--write")[0] == 3

    assert migrate(project, "--write", "--force")[0] == 0
    assert "from shell.config import OmegaConfigLoader" in settings.read_text()
    assert settings.read_text().endswith("# my uncommitted work\n")


def test_a_module_that_does_not_parse_is_a_config_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kedro]\npackage_name = "broken_pkg"\nproject_name = "broken"\nkedro_init_version = "1.7.0"\n'
    )
    package = tmp_path / "src" / "broken_pkg"
    package.mkdir(parents=True)
    (package / "settings.py").write_text("from kedro.config import OmegaConfigLoader\n")
    (package / "pipeline_registry.py").write_text("from kedro.pipeline import Pipeline\ndef register_pipelines(:\n")

    result = plan_migration(tmp_path)

    assert isinstance(result, Failure)
    assert result.failure().reason is ConfigErrorReason.SYNTAX
    assert "src/broken_pkg/pipeline_registry.py" in result.failure().message
    assert migrate(tmp_path)[0] == 3


def test_check_and_write_together_is_a_usage_error(tmp_path: Path) -> None:
    assert migrate(tmp_path, "--check", "--write")[0] == 2


@needs_starter
def test_the_migrated_starter_needs_no_kedro_until_a_catalog_names_kedro_datasets(tmp_path: Path) -> None:
    """Without Kedro importable, a migrated project whose catalog names kedro-datasets classes
    fails cleanly: exit 3 from the command, a ``Failure`` from the Python API, no traceback."""
    project = copy_starter(tmp_path / "sp")
    assert migrate(project, "--write")[0] == 0
    blocker = tmp_path / "site"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        textwrap.dedent(
            """\
            import sys

            class _NoKedro:
                def find_spec(self, name, path=None, target=None):
                    if name == "kedro" or name.startswith("kedro."):
                        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
                    return None

            sys.meta_path.insert(0, _NoKedro())
            """
        )
    )
    script = textwrap.dedent(
        """\
        import sys
        from returns.result import Failure
        from shell.cli.main import main
        from shell.session import KedroSession
        code = main(["-q", "run"])
        with KedroSession.create(".").unwrap() as session:
            outcome = session.run()
        print("RESULT", code, isinstance(outcome, Failure), "kedro" in sys.modules)
        print("MESSAGE", outcome.failure().message if isinstance(outcome, Failure) else "")
        """
    )
    env = {"PYTHONPATH": str(blocker), "DO_NOT_TRACK": "1", "PATH": "/usr/bin:/bin"}

    done = subprocess.run(
        [sys.executable, "-c", script], cwd=project, env=env, capture_output=True, text=True,
        timeout=240, check=False,
    )

    assert "RESULT 3 True False" in done.stdout, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    message = done.stdout.split("MESSAGE", 1)[1]
    catalog = yaml.safe_load((project / "conf/base/catalog.yml").read_text())
    # The Failure and the command both name the dataset, the class the catalog gives it
    # (as kedro-datasets' full path) and the pip command that fixes it.
    for shown in (message, done.stderr):
        named = re.search(r"for dataset '([^']+)'", shown)
        assert named is not None, shown
        group, _, class_name = catalog[named[1]]["type"].partition(".")
        assert f"'kedro_datasets.{group}.{class_name}'" in shown, shown
        assert f"pip install 'kedro-datasets[{group}-{class_name.lower()}]'" in shown, shown


@needs_starter
@pytest.mark.slow
def test_the_migrated_main_module_runs_kedro_pure(tmp_path: Path) -> None:
    """``python -m <package>`` (Kedro's ``__main__.py`` template) runs ``kedro-pure run``."""
    project = copy_starter(tmp_path / "sp")
    assert migrate(project, "--write")[0] == 0
    main_module = (project / "src/spaceflights_pandas/__main__.py").read_text()
    assert "from shell.cli.project_entry import find_run_command" in main_module
    assert "kedro" not in main_module.replace("kedro-pure", "")

    done = subprocess.run(
        [sys.executable, "-m", "spaceflights_pandas", "--pipelines", "data_processing"],
        cwd=project, env={"PYTHONPATH": str(project / "src"), "DO_NOT_TRACK": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=240, check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Run completed: 3 node(s) run" in done.stdout + done.stderr
    assert (project / "data/03_primary/model_input_table.parquet").is_file()
