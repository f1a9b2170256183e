"""``--only-changed``, ``--code-scope``, ``--no-plan-cache`` and ``--resume`` (shared by ``run``
and ``plan``): the options, which of them conflict, and what a resumed run's options are."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason, KedroError
from shell.cli.selection import Selection

__all__ = ["LAST_RUN", "incremental_conflict", "incremental_options", "resumed_options"]


#: ``--resume`` given without a run id
LAST_RUN = "__last__"


def incremental_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--only-changed`` and ``--code-scope`` (shared by ``run`` and ``plan``)."""
    options = [
        click.option("--only-changed", is_flag=True, default=False,
                     help="Run only nodes that are new or whose code, parameters, inputs or outputs changed since their last run, and what depends on them."),
        click.option("--code-scope", type=click.Choice(["function", "module"]), default="function", show_default=True,
                     help="What a node's code fingerprint covers: its function, or the whole module defining it."),
        click.option("--no-plan-cache", is_flag=True, default=False,
                     help="With --only-changed: always plan in full, even when a cached plan says nothing changed. "
                          "Without it: do not cache the next --only-changed run's plan at the end of the run."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def resumed_options(
    root: Path, resume: str | None, chosen: Selection, versions: Mapping[str, str]
) -> Result[tuple[Selection, dict[str, Any], dict[str, str], str | None], KedroError]:
    """The selection, run arguments, load versions and resumed run id of a command given
    ``--resume`` (``None``: no resume, the command's own options): the resumed run's
    selection, versions, parameters and environment, the command's own parameters on top."""
    if resume is None:
        return Success((chosen, chosen.run_arguments(), dict(versions), None))
    from shell.incremental.resume import find_resume

    found = find_resume(root / "sessions", None if resume == LAST_RUN else resume)
    if not is_successful(found):
        return Failure(found.failure())
    previous = found.unwrap()
    arguments: dict[str, Any] = {key: list(value) for key, value in previous.selection.items()}
    merged = replace(chosen, env=chosen.env or previous.env, params={**previous.runtime_params, **chosen.params})
    return Success((merged, arguments, dict(previous.load_versions), previous.run_id))


def incremental_conflict(*, only_changed: bool, resume: bool, only_missing: bool) -> KedroError | None:
    given = [name for name, on in (("--only-changed", only_changed), ("--resume", resume),
                                   ("--only-missing-outputs", only_missing)) if on]
    if len(given) > 1:
        return ConfigError(ConfigErrorReason.INVALID, f"Options {' and '.join(repr(g) for g in given)} cannot be used together.")
    return None
