"""Serving a no-op ``--only-changed`` run or plan before the command line is even parsed.

Starting the command line (click, rich, logging, the CLI's modules) costs several times
what a run served from the plan cache does. So :mod:`shell.entry` first asks :func:`serve`:
when these exact words (in this working directory, environment, interpreter and set of
installed packages) were parsed before by the command line into a request whose cached plan
is still valid (:func:`shell.incremental.plan_cache.probe`, the same check the command line
makes), the plan is shown or the run recorded here, and the command line never starts.

Anything else, or anything unexpected, returns ``None`` and the command line runs as usual:
``-v``, ``--help``, ``--config`` files (their contents are not keyed), ``--resume``,
``--no-plan-cache``, words never seen, an entry that no longer holds. The words are not
interpreted here beyond finding ``-P``/``--project`` and the command's name: the request
comes from the command line's own parsing of the same words, remembered with the entry.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["serve"]

#: Words after which the command line must run (they change what it does or reads).
_NOT_SERVED = frozenset({"--no-plan-cache", "--help", "-h", "--resume", "--config", "-c", "--version", "-v", "--verbose"})


def _project_and_command(argv: Sequence[str]) -> tuple[str | None, str] | None:
    """``(--project value, command)`` when only ``-q`` and ``-P`` precede ``run``/``plan``."""
    project: str | None = None
    index = 0
    while index < len(argv) and argv[index].startswith("-"):
        word = argv[index]
        if word in ("-q", "--quiet"):
            index += 1
        elif word in ("-P", "--project") and index + 1 < len(argv):
            project, index = argv[index + 1], index + 2
        elif word.startswith("--project="):
            project, index = word.split("=", 1)[1], index + 1
        else:
            return None
    if index >= len(argv) or argv[index] not in ("run", "plan"):
        return None
    rest = argv[index + 1 :]
    if "--only-changed" not in rest:
        return None
    if any(w in _NOT_SERVED or w.startswith(("--config=", "--resume=", "-c")) for w in rest):
        return None
    return project, argv[index]


def _nearest_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def serve(argv: Sequence[str]) -> int | None:
    """Serve ``kedro-pure argv`` from the plan cache: its exit code, or ``None`` when the
    command line must run."""
    found = _project_and_command(argv)
    if found is None:
        return None
    project, command = found
    start = Path(project).expanduser() if project else Path.cwd()
    root = _nearest_pyproject(start.resolve())
    if root is None:
        return None
    from shell.incremental.plan_cache import find_invocation, probe

    remembered = find_invocation(root, argv)
    # The command line found the same project (the nearest pyproject.toml with a
    # [tool.kedro] table: with none nearer than the root, it is the root).
    if remembered is None or remembered[0].root != root or remembered[1].command != command:
        return None
    request, invocation = remembered
    looked = probe(request)
    if looked.hit is None:
        return None
    if command == "plan":
        return _show_plan(looked.hit.plan, as_json=invocation.as_json)
    return _record_run(root, request.options, looked.hit, as_json=invocation.as_json, quiet=invocation.quiet)


def _show_plan(plan: object, *, as_json: bool) -> int:
    from core.incremental import ChangePlan
    from core.incremental.plan_cache import served_from_cache
    from core.incremental.plan_text import change_plan_json, change_plan_text

    assert isinstance(plan, ChangePlan)
    shown = served_from_cache(plan)
    if as_json:
        print(json.dumps(change_plan_json(shown, []), indent=2, default=str))
    else:
        print(change_plan_text(shown, []))
    return 0


def _record_run(root: Path, options: object, hit: object, *, as_json: bool, quiet: bool) -> int | None:
    import time

    from returns.pipeline import is_successful

    from core.incremental.plan_cache import CachedPlan
    from shell.incremental.cached_run import record_cached_run

    assert isinstance(hit, CachedPlan)
    chosen = options if isinstance(options, dict) else {}
    env, params = chosen.get("env"), chosen.get("params")
    began = time.perf_counter()
    recorded = record_cached_run(
        root, hit, env=env if isinstance(env, str) else None, runtime_params=params if isinstance(params, dict) and params else None
    )
    if not is_successful(recorded):
        return None  # the command line reports the store's error properly
    session_id, plan = recorded.unwrap()
    summary = {
        "nodes_run": 0, "skipped": len(plan.decisions), "failed": 0,
        "seconds": round(time.perf_counter() - began, 3), "session_id": session_id, "from_cache": True,
    }
    if as_json:
        print(json.dumps({"status": "success", "exit_code": 0, **summary, "outputs": []}, indent=2, default=str))
    elif not quiet:
        text = (
            f"Run completed: 0 node(s) run, {summary['skipped']} skipped, 0 failed in "
            f"{summary['seconds']:.2f} s (session {session_id})."
        )
        if sys.stderr.isatty() and not os.environ.get("NO_COLOR"):
            from shell.console_logging import console

            console.print(f"[bold green]Run completed[/]{text.removeprefix('Run completed')}")
        else:
            print(text, file=sys.stderr)
    return 0
