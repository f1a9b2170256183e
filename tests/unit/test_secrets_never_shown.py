"""A unique secret planted in credentials (directly, through ``${oc.env:...}``) and in URL
userinfo and query strings never appears in anything kedro-pure shows or keeps.

The real console script runs every command, on success and failure paths, with and
without ``--verbose``; then stdout, stderr, the session store and the data folder are
searched for the secrets.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.unit.cli_projects import CATALOG_YML, Done, kedro_pure, kedro_pure_all, write_cli_project

SECRET = f"PLANTED{uuid.uuid4().hex[:12].upper()}"
ENV_SECRET = f"ENVSECRET{uuid.uuid4().hex[:12].upper()}"
URL_SECRET = f"URLPW{uuid.uuid4().hex[:12].upper()}"
TOKEN_SECRET = f"TOKEN{uuid.uuid4().hex[:12].upper()}"
ALL_SECRETS = (SECRET, ENV_SECRET, URL_SECRET, TOKEN_SECRET)

CREDENTIALS_YML = f"""\
local_fs:
  key: {SECRET}
  secret: "${{oc.env:KP_PLANTED_ENV}}"
warehouse:
  con: postgresql://admin:{URL_SECRET}@db.example.com:5432/prod?sslkey={TOKEN_SECRET}
"""

# ``seen_params`` takes credentials (passed to the local filesystem, which ignores them) and
# carries URLs with secrets in its metadata; ``leaky`` is a dataset no pipeline uses, whose
# remote URL cannot be opened.
SECRET_CATALOG = CATALOG_YML.replace(
    "  filepath: data/seen_params.json\n",
    "  filepath: data/seen_params.json\n"
    "  credentials: local_fs\n"
    "  metadata:\n"
    f"    source: https://reader:{URL_SECRET}@files.example.com/params.json?sig={TOKEN_SECRET}\n",
)

ENV = {"KP_PLANTED_ENV": ENV_SECRET}

CALLS: tuple[tuple[str, ...], ...] = (
    ("catalog", "list"),
    ("catalog", "list", "--json"),
    ("catalog", "resolve"),
    ("catalog", "resolve", "--json"),
    ("-v", "catalog", "resolve"),
    ("catalog", "resolve", "--pipelines", "nope"),
    ("-v", "catalog", "resolve", "--pipelines", "nope", "--json"),
    ("catalog", "describe-datasets"),
    ("catalog", "list-patterns"),
    ("catalog", "resolve-patterns"),
    ("-v", "catalog", "resolve-patterns", "--pipeline", "nope"),
    ("inspect",),
    ("registry", "list", "--json"),
    ("registry", "describe", "--json"),
    ("plan", "--format", "json"),
    ("-v", "plan"),
)


def _assert_clean(text: str, where: str) -> None:
    for secret in ALL_SECRETS:
        assert secret not in text, f"{secret} found in {where}:\n{text}"


def _files_text(folder: Path) -> str:
    chunks = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            chunks.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(chunks)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_cli_project(
        tmp_path_factory.mktemp("secrets") / "proj",
        conf={"local/credentials.yml": CREDENTIALS_YML, "base/catalog.yml": SECRET_CATALOG},
    )
    return root


@pytest.fixture(scope="module")
def listings(project: Path) -> list[Done]:
    return kedro_pure_all(CALLS, cwd=project, env=ENV)


def test_listings_never_show_a_secret(listings: list[Done]) -> None:
    for done in listings:
        _assert_clean(done.stdout, f"stdout of {done.args}")
        _assert_clean(done.stderr, f"stderr of {done.args}")


def test_resolve_shows_the_credentials_reference_and_redacted_urls(listings: list[Done]) -> None:
    resolved = next(d for d in listings if d.args == ("catalog", "resolve", "--json"))
    assert resolved.code == 0, resolved
    entry = resolved.json()["seen_params"]  # type: ignore[index]
    assert entry["credentials"] == "seen_params_credentials"
    assert entry["metadata"]["source"] == "https://<redacted>@files.example.com/params.json?<redacted>"


@pytest.mark.slow
@pytest.mark.parametrize("runner", ["SequentialRunner", "ParallelRunner"])
def test_runs_never_show_or_store_a_secret(project: Path, runner: str) -> None:
    ok = kedro_pure("-v", "run", "--runner", runner, "--pipelines", "prep,params", cwd=project, env=ENV)
    assert ok.code == 0, ok
    failed = kedro_pure("-v", "run", "--runner", runner, "--nodes", "nope", "--json", cwd=project, env=ENV)
    assert failed.code == 4, failed
    for done in (ok, failed):
        _assert_clean(done.stdout, f"stdout of {done.args}")
        _assert_clean(done.stderr, f"stderr of {done.args}")
    listed = kedro_pure_all(
        [("sessions", "list", "--json"), ("-v", "sessions", "list")], cwd=project, env=ENV
    )
    for done in listed:
        _assert_clean(done.stdout + done.stderr, f"output of {done.args}")
    _assert_clean(_files_text(project / "sessions"), "the session store")
    _assert_clean(_files_text(project / "data"), "the data folder")


# -- the Python API: what a notebook user prints ------------------------------------------
# ``DataCatalog.to_config()`` and the credentials mapping given to ``from_config`` are left
# out on purpose: they hand the credentials back to their owner so that
# ``DataCatalog.from_config(*catalog.to_config().unwrap())`` rebuilds the catalog (Kedro's
# contract); they are data the caller asked for, not a listing.
LEAKY_URL = f"memory://reader:{URL_SECRET}@bucket/raw.pkl?token={TOKEN_SECRET}"
TOKEN_URL = f"memory://bucket/other.pkl?sig={TOKEN_SECRET}&v=1"


def test_catalog_listings_and_dataset_reprs_never_show_a_secret() -> None:
    from shell.io.catalog import DataCatalog

    catalog = DataCatalog.from_config(
        {
            "leaky": {"type": "pickle.PickleDataset", "filepath": LEAKY_URL},
            "tokened": {"type": "pickle.PickleDataset", "filepath": TOKEN_URL},
            "with_creds": {"type": "pickle.PickleDataset", "filepath": "memory://b/c.pkl",
                           "credentials": "mine"},
        },
        {"mine": {"key": SECRET}},
    ).unwrap()
    shown = [repr(catalog), str(list(catalog)), str(catalog.filter().unwrap())]
    shown += [repr(catalog[name]) for name in list(catalog)]
    shown.append(repr(catalog))  # now with every dataset materialised
    for text in shown:
        _assert_clean(text, "a catalog listing")
    assert "memory://<redacted>@bucket/raw.pkl?<redacted>" in repr(catalog["leaky"])


def test_load_and_save_failures_never_show_a_secret() -> None:
    from shell.io.catalog import DataCatalog

    catalog = DataCatalog.from_config(
        {"leaky": {"type": "pickle.PickleDataset", "filepath": LEAKY_URL},
         "tokened": {"type": "pickle.PickleDataset", "filepath": TOKEN_URL}}
    ).unwrap()
    for name in ("leaky", "tokened"):
        failed = catalog.load(name)  # nothing saved there: the file system says so, quoting the path
        error = failed.failure()
        assert "Failed while loading data" in error.message
        _assert_clean(error.message, f"the load failure of {name}")
        _assert_clean(str(error), f"str() of the load failure of {name}")
        _assert_clean(repr(error), f"repr() of the load failure of {name}")
        unpicklable = catalog.save(name, lambda: None)
        _assert_clean(str(unpicklable), f"the save failure of {name}")


def test_session_run_failures_never_show_a_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from shell.session import KedroSession

    monkeypatch.setenv("KP_PLANTED_ENV", ENV_SECRET)
    catalog = SECRET_CATALOG.replace("  filepath: data/raw.pkl\n", f"  filepath: {LEAKY_URL}\n")
    root = write_cli_project(
        tmp_path / "proj",
        conf={"local/credentials.yml": CREDENTIALS_YML, "base/catalog.yml": catalog},
    )
    with KedroSession.create(root).unwrap() as session:
        failed = session.run(node_names=["clean"])  # ``raw`` was never saved
    error = failed.failure()
    assert "raw" in error.message
    for text in (error.message, str(error), repr(error)):
        _assert_clean(text, "session.run's failure")
    _assert_clean(_files_text(root / "sessions"), "the session store")
