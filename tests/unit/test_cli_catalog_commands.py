"""Kedro's ``catalog describe-datasets``, ``list-patterns`` and ``resolve-patterns`` through the
real console script, on the CLI test project with a factory pattern for the namespaced
``*.scaled`` outputs and an entry holding credentials and a credentialed URL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.cli_projects import Done, data_files, kedro_pure_all, write_cli_project

EXTRA_CATALOG = """\
"{ns}.scaled":
  type: pickle.PickleDataset
  filepath: data/{ns}_scaled.pkl
remote:
  type: pickle.PickleDataset
  filepath: s3://user:hunter2secret@bucket/r.pkl?token=abcdefgh
  credentials: store
"""

CALLS: tuple[tuple[str, ...], ...] = (
    ("catalog", "describe-datasets", "-p", "scaling", "--json"),
    ("catalog", "describe-datasets"),
    ("catalog", "list-patterns", "--json"),
    ("catalog", "list-patterns"),
    ("catalog", "resolve-patterns", "-p", "scaling", "--json"),
    ("catalog", "resolve-patterns"),
    ("catalog", "describe-datasets", "-p", "nope"),
)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], Done]:
    root = write_cli_project(
        tmp_path_factory.mktemp("catcmds") / "proj",
        conf={
            "local/catalog.yml": EXTRA_CATALOG,
            "local/credentials.yml": "store:\n  key: verysecretkey\n",
        },
    )
    before = data_files(root)
    done = kedro_pure_all(CALLS, cwd=root)
    assert data_files(root) == before
    return dict(zip(CALLS, done, strict=True))


def test_describe_datasets_groups_as_kedro(results: dict[tuple[str, ...], Done]) -> None:
    done = results[CALLS[0]]
    assert done.code == 0, done
    data: Any = done.json()
    groups = data["scaling"]
    assert groups["factories"] == {"shell.io.pickle_dataset.PickleDataset": ["alpha.scaled", "beta.scaled"]}
    assert groups["datasets"] == {"shell.io.json_dataset.JSONDataset": ["clean", "joined"]}
    assert groups["defaults"] == {}
    text = results[CALLS[1]]
    assert text.code == 0 and "__default__:" in text.stdout and "factories:" in text.stdout


def test_list_patterns_in_matching_order(results: dict[tuple[str, ...], Done]) -> None:
    done = results[CALLS[2]]
    assert done.code == 0, done
    assert done.json() == ["{ns}.scaled", "{default}"]
    assert "- '{ns}.scaled'" in results[CALLS[3]].stdout


def test_resolve_patterns_fills_patterns_and_redacts(results: dict[tuple[str, ...], Done]) -> None:
    done = results[CALLS[4]]
    assert done.code == 0, done
    data: Any = done.json()
    assert data["alpha.scaled"]["filepath"].endswith("/proj/data/alpha_scaled.pkl")
    assert data["remote"]["credentials"] == "remote_credentials"
    assert data["remote"]["filepath"] == "s3://<redacted>@bucket/r.pkl?<redacted>"
    for call in (CALLS[4], CALLS[5]):
        out = results[call].stdout
        assert "hunter2secret" not in out and "verysecretkey" not in out and "abcdefgh" not in out


def test_unknown_pipeline_is_a_selection_error(results: dict[tuple[str, ...], Done]) -> None:
    done = results[CALLS[6]]
    assert done.code == 4, done
    assert "nope" in done.stderr
