"""The plan cache: a no-op ``--only-changed`` decision reused without starting the project.

What an entry is keyed on and why that is sound is in :mod:`core.incremental.plan_cache`.
This module observes those things (file bytes, the environment, installed packages, the
journal), reads and writes entries in the session store's database (table ``plan_cache``),
and records a run served from the cache the way a run is recorded: a session row, a run
row (``success``) and one ``skipped`` journal entry per node, with the plan's reasons.

The command line asks :func:`probe` first; on a hit nothing of the project is imported (no
``settings.py``, no pipeline modules, no hooks: nothing runs, nothing is loaded or saved). On
a miss it hands the probe to the session, whose plan (:func:`shell.incremental.planning.
prepare_run`) writes the entry when it runs nothing (:func:`remember`); a successful run
that ran nodes plans again at its end and writes the next no-op's entry under the same
probe's key, observed before the project was imported (:func:`shell.incremental.planning.
remember_after_run`).

Only the default session store is used (``<project>/sessions``, ``SQLiteStore``), with the
configuration folder the settings name by default or ``--conf-source`` names.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import sys
import time
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from returns.result import Failure, Result, Success

from core._version import __version__
from core.errors import StoreError
from core.incremental import ChangePlan, Observation, StateKind
from core.incremental.plan_cache import CachedPlan, cache_key, cached_from_json, is_cacheable
from core.pipeline import Pipeline
from shell.incremental.digests import DigestCache

__all__ = [
    "CacheProbe",
    "CacheRequest",
    "Invocation",
    "default_store_file",
    "find_invocation",
    "invocation_key",
    "journal_mark",
    "probe",
    "remember",
    "remember_invocation",
]

_LOGGER = logging.getLogger(__name__)

#: Entries kept (one per combination of options and environment); older ones are dropped.
_KEPT = 16

_TABLE = "CREATE TABLE IF NOT EXISTS plan_cache (key TEXT PRIMARY KEY, entry TEXT NOT NULL, written INTEGER NOT NULL)"
_INVOCATIONS = (
    "CREATE TABLE IF NOT EXISTS plan_cache_invocations "
    "(argv_key TEXT PRIMARY KEY, invocation TEXT NOT NULL, written INTEGER NOT NULL)"
)
_SKIPPED_DIRS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints"})


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


def _file_digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            hasher.update(chunk)
    return hasher.hexdigest()


def _tree_digest(top: Path) -> str:
    """Every file under ``top`` (its relative path and bytes), compiled caches aside."""
    if top.is_file():
        return _file_digest(top)
    hasher = hashlib.sha256()
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(folder, name)
            hasher.update(f"{path.relative_to(top).as_posix()}\x00{_file_digest(path)}\x00".encode("utf-8", "surrogateescape"))
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


def _process_parts(path_entries: Iterable[str]) -> dict[str, str]:
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
    return cache_key({**_process_parts(sys.path), "argv": json.dumps(list(argv))})


def _invocation_row(probe_: CacheProbe) -> tuple[str, str] | None:
    invocation = probe_.invocation
    if invocation is None:
        return None
    request = probe_.request
    text = json.dumps(
        {
            "root": str(request.root), "source_dir": str(request.source_dir),
            "conf_source": str(request.conf_source), "options": dict(request.options),
            "command": invocation.command, "as_json": invocation.as_json, "quiet": invocation.quiet,
        },
        sort_keys=True, default=str,
    )
    return probe_.argv_key, text


def _write_invocation(connection: sqlite3.Connection, row: tuple[str, str]) -> None:
    connection.execute(_INVOCATIONS)
    connection.execute(
        "INSERT OR REPLACE INTO plan_cache_invocations (argv_key, invocation, written) VALUES (?, ?, "
        "COALESCE((SELECT MAX(written) FROM plan_cache_invocations), 0) + 1)",
        row,
    )
    connection.execute(
        "DELETE FROM plan_cache_invocations WHERE written <= (SELECT MAX(written) FROM plan_cache_invocations) - ?",
        (_KEPT,),
    )


def remember_invocation(probe_: CacheProbe) -> None:
    """Remember the command line of a probe that hit, so the next identical one is served
    before the command line is parsed. Best effort: a store that cannot take it only loses
    that shortcut."""
    row = _invocation_row(probe_)
    if row is None or probe_.hit is None:
        return
    try:
        connection = sqlite3.connect(default_store_file(probe_.request.root), timeout=5.0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            _write_invocation(connection, row)
            connection.execute("COMMIT")
        finally:
            connection.close()
    except sqlite3.Error as exc:
        _LOGGER.debug("The plan cache could not remember the command line: %s", exc)


def find_invocation(root: Path, argv: Iterable[str]) -> tuple[CacheRequest, Invocation] | None:
    """The request and output settings remembered for this exact command line, or ``None``."""
    file = default_store_file(root)
    if not file.is_file():
        return None
    words = tuple(argv)
    try:
        connection = _connect(file)
        try:
            if not _has_table(connection, "plan_cache_invocations"):
                return None
            row = connection.execute(
                "SELECT invocation FROM plan_cache_invocations WHERE argv_key = ?", (invocation_key(words),)
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    try:
        value = json.loads(str(row[0]))
        request = CacheRequest(Path(value["root"]), Path(value["source_dir"]), Path(value["conf_source"]), dict(value["options"]))
        invocation = Invocation(words, str(value["command"]), bool(value["as_json"]), bool(value["quiet"]))
    except (ValueError, KeyError, TypeError):
        return None
    return request, invocation


def _file_parts(request: CacheRequest) -> dict[str, str]:
    """The parts read from the project's files (observed again before an entry is written)."""
    return {
        "pyproject": _file_digest(request.root / "pyproject.toml"),
        "source": _tree_digest(request.source_dir),
        "conf": _tree_digest(request.conf_source),
    }


def journal_mark(store_file: Path) -> str | None:
    """The journal's last ``completed`` entry in ``store_file`` (``None``: unreadable)."""
    try:
        connection = _connect(store_file)
        try:
            return _journal_mark(connection)
        finally:
            connection.close()
    except sqlite3.Error:
        return None


def _journal_mark(connection: sqlite3.Connection) -> str:
    """The last ``completed`` journal entry: a completed node changes what a plan compares to."""
    if not _has_table(connection, "node_journal"):
        return "-"
    row = connection.execute("SELECT MAX(entry_key) FROM node_journal WHERE status = 'completed'").fetchone()
    return str(row[0]) if row is not None else "-"


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    found = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return found is not None


def _connect(file: Path) -> sqlite3.Connection:
    # A read-only look: a missing database is not created here.
    return sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True, timeout=5.0)


def probe(request: CacheRequest, invocation: Invocation | None = None) -> CacheProbe:
    """Look the command up in the cache and check the entry against the files as they are now.

    Never fails: anything unreadable or changed is a miss (with the reason), and the
    project is planned in full.
    """
    began_ns = time.time_ns()
    path_entries = tuple(sys.path)
    argv_key = "" if invocation is None else invocation_key(invocation.argv)
    parts: dict[str, str] = {
        **_process_parts(path_entries),
        "root": str(request.root),
        "options": json.dumps(dict(request.options), sort_keys=True, default=str),
    }
    if request.source_dir == request.root or request.conf_source == request.root:
        return CacheProbe(request, parts, path_entries, None, "the source or configuration folder is the project root", invocation, argv_key, began_ns)
    try:
        parts.update(_file_parts(request))
    except OSError as exc:
        return CacheProbe(request, parts, path_entries, None, f"project files unreadable: {exc}", invocation, argv_key, began_ns)
    file = default_store_file(request.root)
    if not file.is_file():
        return CacheProbe(request, parts, path_entries, None, "no session store yet", invocation, argv_key, began_ns)
    try:
        connection = _connect(file)
        try:
            parts["journal"] = _journal_mark(connection)
            row = None
            if _has_table(connection, "plan_cache"):
                row = connection.execute("SELECT entry FROM plan_cache WHERE key = ?", (cache_key(parts),)).fetchone()
            digests = _digest_rows(connection)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return CacheProbe(request, parts, path_entries, None, f"session store unreadable: {exc}", invocation, argv_key, began_ns)
    if row is None:
        return CacheProbe(request, parts, path_entries, None, "no entry for these files, options and journal", invocation, argv_key, began_ns)
    decoded = cached_from_json(cache_key(parts), str(row[0]))
    if isinstance(decoded, Failure):
        return CacheProbe(request, parts, path_entries, None, decoded.failure().message, invocation, argv_key, began_ns)
    entry = decoded.unwrap()
    changed = _changed_file(entry.files, DigestCache(digests)) or next(
        (folder for folder, listing in entry.versions.items() if version_listing(folder) != listing), None
    )
    if changed is not None:
        return CacheProbe(request, parts, path_entries, None, f"'{changed}' changed", invocation, argv_key, began_ns)
    return CacheProbe(request, parts, path_entries, entry, "", invocation, argv_key, began_ns)


def _digest_rows(connection: sqlite3.Connection) -> dict[str, tuple[int, int, str]]:
    if not _has_table(connection, "digest_cache"):
        return {}
    rows = connection.execute("SELECT path, size, mtime_ns, digest FROM digest_cache").fetchall()
    return {str(p): (int(s), int(m), str(d)) for p, s, m, d in rows}


def _changed_file(files: Mapping[str, str], cache: DigestCache) -> str | None:
    """The first file whose digest is not the recorded one (missing or unreadable included)."""
    for path, digest in files.items():
        try:
            if cache.digest(path) != digest:
                return path
        except OSError:
            return path
    return None


#: Margin for modification times lagging the clock (Linux stamps files with a clock that
#: is up to a scheduler tick behind): a file modified this long before the probe counts as
#: modified after it.
_MTIME_SLACK_NS = 50_000_000


def _modified_since(request: CacheRequest, since_ns: int) -> str | None:
    """A project file (source folder, configuration, ``pyproject.toml``) modified after
    ``since_ns``, or ``None``. Its bytes may be what the probe hashed while the project read
    other ones (edited, then put back, while the command ran): no entry is written then."""
    files = [request.root / "pyproject.toml"]
    for top in (request.source_dir, request.conf_source):
        if top.is_file():
            files.append(top)
            continue
        for folder, dirs, names in os.walk(top):
            dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS]
            files.extend(Path(folder, n) for n in names if not n.endswith((".pyc", ".pyo")))
    for path in files:
        if os.stat(path).st_mtime_ns > since_ns:
            return str(path)
    return None


def _code_files(pipeline: Pipeline, source_dir: Path, began_ns: int) -> dict[str, str] | None:
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
                if outside and os.stat(path).st_mtime_ns > began_ns - _MTIME_SLACK_NS:
                    return None
                files[path] = _file_digest(Path(path))
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
    or custom-fingerprinted one: only a full plan can see it change)."""
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
        else:
            return None
    return files, versions


def remember(
    cache_probe: CacheProbe,
    plan: ChangePlan,
    pipeline: Pipeline,
    observation: Observation,
    located: Mapping[str, tuple[str, bool] | None],
    record: Mapping[str, object],
    store_file: Path,
    pinned: Mapping[str, str],
    journal: str | None = None,
) -> Result[bool, StoreError]:
    """Write the entry for ``plan`` when it may be cached (``Success(True)`` when written).

    Not written when the plan runs something, a dataset cannot be checked by its file, the
    session uses another store than the probe assumed, or the project's files or the
    journal changed while it was planned (a project file modified since the probe began
    counts as changed, even when its bytes were put back). ``journal`` is the journal mark the plan was made
    against when it is not the probe's (a plan made at the end of a run, after the run's own
    entries: :func:`journal_mark` read before that plan read the journal).
    """
    request = cache_probe.request
    if not is_cacheable(plan) or store_file.resolve() != default_store_file(request.root).resolve():
        return Success(False)
    observed = dataset_files(observation, located, pinned)
    code = _code_files(pipeline, request.source_dir.resolve(), cache_probe.began_ns)
    if observed is None or code is None:
        return Success(False)
    files, versions = observed
    try:
        now = _file_parts(request)
        touched = _modified_since(request, cache_probe.began_ns - _MTIME_SLACK_NS)
    except OSError:
        return Success(False)
    if touched is not None or any(cache_probe.parts.get(k) != v for k, v in now.items()):
        return Success(False)
    try:
        connection = sqlite3.connect(store_file, timeout=30.0, isolation_level=None)
    except sqlite3.Error as exc:
        return Failure(_store_error(store_file, exc))
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            parts = {**cache_probe.parts, "journal": _journal_mark(connection)}
            planned_against = cache_probe.parts.get("journal") if journal is None else journal
            if planned_against not in (None, parts["journal"]):
                connection.execute("ROLLBACK")
                return Success(False)
            entry = CachedPlan(cache_key(parts), plan, {**files, **code}, versions, dict(record))
            connection.execute(_TABLE)
            connection.execute(
                "INSERT OR REPLACE INTO plan_cache (key, entry, written) VALUES (?, ?, "
                "COALESCE((SELECT MAX(written) FROM plan_cache), 0) + 1)",
                (entry.key, json.dumps(entry.to_json(), sort_keys=True, default=str)),
            )
            connection.execute(
                "DELETE FROM plan_cache WHERE written <= (SELECT MAX(written) FROM plan_cache) - ?", (_KEPT,)
            )
            invocation = _invocation_row(cache_probe)
            if invocation is not None:
                _write_invocation(connection, invocation)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        return Failure(_store_error(store_file, exc))
    finally:
        connection.close()
    return Success(True)


def _store_error(file: Path, error: sqlite3.Error) -> StoreError:
    from shell.store.database import as_store_error

    return as_store_error(file, error, 30.0)
