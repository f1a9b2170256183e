"""The session's service-mode options: ``serving_mode``, per-run ``run_id`` and ``request_id``."""

from __future__ import annotations

import gc
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from returns.pipeline import is_successful

from core.errors import ConfigError, KedroSessionError, SessionErrorReason
from core.node import node
from core.pipeline import pipeline
from core.session_state import Phase, RunMode
from core.store_records import RunOutcome, StoredRun
from shell.api import to_result
from shell.io import DataCatalog, MemoryDataset
from shell.runners.sequential import SequentialRunner
from shell.session import KedroSession
from shell.store.history import list_runs
from tests.unit.server_harness import expected_j, write_service_project

PICKED = "picked:\n  type: ${runtime_params:picked_type, MemoryDataset}\n"
PERMISSIVE = 'CONFIG_LOADER_ARGS = {"restrict_runtime_params_type_selection": False}\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = write_service_project(tmp_path / "p", memory_only=True, settings=PERMISSIVE)
    (root / "conf" / "base" / "catalog.yml").write_text(PICKED)
    return root


def _runs(session: KedroSession) -> tuple[StoredRun, ...]:
    found = to_result(list_runs(session.store_path, session.session_id))
    assert is_successful(found)
    return found.unwrap()


def test_run_id_and_request_id_belong_to_multi_sessions(project: Path) -> None:
    with KedroSession.create(project).unwrap() as session:
        for kwargs in ({"run_id": "r1"}, {"request_id": "q1"}):
            refused = session.run(**kwargs)  # type: ignore[arg-type]
            assert not is_successful(refused)
            error = refused.failure()
            assert isinstance(error, KedroSessionError) and error.reason is SessionErrorReason.PROJECT
        assert _runs(session) == ()


def test_a_request_is_recorded_once_under_its_run_id_whatever_happens(project: Path) -> None:
    with KedroSession.create(project, mode=RunMode.MULTI).unwrap() as session:
        assert is_successful(session.run(run_id="ok", request_id="q-ok", runtime_params={"x": 3}))
        assert not is_successful(session.run(pipeline_names=["nope"], run_id="sel", request_id="q-sel"))
        assert not is_successful(session.run(run_id="fail", request_id="q-fail", runtime_params={"fail": True}))
        # Without a request id, a refusal before the runner leaves no record (as before).
        assert not is_successful(session.run(pipeline_names=["nope"], run_id="plain"))
        runs = {run.run_id: run for run in _runs(session)}
    assert set(runs) == {"ok", "sel", "fail"}
    assert runs["ok"].outcome is RunOutcome.SUCCESS
    assert runs["sel"].outcome is RunOutcome.FAILED and "nope" in (runs["sel"].error or "")
    assert runs["fail"].outcome is RunOutcome.FAILED
    for run_id, request_id in (("ok", "q-ok"), ("sel", "q-sel"), ("fail", "q-fail")):
        parameters = runs[run_id].parameters
        assert isinstance(parameters, Mapping) and parameters["request_id"] == request_id


def test_serving_mode_forces_the_type_restriction_over_settings(project: Path) -> None:
    params = {"picked_type": "pickle.PickleDataset"}
    with KedroSession.create(project, mode=RunMode.MULTI).unwrap() as trusting:
        # settings.py turned the restriction off, so an ordinary session lets it through.
        assert is_successful(trusting.run(runtime_params=params))
    with KedroSession.create(project, mode=RunMode.MULTI, serving_mode=True).unwrap() as serving:
        refused = serving.run(runtime_params=params)
        assert not is_successful(refused)
        error = refused.failure()
        assert isinstance(error, ConfigError) and "picked" in error.message
        assert is_successful(serving.run(runtime_params={"x": 2}))


def test_concurrent_runs_keep_the_session_state_consistent(project: Path) -> None:
    with KedroSession.create(project, mode=RunMode.MULTI, serving_mode=True).unwrap() as session:
        def one(index: int) -> object:
            outcome = session.run(runtime_params={"x": index}, run_id=f"r{index}", request_id=f"q{index}")
            assert is_successful(outcome)
            return outcome.unwrap()["j"].load()

        with ThreadPoolExecutor(4) as pool:
            values = list(pool.map(one, range(24)))
        assert values == [expected_j({"x": index}) for index in range(24)]
        assert session.state.phase is Phase.CREATED and not session.state.running
        assert session.state.runs_succeeded == 24
        assert len(_runs(session)) == 24


FREEZE_COUNTS: list[int] = []


def _probe(x: int) -> int:
    FREEZE_COUNTS.append(gc.get_freeze_count())
    return x


def test_runs_on_worker_threads_leave_the_collector_alone() -> None:
    """A service runs many runs in threads: none may freeze the process-wide heap (that made
    the server grow by ~30 KB per run); a main-thread run (the CLI's) still may."""
    probe = pipeline([node(_probe, "a", "b", name="probe")]).unwrap()
    FREEZE_COUNTS.clear()
    with ThreadPoolExecutor(1) as pool:
        outcome = pool.submit(SequentialRunner().run, probe, DataCatalog({"a": MemoryDataset(data=1)})).result()
    assert is_successful(outcome) and FREEZE_COUNTS == [0]
    assert gc.get_freeze_count() == 0
