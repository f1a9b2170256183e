"""Listing commands: ``registry``, ``catalog`` and ``sessions`` (each with ``--json``)."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click
from returns.pipeline import is_successful

from core.catalog.resolution import EntrySource
from core.errors import KedroError
from core.redaction import redact_dataset_config
from core.store_records import RunOutcome
from shell.api import to_result
from shell.cli.common import CliState, emit_json, fail, project_root

# The session, the session history (sqlite3) and rich's tables are imported by the commands
# that use them, so `kedro-pure --help` starts without them.
if TYPE_CHECKING:
    from shell.session import KedroSession

__all__ = ["catalog_group", "registry_group", "sessions_group"]



def _console() -> object:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def _session(state: CliState, as_json: bool) -> KedroSession:
    from shell.session import KedroSession

    created = KedroSession.create(project_root(state), save_on_close=False)
    if not is_successful(created):
        fail(created.failure(), verbose=state.verbose, as_json=as_json)
    return created.unwrap()


def _or_fail(error: KedroError, state: CliState, as_json: bool) -> None:
    fail(error, verbose=state.verbose, as_json=as_json)


# -- registry ------------------------------------------------------------------------------


@click.group("registry")
def registry_group() -> None:
    """The project's registered pipelines."""


@registry_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@click.pass_obj
def registry_list(state: CliState, as_json: bool) -> None:
    """List the registered pipelines with their sizes."""
    pipelines = _session(state, as_json).registered_pipelines()
    if not is_successful(pipelines):
        _or_fail(pipelines.failure(), state, as_json)
    rows = [{"name": name, "nodes": len(p.nodes)} for name, p in sorted(pipelines.unwrap().items())]
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table

    table = Table("pipeline", "nodes")
    for row in rows:
        table.add_row(str(row["name"]), str(row["nodes"]))
    _console().print(table)  # type: ignore[attr-defined]


@registry_group.command("describe")
@click.argument("name", default="__default__")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@click.pass_obj
def registry_describe(state: CliState, name: str, as_json: bool) -> None:
    """Describe one pipeline: its nodes in execution order, free inputs and outputs."""
    selected = _session(state, as_json).select_pipeline(pipeline_names=[name])
    if not is_successful(selected):
        _or_fail(selected.failure(), state, as_json)
    p = selected.unwrap()
    if as_json:
        emit_json(
            {
                "name": name,
                "nodes": [
                    {"name": n.name, "inputs": list(n.inputs), "outputs": list(n.outputs),
                     "tags": sorted(n.tags), "namespace": n.namespace}
                    for n in p.nodes
                ],
                "groups": [[n.name for n in layer] for layer in p.grouped_nodes],
                "inputs": sorted(p.inputs()),
                "outputs": sorted(p.outputs()),
            }
        )
        return
    click.echo(p.describe(names_only=False))


# -- catalog -------------------------------------------------------------------------------


@click.group("catalog")
def catalog_group() -> None:
    """The datasets a pipeline uses, and where their definitions come from."""


def _catalog_rows(state: CliState, pipelines: str, as_json: bool) -> list[dict[str, object]]:
    session = _session(state, as_json)
    names = [n for n in pipelines.split(",") if n] or None
    selected = session.select_pipeline(pipeline_names=names)
    if not is_successful(selected):
        _or_fail(selected.failure(), state, as_json)
    context = session.load_context_result()
    if not is_successful(context):
        _or_fail(context.failure(), state, as_json)
    catalog = context.unwrap().load_catalog()
    if not is_successful(catalog):
        _or_fail(catalog.failure(), state, as_json)
    cat = catalog.unwrap()
    rows: list[dict[str, object]] = []
    for dataset in sorted(selected.unwrap().datasets()):
        if dataset == "parameters" or dataset.startswith("params:"):
            rows.append({"name": dataset, "source": "parameters", "type": "MemoryDataset", "config": None})
            continue
        resolution = cat.resolve_config(dataset)
        if resolution is None:
            rows.append({"name": dataset, "source": "default (memory)", "type": "MemoryDataset", "config": None})
            continue
        # Credentials blocks and URL credentials never leave this function (core.redaction).
        config = redact_dataset_config(dataset, resolution.config)
        source = resolution.source
        label = source.value
        if source is EntrySource.PATTERN or source is EntrySource.CATCH_ALL:
            label = f"{label} {resolution.pattern}"
        dataset_type = config.get("type")
        rows.append({"name": dataset, "source": label, "type": dataset_type, "config": config})
    return rows


@catalog_group.command("list")
@click.option("--pipelines", default="", help="Pipelines to look at (default: __default__).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@click.pass_obj
def catalog_list(state: CliState, pipelines: str, as_json: bool) -> None:
    """List the datasets the pipelines use: type and where the definition comes from."""
    rows = _catalog_rows(state, pipelines, as_json)
    if as_json:
        emit_json([{k: v for k, v in row.items() if k != "config"} for row in rows])
        return
    from rich.table import Table

    table = Table("dataset", "type", "defined by")
    for row in rows:
        table.add_row(str(row["name"]), str(row["type"]), str(row["source"]))
    _console().print(table)  # type: ignore[attr-defined]


@catalog_group.command("resolve")
@click.option("--pipelines", default="", help="Pipelines to look at (default: __default__).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@click.pass_obj
def catalog_resolve(state: CliState, pipelines: str, as_json: bool) -> None:
    """Print the resolved configuration of every dataset (patterns filled in)."""
    rows = _catalog_rows(state, pipelines, as_json)
    resolved = {str(row["name"]): row["config"] for row in rows if row["config"] is not None}
    if as_json:
        emit_json(resolved)
        return
    import yaml

    click.echo(yaml.safe_dump(resolved, sort_keys=True, default_flow_style=False).rstrip())


# -- sessions ------------------------------------------------------------------------------


@click.group("sessions")
def sessions_group() -> None:
    """Past sessions and their runs, from the project's session store."""


def _store_path(state: CliState) -> Path:
    """The project's store, after marking ``crashed`` the runs whose process is gone (a
    store that cannot be written here is still listed: the listing reports its error)."""
    from shell.store.crashed_runs import reap_crashed_runs

    path = project_root(state) / "sessions"
    reap_crashed_runs(path)
    return path


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@sessions_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@click.pass_obj
def sessions_list(state: CliState, as_json: bool) -> None:
    """List recorded sessions (oldest first) with their runs' outcomes."""
    from shell.store.history import list_sessions

    listed = to_result(list_sessions(_store_path(state)))
    if not is_successful(listed):
        _or_fail(listed.failure(), state, as_json)
    sessions = listed.unwrap()
    if as_json:
        emit_json(
            [
                {"session_id": s.session_id, "env": s.env, "username": s.username,
                 "runs": [{"run_id": r.run_id, "outcome": r.outcome.value, "error": r.error}
                          for r in s.runs]}
                for s in sessions
            ]
        )
        return
    from rich.table import Table

    table = Table("session", "env", "runs", "last outcome")
    for s in sessions:
        last = s.runs[-1].outcome.value if s.runs else "-"
        table.add_row(s.session_id, str(s.env or "-"), str(len(s.runs)), last)
    _console().print(table)  # type: ignore[attr-defined]
    # A crashed run says which process ran it and when it was last seen; printed unwrapped
    # below the table (a table cell would fold the long text).
    for s in sessions:
        for r in s.runs:
            if r.outcome is RunOutcome.CRASHED:
                click.echo(f"run {r.run_id} of session {s.session_id} crashed: {r.error or '-'}")


@sessions_group.command("show")
@click.argument("session_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@click.pass_obj
def sessions_show(state: CliState, session_id: str, as_json: bool) -> None:
    """Show a recorded session (or the session of run SESSION_ID) with every run's
    parameters, outcome, error and per-node journal (status, duration, why it ran)."""
    from shell.store.history import get_session, list_sessions

    path = _store_path(state)
    found = to_result(get_session(path, session_id))
    only_run: str | None = None
    if not is_successful(found):
        # Not a session id: maybe the id of a run (a RunMode.MULTI session has many).
        listed = to_result(list_sessions(path))
        owner = next(
            (s for s in (listed.unwrap() if is_successful(listed) else ()) if any(r.run_id == session_id for r in s.runs)),
            None,
        )
        if owner is None:
            _or_fail(found.failure(), state, as_json)
        else:
            found, only_run = to_result(get_session(path, owner.session_id)), session_id
    record = _plain(found.unwrap())
    assert isinstance(record, dict)  # a StoredSession is a dataclass
    runs = [run for run in record.get("runs", []) if only_run is None or run.get("run_id") == only_run]
    for run in runs:
        run["nodes"] = _journal_nodes(path, str(run.get("run_id")))
    record["runs"] = runs
    if as_json:
        emit_json(record)
        return
    import yaml

    journals = {str(run.get("run_id")): run.pop("nodes") for run in runs}
    click.echo(yaml.safe_dump(record, sort_keys=False, default_flow_style=False).rstrip())
    for run_id, nodes in journals.items():
        if nodes:
            click.echo(f"journal of run {run_id}:")
            click.echo(_journal_table(nodes))


def _journal_table(nodes: list[dict[str, object]]) -> str:
    """One line per node: name, status, duration, why it ran (or was skipped)."""
    width = max(len(str(n["node"])) for n in nodes)
    lines = []
    for n in nodes:
        duration = n["duration"]
        shown = f"{duration:.3f} s" if isinstance(duration, float) else "-"
        why = str(n["reason"] or "")
        if n["error"]:
            why = f"{why} [{n['error']}]" if why else f"[{n['error']}]"
        lines.append(f"  {n['node']!s:<{width}}  {n['status']!s:<11}  {shown:>9}  {why}")
    return "\n".join(lines)


def _journal_nodes(path: Path, run_id: str) -> list[dict[str, object]]:
    """The run's per-node journal (empty when the store keeps none or it cannot be read)."""
    from core.incremental.journal import node_outcomes
    from shell.store.journal import SQLiteJournal
    from shell.store.sqlite import DEFAULT_BUSY_TIMEOUT, store_file

    entries = SQLiteJournal(store_file(path), DEFAULT_BUSY_TIMEOUT).run_entries(run_id)
    if not is_successful(entries):
        return []
    return [outcome.to_json() for outcome in node_outcomes(entries.unwrap())]
