"""The plan cache written at the end of a successful plain run, or ``--only-changed`` run
that ran nodes: the first no-op after it is already served without importing the project, it
decides what a full plan decides, and any edit after the run (or during it) is a miss.

Real ``kedro-pure`` processes on the CLI test project (see :mod:`tests.unit.test_plan_cache`).
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.unit.cli_projects import PARAMETERS_YML, write_cli_project
from tests.unit.test_plan_cache import (
    EDITS,
    Cli,
    _decisions,
    assert_missed_and_planned_in_full,
    project_import_probe,
)


def _after_a_run_that_ran_nodes(cli: Cli) -> Cli:
    """``cli`` after a full run, a parameter edit and the ``--only-changed`` run it causes."""
    cli("run")
    (cli.project / "conf" / "base" / "parameters.yml").write_text(PARAMETERS_YML.replace("k: 3", "k: 4"))
    ran = cli("run", "--only-changed")
    assert ran["nodes_run"] != 0 and ran["from_cache"] is False
    return cli


def test_the_first_no_op_after_a_run_that_ran_nodes_is_served_and_decides_as_a_full_plan(cli: Cli) -> None:
    _after_a_run_that_ran_nodes(cli)

    planned = cli.plan()
    served = cli("run", "--only-changed")

    assert planned["from_cache"] is True and planned["runs"] == []
    assert _decisions(planned) == _decisions(cli.plan("--no-plan-cache"))
    assert served["from_cache"] is True and served["nodes_run"] == 0 and served["skipped"] == 10


def test_the_first_no_op_after_a_plain_run_is_served_and_decides_as_a_full_plan(cli: Cli) -> None:
    cli("run")

    planned = cli.plan()
    served = cli("run", "--only-changed")

    assert planned["from_cache"] is True and planned["runs"] == []
    assert _decisions(planned) == _decisions(cli.plan("--no-plan-cache"))
    assert served["from_cache"] is True and served["nodes_run"] == 0 and served["skipped"] == 10


def test_a_plain_run_that_caches_the_next_plan_logs_as_kedro_does(cli: Cli) -> None:
    done = cli.run("run")
    assert "--only-changed" not in done.stderr and "plan cache" not in done.stderr
    assert cli.plan()["from_cache"] is True


def test_a_plain_run_with_no_plan_cache_or_only_missing_outputs_caches_nothing(cli: Cli) -> None:
    cli("run", "--no-plan-cache")
    assert cli.plan()["from_cache"] is False
    cli("run", "--only-missing-outputs")
    assert cli.plan()["from_cache"] is False


def test_an_edit_after_a_plain_run_misses_and_the_full_plan_decides(cli: Cli) -> None:
    cli("run")
    (cli.project / "conf" / "base" / "parameters.yml").write_text(PARAMETERS_YML.replace("k: 3", "k: 4"))

    assert_missed_and_planned_in_full(cli)
    ran = cli("run", "--only-changed")
    assert ran["from_cache"] is False and ran["nodes_run"] != 0


def _input_bytes(project: Path) -> None:
    # `raw` is read by `clean`: another value pickled.
    (project / "data" / "raw.pkl").write_bytes(pickle.dumps({"another": "value"}))


AFTER_RUN_EDITS = {**EDITS, "an input's bytes": _input_bytes}


@pytest.mark.parametrize("edit", list(AFTER_RUN_EDITS), ids=list(AFTER_RUN_EDITS))
def test_an_edit_after_the_run_misses_and_the_full_plan_decides(cli: Cli, edit: str) -> None:
    _after_a_run_that_ran_nodes(cli)

    AFTER_RUN_EDITS[edit](cli.project)
    assert_missed_and_planned_in_full(cli)


@pytest.mark.parametrize("folder", ["conf/base", "src"], ids=["configuration", "source"])
def test_a_run_whose_project_files_changed_while_it_ran_caches_nothing(tmp_path: Path, folder: str) -> None:
    # The project's hook appends a line to KP_RAN_LOG after each node: here a file in the
    # configuration or source folder, edited while the run runs.
    project = write_cli_project(tmp_path / "proj")
    cli = Cli(project, project / folder / "ran.log")
    _after_a_run_that_ran_nodes(cli)

    assert_missed_and_planned_in_full(cli)


def test_a_project_file_rewritten_while_the_run_ran_caches_nothing_even_with_the_same_bytes(tmp_path: Path) -> None:
    # A hook rewrites the parameters file with the same bytes after each node: its digest is
    # what the probe saw, but the project could have read other bytes in between (an edit
    # made and undone during the run), so the run caches nothing.
    project = write_cli_project(tmp_path / "proj")
    source = next(p for p in (project / "src").iterdir() if p.is_dir())
    (source / "rewrite.py").write_text(
        "from pathlib import Path\n\nfrom shell.hooks.markers import hook_impl\n\n\n"
        "class Rewrite:\n    @hook_impl\n    def after_node_run(self, node):\n"
        f"        path = Path({str(project / 'conf' / 'base' / 'parameters.yml')!r})\n"
        "        path.write_bytes(path.read_bytes())\n"
    )
    settings = source / "settings.py"
    settings.write_text(settings.read_text().replace("HOOKS = (RanLog(),)", f"from {source.name}.rewrite import Rewrite\n\nHOOKS = (RanLog(), Rewrite())"))
    cli = Cli(project, tmp_path / "ran.log")
    _after_a_run_that_ran_nodes(cli)

    assert_missed_and_planned_in_full(cli)
    # A no-op run runs no node (the hook rewrites nothing): its full plan is cached.
    assert cli("run", "--only-changed")["from_cache"] is False
    assert cli.plan()["from_cache"] is True


def _plain_run_with_a_selection(cli: Cli) -> None:
    cli("run", "--no-plan-cache")  # the scale nodes' inputs, and nothing cached
    cli("run", "--tags", "scale")


def _only_changed_run_with_a_selection(cli: Cli) -> None:
    cli("run")
    (cli.project / "conf" / "base" / "parameters.yml").write_text(PARAMETERS_YML.replace("k: 3", "k: 4"))
    ran = cli("run", "--only-changed", "--tags", "scale")
    assert ran["nodes_run"] != 0


@pytest.mark.parametrize("selected_run", [_plain_run_with_a_selection, _only_changed_run_with_a_selection],
                         ids=["plain", "only-changed"])
def test_a_run_with_a_selection_caches_under_that_selection_only(cli: Cli, selected_run: Callable[[Cli], None]) -> None:
    selected_run(cli)

    selected = cli.plan("--tags", "scale")

    assert selected["from_cache"] is True and selected["runs"] == []
    assert _decisions(selected) == _decisions(cli.plan("--no-plan-cache", "--tags", "scale"))
    assert cli.plan()["from_cache"] is False


def test_a_failed_keep_going_run_caches_nothing(cli: Cli) -> None:
    cli("run")
    # `summarise` reads model.factor, and KP_FAIL makes it fail.
    (cli.project / "conf" / "base" / "parameters.yml").write_text(PARAMETERS_YML.replace("factor: 10", "factor: 12"))
    done = cli.run("run", "--only-changed", "--keep-going", "--json", env={"KP_FAIL": "1"}, check=False)
    assert done.returncode != 0 and json.loads(done.stdout)["nodes_run"] != 0

    assert cli.plan(env={"KP_FAIL": "1"})["from_cache"] is False


def test_the_served_no_op_after_a_run_imports_none_of_the_project(cli: Cli) -> None:
    cli("run")
    probe = project_import_probe(cli.project)

    def run_in_python() -> tuple[dict[str, object], str]:
        *shown, last = cli.python(probe)
        return json.loads("".join(shown)), last

    # `python -c` has its own import path (a part of the key): both runs in the same way.
    (cli.project / "conf" / "base" / "parameters.yml").write_text(PARAMETERS_YML.replace("k: 3", "k: 4"))
    ran, ran_imports = run_in_python()
    served, served_imports = run_in_python()

    assert ran["nodes_run"] != 0 and ran_imports == "IMPORTED 0"
    assert served["from_cache"] is True and served["nodes_run"] == 0 and served_imports == "NOT IMPORTED 0"
    assert cli.plan("--no-plan-cache")["runs"] == []


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(write_cli_project(tmp_path / "proj"), tmp_path / "ran.log")


def test_a_served_no_op_calls_no_hook_and_no_plan_cache_calls_them(cli: Cli) -> None:
    # A documented divergence: the project's hook (RanLog, writing KP_RAN_LOG) is not started.
    _after_a_run_that_ran_nodes(cli)
    cli.log.write_text("")

    served = cli("run", "--only-changed")
    planned = cli.run("plan", "--only-changed")
    assert served["from_cache"] is True and cli.log.read_text() == ""
    assert "no hook was called" in planned.stdout and "--no-plan-cache starts the project" in planned.stdout

    full = cli("run", "--only-changed", "--no-plan-cache")
    assert full["from_cache"] is False and full["nodes_run"] == 0
    assert cli.log.read_text().startswith("run_params ")  # before_pipeline_run fired
