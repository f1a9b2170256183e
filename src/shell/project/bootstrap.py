"""Reading a project's metadata and making its package importable.

:func:`bootstrap_project` is Kedro's ``bootstrap_project`` without the globals: it returns the
metadata as a value instead of configuring module-level ``settings`` and ``pipelines``. Its
effects are to put the project's source directory at the front of ``sys.path`` (Kedro also
prepends it to the ``PYTHONPATH`` environment variable; we do not, as ``multiprocessing``
passes ``sys.path`` on to its workers) and, as Kedro's, to set the project package's logger
to INFO unless logging configuration already gave it a level.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason
from core.project import (
    PYPROJECT,
    ProjectTable,
    missing_pyproject_error,
    parse_project_table,
    pyproject_syntax_error,
)
from shell.project.logging_config import set_project_logging

__all__ = ["ProjectMetadata", "bootstrap_project", "read_metadata"]


@dataclass(frozen=True, slots=True)
class ProjectMetadata:
    """What ``[tool.kedro]`` says about a project, with its paths resolved (Kedro's fields).

    Attributes:
        config_file: The project's ``pyproject.toml``.
        package_name: The project's importable package.
        project_name: The human-readable project name.
        project_path: The project root (absolute).
        source_dir: The directory holding the package (absolute).
        kedro_init_version: The Kedro version the project was created with, if recorded.
        tools: Kedro's ``tools`` entry.
        example_pipeline: Kedro's ``example_pipeline`` entry.
        kedro_pure_version: The kedro-pure version the project was created with, if recorded.
    """

    config_file: Path
    package_name: str
    project_name: str
    project_path: Path
    source_dir: Path
    kedro_init_version: str | None = None
    tools: str | tuple[str, ...] | None = None
    example_pipeline: str | bool | None = None
    kedro_pure_version: str | None = None


def read_metadata(project_path: str | Path) -> Result[ProjectMetadata, ConfigError]:
    """Read and validate ``<project_path>/pyproject.toml`` (no other effect).

    Args:
        project_path: The project root (``~`` is expanded, the path is resolved).

    Returns:
        ``Success(ProjectMetadata)``, or ``Failure(ConfigError)`` with Kedro's message: reason
        ``MISSING`` without the file, ``SYNTAX`` when it does not parse, ``INVALID`` when
        ``[tool.kedro]`` is absent, lacks ``package_name``/``project_name``, has a
        ``kedro_init_version`` of another major version, or has unknown keys.
    """
    # tomllib compiles its regular expressions when imported: only a session being created
    # pays for that, not every import of the session module.
    import tomllib

    root = Path(project_path).expanduser().resolve()
    config_file = root / PYPROJECT
    if not config_file.is_file():
        return Failure(missing_pyproject_error(str(root)))
    try:
        with config_file.open("rb") as stream:
            document = tomllib.load(stream)
    except tomllib.TOMLDecodeError as exc:
        return Failure(pyproject_syntax_error(str(config_file), str(exc)))
    except (OSError, UnicodeDecodeError) as exc:
        return Failure(
            ConfigError(
                ConfigErrorReason.MISSING,
                f"Could not read '{config_file}': {exc}",
                path=str(config_file),
            )
        )
    return parse_project_table(document, config_file=str(config_file)).map(
        lambda table: _metadata(table, root, config_file)
    )


def _metadata(table: ProjectTable, root: Path, config_file: Path) -> ProjectMetadata:
    return ProjectMetadata(
        config_file=config_file,
        package_name=table.package_name,
        project_name=table.project_name,
        project_path=root,
        source_dir=(root / Path(table.source_dir).expanduser()).resolve(),
        kedro_init_version=table.kedro_init_version,
        tools=table.tools,
        example_pipeline=table.example_pipeline,
        kedro_pure_version=table.kedro_pure_version,
    )


def bootstrap_project(project_path: str | Path) -> Result[ProjectMetadata, ConfigError]:
    """Read a project's metadata and put its source directory first on ``sys.path``.

    Settings and pipelines are not touched: load them with
    :func:`shell.project.settings.validate_settings` and
    :func:`shell.project.registry.load_pipelines`, passing the metadata returned here.

    Args:
        project_path: The project root.

    Returns:
        ``Success(ProjectMetadata)``, or ``Failure(ConfigError)``: the failures of
        :func:`read_metadata`, and (reason ``INVALID``) a source directory outside the project
        or (reason ``MISSING``) one that does not exist, with Kedro's messages.
    """
    return read_metadata(project_path).bind(_checked_source).map(_on_sys_path)


def _checked_source(metadata: ProjectMetadata) -> Result[ProjectMetadata, ConfigError]:
    source, root = metadata.source_dir, metadata.project_path
    if not source.is_relative_to(root):
        return Failure(
            ConfigError(
                ConfigErrorReason.INVALID,
                f"Source path '{source}' has to be relative to your project root '{root}'.",
                path=str(metadata.config_file),
            )
        )
    if not source.exists():
        return Failure(
            ConfigError(
                ConfigErrorReason.MISSING,
                f"Source path '{source}' cannot be found.",
                path=str(source),
            )
        )
    return Success(metadata)


def _on_sys_path(metadata: ProjectMetadata) -> ProjectMetadata:
    entry = str(metadata.source_dir)
    if entry not in sys.path:
        sys.path.insert(0, entry)
    # Kedro's configure_project: the project's own records (a node logging its model's
    # score) are shown by default.
    set_project_logging(metadata.package_name)
    return metadata
