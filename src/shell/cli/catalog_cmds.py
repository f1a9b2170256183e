"""Kedro 1.7's catalog commands: ``catalog describe-datasets``, ``list-patterns`` and
``resolve-patterns`` (YAML as Kedro prints it, or ``--json``).

They build a fresh context and catalog as ``kedro catalog ...`` does, and never build a
dataset: types come from ``DataCatalog.get_type`` and configurations from the catalog's
configuration. Every configuration printed goes through :func:`core.redaction.redact_dataset_config`
(credentials blocks become ``<dataset>_credentials``, URL credentials and queries are redacted).

Deliberate differences from Kedro 1.7: names within each type group are sorted (Kedro lists them
in set order), and ``resolve-patterns`` shows explicit entries as configured (Kedro describes
them through each dataset's constructor, building every dataset first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import click
from returns.pipeline import is_successful

from core.catalog.frozen_config import thaw_mapping
from core.catalog.parameters import is_parameter
from core.redaction import redact_dataset_config
from shell.cli.common import CliState, emit_json, fail, project_root

if TYPE_CHECKING:
    from core.pipeline import Pipeline
    from shell.io.catalog import DataCatalog

__all__ = ["describe_datasets_command", "list_patterns_command", "resolve_patterns_command", "validate_command"]

_PIPELINE_HELP = "Pipelines to look at, comma-separated (default: every registered pipeline)."
_DEFAULT_TYPE = "kedro.io.MemoryDataset"


def _emit(payload: Mapping[str, object] | list[str], as_json: bool) -> None:
    if as_json:
        emit_json(payload)
        return
    import yaml

    click.echo(yaml.safe_dump(payload, default_flow_style=False, sort_keys=False).rstrip())


def _load(state: CliState, env: str | None, pipeline: str, as_json: bool) -> tuple[dict[str, Pipeline], DataCatalog]:
    from shell.session import KedroSession

    created = KedroSession.create(project_root(state), save_on_close=False, env=env or None)
    if not is_successful(created):
        fail(created.failure(), verbose=state.verbose, as_json=as_json)
    session = created.unwrap()
    registered = session.registered_pipelines()
    if not is_successful(registered):
        fail(registered.failure(), verbose=state.verbose, as_json=as_json)
    wanted = [n.strip() for n in pipeline.split(",") if n.strip()]
    chosen: dict[str, Pipeline] = {}
    if wanted:
        for name in wanted:
            selected = session.select_pipeline(pipeline_names=[name])
            if not is_successful(selected):
                fail(selected.failure(), verbose=state.verbose, as_json=as_json)
            chosen[name] = selected.unwrap()
    else:
        chosen = dict(registered.unwrap())
    context = session.load_context_result()
    if not is_successful(context):
        fail(context.failure(), verbose=state.verbose, as_json=as_json)
    catalog = context.unwrap().load_catalog()
    if not is_successful(catalog):
        fail(catalog.failure(), verbose=state.verbose, as_json=as_json)
    return chosen, catalog.unwrap()


def _by_type(names: set[str], catalog: DataCatalog, state: CliState, as_json: bool) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name in sorted(names):
        if is_parameter(name):
            continue
        typed = catalog.get_type(name)
        if not is_successful(typed):
            fail(typed.failure(), verbose=state.verbose, as_json=as_json)
        grouped.setdefault(typed.unwrap() or _DEFAULT_TYPE, []).append(name)
    return grouped


def describe_datasets(pipelines: Mapping[str, Pipeline], catalog: DataCatalog) -> dict[str, dict[str, set[str]]]:
    """Kedro's grouping of each pipeline's datasets: ``datasets`` (declared in the catalog),
    ``factories`` (matching a pattern that is not the catch-all) and ``defaults`` (the rest,
    the catch-all's names included)."""
    resolver = catalog.config_resolver
    declared = set(catalog.keys())
    described: dict[str, dict[str, set[str]]] = {}
    for name, p in pipelines.items():
        used = set(p.datasets())
        undeclared = used - declared
        factories = {d for d in undeclared if resolver.match_dataset_pattern(d)}
        described[name] = {
            "datasets": used - undeclared,
            "factories": factories,
            "defaults": undeclared - factories,
        }
    return described


@click.command("describe-datasets")
@click.option("--env", "-e", default=None, help="Configuration environment.")
@click.option("--pipeline", "-p", default="", help=_PIPELINE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@click.pass_obj
def describe_datasets_command(state: CliState, env: str | None, pipeline: str, as_json: bool) -> None:
    """Datasets of each pipeline by type: declared, from factory patterns, defaults."""
    chosen, catalog = _load(state, env, pipeline, as_json)
    payload = {
        name: {group: _by_type(names, catalog, state, as_json) for group, names in groups.items()}
        for name, groups in describe_datasets(chosen, catalog).items()
    }
    _emit(payload, as_json)


@click.command("list-patterns")
@click.option("--env", "-e", default=None, help="Configuration environment.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@click.pass_obj
def list_patterns_command(state: CliState, env: str | None, as_json: bool) -> None:
    """The dataset factory patterns, in the order they are matched."""
    _, catalog = _load(state, env, "", as_json)
    _emit(catalog.config_resolver.list_patterns(), as_json)


@click.command("resolve-patterns")
@click.option("--env", "-e", default=None, help="Configuration environment.")
@click.option("--pipeline", "-p", default="", help=_PIPELINE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@click.pass_obj
def resolve_patterns_command(state: CliState, env: str | None, pipeline: str, as_json: bool) -> None:
    """Every catalog entry, and each pipeline dataset resolved through the patterns."""
    chosen, catalog = _load(state, env, pipeline, as_json)
    resolver = catalog.config_resolver
    resolved: dict[str, object] = {}
    for name in list(catalog):
        if is_parameter(name):
            continue
        resolution = catalog.resolve_config(name)
        config = thaw_mapping(resolution.config) if resolution is not None else catalog._built_from.get(name)
        if config is not None:
            resolved[name] = redact_dataset_config(name, config)
    for name in sorted({d for p in chosen.values() for d in p.datasets()}):
        if name in resolved or is_parameter(name):
            continue
        resolved[name] = redact_dataset_config(name, resolver.resolve_pattern(name))
    _emit(resolved, as_json)


@click.command("validate")
@click.option("--env", "-e", default=None, help="Configuration environment.")
@click.option("--dataset", "-d", "datasets", multiple=True, help="Datasets to validate (default: every one declaring a validator).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@click.pass_obj
def validate_command(state: CliState, env: str | None, datasets: tuple[str, ...], as_json: bool) -> None:
    """Load each dataset declaring a validator and validate it; exit 0 only when none failed
    or errored (5 otherwise)."""
    import sys

    from core.validation import ValidationStatus
    from shell.cli.exit_codes import ExitCode
    from shell.validation_api import validate_catalog

    _, catalog = _load(state, env, "", as_json)
    results = validate_catalog(catalog, list(datasets) or None)
    bad = [r for r in results.values() if r.status in (ValidationStatus.FAILED, ValidationStatus.ERRORED)]
    if as_json:
        emit_json([r.to_dict() for r in results.values()])
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table("dataset", "validator", "status", "detail")
        for r in results.values():
            detail = r.reason or r.message or ""
            table.add_row(r.dataset_name, r.validator or "-", r.status.value, detail)
        Console(highlight=False, soft_wrap=True).print(table)
        if not results:
            click.echo("No dataset declares a validator.")
    if bad:
        sys.exit(int(ExitCode.RUN_FAILED))
