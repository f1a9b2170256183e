"""Eight clients, 25 mixed runs each, one real server: no cross-talk, every run recorded once.

Every response is compared with what a sequential ``KedroSession`` run with the same runtime
parameters returns (on a copy of the project, so its records stay apart), and every run's
JSON dataset (whose file name comes from the request's ``tag``) with the value computed from
that request's parameters alone.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from returns.pipeline import is_successful

from core.store_records import RunOutcome
from shell.api import to_result
from shell.session import KedroSession
from shell.store.history import list_sessions
from tests.unit.server_harness import ServerProcess, expected_d, write_service_project

CLIENTS = 8
RUNS_PER_CLIENT = 25
TIMEOUT = 120.0

Request = dict[str, object]


def _requests(client: int) -> list[tuple[Request, dict[str, str]]]:
    """Client ``client``'s mixed requests: body and query parameters."""
    mixed: list[tuple[Request, dict[str, str]]] = []
    for index in range(RUNS_PER_CLIENT):
        params: dict[str, object] = {
            "x": client * 100 + index,
            "k": 1 + index % 3,
            "offset": index % 5,
            "tag": f"c{client}r{index}",
        }
        if index % 11 == 5:
            params["fail"] = True
        body: Request = {"params": params}
        if index % 4 == 1:
            body["runner"] = "ThreadRunner"
        query = {"wait": "false"} if index % 6 == 2 else {}
        mixed.append((body, query))
    return mixed


def _send(http: httpx.Client, body: Request, query: dict[str, str]) -> dict[str, object]:
    response = http.post("/run", json=body, params=query)
    if response.status_code == 202:
        location = response.json()["location"]
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            view = http.get(location).json()
            if view["status"] not in ("queued", "running"):
                result: dict[str, object] = view["result"]
                return result
            time.sleep(0.01)
        raise AssertionError(f"run {location} never finished")
    assert response.status_code == 200, response.text
    answered: dict[str, object] = response.json()
    return answered


def _client(url: str, client: int) -> list[tuple[Request, dict[str, object]]]:
    with httpx.Client(base_url=url, timeout=TIMEOUT) as http:
        return [(body, _send(http, body, query)) for body, query in _requests(client)]


def _sequential(project: Path, params: Mapping[str, object]) -> dict[str, object]:
    """What one sequential KedroSession run returns: outputs, or the node's error."""
    with KedroSession.create(project, runtime_params=params, save_on_close=False).unwrap() as session:
        outcome = session.run()
    if is_successful(outcome):
        return {"status": "success", "outputs": {name: ds.load() for name, ds in outcome.unwrap().items()}}
    error = outcome.failure()
    cause = getattr(error, "cause", None)
    return {"status": "failure", "type": type(cause).__name__, "message": str(cause)}


@pytest.mark.slow
def test_eight_clients_of_mixed_runs_get_their_own_results(tmp_path: Path) -> None:
    project = write_service_project(tmp_path / "served")
    reference = tmp_path / "reference"
    shutil.copytree(project, reference)

    with (
        ServerProcess(project, args=["--workers-max", "4", "--queue-max", "8"]) as server,
        ThreadPoolExecutor(CLIENTS) as clients,
    ):
        answered = [
            pair
            for batch in clients.map(lambda c: _client(server.url, c), range(CLIENTS))
            for pair in batch
        ]
    assert len(answered) == CLIENTS * RUNS_PER_CLIENT

    request_ids: dict[str, str] = {}
    for body, response in answered:
        params = body["params"]
        assert isinstance(params, dict)
        expected = _sequential(reference, params)
        assert response["status"] == expected["status"], (body, response)
        if expected["status"] == "success":
            assert response["outputs"] == expected["outputs"], (body, response)
        else:
            error = response["error"]
            assert isinstance(error, dict)
            assert (error["type"], error["message"]) == (expected["type"], expected["message"])
        # The request's own dataset holds what its own parameters give: no cross-talk.
        saved = json.loads((project / "data" / f"d_{params['tag']}.json").read_text())
        assert saved == expected_d(params)
        request_id, status = response["request_id"], response["status"]
        assert isinstance(request_id, str) and isinstance(status, str)
        request_ids[request_id] = status

    sessions = to_result(list_sessions(project / "sessions")).unwrap()
    (served,) = sessions
    assert len(served.runs) == CLIENTS * RUNS_PER_CLIENT
    recorded: dict[str, str] = {}
    for run in served.runs:
        assert isinstance(run.parameters, Mapping)
        request_id = run.parameters["request_id"]
        assert isinstance(request_id, str) and request_id not in recorded
        recorded[request_id] = "success" if run.outcome is RunOutcome.SUCCESS else "failure"
    assert recorded == request_ids
