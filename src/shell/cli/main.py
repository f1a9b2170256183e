"""The ``kedro-pure`` command: ``run``, ``plan``, ``new``, ``registry``, ``catalog``, ``sessions``,
``inspect``.

``main(argv)`` returns the exit code (see :mod:`shell.cli.exit_codes`); the console script
exits with it. Ctrl-C outside a run exits with 130; inside a run the session records the run
as interrupted first.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

import click
from returns.pipeline import is_successful

from core._version import __version__
from shell import interrupts
from shell.cli.common import CliState, configure_logging, fail, stderr
from shell.cli.exit_codes import ExitCode
from shell.secrets import ScrubbingStream

__all__ = ["cli", "main"]


#: Each command's module and attribute: a command's module (and what it imports) loads only
#: when that command runs or ``--help`` lists it, so ``kedro-pure run`` does not pay for the
#: server, the migrator or the catalog listings.
_COMMANDS = {
    "run": ("shell.cli.run_cmd", "run_command"),
    "plan": ("shell.cli.plan_cmd", "plan_command"),
    "registry": ("shell.cli.listings", "registry_group"),
    "catalog": ("shell.cli.listings", "catalog_group"),
    "sessions": ("shell.cli.listings", "sessions_group"),
    "server": ("shell.server.cli", "server_group"),
    "inspect": ("shell.cli.inspect_cmd", "inspect_command"),
    "migrate": ("shell.cli.migrate_cmd", "migrate_command"),
}


class LazyGroup(click.Group):
    """A group whose commands (``_COMMANDS``) are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        known = super().get_command(ctx, cmd_name)
        if known is not None or cmd_name not in _COMMANDS:
            return known
        module_name, attribute = _COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}.{attribute} is not a click command")
        if cmd_name == "catalog":
            _add_catalog_commands(command)
        self.add_command(command, cmd_name)
        return command


def _add_catalog_commands(group: click.Command) -> None:
    """Kedro's catalog commands, beside kedro-pure's ``catalog list`` and ``catalog resolve``."""
    from shell.cli.catalog_cmds import (
        describe_datasets_command,
        list_patterns_command,
        resolve_patterns_command,
        validate_command,
    )

    if isinstance(group, click.Group):
        for command in (describe_datasets_command, list_patterns_command, resolve_patterns_command, validate_command):
            group.add_command(command)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kedro-pure")
@click.option("--project", "-P", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The project directory (default: the nearest project above the working directory).")
@click.option("--verbose", "-v", is_flag=True, help="Show INFO logs and tracebacks.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no summary; errors only.")
@click.pass_context
def cli(ctx: click.Context, project: Path | None, verbose: bool, quiet: bool) -> None:
    """kedro-pure: Kedro 1.7's pipelines, runners and sessions, with errors as values."""
    configure_logging(verbose=verbose, quiet=quiet)
    argv = tuple(str(word) for word in ctx.obj) if isinstance(ctx.obj, tuple) else ()
    ctx.obj = CliState(verbose=verbose, quiet=quiet, project=project, argv=argv)


@cli.command("new")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", "project_name", default=None, help="Human-readable project name (default: the folder name).")
@click.option("--package", "package_name", default=None, help="Python package name (default: derived from the name).")
@click.pass_obj
def new_command(state: CliState, directory: Path, project_name: str | None, package_name: str | None) -> None:
    """Create a new project in DIRECTORY that runs as soon as it is created."""
    from shell.scaffold import scaffold_project

    created = scaffold_project(directory, project_name=project_name or directory.resolve().name, package_name=package_name)
    if not is_successful(created):
        fail(created.failure(), verbose=state.verbose)
    if not state.quiet:
        stderr.print(f"[bold green]Created[/] {created.unwrap()}")
        stderr.print(f"Run it with:  cd {directory} && kedro-pure run")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``) and return the exit code.

    Everything the command prints goes through :class:`shell.secrets.ScrubbingStream`: no
    credential value reaches the terminal or a pipe, whoever prints it.
    """
    streams = sys.stdout, sys.stderr
    sys.stdout = ScrubbingStream(streams[0])
    sys.stderr = ScrubbingStream(streams[1])
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = streams


def _main(argv: Sequence[str] | None) -> int:
    # SIGINT and SIGTERM both stop a run cleanly (shell.interrupts), whatever handler the
    # parent left (a shell starts background jobs with SIGINT ignored).
    interrupts.install(settle_on_outcome=True)
    try:
        args = list(argv) if argv is not None else sys.argv[1:]
        # The words as typed reach the commands (the plan cache remembers them).
        cli.main(args=args, prog_name="kedro-pure", standalone_mode=False, obj=tuple(args))
    except click.exceptions.Abort as exc:  # click's form of a KeyboardInterrupt
        return _interrupted(exc.__cause__)
    except click.ClickException as exc:
        exc.show()
        return int(ExitCode.USAGE) if isinstance(exc, click.UsageError) else exc.exit_code
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        interrupts.reset()
    return int(ExitCode.OK)


def _interrupted(cause: BaseException | None) -> int:
    """Report a stop outside a run (nothing was recorded): 130 for SIGINT, 143 for SIGTERM."""
    terminated = isinstance(cause, interrupts.Terminated)
    stderr.print("[bold red]Terminated.[/]" if terminated else "[bold red]Interrupted.[/]")
    return int(ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED)


if __name__ == "__main__":
    sys.exit(main())
