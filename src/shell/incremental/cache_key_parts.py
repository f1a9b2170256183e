"""The parts of a plan cache key observed by the shell: the project's files (their bytes),
this process (interpreter, installed packages, environment, working directory) and the
command line (:func:`invocation_key`). Why these parts make the key sound is in
:mod:`core.incremental.plan_cache`."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from core._version import __version__
from core.incremental.plan_cache import cache_key
from shell.incremental.cache_request import CacheRequest

__all__ = ["SKIPPED_DIRS", "file_digest", "file_parts", "invocation_key", "process_parts", "tree_digest"]

#: Folders whose files are not part of a project's source or configuration (tool caches).
SKIPPED_DIRS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints"})


def file_digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            hasher.update(chunk)
    return hasher.hexdigest()


def tree_digest(top: Path) -> str:
    """Every file under ``top`` (its relative path and bytes), compiled caches aside."""
    if top.is_file():
        return file_digest(top)
    hasher = hashlib.sha256()
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(folder, name)
            hasher.update(f"{path.relative_to(top).as_posix()}\x00{file_digest(path)}\x00".encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


def _packages_digest(path_entries: Iterable[str]) -> str:
    """The import path's directories and their modification times: installing, removing or
    upgrading a package changes the directory it is installed in."""
    seen: list[str] = []
    for entry in path_entries:
        try:
            seen.append(f"{entry}\x00{os.stat(entry or '.').st_mtime_ns}")
        except OSError:
            seen.append(f"{entry}\x00-")
    return hashlib.sha256("\x01".join(seen).encode("utf-8", "surrogateescape")).hexdigest()


#: Variables a shell sets per command or directory change, which no project reads: ``_`` is
#: the path of the command just run (``time kedro-pure ...`` sets it to ``time``).
_VOLATILE_VARIABLES = frozenset({"_", "OLDPWD"})


def _environment_digest() -> str:
    text = "\x01".join(f"{k}\x00{v}" for k, v in sorted(os.environ.items()) if k not in _VOLATILE_VARIABLES)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def process_parts(path_entries: Iterable[str]) -> dict[str, str]:
    """The parts observed of this process: what it runs on, and what it was given."""
    return {
        "kedro_pure": __version__,
        "python": f"{sys.executable}\x00{sys.version}",
        "packages": _packages_digest(path_entries),
        "environment": _environment_digest(),
        "cwd": os.getcwd(),
    }


def invocation_key(argv: Iterable[str]) -> str:
    """The key of a command line: its words, in this process's working directory,
    environment, interpreter and installed packages (what parsing it depends on)."""
    return cache_key({**process_parts(sys.path), "argv": json.dumps(list(argv))})


def file_parts(request: CacheRequest) -> dict[str, str]:
    """The parts read from the project's files (observed again before an entry is written)."""
    return {
        "pyproject": file_digest(request.root / "pyproject.toml"),
        "source": tree_digest(request.source_dir),
        "conf": tree_digest(request.conf_source),
    }
