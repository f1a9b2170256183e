"""The Python API of incremental runs: ``session.run(only_changed=..., resume=...,
keep_going=...)`` and ``session.plan_changes(...)``, as ``Result`` values."""

from __future__ import annotations

from pathlib import Path

import pytest
from returns.pipeline import is_successful

from core import KedroSessionError, RunError, RunErrorReason
from core.incremental import ChangePlan
from shell.session import KedroSession
from tests.unit.cli_projects import ALL_NODES, write_cli_project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("KP_FAIL", "KP_SLEEP_MARKER", "KP_RAN_LOG", "KEDRO_ENV"):
        monkeypatch.delenv(name, raising=False)
    return write_cli_project(tmp_path / "proj")


def _plan(project: Path) -> ChangePlan:
    with KedroSession.create(project, save_on_close=False).unwrap() as session:
        planned = session.plan_changes()
    assert is_successful(planned), planned
    return planned.unwrap()


def test_only_changed_and_plan_changes_agree(project: Path) -> None:
    assert set(_plan(project).to_run) == set(ALL_NODES)
    with KedroSession.create(project).unwrap() as session:
        assert is_successful(session.run(only_changed=True))
    assert _plan(project).to_run == ()
    with KedroSession.create(project).unwrap() as session:
        assert is_successful(session.run(only_changed=True))


def test_keep_going_failure_carries_every_failure_and_one_resume_plan(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KP_FAIL", "1")
    with KedroSession.create(project).unwrap() as session:
        outcome = session.run(keep_going=True)
    error = outcome.failure()
    assert isinstance(error, RunError)
    assert [failure.node for failure in error.failures] == ["summarise"]
    assert set(error.completed) == set(ALL_NODES) - {"summarise"}
    assert error.resume is not None
    monkeypatch.delenv("KP_FAIL")
    with KedroSession.create(project).unwrap() as session:
        resumed = session.run(resume=True)
    assert is_successful(resumed), resumed
    # Nothing failed since: there is nothing left to resume.
    with KedroSession.create(project).unwrap() as session:
        again = session.run(resume=True)
    assert isinstance(again.failure(), RunError)
    assert again.failure().reason is RunErrorReason.RESUME_REFUSED


def test_a_store_without_journal_says_incremental_runs_are_unavailable(project: Path) -> None:
    settings = next(project.glob("src/*/settings.py"))
    settings.write_text(settings.read_text() + "\nfrom shell.store.base import BaseSessionStore\nSESSION_STORE_CLASS = BaseSessionStore\n")
    with KedroSession.create(project).unwrap() as session:
        outcome = session.run(only_changed=True)
        error = outcome.failure()
        assert isinstance(error, KedroSessionError)
        assert "needs a run journal" in error.message and "BaseSessionStore" in error.message
        # A plain run still works, unjournaled.
        assert is_successful(session.run())


@pytest.mark.parametrize("runner_name", ["ThreadRunner", "ParallelRunner"])
def test_concurrent_runners_journal_and_skip_alike(project: Path, runner_name: str) -> None:
    from shell import runners

    def make() -> runners.AbstractRunner:
        built: runners.AbstractRunner = getattr(runners, runner_name)(max_workers=2)
        return built

    with KedroSession.create(project).unwrap() as session:
        assert is_successful(session.run(runner=make()))
    assert _plan(project).to_run == ()
    with KedroSession.create(project).unwrap() as session:
        assert is_successful(session.run(runner=make(), only_changed=True))


def test_keep_going_with_threads_then_resume(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from shell.runners import ThreadRunner

    monkeypatch.setenv("KP_FAIL", "1")
    with KedroSession.create(project).unwrap() as session:
        failed = session.run(runner=ThreadRunner(max_workers=2), keep_going=True)
    error = failed.failure()
    assert isinstance(error, RunError) and [f.node for f in error.failures] == ["summarise"]
    assert set(error.completed) == set(ALL_NODES) - {"summarise"}
    monkeypatch.delenv("KP_FAIL")
    with KedroSession.create(project).unwrap() as session:
        assert is_successful(session.run(runner=ThreadRunner(max_workers=2), resume=True))
    assert _plan(project).to_run == ()
