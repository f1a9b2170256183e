"""The options that choose what runs (shared by ``run`` and ``plan``) and their parsing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.cli_args import split_csv, split_node_names
from core.errors import ConfigError, ConfigErrorReason, KedroError
from shell.cli.common import parse_params

__all__ = ["Selection", "parse_selection", "selection_options"]


def selection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that choose what runs (shared by ``run`` and ``plan``)."""
    options = [
        click.option("--pipelines", default="", help="Registered pipelines to combine, comma-separated (default: __default__)."),
        click.option("--pipeline", "-p", default=None, help="Deprecated: one pipeline name; use --pipelines."),
        click.option("--tags", "-t", default="", help="Run only nodes with any of these tags (comma-separated)."),
        click.option("--nodes", "-n", "node_names", default="", help="Run only these nodes (comma-separated)."),
        click.option("--from-nodes", default="", help="Run from these nodes onwards."),
        click.option("--to-nodes", default="", help="Run up to these nodes."),
        click.option("--from-inputs", default="", help="Run from the consumers of these datasets onwards."),
        click.option("--to-outputs", default="", help="Run up to the producers of these datasets."),
        click.option("--namespaces", "-ns", default="", help="Run only nodes in these namespaces (or their children)."),
        click.option("--only-missing-outputs", is_flag=True, default=False, help="Skip nodes whose persisted outputs already exist."),
        click.option("--env", "-e", default=None, help="Configuration environment (default: KEDRO_ENV or 'local')."),
        click.option("--conf-source", default=None, help="Configuration folder or archive (default: <project>/conf)."),
        # UNPROCESSED: a --config file's `params:` mapping reaches parse_params as a mapping.
        click.option("--params", type=click.UNPROCESSED, default="", help="Runtime parameters: key=value,a.b=1 (YAML-typed values)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True, slots=True)
class Selection:
    """The parsed selection options."""

    pipeline_names: list[str]
    tags: list[str]
    node_names: list[str]
    from_nodes: list[str]
    to_nodes: list[str]
    from_inputs: list[str]
    to_outputs: list[str]
    namespaces: list[str]
    only_missing_outputs: bool
    env: str | None
    conf_source: str | None
    params: dict[str, object] = field(default_factory=dict)

    def run_arguments(self) -> dict[str, Any]:
        return {
            "pipeline_names": self.pipeline_names,
            "tags": tuple(self.tags),
            "node_names": tuple(self.node_names),
            "from_nodes": self.from_nodes,
            "to_nodes": self.to_nodes,
            "from_inputs": self.from_inputs,
            "to_outputs": self.to_outputs,
            "namespaces": self.namespaces,
        }


def parse_selection(options: Mapping[str, Any]) -> Result[Selection, KedroError]:
    """Turn the raw option strings into a :class:`Selection` (Kedro's parsing rules)."""
    if options.get("pipeline") and options.get("pipelines"):
        return Failure(ConfigError(ConfigErrorReason.INVALID, "Options '--pipeline' and '--pipelines' cannot be used together"))
    names = [options["pipeline"]] if options.get("pipeline") else list(dict.fromkeys(split_csv(options.get("pipelines"))))
    params = parse_params("params", options.get("params"))
    if not is_successful(params):
        return Failure(params.failure())
    conf_source = options.get("conf_source") or None
    if conf_source and not ("://" in conf_source and not conf_source.startswith("file://")):
        path = Path(conf_source).expanduser()
        if not path.exists():
            return Failure(ConfigError(ConfigErrorReason.MISSING, f"Path '{conf_source}' does not exist.", path=conf_source))
        conf_source = str(path.resolve())
    return Success(
        Selection(
            pipeline_names=names,
            tags=split_csv(options.get("tags")),
            node_names=split_node_names(options.get("node_names")),
            from_nodes=split_node_names(options.get("from_nodes")),
            to_nodes=split_node_names(options.get("to_nodes")),
            from_inputs=split_csv(options.get("from_inputs")),
            to_outputs=split_csv(options.get("to_outputs")),
            namespaces=split_node_names(options.get("namespaces")),
            only_missing_outputs=bool(options.get("only_missing_outputs")),
            env=options.get("env") or None,
            conf_source=conf_source,
            params=params.unwrap(),
        )
    )
