"""``kedro-pure run``: Kedro's ``kedro run`` options, a progress bar, a summary, exit codes.

The options shared with ``plan`` are in :mod:`.selection` and :mod:`.incremental_options`,
the runner's in :mod:`.runner_choice`, ``--config`` in :mod:`.run_config_file`, the plan
cache lookup in :mod:`.plan_cache_lookup` and the progress bar and summary in :mod:`.run_report`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from returns.pipeline import is_successful

from core.cli_args import split_load_versions
from core.errors import RunError, RunErrorReason
from shell.cli.common import CliState, emit_json, error_record, fail, project_root, stderr
from shell.cli.exit_codes import exit_code_for
from shell.cli.incremental_options import (
    LAST_RUN,
    incremental_conflict,
    incremental_options,
    resumed_options,
)
from shell.cli.plan_cache_lookup import plan_cache_probe, plan_key_options, serve_cached_run
from shell.cli.run_config_file import load_config_defaults
from shell.cli.run_report import ProgressView, summary_line
from shell.cli.runner_choice import RUNNERS, build_runner
from shell.cli.selection import Selection, parse_selection, selection_options
from shell.project.bootstrap import bootstrap_project

# The session, the runners, PyYAML and rich's progress bar are imported by the commands that
# use them, so `kedro-pure --help` (and every other command) starts without them.
if TYPE_CHECKING:
    from shell.incremental.plan_cache import CacheProbe

__all__ = [
    "LAST_RUN",
    "RUNNERS",
    "ProgressView",
    "Selection",
    "build_runner",
    "incremental_options",
    "parse_selection",
    "plan_cache_probe",
    "plan_key_options",
    "resumed_options",
    "run_command",
    "selection_options",
]


@click.command("run")
@selection_options
@click.option("--runner", "-r", default=None, help="SequentialRunner, ThreadRunner, ParallelRunner, DaskRunner, or a dotted path.")
@click.option("--async", "is_async", is_flag=True, default=False, help="Load and save node data asynchronously.")
@click.option("--runner-params", type=click.UNPROCESSED, default="", help="Runner constructor arguments: key=value,... (e.g. max_workers=4).")
@click.option("--load-versions", "-lv", default="", help="Dataset versions to load: name:version,...")
@click.option("--config", "-c", default=None, callback=load_config_defaults, is_eager=True, expose_value=False,
              help="A YAML file whose 'run:' section gives defaults for these options.")
@click.option("--json", "as_json", is_flag=True, default=False, help="Print a JSON summary on stdout.")
@incremental_options
@click.option("--resume", "resume", is_flag=False, flag_value=LAST_RUN, default=None, metavar="[RUN_ID]",
              help="Continue the last failed or interrupted run (or RUN_ID): only the nodes it did not complete, with its options.")
@click.option("--keep-going", is_flag=True, default=False,
              help="After a node fails, keep running every node that does not depend on a failed one.")
@click.option("--node-timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Stop a node running longer than this (a node's timeout-SECONDS tag overrides it).")
@click.pass_obj
def run_command(state: CliState, /, as_json: bool, runner: str | None, is_async: bool, runner_params: str | Mapping[str, object],
                load_versions: str, only_changed: bool, code_scope: str, no_plan_cache: bool, resume: str | None,
                keep_going: bool, node_timeout: float | None, **options: Any) -> None:
    """Run the project's pipelines (Kedro's `kedro run`)."""
    root = project_root(state)
    selection = parse_selection(options)
    if not is_successful(selection):
        fail(selection.failure(), verbose=state.verbose, as_json=as_json, usage=True)
    chosen = selection.unwrap()
    versions = split_load_versions(load_versions)
    if not is_successful(versions):
        fail(versions.failure(), verbose=state.verbose, as_json=as_json, usage=True)
    conflict = incremental_conflict(only_changed=only_changed, resume=resume is not None,
                                     only_missing=chosen.only_missing_outputs)
    if conflict is not None:
        fail(conflict, verbose=state.verbose, as_json=as_json, usage=True)
    resumed = resumed_options(root, resume, chosen, versions.unwrap())
    if not is_successful(resumed):
        fail(resumed.failure(), verbose=state.verbose, as_json=as_json)
    chosen, run_arguments, chosen_versions, resume_id = resumed.unwrap()
    probe: CacheProbe | None = None
    # A plain run observes the key too: at its end it caches the next --only-changed run's
    # plan when that would run nothing (under 1% of the run; --no-plan-cache skips it).
    if not no_plan_cache and resume_id is None and not chosen.only_missing_outputs:
        key_options = plan_key_options(run_arguments, chosen_versions, code_scope, runner, runner_params, is_async)
        probe = plan_cache_probe(
            root, chosen, key_options, state=state, command="run", as_json=as_json, lookup=only_changed
        )
        if only_changed and probe is not None and probe.hit is not None:
            serve_cached_run(state, root, probe, chosen, as_json=as_json)
            return
    from shell.session import KedroSession

    # Kedro bootstraps the project before it builds the runner, so `--runner my_pkg.MyRunner`
    # can name a class inside the project's own package.
    booted = bootstrap_project(root)
    if not is_successful(booted):
        fail(booted.failure(), verbose=state.verbose, as_json=as_json)
    view = ProgressView(show_bar=stderr.is_terminal and not state.quiet and not as_json)
    built = build_runner(runner, runner_params, is_async, view)
    if not is_successful(built):
        fail(built.failure(), verbose=state.verbose, as_json=as_json, usage=True)
    if node_timeout is not None:
        built.unwrap().node_timeout = node_timeout
    created = KedroSession.create(root, env=chosen.env, conf_source=chosen.conf_source, runtime_params=chosen.params or None)
    if not is_successful(created):
        fail(created.failure(), verbose=state.verbose, as_json=as_json)
    began = time.perf_counter()
    if probe is not None and Path(created.unwrap().conf_source).resolve() != probe.request.conf_source:
        probe = None  # settings.py names another configuration folder than the probe read
    with created.unwrap() as session, view:
        outcome = session.run(
            runner=built.unwrap(),
            load_versions=chosen_versions,
            only_missing_outputs=chosen.only_missing_outputs,
            only_changed=only_changed,
            resume=resume_id,
            keep_going=keep_going,
            code_scope="module" if code_scope == "module" else "function",
            plan_cache=probe,
            **run_arguments,
        )
    seconds = time.perf_counter() - began
    summary = {
        "nodes_run": view.completed,
        "skipped": view.skipped,
        "failed": view.failed,
        "seconds": round(seconds, 3),
        "session_id": session.session_id,
        "from_cache": False,
    }
    if not is_successful(outcome):
        if not as_json and not state.quiet and isinstance(outcome.failure(), RunError):
            stderr.print(summary_line(summary, failed=True, interrupted=outcome.failure().reason is RunErrorReason.INTERRUPTED))
        if as_json:
            code = exit_code_for(outcome.failure())
            emit_json({"status": "failed", "exit_code": int(code), **summary, **error_record(outcome.failure())})
            raise SystemExit(int(code))
        fail(outcome.failure(), verbose=state.verbose)
    outputs = sorted(outcome.unwrap())
    if as_json:
        emit_json({"status": "success", "exit_code": 0, **summary, "outputs": outputs})
    elif not state.quiet:
        stderr.print(summary_line(summary, failed=False))
