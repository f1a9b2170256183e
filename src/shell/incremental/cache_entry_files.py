"""What a plan cache entry records to be checked without the project: each node function's
source file, each dataset's file or versions folder, and whether a project file was
modified while the plan was made (then no entry is written)."""

from __future__ import annotations

import os
import types
from collections.abc import Mapping
from pathlib import Path

from core.incremental import Observation, StateKind
from core.pipeline import Pipeline
from shell.incremental.cache_key_parts import SKIPPED_DIRS, file_digest
from shell.incremental.cache_request import CacheRequest

__all__ = ["MTIME_SLACK_NS", "code_files", "dataset_files", "modified_since", "version_listing"]

#: Margin for modification times lagging the clock (Linux stamps files with a clock that
#: is up to a scheduler tick behind): a file modified this long before the probe counts as
#: modified after it.
MTIME_SLACK_NS = 50_000_000


def modified_since(request: CacheRequest, since_ns: int) -> str | None:
    """A project file (source folder, configuration, ``pyproject.toml``) modified after
    ``since_ns``, or ``None``. Its bytes may be what the probe hashed while the project read
    other ones (edited, then put back, while the command ran): no entry is written then."""
    files = [request.root / "pyproject.toml"]
    for top in (request.source_dir, request.conf_source):
        if top.is_file():
            files.append(top)
            continue
        for folder, dirs, names in os.walk(top):
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
            files.extend(Path(folder, n) for n in names if not n.endswith((".pyc", ".pyo")))
    for path in files:
        if os.stat(path).st_mtime_ns > since_ns:
            return str(path)
    return None


def code_files(pipeline: Pipeline, source_dir: Path, began_ns: int) -> dict[str, str] | None:
    """Each node function's source file and its digest (``None``: one has no source file, or
    one outside ``source_dir`` was modified after ``began_ns``: the code imported may not be
    what its bytes are now. The source folder's files were hashed before the import.)"""
    files: dict[str, str] = {}
    for node in pipeline.nodes:
        func: object = node.func
        while hasattr(func, "func") and not hasattr(func, "__code__"):  # functools.partial
            func = func.func
        func = getattr(func, "__func__", func)  # bound methods
        code = getattr(func, "__code__", None)
        if code is None:
            # A callable object: its class's __call__ (looked up on the class, as a call does).
            call = next((k.__dict__["__call__"] for k in type(func).__mro__ if "__call__" in k.__dict__), None)
            code = getattr(call, "__code__", None)
        if code is None:
            if isinstance(func, types.BuiltinFunctionType):
                continue  # built in: it changes only with an installed package
            return None
        filename = str(code.co_filename)
        if not os.path.isfile(filename):
            return None
        path = os.path.abspath(filename)
        if path not in files:
            try:
                outside = not Path(os.path.realpath(path)).is_relative_to(source_dir)
                if outside and os.stat(path).st_mtime_ns > began_ns - MTIME_SLACK_NS:
                    return None
                files[path] = file_digest(Path(path))
            except OSError:
                return None
    return files


def version_listing(folder: str) -> str:
    """The versions saved in a versioned dataset's folder: each entry, and whether it holds
    the dataset's file (a superset of what decides the version a load reads)."""
    basename = os.path.basename(folder.rstrip("/"))
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return "-"
    return "\x01".join(f"{entry}\x00{os.path.exists(os.path.join(folder, entry, basename))}" for entry in entries)


def _newest(listing: str) -> str | None:
    held = [item.split("\x00")[0] for item in listing.split("\x01") if item.endswith("\x00True")]
    return max(held, default=None)


def dataset_files(
    observation: Observation, located: Mapping[str, tuple[str, bool] | None], pinned: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]] | None:
    """Each observed dataset file to its digest and each versioned dataset's folder to its
    listing, or ``None`` when a dataset is neither a local file nor held in memory (a remote
    or custom-fingerprinted one: only a full plan can see it change).

    A kedro-pure versioned dataset is observed by its version (the listing decides it); a
    Kedro versioned dataset by the bytes of the version a load reads: both that file's digest
    and the listing that makes it the one read are recorded."""
    files: dict[str, str] = {}
    versions: dict[str, str] = {}
    for name, state in observation.datasets.items():
        if state.kind is StateKind.MEMORY:
            continue
        where = located.get(name)
        if where is None:
            return None
        path, versioned = where
        if state.kind is StateKind.CONTENT and not versioned:
            files[path] = state.value
        elif state.kind is StateKind.VERSION and versioned:
            listing = version_listing(path)
            # The listing must give the version the plan saw (not one saved since).
            if (pinned.get(name) or _newest(listing)) != state.value:
                return None
            versions[path] = listing
        elif state.kind is StateKind.CONTENT and versioned:
            listing = version_listing(path)
            chosen = pinned.get(name) or _newest(listing)
            if chosen is None:
                return None
            # The digest the plan saw must be this file's: if another version's, the entry
            # never hits (the file's digest is checked), which is safe.
            files[os.path.join(path, chosen, os.path.basename(path.rstrip("/")))] = state.value
            versions[path] = listing
        else:
            return None
    return files, versions
