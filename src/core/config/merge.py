"""Deep merge of configuration mappings with OmegaConf's ``unsafe_merge`` semantics.

Kedro merges the files of one environment directory (and, for parameters, the runtime
parameters on top) with ``OmegaConf.unsafe_merge``. On plain data that is:

* mappings merge key by key, recursively; a key only in the later layer is added;
* anything else (scalars, ``None``, lists, interpolation strings) in the later layer
  replaces the earlier value, and a type change is allowed (scalar ↔ mapping);
* a list is replaced whole, never merged element-wise;
* a mapping meeting a list (either way round) is an error ("Cannot merge incompatible
  container types");
* the mandatory-missing marker ``"???"`` in a later layer keeps the earlier value.

One quirk needs the interpolation engine: when the earlier value is an interpolation
(``a: ${b}``, ``a: ${globals:defaults}``) and the later one is a mapping, a list or ``"???"``,
OmegaConf first dereferences the interpolation *in the tree merged so far*; if it points at
a mapping or a list, that container (unresolved) takes the interpolation's place and the
later value merges into it. This is how ``--params model.x=1`` on top of
``model: ${globals:defaults}`` keeps the other defaults. The core cannot resolve
interpolations, so the caller passes a :data:`Dereference` function (the shell builds it on
OmegaConf); without one, the interpolation is simply replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeAlias

from returns.result import Failure, Result, Success

from core.config.values import (
    MISSING,
    ConfigKey,
    ConfigMapping,
    ConfigValue,
    FrozenConfig,
    FrozenMapping,
    dotted,
    is_interpolation,
)
from core.errors import ConfigError, ConfigErrorReason

__all__ = ["Dereference", "deep_merge"]

#: ``dereference(tree_so_far, key_path)``: the mapping or tuple the interpolation at
#: ``key_path`` points to, unresolved, or ``None`` when it does not resolve to a container.
Dereference: TypeAlias = Callable[
    [FrozenConfig, tuple[ConfigKey, ...]], FrozenConfig | tuple[ConfigValue, ...] | None
]

# The working tree: mappings being merged into are plain dicts (local mutation that never
# escapes this module); everything else is already frozen.
_Work: TypeAlias = dict[ConfigKey, object]


def _incompatible(path: tuple[ConfigKey, ...]) -> ConfigError:
    return ConfigError(
        ConfigErrorReason.INVALID,
        f"Cannot merge incompatible container types\n    full_key: {dotted(path)}",
    )


def _thaw_maps(value: ConfigValue) -> object:
    """Mappings become working dicts (other values stay frozen: they are only replaced)."""
    if isinstance(value, Mapping):
        return {key: _thaw_maps(sub) for key, sub in value.items()}
    return value


def _freeze_work(work: _Work) -> FrozenConfig:
    return FrozenMapping(
        {
            key: _freeze_work(value) if isinstance(value, dict) else value  # type: ignore[misc]
            for key, value in work.items()
        }
    )


def _is_missing(value: object) -> bool:
    return isinstance(value, str) and value == MISSING


def _merge_into(
    root: _Work,
    dest: _Work,
    src: ConfigMapping,
    path: tuple[ConfigKey, ...],
    dereference: Dereference | None,
) -> ConfigError | None:
    for key, incoming in src.items():
        here = (*path, key)
        if key not in dest:
            dest[key] = _thaw_maps(incoming)
            continue
        current = dest[key]
        if (
            dereference is not None
            and isinstance(current, str)
            and is_interpolation(current)
            and (isinstance(incoming, Mapping | tuple) or _is_missing(incoming))
        ):
            target = dereference(_freeze_work(root), here)
            if target is not None:
                current = dest[key] = _thaw_maps(target)
        if _is_missing(incoming):
            continue
        if isinstance(incoming, Mapping):
            if isinstance(current, dict):
                error = _merge_into(root, current, incoming, here, dereference)
                if error is not None:
                    return error
            elif isinstance(current, tuple):
                return _incompatible(here)
            else:
                dest[key] = _thaw_maps(incoming)
        elif isinstance(incoming, tuple) and isinstance(current, dict):
            return _incompatible(here)
        else:
            dest[key] = incoming
    return None


def deep_merge(
    *layers: ConfigMapping, dereference: Dereference | None = None
) -> Result[FrozenConfig, ConfigError]:
    """Merge ``layers`` left to right, later layers winning (see the module docstring).

    Args:
        layers: The mappings to merge, lowest priority first.
        dereference: Resolves an interpolation that a container is merged onto; ``None``
            treats interpolations as plain strings.

    Returns:
        ``Success(merged)`` (key order: first appearance), or
        ``Failure(ConfigError(INVALID))`` when a mapping meets a list at the same key path.
    """
    root: _Work = {}
    for layer in layers:
        error = _merge_into(root, root, layer, (), dereference)
        if error is not None:
            return Failure(error)
    return Success(_freeze_work(root))
