"""The rules for a new project's names (no effects): Kedro's, plus kedro-pure's own packages.

* The project name follows ``kedro new``: alphanumeric symbols, spaces, underscores and hyphens,
  at least 2 characters (Kedro's message).
* The package name, when not given, is derived from the project name as Kedro derives it
  (stripped, lower-cased, spaces and hyphens to underscores).
* The package name must be an ASCII Python identifier, not a keyword and not a standard-library
  module (Kedro's check). It must also not be ``core``, ``shell`` or ``kedro``, nor the import
  name of a kedro-pure dependency: the project's source directory goes *first* on ``sys.path``,
  so such a package would shadow the library that runs it.
"""

from __future__ import annotations

import keyword
import re
import sys
from typing import Final

from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason

__all__ = [
    "RESERVED_PACKAGE_NAMES",
    "check_package_name",
    "check_project_name",
    "derive_package_name",
    "package_name_for",
]

#: Package names a project may not take: kedro-pure's own packages, Kedro, and the import
#: names of kedro-pure's dependencies (and of its optional extras).
RESERVED_PACKAGE_NAMES: Final = frozenset(
    {
        "core",
        "shell",
        "kedro",
        "returns",
        "pydantic",
        "pydantic_core",
        "pyrsistent",
        "toolz",
        "pluggy",
        "omegaconf",
        "yaml",
        "fsspec",
        "click",
        "rich",
        "pandas",
        "numpy",
        "pyarrow",
        "dask",
        "distributed",
        "hypothesis",
    }
)

_PROJECT_NAME: Final = re.compile(r"[\w -]{2,}")
_ASCII_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def check_project_name(project_name: str) -> Result[str, ConfigError]:
    """``project_name`` if ``kedro new`` would accept it.

    Returns:
        ``Success(project_name)``, or ``Failure(ConfigError)`` (reason ``INVALID``) with
        Kedro's message.
    """
    if _PROJECT_NAME.fullmatch(project_name) and project_name.strip():
        return Success(project_name)
    return Failure(
        _invalid(
            f"'{project_name}' is an invalid value for project name. It must contain only "
            "alphanumeric symbols, spaces, underscores and hyphens and be at least 2 "
            "characters long"
        )
    )


def derive_package_name(project_name: str) -> str:
    """Kedro's package name for a project name (not checked: see :func:`check_package_name`)."""
    return project_name.strip().replace(" ", "_").replace("-", "_").lower()


def check_package_name(package_name: str) -> Result[str, ConfigError]:
    """``package_name`` if a new project's package may take it.

    Returns:
        ``Success(package_name)``, or ``Failure(ConfigError)`` (reason ``INVALID``) saying
        which rule it breaks.
    """
    if not _ASCII_IDENTIFIER.fullmatch(package_name):
        return Failure(
            _invalid(
                f"'{package_name}' is an invalid Python package name for the project. It must "
                "start with a letter or an underscore and contain only ASCII letters, digits "
                "and underscores."
            )
        )
    if keyword.iskeyword(package_name) or package_name in sys.stdlib_module_names:
        return Failure(
            _invalid(
                f"'{package_name}' is an invalid Python package name for the project. It "
                "clashes with a Python keyword or standard library module and would prevent "
                "the project from being imported. Please choose a different name."
            )
        )
    if package_name.lower() in RESERVED_PACKAGE_NAMES:
        return Failure(
            _invalid(
                f"'{package_name}' is an invalid Python package name for the project. It is "
                "the name of kedro-pure's own packages ('core', 'shell'), of Kedro, or of a "
                "library kedro-pure uses, which the project's package would shadow. Please "
                "choose a different name."
            )
        )
    return Success(package_name)


def package_name_for(project_name: str, package_name: str | None) -> Result[str, ConfigError]:
    """The checked package name: ``package_name``, or the one derived from ``project_name``.

    Returns:
        ``Success(name)``, or ``Failure(ConfigError)``; a derived name that fails the checks
        says so and asks for an explicit package name.
    """
    if package_name is not None:
        return check_package_name(package_name)
    derived = derive_package_name(project_name)
    return check_package_name(derived).alt(
        lambda error: _invalid(
            f"The package name derived from the project name '{project_name}' is not usable: "
            f"{error.message} Pass a package name explicitly (kedro-pure new --package NAME)."
        )
    )


def _invalid(message: str) -> ConfigError:
    return ConfigError(ConfigErrorReason.INVALID, message)
