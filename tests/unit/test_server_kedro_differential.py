"""A client written against Kedro 1.7.0's server works against ours: both servers, one project.

The same project is written twice (Kedro's registry and ours) and served by
``kedro server start`` and ``kedro-pure server start``. The same requests go to both; every
answer of ours must validate against Kedro's own response models (``kedro.server.models``) and
agree with Kedro's on what a client reads: the status code, ``status``, and for a failing node
the error's ``type`` and ``message``. Where we answer differently on purpose, the test pins it
(see the README's divergence list).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import TypeAdapter

from tests.unit.server_harness import ServerProcess, write_service_project

pytestmark = [pytest.mark.slow, pytest.mark.differential]

TIMEOUT = 60.0
_QUIET_KEDRO = {"DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "true"}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, httpx.Client, str, str]]:
    root = tmp_path_factory.mktemp("differential")
    ours_project = write_service_project(root / "ours", "pure")
    kedros_project = write_service_project(root / "kedros", "kedro")
    with (
        ServerProcess(ours_project) as ours,
        ServerProcess(kedros_project, "kedro", env=_QUIET_KEDRO) as kedros,
        httpx.Client(base_url=ours.url, timeout=TIMEOUT) as ours_client,
        httpx.Client(base_url=kedros.url, timeout=TIMEOUT) as kedros_client,
    ):
        yield ours_client, kedros_client, _package(ours_project), _package(kedros_project)


def _package(project: Path) -> str:
    match = re.search(r'package_name = "([^"]+)"', (project / "pyproject.toml").read_text())
    assert match
    return match.group(1)


REQUESTS: list[dict[str, object]] = [
    {},
    {"params": {"x": 4, "k": 3}},
    {"params": {"fail": True}},
    {"params": {"fail": True, "x": 9}, "runner": "SequentialRunner"},
    {"pipeline_names": ["head"]},
    {"pipeline_names": ["head"], "to_nodes": ["n3"]},
    {"node_names": ["n1", "n2"], "params": {"x": 2}},
    {"from_nodes": ["n5"], "params": {"fail": True}},
    {"tags": ["absent-tag"]},
    {"pipeline_names": ["nope"]},
    {"from_inputs": ["missing-dataset"]},
    {"runner": "ThreadRunner", "pipeline_names": ["head"]},
    {"runner": "kedro.runner.SequentialRunner", "is_async": True},
    {"only_missing_outputs": True, "params": {"tag": "oms"}},
    {"load_versions": {"d": "2020-01-01T00.00.00.000Z"}},
]


@pytest.mark.parametrize("body", REQUESTS, ids=[str(i) for i in range(len(REQUESTS))])
def test_run_answers_agree_with_kedros(servers: tuple[httpx.Client, httpx.Client, str, str], body: dict[str, object]) -> None:
    from kedro.server.models import RunResponse

    ours_client, kedros_client, _, _ = servers
    ours = ours_client.post("/run", json=body)
    kedros = kedros_client.post("/run", json=body)
    assert ours.status_code == kedros.status_code == 200, (ours.text, kedros.text)
    # Kedro's client models read our answer.
    parsed = TypeAdapter(RunResponse).validate_json(ours.content)
    expected = TypeAdapter(RunResponse).validate_json(kedros.content)
    assert parsed.status == expected.status, (ours.text, kedros.text)
    expected_error = getattr(expected, "error", None)
    if expected_error is not None and expected_error.type == "ValueError" and "refused" in expected_error.message:
        # A failing node: the node's own exception, as Kedro reports it.
        error = getattr(parsed, "error", None)
        assert error is not None
        assert (error.type, error.message) == (expected_error.type, expected_error.message)


@pytest.mark.parametrize(
    "body",
    [
        {"tags": "t"},
        {"params": [1]},
        {"is_async": "sometimes"},
        {"env": "prod"},
        {"conf_source": "/etc"},
        {"runner": "not a runner!"},
        {"load_versions": {"d": 1}},
        [],
    ],
)
def test_malformed_bodies_are_422_on_the_same_fields(servers: tuple[httpx.Client, httpx.Client, str, str], body: object) -> None:
    ours_client, kedros_client, _, _ = servers
    ours = ours_client.post("/run", json=body)
    kedros = kedros_client.post("/run", json=body)
    assert ours.status_code == kedros.status_code == 422
    locs = [tuple(error["loc"]) for error in ours.json()["detail"]]
    assert locs == [tuple(error["loc"]) for error in kedros.json()["detail"]]


def test_a_runner_kedro_would_import_is_refused_by_validation(servers: tuple[httpx.Client, httpx.Client, str, str]) -> None:
    """Divergence: Kedro answers 200 ``failure`` for a runner it will not load; we answer 422
    naming ``runner``, and never import anything a request names."""
    ours_client, kedros_client, _, _ = servers
    assert kedros_client.post("/run", json={"runner": "os.system"}).json()["status"] == "failure"
    ours = ours_client.post("/run", json={"runner": "os.system"})
    assert ours.status_code == 422 and ours.json()["detail"][0]["loc"] == ["body", "runner"]


def test_health_reads_with_kedros_model(servers: tuple[httpx.Client, httpx.Client, str, str]) -> None:
    from kedro.server.models import HealthResponse

    ours_client, kedros_client, _, _ = servers
    ours = HealthResponse.model_validate_json(ours_client.get("/health").content)
    kedros = HealthResponse.model_validate_json(kedros_client.get("/health").content)
    assert ours.status == kedros.status == "healthy"


@pytest.mark.parametrize("params", [None, "x=5,tag=snap", "model.lr=0.1"])
def test_snapshot_equals_kedros(servers: tuple[httpx.Client, httpx.Client, str, str], params: str | None) -> None:
    from kedro.server.models import SnapshotResponse

    ours_client, kedros_client, ours_package, kedros_package = servers
    query = {"params": params} if params else {}
    ours = ours_client.get("/snapshot", params=query)
    kedros = kedros_client.get("/snapshot", params=query)
    assert ours.status_code == kedros.status_code == 200
    TypeAdapter(SnapshotResponse).validate_json(ours.content)
    ours_body = ours.json()
    kedros_body = kedros.json()
    assert ours_body["status"] == kedros_body["status"] == "success"
    normalised = ours.text.replace(ours_package, kedros_package)
    ours_body = httpx.Response(200, content=normalised.encode()).json()
    for key in ("pipelines", "datasets", "parameters"):
        assert ours_body[key] == kedros_body[key], key
    assert ours_body["metadata"]["package_name"] == kedros_body["metadata"]["package_name"]


def test_a_malformed_snapshot_params_is_a_failure_body(servers: tuple[httpx.Client, httpx.Client, str, str]) -> None:
    ours_client, kedros_client, _, _ = servers
    ours = ours_client.get("/snapshot", params={"params": "no-equals-sign"})
    kedros = kedros_client.get("/snapshot", params={"params": "no-equals-sign"})
    assert ours.status_code == kedros.status_code == 200
    assert ours.json()["status"] == kedros.json()["status"] == "failure"
