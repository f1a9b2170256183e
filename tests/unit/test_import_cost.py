"""Importing the session or the command line loads none of the heavy libraries a run may need.

Start-up time is a goal of the project (at least 3x faster to import than Kedro): pydantic,
OmegaConf, PyYAML, fsspec (with asyncio), multiprocessing and sqlite3 are imported where they
are first used, and the packages that re-export them resolve their names on first access.
These tests pin *which* modules load (never how long it takes), in fresh interpreters so that
modules imported by other tests cannot hide a regression.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

#: Libraries that cost more to import than the rest of a session together.
HEAVY = (
    "pydantic",
    "omegaconf",
    "yaml",
    "fsspec",
    "asyncio",
    "multiprocessing",
    "concurrent.futures.process",
    "sqlite3",
    "importlib.metadata",
)


def _loaded_after(statement: str) -> set[str]:
    probe = f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize(
    "statement",
    [
        "import shell.session",
        "from shell.session import KedroSession",
        "import shell.cli.main",
        "import shell.config.abstract, shell.io.catalog, shell.store.base",
    ],
)
def test_importing_loads_no_heavy_library(statement: str) -> None:
    loaded = _loaded_after(statement)

    assert sorted(name for name in HEAVY if name in loaded) == []


def test_project_settings_model_is_still_importable_from_core_project() -> None:
    loaded = _loaded_after(
        "from core.project import ProjectSettings, settings_from_namespace\n"
        "assert ProjectSettings().CONF_SOURCE == 'conf'\n"
        "assert settings_from_namespace({'CONF_SOURCE': 'c'}).unwrap().CONF_SOURCE == 'c'"
    )

    assert "pydantic" in loaded


@pytest.mark.parametrize(
    "package", ["core.catalog", "core.project", "shell.config", "shell.io", "shell.project", "shell.store"]
)
def test_every_public_name_of_a_lazy_package_resolves(package: str) -> None:
    module = importlib.import_module(package)

    missing = [name for name in module.__all__ if getattr(module, name, None) is None]

    assert missing == []
    assert set(module.__all__) <= set(dir(module))


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    import shell.io

    with pytest.raises(AttributeError, match="has no attribute 'NoSuchDataset'"):
        _ = shell.io.NoSuchDataset  # type: ignore[attr-defined]
