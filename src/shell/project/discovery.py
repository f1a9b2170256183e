"""Finding a project root: the directory whose ``pyproject.toml`` has a ``[tool.kedro]`` table.

Kedro 1.7 looks for the *text* ``[tool.kedro]`` in the file; we parse the TOML, so a
commented-out ``# [tool.kedro]`` does not make a project, and neither does a file that does not
parse (:func:`shell.project.bootstrap.read_metadata` reports that one with Kedro's message).
"""

from __future__ import annotations

from pathlib import Path

from core.project import PYPROJECT

__all__ = ["_is_project", "find_kedro_project", "is_kedro_project"]


def is_kedro_project(project_path: str | Path) -> bool:
    """Whether ``project_path`` is a project root.

    Args:
        project_path: A directory (``~`` is expanded).

    Returns:
        True when ``<project_path>/pyproject.toml`` parses and has a ``[tool.kedro]`` table;
        an unreadable or unparsable file gives False.
    """
    import tomllib  # compiles regular expressions when imported: only paid when asked

    config_file = Path(project_path).expanduser().resolve() / PYPROJECT
    try:
        with config_file.open("rb") as stream:
            document = tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    tool = document.get("tool")
    return isinstance(tool, dict) and isinstance(tool.get("kedro"), dict)


#: Kedro's older name for :func:`is_kedro_project`.
_is_project = is_kedro_project


def find_kedro_project(current_dir: str | Path) -> Path | None:
    """The project ``current_dir`` belongs to: itself or its nearest parent that is a project.

    Args:
        current_dir: Where to start (resolved first, so relative paths walk up correctly).

    Returns:
        The project root (resolved), or ``None`` when neither ``current_dir`` nor any parent
        up to the filesystem root is a project.
    """
    candidate = Path(current_dir).expanduser().resolve()
    while True:
        if is_kedro_project(candidate):
            return candidate
        if candidate.parent == candidate:
            return None
        candidate = candidate.parent
