"""Refusing catalog entries whose dataset ``type`` is chosen by runtime parameters.

A dataset's ``type`` names the class Kedro imports and instantiates. When runtime parameters
come from an untrusted caller, ``type: ${runtime_params:dataset.type}`` would let that caller
pick any importable class, so ``restrict_runtime_params_type_selection=True`` refuses it, at
any nesting depth (wrapper datasets such as ``PartitionedDataset`` nest a ``dataset`` entry).
A reference that fell back to its default (the runtime key was absent) is harmless and
allowed: only keys that were actually found count, and the shell records those while
resolving.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from returns.result import Failure, Result, Success

from core.config.values import ConfigMapping, ConfigValue
from core.errors import ConfigError, ConfigErrorReason

__all__ = ["check_runtime_type_selection", "runtime_params_references"]

# The key passed to the resolver: "dataset.type" in "${runtime_params:dataset.type, 'x'}".
_REFERENCE = re.compile(r"\$\{runtime_params:\s*([^,}]+)")


def runtime_params_references(text: str) -> tuple[str, ...]:
    """The runtime-parameter keys a raw string refers to, in order."""
    return tuple(match.strip() for match in _REFERENCE.findall(text))


def _paired_mappings(
    raw: ConfigValue, resolved: ConfigValue
) -> Iterator[tuple[ConfigMapping, ConfigMapping]]:
    if not isinstance(raw, Mapping):
        return
    resolved_map: ConfigMapping = resolved if isinstance(resolved, Mapping) else {}
    yield raw, resolved_map
    for key, value in raw.items():
        if isinstance(value, Mapping):
            yield from _paired_mappings(value, resolved_map.get(key))


def check_runtime_type_selection(
    raw: ConfigMapping, resolved: ConfigMapping, found_runtime_keys: frozenset[str]
) -> Result[None, ConfigError]:
    """Whether any dataset's ``type`` was selected through a found runtime parameter.

    Args:
        raw: The directory's merged catalog before resolution.
        resolved: The same catalog after resolution.
        found_runtime_keys: The runtime-parameter keys the resolver actually found (not
            answered by a default) while resolving this catalog.

    Returns:
        ``Success(None)``, or ``Failure(ConfigError(INTERPOLATION))`` with Kedro's message for
        the first offending dataset.
    """
    for name, entry in raw.items():
        for raw_node, resolved_node in _paired_mappings(entry, resolved.get(name)):
            raw_type = raw_node.get("type")
            if not isinstance(raw_type, str) or "runtime_params:" not in raw_type:
                continue
            if not any(key in found_runtime_keys for key in runtime_params_references(raw_type)):
                continue
            return Failure(
                ConfigError(
                    ConfigErrorReason.INTERPOLATION,
                    f"Dataset '{name}' resolves a 'type' field via the 'runtime_params:' "
                    f"resolver to '{resolved_node.get('type')!s}', which is not permitted. "
                    "Runtime parameters must not select which dataset class is instantiated, "
                    "at any nesting depth.",
                )
            )
    return Success(None)
