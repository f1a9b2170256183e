"""``kedro-pure inspect`` through the real console script.

``--json`` is checked against the schema ``--schema`` prints (``ProjectSnapshot``'s JSON schema)
and against the project's own registry and configuration; the command reads no data and writes
nothing.
"""

from __future__ import annotations

from typing import Any, cast

import jsonschema
import pytest

from tests.unit.cli_projects import Done, data_files, kedro_pure_all, write_cli_project

CALLS: tuple[tuple[str, ...], ...] = (
    ("inspect", "--json"),
    ("inspect", "--schema"),
    ("inspect",),
    ("inspect", "--env", "prod", "--params", "extra=1", "--json"),
    ("inspect", "--env", "no good"),
    ("inspect", "--env", "no good", "--json"),
)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], Done]:
    root = write_cli_project(
        tmp_path_factory.mktemp("inspect") / "proj",
        conf={"local/catalog.yml": "remote:\n  type: pickle.PickleDataset\n  filepath: s3://k:topsecret@b/r.pkl?sig=x\n"},
    )
    before = data_files(root)
    done = kedro_pure_all(CALLS, cwd=root)
    assert data_files(root) == before
    return dict(zip(CALLS, done, strict=True))


def test_json_validates_against_the_printed_schema(results: dict[tuple[str, ...], Done]) -> None:
    snapshot, schema = results[("inspect", "--json")], results[("inspect", "--schema")]
    assert snapshot.code == 0 and schema.code == 0, (snapshot, schema)
    data: Any = snapshot.json()
    jsonschema.validate(data, schema.json())
    names = [p["name"] for p in data["pipelines"]]
    assert "__default__" in names
    default = next(p for p in data["pipelines"] if p["name"] == "__default__")
    assert default["nodes"] and all(n["source"]["filepath"].endswith("nodes.py") for n in default["nodes"] if n["source"])
    assert data["datasets"]["remote"]["filepath"] == "s3://<redacted>@b/r.pkl?<redacted>"
    assert "topsecret" not in snapshot.stdout
    assert data["metadata"]["kedro_version"] == "1.7.0"


def test_env_and_params_reach_the_loader(results: dict[tuple[str, ...], Done]) -> None:
    done = results[("inspect", "--env", "prod", "--params", "extra=1", "--json")]
    assert done.code == 0, done
    data: Any = done.json()
    assert "extra" in data["parameters"]
    assert "remote" not in data["datasets"]  # declared in local only


def test_text_summary(results: dict[tuple[str, ...], Done]) -> None:
    done = results[("inspect",)]
    assert done.code == 0, done
    assert "Pipelines:" in done.stdout and "Datasets:" in done.stdout
    assert "topsecret" not in done.stdout


def test_bad_env_is_a_configuration_error(results: dict[tuple[str, ...], Done]) -> None:
    text, as_json = results[("inspect", "--env", "no good")], results[("inspect", "--env", "no good", "--json")]
    assert text.code == 3 and "Invalid env value 'no good'" in text.stderr
    assert as_json.code == 3 and cast(Any, as_json.json())["reason"] == "invalid"

