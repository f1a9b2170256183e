"""What a session records about where it runs: git state, the CLI call, the user.

Kedro's ``_describe_git`` and ``_jsonify_cli_context`` keep their names. Each function
observes the outside world and never fails: what cannot be found is simply absent.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from shell import log_names

if TYPE_CHECKING:
    import click

__all__ = ["_describe_git", "_jsonify_cli_context", "_session_data", "current_cli_context", "username"]

logger = logging.getLogger(log_names.SESSION)

_GIT_TIMEOUT_SECONDS = 10


def _git(project_path: Path, *args: str) -> str:
    # subprocess is imported where git is called: importing this module stays cheap.
    import subprocess

    return subprocess.check_output(
        ["git", *args],
        cwd=project_path,
        stderr=subprocess.STDOUT,
        timeout=_GIT_TIMEOUT_SECONDS,
    ).decode().strip()


def _describe_git(project_path: Path) -> dict[str, dict[str, object]]:
    """``{"git": {"commit_sha", "branch", "dirty"}}``, or ``{}`` outside a repository or
    without git (Kedro records ``commit_sha`` and ``dirty``; ``branch`` is our addition,
    ``"HEAD"`` when detached).

    Two git calls, as Kedro makes: the branch comes from the header line ``--branch`` adds
    to the status (``## main...origin/main [ahead 1]``, ``## HEAD (no branch)``).
    """
    import subprocess

    try:
        sha = _git(project_path, "rev-parse", "--short", "HEAD")
        header, *changes = _git(project_path, "status", "--short", "--branch").splitlines()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, ValueError) as exc:
        logger.debug("Unable to git describe %s: %s", project_path, exc)
        return {}
    return {"git": {"commit_sha": sha, "branch": _branch(header), "dirty": bool(changes)}}


def _branch(status_header: str) -> str:
    head = status_header.removeprefix("## ")
    if head.startswith("HEAD (no branch)"):
        return "HEAD"
    # Branch names cannot hold "..." or spaces; what follows is the upstream and its distance.
    return head.split("...", 1)[0].split(" ", 1)[0]


def _jsonify_cli_context(ctx: click.Context) -> dict[str, object]:
    """The click context as Kedro records it (``command_path`` spelled with our command)."""
    return {
        "args": list(ctx.args),
        "params": dict(ctx.params),
        "command_name": ctx.command.name,
        "command_path": " ".join(["kedro-pure", *sys.argv[1:]]),
    }


def current_cli_context() -> dict[str, object] | None:
    """The active click context as a record, or ``None`` outside a CLI command."""
    # No click command can be running in a process that never imported click, and importing
    # it here would add a third of the session's import time for nothing.
    loaded = sys.modules.get("click")
    if loaded is None:
        return None
    ctx: click.Context | None = loaded.get_current_context(silent=True)
    return _jsonify_cli_context(ctx) if ctx is not None else None


def username() -> str | None:
    """The user running the session, or ``None`` when the system cannot tell."""
    try:
        return getpass.getuser()
    except (KeyError, OSError) as exc:
        logger.debug("Unable to get username. Full exception: %s", exc)
        return None


def _session_data(
    project_path: Path, session_id: str, env: str | None, runtime_params: Mapping[str, object] | None
) -> dict[str, object]:
    data: dict[str, object] = {
        "project_path": project_path,
        "session_id": session_id,
    }
    cli = current_cli_context()
    if cli:
        data["cli"] = cli
    chosen_env = env or os.environ.get("KEDRO_ENV")
    if chosen_env:
        data["env"] = chosen_env
    if runtime_params:
        data["runtime_params"] = dict(runtime_params)
    user = username()
    if user:
        data["username"] = user
    data.update(_describe_git(project_path))
    return data
