"""``kedro-pure run`` through the real console script: every option and its effect.

Each test starts the installed ``kedro-pure`` in a subprocess, in a real project written by
:mod:`tests.unit.cli_projects`. Which nodes ran is read from the project's hook log
(``Done.ran``), the run parameters the hooks saw from ``Done.run_params``, and the data from
the files the nodes wrote. Selection tests share one project whose data a full run wrote
first (so every filter can start in the middle); tests that need an empty data folder clear it.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from tests.unit.cli_projects import (
    ALL_NODES,
    NODE_FILES,
    PARAMETERS_YML,
    clear_data,
    kedro_pure,
    nodes_with_files,
    read_json,
    write_cli_project,
)

#: What a full run with the shipped parameters writes (JSON outputs).
SEQUENTIAL_RESULTS = {
    "clean.json": [2, 4, 6, 8, 10],
    "joined.json": {"alpha": [4, 8, 12, 16, 20], "beta": [6, 12, 18, 24, 30]},
    "summary.json": {"total": 300},
    "score.json": {"score": 300},
    "seen_params.json": {"seed": 1, "alpha": {"k": 2}, "beta": {"k": 3}, "model": {"factor": 10, "name": "base"}},
}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project for the whole module (the ``project`` fixture fills its data folder)."""
    return write_cli_project(tmp_path_factory.mktemp("cli_run") / "project")


@pytest.fixture
def project(shared: Path) -> Path:
    """The shared project with every node's output file written (by a new full run when a
    test before left the data folder partial)."""
    if nodes_with_files(shared) != set(NODE_FILES):
        done = kedro_pure("-q", "run", cwd=shared)
        assert done.code == 0, done
    return shared


@pytest.fixture
def empty(shared: Path) -> Path:
    """The shared project with an empty data folder."""
    clear_data(shared)
    return shared


def test_a_plain_run_runs_every_node_and_prints_a_json_summary(empty: Path) -> None:
    done = kedro_pure("run", "--json", cwd=empty)

    assert done.code == 0, done
    summary = done.json()
    assert isinstance(summary, dict)
    assert summary["status"] == "success"
    assert summary["exit_code"] == 0
    assert (summary["nodes_run"], summary["skipped"], summary["failed"]) == (10, 0, 0)
    assert summary["outputs"] == ["joined", "score", "seen_params", "summary"]
    assert isinstance(summary["session_id"], str)
    assert sorted(done.ran) == sorted(ALL_NODES)
    assert {name: read_json(empty, name) for name in SEQUENTIAL_RESULTS} == SEQUENTIAL_RESULTS


def test_the_summary_goes_to_stderr_quiet_drops_it_and_verbose_adds_logs(project: Path) -> None:
    plain = kedro_pure("run", "--pipelines", "prep", cwd=project)
    quiet = kedro_pure("-q", "run", "--pipelines", "prep", cwd=project)
    verbose = kedro_pure("--verbose", "run", "--pipelines", "prep", cwd=project)

    assert plain.code == quiet.code == verbose.code == 0
    assert plain.stdout == ""
    assert "Run completed: 2 node(s) run, 0 skipped, 0 failed" in plain.stderr
    assert "Loading data from" not in plain.stderr
    assert quiet.stdout == quiet.stderr == ""
    assert "Loading data from raw" in verbose.stderr
    assert "Saving data to" in verbose.stderr
    assert plain.ran == quiet.ran == verbose.ran == ("make_raw", "clean")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # Kedro de-duplicates the names: each pipeline runs once.
        (["--pipelines", "prep,modelling, prep"], {"make_raw", "clean", "fit", "score"}),
        (["-p", "report"], {"nap", "summarise"}),
        (["-t", "report, prep"], {"make_raw", "clean", "summarise"}),
        (["-n", "clean,alpha.scale"], {"clean", "alpha.scale"}),
        (["--from-nodes", "fit", "--to-nodes", "fit,nap"], {"fit"}),
        (["--from-nodes", "alpha.scale,beta.scale"], {"alpha.scale", "beta.scale", "join"}),
        (["--to-nodes", "clean"], {"make_raw", "clean"}),
        (["--from-inputs", "rested", "--to-outputs", "summary"], {"summarise"}),
        (["--pipelines", "scaling", "-ns", "alpha,beta", "--tags", "scale"], {"alpha.scale", "beta.scale"}),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_each_selection_option_runs_exactly_the_selected_nodes(
    project: Path, args: list[str], expected: set[str]
) -> None:
    done = kedro_pure("run", "--json", *args, cwd=project)

    assert done.code == 0, done
    assert set(done.ran) == expected
    assert len(done.ran) == len(expected), "a node ran twice"
    summary = done.json()
    assert isinstance(summary, dict)
    assert summary["nodes_run"] == len(expected)


def test_the_parsed_selection_reaches_the_run_as_kedro_passes_it(project: Path) -> None:
    done = kedro_pure(
        "run", "--pipelines", "prep,modelling,prep", "--tags", " prep , model,,",
        "--to-nodes", "score", "--from-inputs", "raw", cwd=project,
    )

    assert done.code == 0, done
    params = done.run_params
    assert params["pipeline_names"] == ["prep", "modelling"]
    assert params["tags"] == ["prep", "model"]
    assert params["to_nodes"] == ["score"]
    assert params["from_inputs"] == ["raw"]
    assert params["node_names"] == params["from_nodes"] == params["namespaces"] == []
    assert params["load_versions"] == {}
    assert set(done.ran) == {"clean", "fit", "score"}


def test_params_nest_dotted_keys_and_type_values_as_yaml(project: Path) -> None:
    done = kedro_pure(
        "run", "--pipelines", "params", "--params",
        "model.factor=2.5, model.flag=yes,new.deep.key=0x10,empty=,quoted='q',lst=[1],"
        "big=1_000,sci=1e3,eq=a=b,off=false,text=hello world",
        cwd=project,
    )

    assert done.code == 0, done
    seen = read_json(project, "seen_params.json")
    assert seen == {
        "seed": 1,
        "alpha": {"k": 2},
        "beta": {"k": 3},
        # Merged into the configured mapping: the sibling `name` survives.
        "model": {"factor": 2.5, "name": "base", "flag": True},
        "new": {"deep": {"key": 16}},
        "empty": None,
        "quoted": "q",
        "lst": [1],
        "big": 1000,
        "sci": 1000.0,
        "eq": "a=b",
        "off": False,
        "text": "hello world",
    }
    runtime = done.run_params["runtime_params"]
    assert isinstance(runtime, dict)
    assert runtime["model"] == {"factor": 2.5, "flag": True}
    assert runtime["new"] == {"deep": {"key": 16}}


def test_params_change_what_a_node_computes(project: Path) -> None:
    done = kedro_pure("run", "--nodes", "summarise", "--params", "model.factor=3", cwd=project)

    assert done.code == 0, done
    assert read_json(project, "summary.json") == {"total": 90}


def test_env_chooses_the_configuration_environment_and_kedro_env_is_the_default(project: Path) -> None:
    chosen = kedro_pure("run", "-p", "params", "--env", "prod", cwd=project)
    seed_chosen = read_json(project, "seen_params.json")
    from_variable = kedro_pure("run", "-p", "params", cwd=project, env={"KEDRO_ENV": "prod"})
    seed_from_variable = read_json(project, "seen_params.json")

    assert (chosen.code, from_variable.code) == (0, 0)
    assert chosen.run_params["env"] == "prod"
    assert seed_chosen["seed"] == 100  # type: ignore[index]
    assert seed_from_variable["seed"] == 100  # type: ignore[index]


def test_conf_source_reads_another_configuration_folder(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other_conf"
    (other / "base").mkdir(parents=True)
    (other / "local").mkdir()
    (other / "base" / "parameters.yml").write_text(PARAMETERS_YML.replace("seed: 1", "seed: 5"))
    (other / "base" / "catalog.yml").write_text(
        "seen_params:\n  type: json.JSONDataset\n  filepath: data/seen_params.json\n"
    )

    done = kedro_pure("run", "-p", "params", "--conf-source", str(other), cwd=project)

    assert done.code == 0, done
    assert read_json(project, "seen_params.json")["seed"] == 5  # type: ignore[index]


def test_config_file_gives_defaults_that_explicit_options_override(project: Path, tmp_path: Path) -> None:
    config = tmp_path / "run.yml"
    # Mappings are used as they are (Kedro's rule), so values may hold commas; lists of names
    # become the options' comma-separated text.
    config.write_text(
        "run:\n"
        "  pipelines: params\n"
        "  tags: [params]\n"
        "  runner: ThreadRunner\n"
        "  runner_params:\n"
        "    max_workers: 2\n"
        "  params:\n"
        "    seed: 7\n"
        "    layers: [1, 2]\n"
        "    model:\n"
        "      name: from-config\n"
    )

    from_file = kedro_pure("run", "--config", str(config), cwd=project)
    seen_from_file = read_json(project, "seen_params.json")
    overridden = kedro_pure("run", "-c", str(config), "--params", "seed=9", cwd=project)
    seen_overridden = read_json(project, "seen_params.json")

    assert from_file.code == 0, from_file
    assert from_file.ran == ("record_params",)
    assert from_file.run_params["tags"] == ["params"]
    assert from_file.run_params["runner"] == "ThreadRunner(max_workers=2)"
    assert seen_from_file["seed"] == 7  # type: ignore[index]
    assert seen_from_file["layers"] == [1, 2]  # type: ignore[index]
    assert seen_from_file["model"] == {"factor": 10, "name": "from-config"}  # type: ignore[index]
    assert overridden.code == 0, overridden
    assert overridden.ran == ("record_params",)
    assert seen_overridden["seed"] == 9  # type: ignore[index]
    assert seen_overridden["model"]["name"] == "base"  # type: ignore[index]
    assert "layers" not in seen_overridden  # type: ignore[operator]


def test_a_config_file_key_that_is_no_run_option_is_a_usage_error(project: Path, tmp_path: Path) -> None:
    config = tmp_path / "run.yml"
    config.write_text("run:\n  pipelines: params\n  colour: blue\n")

    done = kedro_pure("run", "--config", str(config), cwd=project)

    assert done.code == 2
    assert "Key `colour` in provided configuration is not valid." in done.stderr
    assert done.ran == ()


@pytest.mark.parametrize(
    ("runner", "runner_params", "recorded"),
    [
        ("ThreadRunner", "max_workers=2", "ThreadRunner(max_workers=2)"),
        ("ParallelRunner", "max_workers=2", "ParallelRunner(max_workers=2"),
        ("shell.runners.thread.ThreadRunner", "", "ThreadRunner("),
        ("{package}.runners.ProjectRunner", "", "ProjectRunner(is_async=False)"),
    ],
    ids=["thread", "parallel", "dotted-path", "project-runner"],
)
def test_every_runner_gives_the_same_results(
    project: Path, runner: str, runner_params: str, recorded: str
) -> None:
    package = next(p.name for p in (project / "src").iterdir() if p.is_dir())
    clear_data(project)

    done = kedro_pure(
        "run", "--runner", runner.format(package=package), "--runner-params", runner_params, cwd=project
    )

    assert done.code == 0, done
    assert str(done.run_params["runner"]).startswith(recorded)
    assert sorted(done.ran) == sorted(ALL_NODES)
    assert {name: read_json(project, name) for name in SEQUENTIAL_RESULTS} == SEQUENTIAL_RESULTS


def test_async_loads_and_saves_asynchronously_with_the_same_results(project: Path) -> None:
    flag = kedro_pure("run", "--async", "--pipelines", "prep,report", cwd=project)
    as_param = kedro_pure(
        "run", "--runner", "kedro.runner.SequentialRunner", "--runner-params", "is_async=true",
        "--pipelines", "prep", cwd=project,
    )

    assert flag.code == 0, flag
    assert flag.run_params["runner"] == "SequentialRunner(is_async=True)"
    assert flag.ran == ("make_raw", "clean", "nap", "summarise")
    assert read_json(project, "summary.json") == {"total": 300}
    # Kedro's runner names (`kedro.runner.X`) are accepted for the same runner.
    assert as_param.code == 0, as_param
    assert as_param.run_params["runner"] == "SequentialRunner(is_async=True)"
    assert as_param.ran == ("make_raw", "clean")


def test_project_option_runs_a_project_from_elsewhere(project: Path, tmp_path: Path) -> None:
    done = kedro_pure("--project", str(project), "run", "-p", "prep", "--json", cwd=tmp_path)

    assert done.code == 0, done
    assert done.ran == ("make_raw", "clean")
    assert json.loads(done.stdout)["nodes_run"] == 2
    # Relative file paths in the catalog are relative to the project, not the working directory.
    assert not (tmp_path / "data").exists()


@pytest.mark.slow
def test_the_dask_runner_runs_without_dasks_info_chatter(project: Path) -> None:
    done = kedro_pure("run", "--runner", "DaskRunner", "--pipelines", "prep,scaling", "--json", cwd=project)

    assert done.code == 0, done
    assert set(done.ran) == {"make_raw", "clean", "alpha.scale", "beta.scale", "join"}
    # Regression: distributed sets its loggers to INFO when imported, after the CLI configured
    # logging; without --verbose none of that may reach the terminal.
    assert "INFO" not in done.stderr
    assert "Scheduler" not in done.stderr
    assert json.loads(done.stdout)["status"] == "success"


# --- these start from an empty data folder (last, so fewer full runs restore the data) ---


def test_only_missing_outputs_skips_nodes_whose_outputs_exist(empty: Path) -> None:
    first = kedro_pure("run", "--pipelines", "prep", cwd=empty)
    second = kedro_pure("run", "--json", "--only-missing-outputs", "--pipelines", "prep,modelling", cwd=empty)
    third = kedro_pure("run", "--json", "--only-missing-outputs", "--pipelines", "prep,modelling", cwd=empty)

    assert first.ran == ("make_raw", "clean")
    assert second.code == 0, second
    assert second.ran == ("fit", "score")
    summary = second.json()
    assert isinstance(summary, dict)
    assert (summary["nodes_run"], summary["skipped"]) == (2, 2)
    assert second.run_params["only_missing_outputs"] is True
    assert third.code == 0, third
    assert third.ran == ()


def test_load_versions_pins_the_version_a_node_loads(empty: Path) -> None:
    first = kedro_pure("run", "--pipelines", "prep,modelling", "--params", "model.factor=1", cwd=empty)
    second = kedro_pure("run", "--pipelines", "modelling", "--params", "model.factor=100", cwd=empty)
    versions = sorted(p.name for p in (empty / "data" / "model.pkl").iterdir())
    latest_score = read_json(empty, "score.json")
    pinned = kedro_pure("run", "--nodes", "score", "-lv", f"model:{versions[0]}", cwd=empty)

    assert (first.code, second.code, pinned.code) == (0, 0, 0)
    assert len(versions) == 2
    assert latest_score == {"score": 3000}
    assert pinned.run_params["load_versions"] == {"model": versions[0]}
    assert read_json(empty, "score.json") == {"score": 30}
    with (empty / "data" / "model.pkl" / versions[0] / "model.pkl").open("rb") as file:
        assert pickle.load(file) == {"weights": [2, 4, 6, 8, 10]}
