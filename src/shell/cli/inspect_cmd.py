"""``kedro-pure inspect``: the project snapshot of :func:`shell.inspection.get_project_snapshot`.

``--json`` prints ``ProjectSnapshot.model_dump(mode="json")`` (it validates against
``ProjectSnapshot.model_json_schema()``; ``--schema`` prints that schema). Without it, a short
human summary. Nothing runs and no data is read.
"""

from __future__ import annotations

import json

import click
from returns.pipeline import is_successful

from shell.cli.common import CliState, fail, parse_params, project_root

__all__ = ["inspect_command"]


@click.command("inspect")
@click.option("--env", "-e", default=None, help="Configuration environment (default: the loader's, 'local').")
@click.option("--conf-source", default=None, help="The configuration folder (default: <project>/conf).")
@click.option("--params", default="", help="Runtime parameters for ${runtime_params:...}: key=value,a.b=1.")
@click.option("--json", "as_json", is_flag=True, help="Print the snapshot as JSON on stdout.")
@click.option("--schema", is_flag=True, help="Print the snapshot's JSON schema and exit.")
@click.pass_obj
def inspect_command(state: CliState, env: str | None, conf_source: str | None, params: str, as_json: bool, schema: bool) -> None:
    """A read-only snapshot of the project: pipelines, nodes, datasets, parameter keys."""
    from core.inspection import ProjectSnapshot
    from shell.inspection import get_project_snapshot

    if schema:
        click.echo(json.dumps(ProjectSnapshot.model_json_schema(), indent=2))
        return
    runtime = parse_params("params", params)
    if not is_successful(runtime):
        fail(runtime.failure(), verbose=state.verbose, as_json=as_json, usage=True)
    taken = get_project_snapshot(
        project_root(state), env=env or None, conf_source=conf_source, runtime_params=runtime.unwrap() or None
    )
    if not is_successful(taken):
        fail(taken.failure(), verbose=state.verbose, as_json=as_json)
    snapshot = taken.unwrap()
    if as_json:
        click.echo(snapshot.model_dump_json(indent=2))
        return
    meta = snapshot.metadata
    click.echo(f"{meta.project_name} (package {meta.package_name}, Kedro {meta.kedro_version or 'unknown'})")
    click.echo("\nPipelines:")
    for p in snapshot.pipelines:
        click.echo(f"  {p.name}: {len(p.nodes)} nodes, {len(p.inputs)} inputs, {len(p.outputs)} outputs")
    click.echo("\nDatasets:")
    for name, dataset in sorted(snapshot.datasets.items()):
        where = f"  {dataset.filepath}" if dataset.filepath else ""
        click.echo(f"  {name}: {dataset.type or '-'}{where}")
    click.echo("\nParameters: " + (", ".join(snapshot.parameters) or "none"))
