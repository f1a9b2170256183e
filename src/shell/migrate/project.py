"""Migrating a whole project: which files, what changes, the git safety check, the diff, writing.

The modules migrated are every ``*.py`` under the project's source directory (``[tool.kedro]
source_dir``, default ``src``) and under ``tests/``. A file is only ever rewritten as a whole,
through a temporary file renamed over it, so an interrupted ``--write`` leaves each file either
old or new.

A file with uncommitted changes in git (modified, staged or untracked) is refused unless
``force``: ``--write`` must never mix the codemod's changes with work that has no other copy.
Outside a git repository there is nothing to check.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason
from shell.migrate.rewrite import rewrite_module
from shell.project import read_metadata

__all__ = ["FileChange", "MigrationPlan", "apply_plan", "plan_migration"]


@dataclass(frozen=True)
class FileChange:
    """One module's rewrite."""

    path: Path
    relative: str
    before: str
    after: str
    #: Kedro names the module still imports (kedro-pure has no counterpart)
    kept_kedro_imports: tuple[str, ...]

    def diff(self) -> str:
        """The unified diff, with ``a/`` and ``b/`` paths relative to the project."""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.relative}",
                tofile=f"b/{self.relative}",
            )
        )


@dataclass(frozen=True)
class MigrationPlan:
    """Every change the codemod would make to one project."""

    project: Path
    changes: tuple[FileChange, ...]
    #: modules that keep Kedro imports and are not changed otherwise, with those names
    untouched_kedro: tuple[tuple[str, tuple[str, ...]], ...]

    def diff(self) -> str:
        """The whole project's unified diff."""
        return "".join(change.diff() for change in self.changes)


def plan_migration(project: Path) -> Result[MigrationPlan, ConfigError]:
    """What ``kedro-pure migrate`` would change in ``project`` (nothing is written).

    Returns:
        ``Success(MigrationPlan)``, or ``Failure(ConfigError)`` when ``project`` is not a Kedro
        project or a module cannot be parsed (naming the file and the line).
    """
    import libcst as cst

    metadata = read_metadata(project)
    if isinstance(metadata, Failure):
        return Failure(metadata.failure())
    project = metadata.unwrap().project_path
    roots = [metadata.unwrap().source_dir, project / "tests"]
    changes: list[FileChange] = []
    untouched: list[tuple[str, tuple[str, ...]]] = []
    for path in _modules(roots):
        relative = path.relative_to(project).as_posix()
        before = path.read_text(encoding="utf-8")
        try:
            after, kept = rewrite_module(before)
        except cst.ParserSyntaxError as exc:
            return Failure(
                ConfigError(
                    ConfigErrorReason.SYNTAX,
                    f"Cannot migrate '{relative}': it is not valid Python (line {exc.raw_line}, "
                    f"column {exc.raw_column}): {exc.message}. Fix the file, then run "
                    "'kedro-pure migrate' again.",
                    path=relative,
                )
            )
        if after != before:
            changes.append(FileChange(path, relative, before, after, tuple(kept)))
        elif kept:
            untouched.append((relative, tuple(kept)))
    return Success(MigrationPlan(project, tuple(changes), tuple(untouched)))


def uncommitted(project: Path, paths: Sequence[Path]) -> list[str]:
    """Those of ``paths`` with uncommitted changes in git (relative to ``project``)."""
    if not paths:
        return []
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all", "-z", "--", *map(str, paths)],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:  # no git installed: nothing to check against
        return []
    if done.returncode != 0:  # not a git repository
        return []
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=project, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = []
    for entry in done.stdout.split("\0"):
        if len(entry) > 3:
            absolute = (Path(top) / entry[3:]).resolve()
            dirty.append(absolute.relative_to(project.resolve()).as_posix())
    return sorted(dirty)


def apply_plan(plan: MigrationPlan, *, force: bool = False) -> Result[tuple[str, ...], ConfigError]:
    """Write every change of ``plan``.

    Args:
        plan: What :func:`plan_migration` returned.
        force: Write files with uncommitted git changes too.

    Returns:
        ``Success(relative paths written)``, or ``Failure(ConfigError)`` naming the files with
        uncommitted changes (nothing is written then).
    """
    if not force:
        dirty = uncommitted(plan.project, [c.path for c in plan.changes])
        if dirty:
            return Failure(
                ConfigError(
                    ConfigErrorReason.INVALID,
                    "Refusing to rewrite files with uncommitted changes: "
                    + ", ".join(dirty)
                    + ". Commit or stash them first, or pass --force.",
                    path=dirty[0],
                )
            )
    for change in plan.changes:
        _replace(change.path, change.after)
    return Success(tuple(c.relative for c in plan.changes))


def _modules(roots: Sequence[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found.extend(
                p for p in sorted(root.rglob("*.py")) if "__pycache__" not in p.parts and p.is_file()
            )
    return found


def _replace(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
