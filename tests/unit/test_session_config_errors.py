"""Broken configuration, end to end: every case is a ``Failure`` naming what to fix.

Each case breaks one file of a real project, checks the failure a run (or ``create``)
returns, checks that no pipeline hook fired and nothing ran, then repairs the file and
retries in the *same* session: a failed run does not count, so the retry succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from returns.pipeline import is_successful

from core.errors import ConfigError, ConfigErrorReason, DatasetError, DatasetErrorReason, KedroError
from shell.session import KedroSession
from tests.unit.project_factory import (
    hooks_fired,
    persisted_project,
    take_events,
    unique_package,
    write_project,
)

GOOD_PARAMETERS = "alpha: 1\nfail: false\nmodel:\n  depth: 3\n"


@dataclass(frozen=True)
class Case:
    """One broken file: where, what it holds, and what the failure must say."""

    relative: str
    text: str
    error: type[KedroError]
    reason: object
    says: tuple[str, ...]
    env: str | None = None
    repair: str | None = None  # None: delete the file
    pipeline_hooks: bool = False


CASES: dict[str, Case] = {
    "yaml_syntax_error": Case(
        "base/parameters.yml",
        "alpha: 1\nfail: false\nmodel: [1, 2\n",
        ConfigError,
        ConfigErrorReason.SYNTAX,
        ("Invalid YAML or JSON file {root}/conf/base/parameters.yml", "unable to read line 4, position 1"),
        repair=GOOD_PARAMETERS,
    ),
    "json_syntax_error": Case(
        "base/parameters_extra.json",
        '{"beta": 1,,}',
        ConfigError,
        ConfigErrorReason.SYNTAX,
        ("Invalid YAML or JSON file {root}/conf/base/parameters_extra.json", "line 1, position 12"),
    ),
    "missing_env_directory": Case(
        "base/unused.yml",
        "x: 1\n",
        ConfigError,
        ConfigErrorReason.MISSING,
        (
            "Given configuration path either does not exist or is not a valid directory: "
            "{root}/conf/nope",
        ),
        env="nope",
    ),
    "unresolvable_interpolation": Case(
        "base/parameters.yml",
        "alpha: ${nothere}\nfail: false\nmodel:\n  depth: 3\n",
        ConfigError,
        ConfigErrorReason.INTERPOLATION,
        ("Interpolation key 'nothere' not found", "full_key: alpha"),
        repair=GOOD_PARAMETERS,
    ),
    "missing_runtime_parameter": Case(
        "base/parameters.yml",
        "alpha: ${runtime_params:alpha_in}\nfail: false\nmodel:\n  depth: 3\n",
        ConfigError,
        ConfigErrorReason.INTERPOLATION,
        ("Runtime parameter 'alpha_in' not found and no default value provided.",),
        repair=GOOD_PARAMETERS,
    ),
    "unknown_global": Case(
        "base/parameters.yml",
        "alpha: ${globals:nowhere}\nfail: false\nmodel:\n  depth: 3\n",
        ConfigError,
        ConfigErrorReason.INTERPOLATION,
        ("Globals key 'nowhere' not found and no default value provided.",),
        repair=GOOD_PARAMETERS,
    ),
    "broken_globals": Case(
        "base/globals.yml",
        "shared: [\n",
        ConfigError,
        ConfigErrorReason.SYNTAX,
        ("Invalid YAML or JSON file {root}/conf/base/globals.yml",),
    ),
    "duplicate_key_across_files": Case(
        "base/parameters_more.yml",
        "alpha: 2\n",
        ConfigError,
        ConfigErrorReason.DUPLICATE_KEY,
        (
            "Duplicate keys found in",
            "{root}/conf/base/parameters.yml",
            "{root}/conf/base/parameters_more.yml",
            ": alpha",
        ),
    ),
    "duplicate_catalog_entry_across_files": Case(
        "base/catalog_more.yml",
        "c:\n  type: MemoryDataset\n",
        ConfigError,
        ConfigErrorReason.DUPLICATE_KEY,
        ("Duplicate keys found in", "{root}/conf/base/catalog_more.yml", ": c"),
    ),
    "duplicate_key_in_one_file": Case(
        "base/parameters.yml",
        GOOD_PARAMETERS + "alpha: 2\n",
        ConfigError,
        ConfigErrorReason.DUPLICATE_KEY,
        ("{root}/conf/base/parameters.yml", "found duplicate key alpha"),
        repair=GOOD_PARAMETERS,
    ),
    # Entries are built when a run needs them (Kedro's lazy catalog): the run reaches the
    # runner, so before_pipeline_run and on_pipeline_error fire, as in Kedro.
    "catalog_unknown_type": Case(
        "local/catalog.yml",
        "c:\n  type: nosuch.Dataset\n",
        DatasetError,
        DatasetErrorReason.CONFIG,
        ("dataset 'c'", "No module named 'nosuch'. Please install the missing dependencies for nosuch.Dataset"),
        pipeline_hooks=True,
    ),
    "catalog_bad_argument": Case(
        "local/catalog.yml",
        "c:\n  type: pickle.PickleDataset\n  filepath: data/c.pkl\n  colour: red\n",
        DatasetError,
        DatasetErrorReason.CONFIG,
        ("unexpected keyword argument 'colour'", "Dataset 'c' must only contain arguments valid"),
        pipeline_hooks=True,
    ),
    "catalog_missing_type": Case(
        "base/catalog_bad.yml",
        "zz_bad:\n  filepath: data/x.csv\n",
        DatasetError,
        DatasetErrorReason.CONFIG,
        ("dataset 'zz_bad'", "'type' is missing from dataset catalog configuration."),
    ),
    "catalog_unknown_credentials": Case(
        "base/catalog_bad.yml",
        "zz_bad:\n  type: MemoryDataset\n  credentials: nope\n",
        DatasetError,
        DatasetErrorReason.CREDENTIALS,
        ("Unable to find credentials 'nope'",),
    ),
}


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KEDRO_ENV", raising=False)
    return write_project(tmp_path / "proj", persisted_project(unique_package("bad")))


def _package(root: Path) -> str:
    return next(p.name for p in (root / "src").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", list(CASES))
def test_broken_configuration_is_a_failure_naming_what_to_fix(root: Path, case: str) -> None:
    spec = CASES[case]
    broken = root / "conf" / spec.relative
    broken.write_text(spec.text)
    package = _package(root)

    created = KedroSession.create(root, env=spec.env)
    assert is_successful(created), created  # configuration is only read by a run
    session = created.unwrap()
    take_events(package)
    outcome = session.run()
    assert not is_successful(outcome)
    error = outcome.failure()
    assert type(error) is spec.error and error.reason is spec.reason, error
    for fragment in spec.says:
        assert fragment.format(root=root.as_posix()) in error.message, error.message
    if isinstance(error, ConfigError):
        assert error.path.startswith(root.as_posix())
    events = hooks_fired(take_events(package))
    assert "before_node_run" not in events
    if spec.pipeline_hooks:
        assert events[-2:] == ["before_pipeline_run", "on_pipeline_error"]
    else:
        assert "before_pipeline_run" not in events
    assert not (root / "data").exists()  # nothing ran

    if spec.env is not None:
        (root / "conf" / spec.env).mkdir()
    elif spec.repair is None:
        broken.unlink()
    else:
        broken.write_text(spec.repair)
    retried = session.run()
    assert is_successful(retried), retried
    session.close()


def test_settings_syntax_error_fails_create_naming_file_and_line(root: Path) -> None:
    settings = root / "src" / _package(root) / "settings.py"
    settings.write_text(settings.read_text() + "\nHOOKS = (\n")
    created = KedroSession.create(root)
    assert not is_successful(created)
    error = created.failure()
    assert isinstance(error, ConfigError) and error.reason is ConfigErrorReason.SETTINGS
    assert error.path == str(settings)
    assert f"'{settings}', line " in error.message and "'(' was never closed" in error.message
    assert not (root / "sessions").exists()  # no session was recorded


def test_settings_naming_a_missing_class_fails_create(root: Path) -> None:
    settings = root / "src" / _package(root) / "settings.py"
    settings.write_text(settings.read_text() + "\nCONTEXT_CLASS = 'nowhere.Context'\n")
    error = KedroSession.create(root).failure()
    assert isinstance(error, ConfigError) and error.reason is ConfigErrorReason.SETTINGS
    assert "Cannot import 'nowhere.Context' for setting 'CONTEXT_CLASS'" in error.message


def test_a_folder_that_is_not_a_project_fails_create(tmp_path: Path) -> None:
    error = KedroSession.create(tmp_path).failure()
    assert isinstance(error, ConfigError) and error.reason is ConfigErrorReason.MISSING
    assert "pyproject.toml" in error.message


def test_a_hook_class_instead_of_an_instance_fails_create(root: Path) -> None:
    settings = root / "src" / _package(root) / "settings.py"
    settings.write_text(settings.read_text().replace("HOOKS = (Recorder(),)", "HOOKS = (Recorder,)"))
    error = KedroSession.create(root).failure()
    assert isinstance(error, ConfigError)
    assert "KedroSession expects hooks to be registered as instances." in error.message


def test_an_unused_entry_of_unknown_type_does_not_fail_a_run(root: Path) -> None:
    """Kedro builds catalog entries lazily: one no run needs is never built."""
    (root / "conf" / "base" / "catalog_unused.yml").write_text("zz_unused:\n  type: nosuch.Dataset\n")
    with KedroSession.create(root).unwrap() as session:
        assert is_successful(session.run())
