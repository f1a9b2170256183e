"""``kedro-pure plan``: a dry run. Which nodes would run, in which groups, and why.

The plan is computed by the same functions a run uses (selection, then pruning for
``--only-missing-outputs`` over a catalog snapshot), so it never disagrees with ``run``.
Formats: ``text`` (default), ``json``, ``mermaid`` and ``dot`` (Graphviz), so the plan can be
looked at as a picture.
"""

from __future__ import annotations

from typing import Any

import click
from returns.pipeline import is_successful

from core.cli_args import split_load_versions
from core.errors import DatasetError, RunError, RunErrorReason
from core.incremental import ChangePlan
from core.incremental.keep_going import keep_nodes
from core.incremental.plan_cache import served_from_cache
from core.incremental.plan_text import change_plan_json, change_plan_text
from core.pipeline import Pipeline
from core.pruning import PruneReport, prune_missing_outputs
from shell.cli.common import CliState, emit_json, fail, project_root
from shell.cli.incremental_options import LAST_RUN, incremental_options, resumed_options
from shell.cli.plan_cache_lookup import plan_cache_probe, plan_key_options
from shell.cli.selection import parse_selection, selection_options

__all__ = ["plan_command", "render_change_plan", "render_plan"]


def _reasons(report: PruneReport | None, pipeline: Pipeline) -> dict[str, tuple[bool, str]]:
    if report is None:
        return {n.name: (True, "selected") for n in pipeline.nodes}
    return {
        d.node: (d.runs, d.reason.value)
        for d in (report.decision(n.name) for n in pipeline.nodes)
    }


def render_plan(pipeline: Pipeline, report: PruneReport | None, fmt: str) -> str | dict[str, object]:
    """The plan of ``pipeline`` (pruned by ``report`` when given) in format ``fmt``."""
    running = report.pipeline if report is not None else pipeline
    reasons = _reasons(report, pipeline)
    groups = [[n.name for n in layer] for layer in running.grouped_nodes]
    if fmt == "json":
        return {
            "groups": groups,
            "nodes": [
                {"name": name, "runs": runs, "reason": reason, "inputs": list(pipeline.graph.by_name[name].inputs),
                 "outputs": list(pipeline.graph.by_name[name].outputs)}
                for name, (runs, reason) in reasons.items()
            ],
            "inputs": sorted(running.inputs()),
            "outputs": sorted(running.outputs()),
        }
    if fmt in ("mermaid", "dot"):
        return _graph(pipeline, reasons, fmt)
    lines = [f"{len(running.nodes)} of {len(pipeline.nodes)} node(s) would run, in {len(groups)} group(s):"]
    for index, group in enumerate(groups, start=1):
        lines.append(f"  group {index}: {', '.join(group)}")
    skipped = [(name, reason) for name, (runs, reason) in reasons.items() if not runs]
    if report is not None:
        lines.append("Why:")
        lines.extend(f"  {name}: {'runs' if runs else 'skipped'} ({reason.replace('_', ' ')})" for name, (runs, reason) in reasons.items())
    elif skipped:
        lines.extend(f"  skipped {name}: {reason}" for name, reason in skipped)
    return "\n".join(lines)


def _quote(text: str) -> str:
    return text.replace('"', "'")


def _graph(pipeline: Pipeline, reasons: dict[str, tuple[bool, str]], fmt: str) -> str:
    ids = {n.name: f"n{i}" for i, n in enumerate(pipeline.nodes)}
    edges = sorted(
        (parent, child) for child, parents in pipeline.graph.parents.items() for parent in parents
    )
    if fmt == "mermaid":
        lines = ["flowchart TD"]
        for name, node_id in ids.items():
            runs, reason = reasons[name]
            lines.append(f'    {node_id}["{_quote(name)}"]:::{"run" if runs else "skip"}')
        lines.extend(f"    {ids[a]} --> {ids[b]}" for a, b in edges)
        lines.append("    classDef run fill:#d4f7d4,stroke:#2b8a3e")
        lines.append("    classDef skip fill:#eeeeee,stroke:#999999,color:#777777")
        return "\n".join(lines)
    lines = ["digraph plan {", "  rankdir=TB;", "  node [shape=box, style=filled];"]
    for name, node_id in ids.items():
        runs, reason = reasons[name]
        colour = "#d4f7d4" if runs else "#eeeeee"
        lines.append(f'  {node_id} [label="{_quote(name)}\\n{reason}", fillcolor="{colour}"];')
    lines.extend(f"  {ids[a]} -> {ids[b]};" for a, b in edges)
    lines.append("}")
    return "\n".join(lines)


def render_change_plan(pipeline: Pipeline | None, plan: ChangePlan, fmt: str) -> str | dict[str, object]:
    """The plan of an ``--only-changed`` run: every node, runs or skipped, and why.

    ``pipeline`` may be ``None`` for a plan that runs nothing (a cached one) in the text
    and JSON formats: there are no groups to compute.
    """
    groups: list[list[str]] = []
    if pipeline is not None:
        running = keep_nodes(pipeline, plan.to_run)
        groups = [[n.name for n in layer] for layer in running.grouped_nodes]
    if fmt == "json":
        return change_plan_json(plan, groups)
    if fmt in ("mermaid", "dot"):
        if pipeline is None:
            raise ValueError("a graph of the plan needs the pipeline")
        return _graph(pipeline, {d.node: (d.runs, d.explanation) for d in plan.decisions}, fmt)
    return change_plan_text(plan, groups)


@click.command("plan")
@selection_options
@incremental_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "mermaid", "dot"]), default="text",
              show_default=True, help="How to print the plan.")
@click.option("--json", "as_json", is_flag=True, default=False, help="Same as --format json.")
@click.option("--load-versions", "-lv", default="", help="Dataset versions to load: name:version,...")
@click.option("--resume", "resume", is_flag=False, flag_value=LAST_RUN, default=None, metavar="[RUN_ID]",
              help="Plan `run --resume [RUN_ID]`: the nodes the last failed or interrupted run (or RUN_ID) did not complete.")
@click.pass_obj
def plan_command(state: CliState, /, fmt: str, as_json: bool, only_changed: bool, code_scope: str,
                 no_plan_cache: bool, load_versions: str, resume: str | None, **options: Any) -> None:
    """Show which nodes a run would execute, in which groups, and why (nothing runs)."""
    fmt = "json" if as_json else fmt
    root = project_root(state)
    selection = parse_selection(options)
    if not is_successful(selection):
        fail(selection.failure(), verbose=state.verbose, as_json=fmt == "json", usage=True)
    versions = split_load_versions(load_versions)
    if not is_successful(versions):
        fail(versions.failure(), verbose=state.verbose, as_json=fmt == "json", usage=True)
    resumed = resumed_options(root, resume, selection.unwrap(), versions.unwrap())
    if not is_successful(resumed):
        fail(resumed.failure(), verbose=state.verbose, as_json=fmt == "json")
    chosen, arguments, chosen_versions, resume_id = resumed.unwrap()
    if only_changed and resume_id is None and not no_plan_cache and fmt in ("text", "json"):
        probe = plan_cache_probe(root, chosen, plan_key_options(arguments, chosen_versions, code_scope),
                                 state=state, command="plan", as_json=fmt == "json")
        if probe is not None and probe.hit is not None:
            _show(render_change_plan(None, served_from_cache(probe.hit.plan), fmt))
            return
    # Imported here, so `kedro-pure --help` (and every other command) starts without them.
    from shell.io.snapshot import snapshot_catalog
    from shell.session import KedroSession

    created = KedroSession.create(root, env=chosen.env, conf_source=chosen.conf_source,
                                  runtime_params=chosen.params or None, save_on_close=False)
    if not is_successful(created):
        fail(created.failure(), verbose=state.verbose, as_json=fmt == "json")
    session = created.unwrap()
    selected = session.select_pipeline(**arguments)
    if not is_successful(selected):
        fail(selected.failure(), verbose=state.verbose, as_json=fmt == "json")
    pipeline = selected.unwrap()
    if only_changed or resume_id is not None:
        planned = session.plan_changes(
            load_versions=chosen_versions,
            code_scope="module" if code_scope == "module" else "function",
            resume=resume_id,
            **arguments,
        )
        if not is_successful(planned):
            fail(planned.failure(), verbose=state.verbose, as_json=fmt == "json")
        _show(render_change_plan(pipeline, planned.unwrap(), fmt))
        return
    report: PruneReport | None = None
    if chosen.only_missing_outputs:
        context = session.load_context_result()
        if not is_successful(context):
            fail(context.failure(), verbose=state.verbose, as_json=fmt == "json")
        catalog = context.unwrap().load_catalog()
        if not is_successful(catalog):
            fail(catalog.failure(), verbose=state.verbose, as_json=fmt == "json")
        snapshot = snapshot_catalog(catalog.unwrap(), pipeline)
        if not is_successful(snapshot):
            error: DatasetError = snapshot.failure()
            fail(RunError(RunErrorReason.DATASET, error.message, cause=error), verbose=state.verbose)
        report = prune_missing_outputs(pipeline, snapshot.unwrap())
    _show(render_plan(pipeline, report, fmt))


def _show(rendered: str | dict[str, object]) -> None:
    if isinstance(rendered, dict):
        emit_json(rendered)
    else:
        click.echo(rendered)
