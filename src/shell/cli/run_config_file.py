"""``run --config FILE``: the file's ``run:`` section as the defaults of ``run``'s options."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["load_config_defaults"]

_RUN_OPTION_NAMES = frozenset(
    {
        "from_inputs", "to_outputs", "from_nodes", "to_nodes", "nodes", "node_names", "runner",
        "is_async", "async", "runner_params", "env", "tags", "load_versions", "pipeline",
        "pipelines", "namespaces", "conf_source", "params", "only_missing_outputs",
    }
)
#: kedro-pure's own run settings a ``--config`` file may give too (Kedro has no equivalent).
_OWN_CONFIG_KEYS = frozenset({"node_timeout"})


def load_config_defaults(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--config FILE``: the file's ``run:`` section becomes the defaults of ``run``'s options."""
    del param
    if not value:
        return value
    import yaml

    try:
        loaded = yaml.safe_load(Path(value).read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise click.BadParameter(f"Cannot read {value}: {exc}") from exc
    section = (loaded or {}).get("run", {}) if isinstance(loaded, dict) else {}
    if not isinstance(section, dict):
        raise click.BadParameter(f"The 'run' section of {value} must be a mapping.")
    for key in section:
        if key not in _RUN_OPTION_NAMES | _OWN_CONFIG_KEYS:
            raise click.BadParameter(f"Key `{key}` in provided configuration is not valid.")
    renamed = {"nodes" if k == "node_names" else k: v for k, v in section.items()}
    ctx.default_map = {**(ctx.default_map or {}), **{("node_names" if k == "nodes" else k): _as_option_text(v) for k, v in renamed.items()}}
    return value


def _as_option_text(value: object) -> object:
    # Lists become the comma-separated text the options take; mappings (`params`,
    # `runner_params`) stay mappings, used as they are (Kedro's rule).
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return value
