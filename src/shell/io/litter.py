"""Removing the temporary files of saves whose process died (see :mod:`core.temporaries`).

A save killed mid-write (SIGKILL, a crash, an out-of-memory kill) leaves its temporary
file next to the destination. They are swept when a dataset next saves into the same
directory, and when a run starts (every local file dataset of the pipeline: its directory,
and for a versioned dataset its version directories). Only temporaries named by a process
of this host that is certainly gone are removed; one being written by a live process, or
by a process of another host sharing the disk, is left alone.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping

from core.temporaries import SUFFIX, owners, stale
from shell.processes import observe

__all__ = ["local_directories", "sweep_directories", "sweep_directory"]


def sweep_directory(directory: str) -> list[str]:
    """Remove the stale temporaries directly in ``directory``; returns their paths."""
    try:
        with os.scandir(directory) as entries:
            names = [e.name for e in entries if e.name.endswith(SUFFIX) and e.name.startswith(".")]
    except OSError:  # missing, not a directory, not readable: nothing to sweep
        return []
    if not names:
        return []
    removed: list[str] = []
    for name in stale(names, observe(owners(names))):
        path = os.path.join(directory, name)
        with contextlib.suppress(FileNotFoundError):  # another sweeper was first
            os.unlink(path)
            removed.append(path)
    return removed


def sweep_directories(directories: Iterable[str], *, with_children: Iterable[str] = ()) -> list[str]:
    """:func:`sweep_directory` over ``directories``, and over ``with_children`` and each of
    their sub-directories (a versioned dataset's version directories)."""
    removed: list[str] = []
    seen: set[str] = set()
    for directory in directories:
        if directory not in seen:
            seen.add(directory)
            removed += sweep_directory(directory)
    for parent in with_children:
        try:
            with os.scandir(parent) as entries:
                children = [e.path for e in entries if e.is_dir(follow_symlinks=False)]
        except OSError:
            continue
        for directory in [parent, *children]:
            if directory not in seen:
                seen.add(directory)
                removed += sweep_directory(directory)
    return removed


def local_directories(configs: Iterable[Mapping[str, object]]) -> tuple[list[str], list[str]]:
    """From catalog entries (absolute ``filepath``s), the local directories their saves
    write into, and the versioned datasets' own folders (whose sub-directories are the
    versions). Entries without a local ``filepath`` are skipped."""
    plain: list[str] = []
    versioned: list[str] = []
    for config in configs:
        filepath = config.get("filepath")
        if not isinstance(filepath, str) or ("://" in filepath and not filepath.startswith("file://")):
            continue
        local = filepath.removeprefix("file://")
        if config.get("versioned"):
            versioned.append(local)
        else:
            plain.append(os.path.dirname(local) or ".")
    return plain, versioned
