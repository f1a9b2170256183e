"""``kedro-pure server start`` as a real process on 127.0.0.1, talked to with httpx.

One server serves the whole module (start-up is the slow part); each test sends its own
requests with their own runtime parameters, so they do not depend on one another.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.pipeline import is_successful

from core.store_records import RunOutcome
from shell.api import to_result
from shell.store.history import list_sessions
from tests.unit.json_shapes import json_types
from tests.unit.server_harness import ServerProcess, expected_d, expected_j, write_service_project

TIMEOUT = 60.0
#: A successful run's answer, by JSON type (its ids and measured duration vary per run).
RUN_ANSWER_TYPES = {"status": "str", "request_id": "str", "run_id": "str", "duration_ms": "float"}
SECRET = "s3cr3t-planted-value"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_service_project(tmp_path_factory.mktemp("served") / "project")


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[ServerProcess]:
    with ServerProcess(project, args=["--workers-max", "2"]) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=TIMEOUT) as http:
        yield http


def _run(client: httpx.Client, body: object, **params: str) -> httpx.Response:
    return client.post("/run", json=body, params=params)


def _stored_runs(project: Path) -> dict[str, RunOutcome]:
    """request id -> outcome, for every run recorded in the project's store."""
    sessions = to_result(list_sessions(project / "sessions"))
    assert is_successful(sessions)
    found: dict[str, RunOutcome] = {}
    for session in sessions.unwrap():
        for run in session.runs:
            assert isinstance(run.parameters, Mapping)
            request_id = run.parameters.get("request_id")
            assert isinstance(request_id, str)
            assert request_id not in found, "a request was recorded twice"
            found[request_id] = run.outcome
    return found


# --- Kedro's endpoints --------------------------------------------------------------------


def test_health_has_kedros_keys(client: httpx.Client) -> None:
    body = client.get("/health").json()
    assert body["status"] == "healthy" and isinstance(body["kedro_version"], str)
    assert body["capacity"] == 4 and body["draining"] is False


def test_a_run_answers_with_its_outputs_and_request_id(client: httpx.Client, project: Path) -> None:
    response = _run(client, {"params": {"x": 7, "tag": "single"}})
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "success" and body["outputs"] == {"j": expected_j({"x": 7})}
    assert response.headers["x-request-id"] == body["request_id"]
    assert json_types(body, RUN_ANSWER_TYPES) == RUN_ANSWER_TYPES and body["run_id"]
    assert json.loads((project / "data" / "d_single.json").read_text()) == expected_d({"x": 7})
    assert _stored_runs(project)[body["request_id"]] is RunOutcome.SUCCESS


def test_the_callers_request_id_is_kept_and_recorded(client: httpx.Client, project: Path) -> None:
    response = client.post("/run", json={"pipeline_names": ["head"]}, headers={"X-Request-ID": "abc-123"})
    assert response.json()["request_id"] == "abc-123" == response.headers["x-request-id"]
    assert _stored_runs(project)["abc-123"] is RunOutcome.SUCCESS
    # An unusable id (spaces, too long) is replaced, never echoed.
    response = client.post("/run", json={"pipeline_names": ["head"]}, headers={"X-Request-ID": "a b" * 40})
    assert response.json()["request_id"] != "a b" * 40


def test_a_failing_node_is_a_structured_failure_with_the_resume_plan(client: httpx.Client, project: Path) -> None:
    response = _run(client, {"params": {"fail": True, "x": 2}})
    body = response.json()
    assert response.status_code == 200  # Kedro's contract: the body says the run failed
    assert body["status"] == "failure"
    error = body["error"]
    assert error["type"] == "ValueError" and error["message"] == f"refused {expected_d({'x': 2})}"
    assert error["node"] == "n5" and error["reason"] == "node_failed"
    assert error["resume"] == {"from_nodes": ["n5"], "argument": '--from-nodes "n5"', "nothing_ran": False}
    assert _stored_runs(project)[body["request_id"]] is RunOutcome.FAILED


def test_a_run_refused_before_the_runner_is_still_recorded_once(client: httpx.Client, project: Path) -> None:
    body = _run(client, {"pipeline_names": ["nope"]}).json()
    assert body["status"] == "failure" and body["error"]["type"] == "KedroSessionError"
    assert "nope" in body["error"]["message"]
    assert _stored_runs(project)[body["request_id"]] is RunOutcome.FAILED


# --- ours: 202, /runs, /plan ------------------------------------------------------------------


def test_an_accepted_run_is_polled_to_its_result(client: httpx.Client) -> None:
    response = _run(client, {"params": {"x": 11}}, wait="false")
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["status"] == "accepted" and response.headers["location"] == accepted["location"]
    deadline = time.monotonic() + TIMEOUT
    view = client.get(accepted["location"]).json()
    while view["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.02)
        view = client.get(accepted["location"]).json()
    assert view["status"] == "success" and view["request_id"] == accepted["request_id"]
    assert view["result"]["outputs"] == {"j": expected_j({"x": 11})}
    assert view["parameters"]["runtime_params"] == {"x": 11}


def test_runs_lists_the_newest_first_and_unknown_runs_are_404(client: httpx.Client) -> None:
    first = _run(client, {"pipeline_names": ["head"]}).json()
    second = _run(client, {"pipeline_names": ["head"]}).json()
    listed = client.get("/runs", params={"limit": 2}).json()["runs"]
    assert [run["run_id"] for run in listed] == [second["run_id"], first["run_id"]]
    missing = client.get("/runs/no-such-run")
    assert missing.status_code == 404 and "no-such-run" in missing.json()["detail"]
    assert client.get("/runs", params={"limit": 0}).status_code == 422


def test_plan_is_the_dry_run(client: httpx.Client) -> None:
    body = client.post("/plan", json={"to_nodes": ["n3"]}).json()
    assert body["status"] == "success" and body["groups"] == [["n1"], ["n2"], ["n3"]]
    assert [node["name"] for node in body["nodes"]] == ["n1", "n2", "n3"]
    refused = client.post("/plan", json={"node_names": ["nope"]}).json()
    assert refused["status"] == "failure" and "nope" in refused["error"]["message"]


# --- security ---------------------------------------------------------------------------------


def test_runtime_params_cannot_choose_a_dataset_type(tmp_path: Path) -> None:
    project = write_service_project(tmp_path / "typed")
    catalog = project / "conf" / "base" / "catalog.yml"
    catalog.write_text(
        catalog.read_text()
        + "picked:\n  type: ${runtime_params:picked_type, MemoryDataset}\n"
    )
    with ServerProcess(project) as server, httpx.Client(base_url=server.url, timeout=TIMEOUT) as http:
        body = http.post("/run", json={"params": {"picked_type": "pickle.PickleDataset"}}).json()
        assert body["status"] == "failure"
        assert "picked" in body["error"]["message"] and "not permitted" in body["error"]["message"]
        # Without the runtime key the default applies and the run goes through.
        assert http.post("/run", json={}).json()["status"] == "success"


def test_credentials_never_appear_in_a_response(client: httpx.Client) -> None:
    # The node's error message quotes the secret: the response must not.
    response = _run(client, {"params": {"fail": True, "x": SECRET, "k": 1, "offset": ""}})
    assert response.json()["status"] == "failure"
    assert SECRET not in response.text and "<redacted>" in response.text
    # An output carrying it is redacted too.
    response = _run(client, {"params": {"x": SECRET, "k": 1, "offset": ""}})
    assert SECRET not in response.text


def test_runner_must_be_one_of_ours_and_is_never_imported(client: httpx.Client) -> None:
    for runner in ("os.system", "shell.runners.dask.DaskRunner", "builtins.eval", "x; rm"):
        response = _run(client, {"runner": runner})
        assert response.status_code == 422, runner
        assert response.json()["detail"][0]["loc"] == ["body", "runner"]
    assert _run(client, {"runner": "kedro.runner.ThreadRunner", "pipeline_names": ["head"]}).json()["status"] == "success"


@pytest.mark.parametrize("runner", ["SequentialRunner", "ThreadRunner", "ParallelRunner"])
def test_every_service_runner_gives_the_same_outputs(client: httpx.Client, runner: str) -> None:
    body = _run(client, {"runner": runner, "runner_params": {"max_workers": 2}, "params": {"x": 6}}).json()
    assert body["status"] == "success" and body["outputs"] == {"j": expected_j({"x": 6})}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tags": "not-a-list"}, ["body", "tags"]),
        ({"params": ["a"]}, ["body", "params"]),
        ({"only_missing_outputs": "perhaps"}, ["body", "only_missing_outputs"]),
        ({"env": "prod"}, ["body", "env"]),
        ({"runner_params": {"max_workers": 0}}, ["body", "runner_params", "max_workers"]),
        ({"load_versions": {"d": 3}}, ["body", "load_versions", "d"]),
    ],
)
def test_a_malformed_body_is_422_naming_the_field(client: httpx.Client, body: object, field: list[str]) -> None:
    response = _run(client, body)
    assert response.status_code == 422
    assert field in [error["loc"] for error in response.json()["detail"]]


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
_bad_bodies = st.one_of(
    # Not JSON at all, or truncated JSON.
    st.binary(min_size=1, max_size=200).filter(lambda raw: _not_json(raw)),
    # JSON that is not an object.
    st.lists(_json_values, max_size=3).map(lambda value: json.dumps(value).encode()),
    # An object with a field of the wrong type, or a field Kedro's model does not know.
    st.fixed_dictionaries(
        {},
        optional={
            "tags": st.integers() | st.dictionaries(st.text(max_size=3), st.integers(), min_size=1),
            "params": st.lists(st.integers(), max_size=2) | st.integers(),
            "is_async": st.text(min_size=2, max_size=5).filter(lambda t: t.lower() not in {"true", "false", "yes", "no", "on", "off"}),
        },
    ).filter(bool).map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.sampled_from(["pipeline", "nodes", "conf_source", "env", "runnr"]), _json_values, min_size=1)
    .map(lambda value: json.dumps(value).encode()),
)


def _not_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return True
    return False


@settings(max_examples=100, deadline=None, database=None)
@given(raw=_bad_bodies)
def test_fuzzed_malformed_bodies_are_all_422(client: httpx.Client, raw: bytes) -> None:
    response = client.post("/run", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422, (raw, response.text)
    assert response.json()["detail"]


def test_a_deeply_nested_body_is_422_and_an_oversized_one_413(client: httpx.Client) -> None:
    deep = b'{"params": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    response = client.post("/run", content=deep, headers={"content-type": "application/json"})
    assert response.status_code == 422
    huge = json.dumps({"tags": ["t" * 900] * 2000}).encode()
    assert client.post("/run", content=huge, headers={"content-type": "application/json"}).status_code == 413
    assert client.get("/health").status_code == 200


def test_the_server_binds_loopback_by_default(server: ServerProcess) -> None:
    assert server.url.startswith("http://127.0.0.1:")


def test_random_order_of_requests_keeps_every_run_recorded_once(client: httpx.Client, project: Path) -> None:
    rng = random.Random(7)
    sent: list[str] = []
    for _ in range(10):
        body = rng.choice([{"params": {"x": rng.randint(0, 9)}}, {"params": {"fail": True}}, {"pipeline_names": ["zzz"]}])
        sent.append(_run(client, body).json()["request_id"])
    recorded = _stored_runs(project)
    assert all(request_id in recorded for request_id in sent)


def test_the_openapi_document_lists_every_endpoint(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    assert sorted(document["paths"]) == ["/health", "/plan", "/run", "/runs", "/runs/{run_id}", "/snapshot"]
    run_body = document["components"]["schemas"]["RunRequest"]
    assert run_body["additionalProperties"] is False and "params" in run_body["properties"]
