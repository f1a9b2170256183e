"""Kedro's project globals, set for a registry that calls ``kedro.framework.project.find_pipelines``.

Kedro's ``find_pipelines()`` takes the package from a module global that ``configure_project``
sets, and the pipelines to import from the names ``kedro run --pipelines`` requested. kedro-pure
sets both just before ``register_pipelines()`` runs, and only when the registry module imported
``kedro.framework.project`` itself: a kedro-pure project never loads Kedro.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Final

__all__ = ["configure_kedro_project"]

_KEDRO_PROJECT_MODULE: Final = "kedro.framework.project"


def configure_kedro_project(package_name: str, names: Sequence[str] | None) -> bool:
    """Point Kedro's ``find_pipelines`` at ``package_name`` and the requested pipeline names.

    The settings and logging parts of Kedro's ``configure_project`` are not done: kedro-pure
    reads ``settings.py`` and configures logging itself.

    Args:
        package_name: The project package.
        names: The pipelines a run asks for (``None`` for all): Kedro's ``find_pipelines`` then
            imports only those modules, as ``kedro run --pipelines`` does.

    Returns:
        Whether Kedro was configured (``False`` when the project has not imported
        ``kedro.framework.project``).
    """
    project = sys.modules.get(_KEDRO_PROJECT_MODULE)
    if project is None:
        return False
    project.PACKAGE_NAME = package_name  # type: ignore[attr-defined]  # Kedro's module global
    registry = getattr(project, "pipelines", None)
    configure = getattr(registry, "configure", None)
    set_requested = getattr(registry, "set_requested", None)
    if callable(configure) and callable(set_requested):
        configure(f"{package_name}.pipeline_registry")
        set_requested(list(names) if names is not None else None)
    return True
