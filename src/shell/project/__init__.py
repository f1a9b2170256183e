"""The project layer: finding a project, reading its metadata, settings and pipeline registry.

Kedro configures module-level ``settings`` and ``pipelines`` objects; here each step returns a
value, and the session passes them along::

    root = find_kedro_project(Path.cwd())                      # Path | None
    metadata = bootstrap_project(root)                         # Result[ProjectMetadata, ConfigError]
    settings = metadata.bind(validate_settings)                # Result[ProjectSettings, ConfigError]
    pipelines = ProjectPipelines(metadata.unwrap())            # the session's registry cache
    chosen = pipelines.select(["data_processing"])             # Result[Mapping[str, Pipeline], ...]

``bootstrap_project`` has one effect: the project's source directory goes first on
``sys.path``. Imports of ``settings.py``, ``pipeline_registry.py`` and pipeline modules happen
in :func:`load_settings`, :func:`validate_settings`, :func:`resolve_class`,
:func:`load_registry` and :func:`find_pipelines`.
"""

from typing import TYPE_CHECKING

from core.project import ClassRef
from shell.project.autodiscovery import find_pipelines
from shell.project.bootstrap import ProjectMetadata, bootstrap_project, read_metadata
from shell.project.discovery import _is_project, find_kedro_project, is_kedro_project
from shell.project.registry import (
    DEFAULT_PIPELINE,
    PipelineRegistry,
    ProjectPipelines,
    load_pipelines,
    load_registry,
)
from shell.project.settings import import_object, load_settings, resolve_class, validate_settings

if TYPE_CHECKING:
    from core.project_settings import ProjectSettings

__all__ = [
    "DEFAULT_PIPELINE",
    "ClassRef",
    "PipelineRegistry",
    "ProjectMetadata",
    "ProjectPipelines",
    "ProjectSettings",
    "_is_project",
    "bootstrap_project",
    "find_kedro_project",
    "find_pipelines",
    "import_object",
    "is_kedro_project",
    "load_pipelines",
    "load_registry",
    "load_settings",
    "read_metadata",
    "resolve_class",
    "validate_settings",
]


if not TYPE_CHECKING:  # at runtime only, so mypy still rejects names this package lacks

    def __getattr__(name: str) -> object:
        # The settings model is pydantic, the costliest import of a session: loaded on first use.
        if name != "ProjectSettings":
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from core.project_settings import ProjectSettings

        globals()[name] = ProjectSettings
        return ProjectSettings

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
