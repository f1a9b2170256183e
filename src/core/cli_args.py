"""Kedro's command-line value syntax, parsed purely (strings in, typed values or errors out).

``--params`` (YAML typing of values) is parsed in the shell with OmegaConf, as Kedro does;
everything else lives here.
"""

from __future__ import annotations

from returns.result import Failure, Result, Success

from core.catalog.versioning import check_version_string
from core.errors import ConfigError, ConfigErrorReason

__all__ = ["split_csv", "split_load_versions", "split_node_names", "split_params_items"]


def split_csv(value: str | None) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``: comma-separated, items stripped, empties dropped."""
    if not value:
        return []
    return [item.strip() for item in value.split(",") if item.strip()]


def split_node_names(value: str | None) -> list[str]:
    """Node names separated by commas, where commas inside ``[...]`` do not separate (a node's
    generated ``str`` such as ``f([x,y]) -> [z]`` contains them). Kedro's quirks are kept:
    ``"a, ,b"`` gives ``["a", "", "b"]``."""
    if not value:
        return []
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    for char in value + ",":
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == "," and depth == 0 and current:
            pieces.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    return pieces


def split_load_versions(value: str | None) -> Result[dict[str, str], ConfigError]:
    """``"ds:2024-01-01T00.00.00.000Z,ds2:v"`` -> ``{"ds": ..., "ds2": "v"}``, exactly as Kedro
    splits it: every comma separates (an empty item is malformed), each item is stripped and
    split at its first ``:`` (``ds2:v:2`` -> ``{"ds2": "v:2"}``), the two parts are kept as
    they are. A malformed item or an unsafe version is a ``ConfigError(INVALID)`` with
    Kedro's message."""
    versions: dict[str, str] = {}
    if not value:
        return Success(versions)
    for raw in value.split(","):
        item = raw.strip()
        name, sep, version = item.partition(":")
        if not sep:
            return Failure(
                ConfigError(
                    ConfigErrorReason.INVALID,
                    "Expected the form of 'load_versions' to be "
                    f"'dataset_name:YYYY-MM-DDThh.mm.ss.sssZ',found {item} instead",
                )
            )
        checked = check_version_string(version, dataset=name)
        if not isinstance(checked, Success):
            return Failure(ConfigError(ConfigErrorReason.INVALID, checked.failure().message))
        versions[name] = version
    return Success(versions)


def split_params_items(option: str, value: str | None) -> Result[list[tuple[str, str]], ConfigError]:
    """``"a=1,b.c=x=y"`` -> ``[("a", "1"), ("b.c", "x=y")]`` (split at the first ``=``), with
    Kedro's messages for an item without ``=`` or with an empty key. ``option`` is the
    option's parameter name as Kedro names it in them (``params``, ``runner_params``)."""
    items: list[tuple[str, str]] = []
    for item in split_csv(value):
        key, sep, raw = item.partition("=")
        if not sep:
            return Failure(
                ConfigError(
                    ConfigErrorReason.INVALID,
                    f"Invalid format of `{option}` option: Item `{item}` must contain a key and "
                    "a value separated by `=`.",
                )
            )
        if not key.strip():
            return Failure(
                ConfigError(
                    ConfigErrorReason.INVALID,
                    f"Invalid format of `{option}` option: Parameter key cannot be an empty string.",
                )
            )
        items.append((key.strip(), raw.strip()))
    return Success(items)
