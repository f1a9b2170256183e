"""What a plan cache lookup is for and what it found: the command (:class:`CacheRequest`),
the command line as typed (:class:`Invocation`) and the lookup's result (:class:`CacheProbe`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from core.incremental.plan_cache import CachedPlan

__all__ = ["CacheProbe", "CacheRequest", "Invocation", "default_store_file"]


def default_store_file(root: Path) -> Path:
    """The database of the project's default session store."""
    return root / "sessions" / "session_store.sqlite3"


@dataclass(frozen=True, slots=True)
class CacheRequest:
    """The command a plan is for.

    Attributes:
        root: the project root.
        source_dir: the project's source directory (``[tool.kedro] source_dir``).
        conf_source: the configuration folder or archive (``--conf-source`` or ``conf``).
        options: the command's options, as given (selection, parameters, env, runner...).
    """

    root: Path
    source_dir: Path
    conf_source: Path
    options: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Invocation:
    """A command line as typed (for :mod:`shell.incremental.fast_entry`, which serves it
    before the command line is even parsed) and how its output is shown.

    Attributes:
        argv: the words after ``kedro-pure``.
        command: ``run`` or ``plan``.
        as_json: ``--json`` (``plan``: ``--format json`` too).
        quiet: ``--quiet``.
    """

    argv: tuple[str, ...]
    command: str
    as_json: bool
    quiet: bool


@dataclass(frozen=True, slots=True)
class CacheProbe:
    """A lookup's result: the key's parts as observed, and the entry when it is valid.

    Attributes:
        request: the command.
        parts: what the key is made of, as observed before planning.
        path_entries: the import path at the start (its directories' mtimes are a part).
        hit: the valid entry, or ``None`` (the project is planned in full).
        why: why there was no hit (for ``--verbose``).
        invocation: the command line, remembered with the entry when one is written (under
            ``argv_key``, computed before the project's source folder joined the import path).
    """

    request: CacheRequest
    parts: Mapping[str, str]
    path_entries: tuple[str, ...]
    hit: CachedPlan | None
    why: str
    invocation: Invocation | None = None
    #: :func:`invocation_key` of the invocation, computed with the probe's import path
    argv_key: str = ""
    #: when the probe began (``time.time_ns()``): a node function's file outside the source
    #: folder modified after it may differ from the code imported (no entry is written then)
    began_ns: int = 0
