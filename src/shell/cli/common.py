"""What every ``kedro-pure`` command shares: finding the project, reporting failures, output.

Errors are one clear line on stderr plus a hint saying what to do, and no traceback unless
``--verbose``. ``--json`` output goes to stdout, alone, so scripts can parse it.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success
from rich.markup import escape

from core.cli_args import split_params_items
from core.errors import (
    ConfigError,
    ConfigErrorReason,
    KedroError,
    KedroSessionError,
    PipelineError,
    RunError,
    RunErrorReason,
    SessionErrorReason,
    StoreError,
    StoreErrorReason,
)
from core.resume import ResumePlan
from shell.cli.exit_codes import ExitCode, exit_code_for
from shell.console_logging import console
from shell.project.discovery import find_kedro_project

__all__ = [
    "CliState",
    "emit_json",
    "fail",
    "parse_params",
    "project_root",
    "stderr",
]

#: The console every message, record and the progress bar go through (stderr).
stderr = console


@dataclass(frozen=True, slots=True)
class CliState:
    """Options of the ``kedro-pure`` group, passed to every command."""

    verbose: bool
    quiet: bool
    project: Path | None
    #: the words after ``kedro-pure`` (empty when the group was invoked without them)
    argv: tuple[str, ...] = ()


def configure_logging(*, verbose: bool, quiet: bool) -> None:
    """The project's logging configuration (``KEDRO_LOGGING_CONFIG``, ``conf/logging.yml``)
    or kedro-pure's default; a bad file exits with the configuration code."""
    from shell.project.logging_config import configure_logging as configure

    configured = configure(verbose=verbose, quiet=quiet)
    if not is_successful(configured):
        fail(configured.failure(), verbose=verbose)


def _hint(error: KedroError, *, verbose: bool = False) -> str:
    if isinstance(error, PipelineError):
        # Kedro's own message may already suggest names: say it once.
        if error.suggestions and "Did you mean" not in error.message:
            return f"Did you mean: {', '.join(error.suggestions)}?"
        return "Check the names given to --nodes, --tags, --from-nodes, --to-nodes, --from-inputs, --to-outputs and --namespaces (see `kedro-pure registry describe`)."
    if isinstance(error, KedroSessionError) and error.reason is SessionErrorReason.UNKNOWN_PIPELINE:
        return "`kedro-pure registry list` shows the registered pipelines."
    if isinstance(error, RunError) and error.reason is RunErrorReason.INTERRUPTED:
        return "Finish the run with `kedro-pure run --resume` (only the nodes it did not complete run)."
    if isinstance(error, RunError) and error.reason is RunErrorReason.RESUME_REFUSED:
        return "`kedro-pure plan --only-changed` shows what changed; `kedro-pure run --only-changed` reruns it."
    if isinstance(error, RunError) and error.reason is RunErrorReason.INVALID_RUNNER:
        return "Use --runner SequentialRunner, ThreadRunner, ParallelRunner or DaskRunner, or a dotted path to a runner class."
    if isinstance(error, RunError) and error.reason is RunErrorReason.UNSATISFIED_INPUTS:
        return "Widen the selection to include the nodes that produce them, or save them with a catalog entry so a run can start from them."
    if isinstance(error, RunError):
        what = "the dataset's catalog entry or data" if error.reason is RunErrorReason.DATASET else "the failing node"
        resume = error.resume
        if isinstance(resume, ResumePlan) and not resume.nothing_ran:
            return (
                f"Fix {what}, then resume with:\n  kedro-pure run --resume\nor, as Kedro would:\n  "
                + resume_command(resume)
            )
        return f"Fix {what} and run again; no node completed, so nothing needs resuming."
    if isinstance(error, StoreError) and error.reason is StoreErrorReason.NOT_FOUND:
        return "`kedro-pure sessions list` shows the recorded sessions."
    if isinstance(error, ConfigError) and error.path:
        return _config_hint(error)
    if verbose:
        return "Fix the problem named above (the traceback shows where it arose) and run again."
    return "Fix the problem named above and run again (add --verbose for details)."


def _config_hint(error: ConfigError) -> str:
    where = Path(error.path)
    if error.reason is ConfigErrorReason.MISSING and error.message.startswith("Given configuration path"):
        # An unknown --env: name the environments that exist.
        parent = where.parent
        found = sorted(p.name for p in parent.iterdir() if p.is_dir() and p.name != "base") if parent.is_dir() else []
        if found:
            return f"Environments in {parent}: {', '.join(found)}. Pass one of them to --env (or create {where})."
    if error.reason is ConfigErrorReason.INVALID and "is not empty" in error.message:
        return "Choose a new or empty directory for the project, e.g. `kedro-pure new my-project`."
    return f"Fix {error.path} and run again."


def resume_command(plan: ResumePlan, argv: Sequence[str] | None = None) -> str:
    """The previous command line with ``--from-nodes`` replaced by the resume plan's."""
    args = list(sys.argv[1:] if argv is None else argv)
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "--from-nodes":
            skip = True
            continue
        if arg.startswith("--from-nodes="):
            continue
        kept.append(arg)
    return " ".join([shlex.join(["kedro-pure", *kept]), plan.from_nodes_argument])


def fail(error: KedroError, *, verbose: bool, as_json: bool = False, usage: bool = False) -> NoReturn:
    """Report ``error`` (one line plus a hint) and exit with its code.

    ``usage=True`` marks an error in the command line itself (a malformed option value):
    it exits with :attr:`ExitCode.USAGE` whatever the error's type, as click's own usage
    errors do, so a wrapper script can tell a typo in its call from a broken project.
    """
    code = ExitCode.USAGE if usage else exit_code_for(error)
    if as_json:
        emit_json({"status": "error", "exit_code": int(code), **error_record(error)})
    else:
        stderr.print(f"[bold red]Error:[/] {escape(error.message)}")
        hint = _hint(error, verbose=verbose)
        cause = _cause_of(error)
        # A run's hint ends with the resume command, ready to paste: nothing after it.
        if cause is not None and not verbose and "--verbose" not in hint and not isinstance(error, RunError):
            hint += " Add --verbose to see the traceback."
        if usage and not isinstance(error, RunError):
            hint = "Correct the option's value; `--help` after the command shows the syntax."
        # Some of Kedro's messages end with their own specific hint (unknown dataset types):
        # a generic second one would only distract from it.
        if "\nHint: " not in error.message:
            stderr.print(f"[dim]Hint:[/] {escape(hint)}")
        if verbose and cause is not None:
            import traceback

            stderr.print("".join(traceback.format_exception(cause)), markup=False, highlight=False)
    sys.exit(int(code))


def _cause_of(error: KedroError) -> BaseException | None:
    """The exception behind ``error`` (a node's, a project module's, a configuration file's),
    whose traceback ``--verbose`` shows."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, BaseException):
        # A RunError wrapping a dataset error: the dataset's own cause is the useful one.
        inner = getattr(cause, "__cause__", None)
        return inner if isinstance(cause, KedroError) and isinstance(inner, BaseException) else cause
    return error.__cause__


def error_record(error: KedroError) -> dict[str, object]:
    """A JSON-friendly description of a failure."""
    record: dict[str, object] = {
        "error": type(error).__name__,
        "reason": error.reason.value,
        "message": error.message,
    }
    if isinstance(error, RunError):
        record["node"] = error.node or None
        record["completed"] = list(error.completed)
        if isinstance(error.resume, ResumePlan):
            record["resume_from_nodes"] = list(error.resume.node_names)
    return record


def emit_json(payload: Mapping[str, object] | Sequence[object]) -> None:
    """Print ``payload`` as JSON on stdout (values that are not JSON become strings)."""
    click.echo(json.dumps(payload, indent=2, default=str))


def project_root(state: CliState) -> Path:
    """The project to work on: ``--project``, else the nearest one above the working
    directory; exits with the configuration code when there is none."""
    start = state.project or Path.cwd()
    found = find_kedro_project(start)
    if found is None:
        error = ConfigError(
            ConfigErrorReason.MISSING,
            f"No kedro-pure project found at or above {start} (a project has a pyproject.toml "
            "with a [tool.kedro] table).",
            path=str(start),
        )
        stderr.print(f"[bold red]Error:[/] {escape(error.message)}")
        stderr.print("[dim]Hint:[/] cd into a project, pass --project PATH, or create one with `kedro-pure new DIR`.")
        sys.exit(int(ExitCode.CONFIG))
    return found


def parse_params(option: str, value: str | Mapping[str, object] | None) -> Result[dict[str, object], ConfigError]:
    """Kedro's ``--params`` syntax: ``a=1,b.c=x`` with YAML typing and dotted keys nesting.

    A mapping (what a ``--config`` file gives) is used as it is, as Kedro does: its values
    may hold commas (lists, nested mappings) that the text syntax cannot.
    """
    if isinstance(value, Mapping):
        return Success({str(k): v for k, v in value.items()})
    items = split_params_items(option, value)
    if not is_successful(items):
        return Failure(items.failure())
    pairs = items.unwrap()
    if not pairs:
        return Success({})
    # OmegaConf is imported only when there are parameters to parse: it is the costliest
    # import of the command line, and `--help` or a plain `run` do not need it.
    import yaml
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    try:
        parsed = OmegaConf.to_container(OmegaConf.from_dotlist([f"{k}={v}" for k, v in pairs]))
    # Besides its own errors, from_dotlist lets YAML errors (`a=[`) and Value/TypeErrors of
    # its key walk (`a=[1],a.b=1`) escape: all are a malformed option value, not a crash.
    except (OmegaConfBaseException, yaml.YAMLError, ValueError, TypeError) as exc:
        reason = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
        return Failure(ConfigError(ConfigErrorReason.INVALID, f"Invalid value in `{option}`: {reason}"))
    if not isinstance(parsed, dict):
        return Failure(ConfigError(ConfigErrorReason.INVALID, f"Invalid value in `{option}`."))
    return Success({str(k): v for k, v in parsed.items()})
