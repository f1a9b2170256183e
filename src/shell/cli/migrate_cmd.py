"""``kedro-pure migrate [PROJECT]``: rewrite a Kedro project to kedro-pure-native imports.

Without options it prints the unified diff and changes nothing. ``--check`` prints the diff and
exits 1 when there are changes to make (for CI); ``--write`` applies them, refusing files with
uncommitted git changes unless ``--force``. Running it again after ``--write`` changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from shell.cli.common import CliState, fail, stderr

__all__ = ["migrate_command"]


@click.command("migrate")
@click.argument("project_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Exit 1 when there are changes to make (for CI); write nothing.")
@click.option("--write", is_flag=True, help="Apply the changes.")
@click.option("--force", is_flag=True, help="With --write: also rewrite files with uncommitted git changes.")
@click.pass_obj
def migrate_command(state: CliState, project_dir: Path | None, check: bool, write: bool, force: bool) -> None:
    """Rewrite PROJECT (default: this one) from Kedro's imports to kedro-pure's; print the diff."""
    from returns.result import Failure

    from shell.cli.exit_codes import ExitCode
    from shell.migrate import apply_plan, plan_migration
    from shell.project import find_kedro_project

    if check and write:
        raise click.UsageError("--check and --write cannot be used together.")
    start = project_dir or state.project or Path.cwd()
    root = find_kedro_project(start) or start
    planned = plan_migration(root)
    if isinstance(planned, Failure):
        fail(planned.failure(), verbose=state.verbose)
    plan = planned.unwrap()
    if write:
        written = apply_plan(plan, force=force)
        if isinstance(written, Failure):
            fail(written.failure(), verbose=state.verbose)
    sys.stdout.write(plan.diff())
    if not state.quiet:
        for relative, names in plan.untouched_kedro + tuple(
            (c.relative, c.kept_kedro_imports) for c in plan.changes if c.kept_kedro_imports
        ):
            stderr.print(f"[yellow]Kept:[/] {relative} still imports {', '.join(names)} (no kedro-pure counterpart).")
        count = len(plan.changes)
        if not count:
            stderr.print("Nothing to migrate: the project already uses kedro-pure's imports.")
        elif write:
            stderr.print(f"[bold green]Migrated[/] {count} file(s).")
        else:
            stderr.print(f"{count} file(s) would change; run 'kedro-pure migrate --write' to apply.")
    if check and plan.changes:
        sys.exit(int(ExitCode.INTERNAL))  # 1: changes pending, as formatters' --check do
