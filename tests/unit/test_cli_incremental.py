"""``run --only-changed``, ``plan --only-changed``, ``run --resume``, ``run --keep-going`` and
``sessions show`` on a real project through the real console script (real processes, a real
SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.unit.cli_projects import (
    ALL_NODES,
    KEDRO_PURE,
    PARAMETERS_YML,
    TIMEOUT,
    cli_env,
    data_files,
    kedro_pure,
    read_json,
    write_cli_project,
)
from tests.unit.json_shapes import json_types

#: A completed node's journal entry in ``sessions show --json``, by JSON type (its measured
#: duration varies per run).
JOURNAL_ENTRY_TYPES = {"node": "str", "status": "str", "reason": "str", "duration": "float"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_cli_project(tmp_path / "proj")


def _plan(project: Path, *args: str) -> dict[str, object]:
    done = kedro_pure("plan", "--only-changed", "--json", *args, cwd=project)
    assert done.code == 0, done
    shown = done.json()
    assert isinstance(shown, dict)
    return shown


def _reasons(plan: dict[str, object]) -> dict[str, str]:
    nodes = plan["nodes"]
    assert isinstance(nodes, list)
    return {str(n["name"]): str(n["reason"]) for n in nodes}


def _set_factor(project: Path, factor: int) -> None:
    (project / "conf" / "base" / "parameters.yml").write_text(PARAMETERS_YML.replace("factor: 10", f"factor: {factor}"))


def test_only_changed_runs_nothing_after_a_run_then_exactly_what_a_parameter_reaches(project: Path) -> None:
    first = kedro_pure("run", "--only-changed", cwd=project)
    assert first.code == 0, first
    assert set(first.ran) == set(ALL_NODES)
    assert _plan(project)["runs"] == []
    again = kedro_pure("run", "--only-changed", "--json", cwd=project)
    assert again.code == 0 and again.ran == (), again
    summary = again.json()
    assert isinstance(summary, dict) and summary["skipped"] == len(ALL_NODES)

    _set_factor(project, 20)
    plan = _plan(project)
    reasons = _reasons(plan)
    assert reasons["fit"] == "parameter model.factor changed (10 -> 20)"
    assert reasons["score"] == "upstream 'fit' runs"
    assert reasons["record_params"] == "parameter parameters.model.factor changed (10 -> 20)"
    assert reasons["nap"] == "unchanged since its last completed run"
    expected = {"summarise", "fit", "score", "record_params"}
    runs = plan["runs"]
    assert isinstance(runs, list) and set(runs) == expected
    ran = kedro_pure("run", "--only-changed", cwd=project)
    assert ran.code == 0 and set(ran.ran) == expected, ran  # the plan and the run agree
    assert read_json(project, "summary.json") == {"total": 20 * sum(2 * x for x in range(1, 6))}


def test_a_changed_or_deleted_output_is_rebuilt_with_its_reason(project: Path) -> None:
    assert kedro_pure("run", cwd=project).code == 0
    (project / "data" / "joined.json").write_text('{"tampered": true}')
    (project / "data" / "score.json").unlink()
    reasons = _reasons(_plan(project))
    assert reasons["join"] == "output 'joined' changed since it was written (digest)"
    assert reasons["score"] == "output 'score' missing"
    ran = kedro_pure("run", "--only-changed", cwd=project)
    # join reads the two scaled datasets from memory: their producers run again too.
    assert set(ran.ran) == {"join", "alpha.scale", "beta.scale", "score"}, ran


def test_text_plan_says_why_and_what_is_not_covered(project: Path) -> None:
    done = kedro_pure("plan", "--only-changed", cwd=project)
    assert done.code == 0, done
    assert f"{len(ALL_NODES)} of {len(ALL_NODES)} node(s) would run" in done.stdout
    assert "make_raw: runs (never run)" in done.stdout
    assert "Not covered: helper functions in other modules" in done.stdout


def test_keep_going_runs_everything_not_downstream_of_the_failure(project: Path) -> None:
    done = kedro_pure("run", "--keep-going", "--json", cwd=project, env={"KP_FAIL": "1"})
    assert done.code == 5, done
    assert set(done.ran) == set(ALL_NODES) - {"summarise"}
    record = done.json()
    assert isinstance(record, dict) and record["node"] == "summarise"
    # Then resume: only the failed node runs.
    resumed = kedro_pure("run", "--resume", cwd=project)
    assert resumed.code == 0, resumed
    assert resumed.ran == ("summarise",)


def test_resume_after_a_failure_runs_only_what_did_not_complete(project: Path) -> None:
    failed = kedro_pure("run", cwd=project, env={"KP_FAIL": "1"})
    assert failed.code == 5
    assert "kedro-pure run --resume" in failed.stderr
    planned = kedro_pure("plan", "--resume", "--json", cwd=project)
    assert planned.code == 0, planned
    shown = planned.json()
    assert isinstance(shown, dict) and shown["mode"] == "resume"
    resumed = kedro_pure("run", "--resume", cwd=project)
    assert resumed.code == 0, resumed
    assert set(resumed.ran).isdisjoint(failed.ran)
    assert set(resumed.ran) | set(failed.ran) == set(ALL_NODES)
    runs = shown["runs"]
    assert isinstance(runs, list) and set(runs) == set(resumed.ran)  # the plan and the resume agree
    nothing = kedro_pure("run", "--resume", cwd=project)
    assert nothing.code == 5 and "no failed or interrupted run" in nothing.stderr, nothing


@pytest.mark.slow
def test_resume_by_id_continues_an_older_failed_run_while_a_newer_one_exists(project: Path, tmp_path: Path) -> None:
    older = kedro_pure("run", cwd=project, env={"KP_FAIL": "1"})
    assert older.code == 5 and set(older.ran) == set(ALL_NODES) - {"summarise"}, older
    older_id = _last_run_id(project)
    # A newer run of the report pipeline, killed in nap (it saved nothing): a bare --resume
    # continues that one, with its options.
    _run_killed_during_nap(project, tmp_path / "sleeping", "--pipelines", "report")
    assert _last_run_id(project) != older_id
    assert _plan(project, "--resume")["runs"] == ["nap", "summarise"]
    named = _plan(project, "--resume", older_id)
    assert named["runs"] == ["summarise"], _reasons(named)
    resumed = kedro_pure("run", "--resume", older_id, cwd=project)
    assert resumed.code == 0, resumed
    assert resumed.ran == ("summarise",)  # exactly what the older run did not complete
    assert read_json(project, "summary.json") == {"total": 10 * sum(2 * x for x in range(1, 6))}


def _run_killed_during_nap(project: Path, marker: Path, *options: str) -> None:
    """Start ``kedro-pure run [options]`` and SIGKILL it once ``nap`` is running."""
    proc = subprocess.Popen(
        [KEDRO_PURE, "run", *options],
        cwd=project,
        env=cli_env({"KP_SLEEP_MARKER": str(marker)}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while not marker.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "nap never started"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_resume_is_refused_when_saved_outputs_are_stale(project: Path) -> None:
    failed = kedro_pure("run", cwd=project, env={"KP_FAIL": "1"})
    assert failed.code == 5 and "fit" in failed.ran
    _set_factor(project, 30)  # fit completed with factor 10: its saved model is stale
    preview = kedro_pure("plan", "--resume", cwd=project)
    assert "The resume would be refused" in preview.stdout, preview
    assert "fit: parameter model.factor changed (10 -> 30)" in preview.stdout
    refused = kedro_pure("run", "--resume", cwd=project)
    assert refused.code == 5, refused
    assert "Cannot resume run" in refused.stderr
    assert "fit: parameter model.factor changed (10 -> 30)" in refused.stderr
    assert refused.ran == ()


def test_options_that_cannot_be_combined_are_a_usage_error(project: Path) -> None:
    done = kedro_pure("run", "--only-changed", "--only-missing-outputs", cwd=project)
    assert done.code == 2, done


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_matches_an_uninterrupted_run(project: Path, tmp_path: Path) -> None:
    _run_killed_during_nap(project, tmp_path / "sleeping")
    shown = kedro_pure("sessions", "show", _last_run_id(project), "--json", cwd=project)
    record = shown.json()
    assert isinstance(record, dict)
    nodes = {n["node"]: n for n in record["runs"][0]["nodes"]}
    assert nodes["nap"]["status"] == "interrupted"
    completed = {name for name, n in nodes.items() if n["status"] == "completed"}
    assert completed and "nap" not in completed

    resumed = kedro_pure("run", "--resume", cwd=project)
    assert resumed.code == 0, resumed
    assert "nap" in resumed.ran
    # A node that had completed runs again only to recompute in-memory data a running node
    # needs (Kedro's rule): here the two scale nodes, for join.
    again = kedro_pure("sessions", "show", _last_run_id(project), "--json", cwd=project).json()
    assert isinstance(again, dict)
    reasons = {n["node"]: n["reason"] for n in again["runs"][0]["nodes"]}
    for name in set(resumed.ran) & completed:
        assert reasons[name].startswith("produces in-memory"), (name, reasons[name])
    interrupted_files = {f: (project / "data" / f).read_bytes() for f in data_files(project) if "model.pkl" not in f}

    fresh = write_cli_project(tmp_path / "fresh")
    assert kedro_pure("run", cwd=fresh).code == 0
    assert {f: (fresh / "data" / f).read_bytes() for f in data_files(fresh) if "model.pkl" not in f} == interrupted_files


def _last_run_id(project: Path) -> str:
    listed = kedro_pure("sessions", "list", "--json", cwd=project).json()
    assert isinstance(listed, list)
    return str(listed[-1]["runs"][-1]["run_id"])


def test_sessions_show_lists_each_node_with_its_status_and_reason(project: Path) -> None:
    assert kedro_pure("run", cwd=project).code == 0
    _set_factor(project, 11)
    assert kedro_pure("run", "--only-changed", cwd=project).code == 0
    shown = kedro_pure("sessions", "show", _last_run_id(project), "--json", cwd=project)
    assert shown.code == 0, shown
    record = shown.json()
    assert isinstance(record, dict)
    nodes = {n["node"]: n for n in record["runs"][0]["nodes"]}
    assert nodes["fit"]["status"] == "completed"
    assert nodes["fit"]["reason"] == "parameter model.factor changed (10 -> 11)"
    assert json_types(nodes["fit"], JOURNAL_ENTRY_TYPES) == JOURNAL_ENTRY_TYPES
    assert nodes["make_raw"]["status"] == "skipped"


def test_ctrl_c_is_journaled_as_interrupted_and_resume_finishes(project: Path, tmp_path: Path) -> None:
    from tests.unit.cli_projects import interrupt_when

    done = interrupt_when(["run"], cwd=project, marker=tmp_path / "sleeping")
    assert done.code == 130, done
    assert "kedro-pure run --resume" in done.stderr
    shown = kedro_pure("sessions", "show", _last_run_id(project), "--json", cwd=project).json()
    assert isinstance(shown, dict)
    nodes = {n["node"]: n for n in shown["runs"][0]["nodes"]}
    assert nodes["nap"]["status"] == "interrupted" and nodes["nap"]["error"] == "KeyboardInterrupt"
    resumed = kedro_pure("run", "--resume", cwd=project)
    assert resumed.code == 0, resumed
    # Of the nodes that had completed, only the two whose outputs live in memory run again
    # (join, which had not run, reads them).
    assert "nap" in resumed.ran and set(resumed.ran) & set(done.ran) <= {"alpha.scale", "beta.scale"}
