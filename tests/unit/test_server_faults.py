"""Faults against a real server: a full pool, a client that goes away, SIGTERM during runs.

Runs are slowed down with the project's ``sleep`` parameter (node ``n6`` sleeps), so the
server is caught with runs in flight; waits poll the server, bounded, never timed assertions.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx
import pytest
from returns.pipeline import is_successful

from core.service.admission import RefusalReason
from core.store_records import RunOutcome
from shell.api import to_result
from shell.server.pool import RunPool, RunStopped
from shell.store.history import list_sessions
from tests.unit.server_harness import ServerProcess, expected_d, write_service_project

TIMEOUT = 60.0


def _outcomes(project: Path) -> dict[str, RunOutcome]:
    sessions = to_result(list_sessions(project / "sessions"))
    assert is_successful(sessions)
    found: dict[str, RunOutcome] = {}
    for session in sessions.unwrap():
        for run in session.runs:
            assert isinstance(run.parameters, Mapping)
            request_id = run.parameters["request_id"]
            assert isinstance(request_id, str) and request_id not in found
            found[request_id] = run.outcome
    return found


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _in_flight(http: httpx.Client) -> int:
    value = http.get("/health").json()["runs_in_flight"]
    assert isinstance(value, int)
    return value


@pytest.mark.slow
def test_a_full_pool_answers_429_with_retry_after(tmp_path: Path) -> None:
    project = write_service_project(tmp_path / "p")
    with (
        ServerProcess(project, args=["--workers-max", "1", "--queue-max", "0"]) as server,
        httpx.Client(base_url=server.url, timeout=TIMEOUT) as http,
    ):
        first = http.post("/run", json={"params": {"sleep": 1.0}}, params={"wait": "false"})
        assert first.status_code == 202
        refused = http.post("/run", json={})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["status"] == "rejected" and "busy" in refused.json()["detail"]
        _wait_for(lambda: _in_flight(http) == 0, "the first run")
        assert http.post("/run", json={}).json()["status"] == "success"
    # A refused request never ran, so it has no record; the others have one each.
    assert len(_outcomes(project)) == 2


@pytest.mark.slow
def test_a_client_that_disconnects_mid_run_loses_nothing(tmp_path: Path) -> None:
    project = write_service_project(tmp_path / "p")
    with ServerProcess(project) as server:
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(
                f"{server.url}/run",
                json={"params": {"sleep": 1.0, "tag": "gone"}},
                headers={"X-Request-ID": "went-away"},
                timeout=0.3,
            )
        with httpx.Client(base_url=server.url, timeout=TIMEOUT) as http:
            _wait_for(lambda: _in_flight(http) == 0, "the abandoned run")
            assert http.get("/health").json()["status"] == "healthy"
            assert http.post("/run", json={}).json()["status"] == "success"
    assert _outcomes(project)["went-away"] is RunOutcome.SUCCESS
    assert json.loads((project / "data" / "d_gone.json").read_text()) == expected_d({})


@pytest.mark.slow
def test_sigterm_lets_in_flight_runs_finish_within_the_grace_period(tmp_path: Path) -> None:
    project = write_service_project(tmp_path / "p")
    server = ServerProcess(project, args=["--workers-max", "2", "--grace", "30"])
    answers: dict[str, httpx.Response] = {}

    def call(tag: str) -> None:
        answers[tag] = httpx.post(
            f"{server.url}/run", json={"params": {"sleep": 0.5, "tag": tag}},
            headers={"X-Request-ID": tag}, timeout=TIMEOUT,
        )

    try:
        callers = [threading.Thread(target=call, args=(f"t{i}",)) for i in range(2)]
        for caller in callers:
            caller.start()
        with httpx.Client(base_url=server.url, timeout=TIMEOUT) as http:
            _wait_for(lambda: _in_flight(http) == 2, "two runs")
        server.signal(signal.SIGTERM)
        for caller in callers:
            caller.join(TIMEOUT)
        # 143: the CLI exits as a SIGTERM-ended command does, after the graceful shutdown.
        assert server.wait() in (0, 143, -signal.SIGTERM)
    finally:
        server.stop()
    for tag in ("t0", "t1"):
        assert answers[tag].json()["status"] == "success"
    assert _outcomes(project) == {"t0": RunOutcome.SUCCESS, "t1": RunOutcome.SUCCESS}


@pytest.mark.slow
@pytest.mark.parametrize("runner", ["SequentialRunner", "ThreadRunner"])
def test_sigterm_past_the_grace_period_records_runs_as_interrupted(tmp_path: Path, runner: str) -> None:
    project = write_service_project(tmp_path / "p")
    server = ServerProcess(project, args=["--workers-max", "2", "--queue-max", "2", "--grace", "0.3"])
    try:
        with httpx.Client(base_url=server.url, timeout=TIMEOUT) as http:
            for index in range(4):
                accepted = http.post(
                    "/run", json={"params": {"sleep": 2.0, "tag": f"s{index}"}, "runner": runner},
                    params={"wait": "false"}, headers={"X-Request-ID": f"s{index}"},
                )
                assert accepted.status_code == 202
            _wait_for(lambda: _in_flight(http) == 4, "four runs admitted")
        server.signal(signal.SIGTERM)
        # 143: the CLI exits as a SIGTERM-ended command does, after the graceful shutdown.
        assert server.wait() in (0, 143, -signal.SIGTERM)
    finally:
        server.stop()
    # Two were sleeping in n6 and stopped before n7; two never got past their first node.
    assert _outcomes(project) == {f"s{i}": RunOutcome.INTERRUPTED for i in range(4)}
    for index in range(4):
        saved = project / "data" / f"d_s{index}.json"
        if saved.exists():  # whatever was saved is whole
            assert json.loads(saved.read_text()) == expected_d({})


def test_a_draining_pool_refuses_with_503_and_stops_runs_between_nodes() -> None:
    pool = RunPool(workers=1, queue_limit=1)
    release = threading.Event()
    started = pool.submit("a", lambda: release.wait(TIMEOUT))
    assert is_successful(started)
    pool.drain()
    refused = pool.submit("b", lambda: True)
    assert not is_successful(refused)
    assert refused.failure().reason is RefusalReason.DRAINING and refused.failure().status_code == 503
    pool.check_stop()  # not stopping yet: no effect
    pool.stop()
    with pytest.raises(RunStopped):
        pool.check_stop()
    release.set()
    assert pool.shutdown(grace=TIMEOUT, stop_timeout=1.0)
    assert pool.state.in_flight == 0
