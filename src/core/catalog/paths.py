"""Making the relative file paths of catalog entries absolute (Kedro's context rule), purely.

Keys ``filename``, ``filepath`` and ``path`` whose value is a string are rewritten, at any
depth of nested mappings (not inside lists): a relative path becomes
``<project_path>/<value>`` in POSIX form; a Windows absolute path with a drive becomes its
POSIX form; URLs (any scheme), POSIX absolute paths and non-strings are kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlparse

__all__ = ["PATH_KEYS", "absolutise_paths", "is_relative_path", "join_posix"]

PATH_KEYS = frozenset({"filename", "filepath", "path"})
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def _is_windows_absolute(value: str) -> bool:
    return bool(_WINDOWS_DRIVE.match(value))


def is_relative_path(value: str) -> bool:
    """No drive, no URL scheme, not POSIX-absolute."""
    if _is_windows_absolute(value) or value.startswith("/"):
        return False
    return not urlparse(value).scheme


def join_posix(base: str, relative: str) -> str:
    """``base / relative`` as a POSIX string, with ``.`` and empty segments dropped."""
    parts = [p for p in base.rstrip("/").split("/")]
    parts.extend(p for p in relative.replace("\\", "/").split("/") if p not in ("", "."))
    joined = "/".join(parts)
    return joined or "/"


def absolutise_paths(project_path: str, config: Mapping[str, object]) -> dict[str, object]:
    """A copy of ``config`` with relative paths under ``project_path`` (which must be absolute)."""
    result: dict[str, object] = {}
    for key, value in config.items():
        if isinstance(value, Mapping):
            result[key] = absolutise_paths(project_path, value)
        elif key in PATH_KEYS and isinstance(value, str):
            if _is_windows_absolute(value):
                result[key] = value.replace("\\", "/")
            elif is_relative_path(value):
                result[key] = join_posix(project_path, value)
            else:
                result[key] = value
        else:
            result[key] = value
    return result
