"""Every ``kedro-pure`` exit code, through the real console script, with the message a user
reads: one ``Error:`` line (Kedro's message) and one ``Hint:`` line, and no traceback unless
``--verbose``.

0 success, 2 usage (the command line is wrong), 3 configuration (the project is wrong),
4 selection (names that do not exist, or nothing selected), 5 the run failed, 130 interrupted.

Calls that fail before any node runs leave the data alone, so they run concurrently in one
batch per module (:data:`EARLY_ERRORS`), each case then checked by its own test.
"""

from __future__ import annotations

import json
import pickle
import re
import shlex
from pathlib import Path

import pytest

from tests.unit.cli_projects import (
    Done,
    clear_data,
    data_files,
    interrupt_when,
    kedro_pure,
    kedro_pure_all,
    read_json,
    write_cli_project,
)

#: A broken configuration environment for each configuration error.
BROKEN_ENVS = {
    "broken_yaml/parameters.yml": "seed: [1\n",
    "broken_catalog/catalog.yml": "raw:\n  type: nosuch.Dataset\n  filepath: data/raw.pkl\n",
}

#: (command line, exit code, text stderr must contain): all fail before a node runs.
EARLY_ERRORS: list[tuple[tuple[str, ...], int, str]] = [
    # 2: the command line is wrong
    (("run", "--bogus"), 2, "No such option '--bogus'"),
    (("frobnicate",), 2, "No such command 'frobnicate'"),
    (("plan", "--format", "svg"), 2, "Invalid value for '--format'"),
    (("run", "--params", "alpha"), 2,
     "Invalid format of `params` option: Item `alpha` must contain a key and a value separated by `=`."),
    (("run", "--params", " =1"), 2,
     "Invalid format of `params` option: Parameter key cannot be an empty string."),
    # Values cannot contain commas (Kedro's rule): `[1,2]` splits into `lst=[1` and `2]`.
    (("run", "--params", "lst=[1,2]"), 2, "Item `2]` must contain a key and a value"),
    (("run", "--params", "a=["), 2, "Invalid value in `params`: while parsing a flow node"),
    (("plan", "--params", "alpha"), 2, "Item `alpha` must contain a key and a value"),
    (("run", "--runner", "NoSuchRunner"), 2, "Cannot find runner 'NoSuchRunner'"),
    (("run", "--runner", "json.JSONDecoder"), 2, "'json.JSONDecoder' is not a kedro-pure runner class"),
    (("run", "--runner-params", "max_workers=2"), 2, "Cannot build runner 'SequentialRunner'"),
    (("run", "--async", "--runner-params", "is_async=0"), 2,
     "Options '--async' and '--runner-params=is_async=False' cannot be used together."),
    (("run", "--pipeline", "prep", "--pipelines", "prep"), 2,
     "Options '--pipeline' and '--pipelines' cannot be used together"),
    (("run", "--load-versions", "model"), 2,
     "Expected the form of 'load_versions' to be 'dataset_name:YYYY-MM-DDThh.mm.ss.sssZ',found model instead"),
    (("run", "--load-versions", "model:../v1"), 2, "Version string '../v1' is not allowed."),
    (("run", "--conf-source", "no-such-conf"), 2, "Path 'no-such-conf' does not exist."),
    (("run", "--config", "no-such.yml"), 2, "Cannot read no-such.yml"),
    # 3: the project or its configuration is wrong
    (("run", "--env", "broken_yaml"), 3, "Invalid YAML or JSON file"),
    (("run", "--env", "broken_catalog"), 3,
     "An exception occurred when parsing config for dataset 'raw':\nNo module named 'nosuch'. Please install the missing dependencies for nosuch.Dataset"),
    # 4: the selection names things that do not exist, or selects nothing
    (("run", "--nodes", "clean,nope"), 4, "Pipeline does not contain nodes named ['nope']."),
    # Commas inside [...] do not split a node name: one unknown name, not two.
    (("run", "--nodes", "clean,f([x,y]) -> [z]"), 4, "Pipeline does not contain nodes named ['f([x,y]) -> [z]']."),
    (("run", "--pipelines", "prepp"), 4,
     "Failed to find the pipeline named 'prepp'. It needs to be generated and returned by the "
     "'register_pipelines' function. Did you mean one of these instead?"),
    (("run", "--tags", "no-such-tag"), 4,
     "Pipeline contains no nodes after applying all provided filters"),
    (("run", "--namespaces", "gamma"), 4, "gamma"),
    (("run", "--to-outputs", "nowhere"), 4, "nowhere"),
    (("plan", "--nodes", "nope"), 4, "Pipeline does not contain nodes named ['nope']."),
]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project for the module, with two broken configuration environments."""
    return write_cli_project(tmp_path_factory.mktemp("cli_codes") / "project", conf=BROKEN_ENVS)


@pytest.fixture(scope="module")
def early(shared: Path) -> dict[tuple[str, ...], Done]:
    """Every :data:`EARLY_ERRORS` command line, run once, concurrently."""
    calls = [args for args, _, _ in EARLY_ERRORS]
    return dict(zip(calls, kedro_pure_all(calls, cwd=shared), strict=True))


def _one_error_and_one_hint(stderr: str) -> tuple[str, str]:
    """The ``Error:`` text (it may span lines when Kedro's message does) and the hint (the
    lines after ``Hint:``); fails unless there is exactly one of each, in that order."""
    lines = stderr.splitlines()
    errors = [i for i, line in enumerate(lines) if line.startswith("Error: ")]
    hints = [i for i, line in enumerate(lines) if line.startswith("Hint: ")]
    assert len(errors) == 1, stderr
    assert len(hints) == 1, stderr
    assert errors[0] < hints[0], stderr
    error = "\n".join(lines[errors[0]:hints[0]]).removeprefix("Error: ")
    hint = "\n".join(lines[hints[0]:]).removeprefix("Hint: ")
    return error.strip(), hint.strip()


#: Usage errors click reports itself while parsing (its own "Usage: ... Error: ..." block).
CLICK_USAGE = {
    ("run", "--bogus"),
    ("frobnicate",),
    ("plan", "--format", "svg"),
    ("run", "--config", "no-such.yml"),
}


@pytest.mark.parametrize(
    ("args", "code", "message"), EARLY_ERRORS, ids=[" ".join(args) for args, _, _ in EARLY_ERRORS]
)
def test_errors_before_the_run_exit_with_their_code_and_a_clear_message(
    early: dict[tuple[str, ...], Done], args: tuple[str, ...], code: int, message: str
) -> None:
    done = early[args]

    assert done.code == code, done
    assert message in done.stderr, done
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert done.ran == ()
    if args in CLICK_USAGE:
        assert "Usage: kedro-pure" in done.stderr
    else:
        error, hint = _one_error_and_one_hint(done.stderr)
        assert error
        assert hint


def test_usage_errors_hint_at_the_option_syntax(early: dict[tuple[str, ...], Done]) -> None:
    _, hint = _one_error_and_one_hint(early["run", "--params", "alpha"].stderr)
    _, runner_hint = _one_error_and_one_hint(early["run", "--runner", "NoSuchRunner"].stderr)

    assert "--help" in hint
    assert "SequentialRunner, ThreadRunner, ParallelRunner or DaskRunner" in runner_hint


def test_a_bad_yaml_file_is_named_in_the_error_and_the_hint(
    early: dict[tuple[str, ...], Done], shared: Path
) -> None:
    error, hint = _one_error_and_one_hint(early["run", "--env", "broken_yaml"].stderr)
    broken = str(shared / "conf" / "broken_yaml" / "parameters.yml")

    assert broken in error
    assert hint == f"Fix {broken} and run again."


def test_unknown_pipelines_are_suggested_and_the_hint_lists_the_registry(
    early: dict[tuple[str, ...], Done],
) -> None:
    error, hint = _one_error_and_one_hint(early["run", "--pipelines", "prepp"].stderr)

    assert error.splitlines()[-1].strip() == "prep"
    assert "kedro-pure registry list" in hint


def test_unknown_nodes_hint_at_registry_describe(early: dict[tuple[str, ...], Done]) -> None:
    _, hint = _one_error_and_one_hint(early["run", "--nodes", "clean,nope"].stderr)

    assert "kedro-pure registry describe" in hint


def test_outside_a_project_every_command_exits_with_the_configuration_code(tmp_path: Path) -> None:
    calls = [("run",), ("registry", "list"), ("-P", str(tmp_path / "missing"), "plan")]
    results = kedro_pure_all(calls, cwd=tmp_path)

    for done in results:
        assert done.code == 3, done
        error, hint = _one_error_and_one_hint(done.stderr)
        assert error.startswith("No kedro-pure project found at or above ")
        assert "kedro-pure new DIR" in hint
        assert "Traceback" not in done.stderr


def test_json_errors_go_to_stdout_as_one_object(shared: Path) -> None:
    calls = [
        ("run", "--json", "--params", "alpha"),
        ("run", "--json", "--env", "broken_yaml"),
        ("run", "--json", "--nodes", "nope"),
    ]
    usage, config, selection = (done.json() for done in kedro_pure_all(calls, cwd=shared))

    assert isinstance(usage, dict)
    assert (usage["exit_code"], usage["error"], usage["reason"]) == (2, "ConfigError", "invalid")
    assert isinstance(config, dict)
    assert (config["exit_code"], config["error"], config["reason"]) == (3, "ConfigError", "syntax")
    assert str(shared / "conf" / "broken_yaml" / "parameters.yml") in str(config["message"])
    assert isinstance(selection, dict)
    assert (selection["exit_code"], selection["reason"]) == (4, "unknown_nodes")


# --- 5: the run failed ---------------------------------------------------------------------


def test_a_failing_node_exits_5_and_prints_the_resume_command(shared: Path) -> None:
    failed = kedro_pure(
        "-P", str(shared), "run", "--from-nodes", "make_raw", "--pipelines", "prep,report",
        cwd=shared, env={"KP_FAIL": "1"},
    )

    assert failed.code == 5, failed
    assert failed.ran == ("make_raw", "clean", "nap")
    assert "Traceback" not in failed.stderr
    assert "Run failed: 3 node(s) run, 0 skipped, 1 failed" in failed.stderr
    error, hint = _one_error_and_one_hint(failed.stderr)
    assert error == "Node 'summarise' failed: RuntimeError: summarise refused to run: KP_FAIL is set"
    resume = hint.splitlines()[-1].strip()
    # The old --from-nodes is replaced, everything else is kept, ready to paste.
    assert resume == f'kedro-pure -P {shlex.quote(str(shared))} run --pipelines prep,report --from-nodes "summarise"'

    resumed = kedro_pure(*shlex.split(resume)[1:], cwd=shared)

    assert resumed.code == 0, resumed
    assert resumed.ran == ("summarise",)
    assert read_json(shared, "summary.json") == {"total": 300}


def test_a_failing_node_with_json_reports_where_to_resume(shared: Path) -> None:
    failed = kedro_pure("run", "--json", "--pipelines", "prep,report", cwd=shared, env={"KP_FAIL": "1"})

    assert failed.code == 5, failed
    report = failed.json()
    assert isinstance(report, dict)
    assert report["status"] == "failed"
    assert report["exit_code"] == 5
    assert (report["error"], report["reason"], report["node"]) == ("RunError", "node_failed", "summarise")
    assert report["completed"] == ["make_raw", "clean", "nap"]
    assert report["resume_from_nodes"] == ["summarise"]
    assert (report["nodes_run"], report["failed"]) == (3, 1)
    assert "Traceback" not in failed.stderr


def test_verbose_adds_the_nodes_traceback(shared: Path) -> None:
    failed = kedro_pure("--verbose", "run", "--nodes", "summarise", cwd=shared, env={"KP_FAIL": "1"})

    assert failed.code == 5, failed
    assert "Traceback (most recent call last)" in failed.stderr
    assert 'raise RuntimeError("summarise refused to run: KP_FAIL is set")' in failed.stderr
    assert "no node completed, so nothing needs resuming" in failed.stderr


def test_inputs_nobody_produces_exit_5_with_a_hint_to_widen_the_selection(shared: Path) -> None:
    # join reads alpha.scaled, a memory dataset only alpha.scale produces.
    done = kedro_pure("run", "--nodes", "join", cwd=shared)

    assert done.code == 5, done
    error, hint = _one_error_and_one_hint(done.stderr)
    # Kedro prints a set: its order changes from process to process.
    assert error.startswith("Pipeline input(s) {")
    assert error.endswith("} not found in the DataCatalogWithCatalogCommandsMixin")  # Kedro's session catalog class
    assert "'alpha.scaled'" in error
    assert "'beta.scaled'" in error
    assert hint.startswith("Widen the selection")
    assert done.ran == ()


# --- 130: interrupted ----------------------------------------------------------------------


def test_sigint_during_a_node_exits_130_records_the_run_and_keeps_saved_data(
    shared: Path, tmp_path: Path
) -> None:
    clear_data(shared)

    done = interrupt_when(["run", "--pipelines", "prep,report"], cwd=shared, marker=tmp_path / "sleeping")

    assert done.code == 130, done
    assert done.ran == ("make_raw", "clean")
    assert "Traceback" not in done.stderr
    error, hint = _one_error_and_one_hint(done.stderr)
    assert "interrupted" in error
    assert "kedro-pure run --resume" in hint
    found = re.search(r"\(session (\S+)\)", done.stderr)
    assert found is not None, done.stderr
    session_id = found.group(1)
    # The outputs saved before the signal are whole, and nothing half-written is left.
    assert data_files(shared) == {"raw.pkl", "clean.json"}
    with (shared / "data" / "raw.pkl").open("rb") as file:
        assert pickle.load(file) == [1, 2, 3, 4, 5]
    assert read_json(shared, "clean.json") == [2, 4, 6, 8, 10]

    listed = kedro_pure("sessions", "list", "--json", cwd=shared)
    resumed = kedro_pure("run", "--pipelines", "prep,report", "--only-missing-outputs", cwd=shared)

    sessions = {s["session_id"]: s for s in json.loads(listed.stdout)}
    assert [run["outcome"] for run in sessions[session_id]["runs"]] == ["interrupted"]
    assert resumed.code == 0, resumed
    assert resumed.ran == ("nap", "summarise")


@pytest.mark.slow
@pytest.mark.parametrize("whole_group", [True, False], ids=["terminal-ctrl-c", "sigint-to-driver-only"])
def test_ctrl_c_stops_the_parallel_runner_cleanly_too(shared: Path, tmp_path: Path, whole_group: bool) -> None:
    clear_data(shared)

    # As Ctrl-C in a terminal (the worker running the sleeping node gets SIGINT too), and as a
    # wrapper script signalling only kedro-pure: the driver must stop the worker, not wait.
    done = interrupt_when(
        ["run", "--runner", "ParallelRunner", "--pipelines", "prep,report"],
        cwd=shared, marker=tmp_path / "sleeping", whole_group=whole_group,
    )

    assert done.code == 130, done
    assert "Traceback" not in done.stderr
    assert "interrupted" in done.stderr
    assert done.ran == ("make_raw", "clean")
    assert data_files(shared) == {"raw.pkl", "clean.json"}
    assert read_json(shared, "clean.json") == [2, 4, 6, 8, 10]
