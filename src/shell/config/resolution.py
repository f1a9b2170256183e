"""Resolving ``${...}`` interpolations with OmegaConf (call inside a resolver scope).

Everything here must run inside :func:`shell.config.resolvers.resolver_scope`, which decides
which resolvers exist. Resolution failures become ``ConfigError(INTERPOLATION)`` values
carrying OmegaConf's message (with its ``full_key`` lines, as Kedro shows them).

Building OmegaConf nodes is most of the time a lookup takes, so :func:`resolve_config` gives
OmegaConf as little as it needs: nothing when no value interpolates, and only the branches
holding interpolations when every interpolation calls ``globals:`` or ``runtime_params:``
(which read their arguments, never other keys). Any other interpolation (``${a.b}``,
``oc.select``, custom resolvers that may read the tree) resolves the whole configuration.
Either way the result, and the first error with its ``full_key``, are OmegaConf's.
OmegaConf is imported (and the scope's resolvers installed) only when something is handed
to it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from returns.result import Failure, Result, Success

from core.config import (
    ConfigKey,
    ConfigValue,
    FrozenConfig,
    FrozenMapping,
    freeze,
    freeze_mapping,
    thaw_mapping,
)
from core.errors import ConfigError, ConfigErrorReason
from shell.config.resolvers import install_resolvers

if TYPE_CHECKING:
    from omegaconf import DictConfig
    from omegaconf.errors import OmegaConfBaseException

__all__ = ["dereference", "resolve_config", "resolve_document_in_place"]

_GLOBALS_RUNTIME_MESSAGE = "The `runtime_params:` resolver is not supported for globals."


def _interpolation_error(
    exc: OmegaConfBaseException, path: str, *, globals_load: bool
) -> ConfigError:
    from omegaconf.errors import UnsupportedInterpolationType

    if (
        globals_load
        and isinstance(exc, UnsupportedInterpolationType)
        and "runtime_params" in str(exc)
    ):
        return ConfigError(ConfigErrorReason.INTERPOLATION, _GLOBALS_RUNTIME_MESSAGE, path=path)
    return ConfigError(ConfigErrorReason.INTERPOLATION, str(exc), path=path)


def resolve_config(
    raw: FrozenConfig, *, path: str = "", globals_load: bool = False, prune: bool = False
) -> Result[FrozenConfig, ConfigError]:
    """Resolve every interpolation of a merged directory configuration.

    Args:
        raw: The directory's merged, unresolved configuration.
        path: The environment directory, recorded on errors.
        globals_load: Loading ``globals`` (where ``runtime_params:`` gets Kedro's message).
        prune: ``globals`` and ``runtime_params`` are this module's resolvers (no custom
            resolver of either name), so branches without interpolations may be left out.

    Returns:
        ``Success(resolved)`` (resolver results that are not plain data are kept as
        :class:`~core.config.Opaque` leaves), or ``Failure(ConfigError(INTERPOLATION))``.
    """
    if not _needs_omegaconf(raw):
        # Nothing to resolve: OmegaConf would hand the same data back.
        return Success(raw)
    if prune and _only_branch_local(raw):
        branches = _interpolated_branches(raw)
        assert isinstance(branches, FrozenMapping)  # raw interpolates somewhere
        resolved_branches = _resolve_whole(branches, path=path, globals_load=globals_load)
        return resolved_branches.map(lambda resolved: _graft(raw, resolved))
    return _resolve_whole(raw, path=path, globals_load=globals_load)


def _resolve_whole(
    raw: FrozenConfig, *, path: str, globals_load: bool
) -> Result[FrozenConfig, ConfigError]:
    install_resolvers()
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    try:
        container = OmegaConf.to_container(OmegaConf.create(thaw_mapping(raw)), resolve=True)
    except OmegaConfBaseException as exc:
        return Failure(_interpolation_error(exc, path, globals_load=globals_load))
    assert isinstance(container, dict)  # a DictConfig always converts to a dict
    return freeze_mapping(container, opaque=True)


def _needs_omegaconf(value: ConfigValue) -> bool:
    """Whether resolving ``value`` may change it: an interpolation, or a leaf that is not
    plain data (kept on the OmegaConf path, which decides what to do with it)."""
    if isinstance(value, str):
        # OmegaConf also rewrites an escaped literal "???" ("\\???" becomes "???").
        return "${" in value or value.endswith("\\???")
    if value is None or isinstance(value, int | float):
        return False
    if isinstance(value, FrozenMapping):
        return any(_needs_omegaconf(sub) for sub in value.values())
    if isinstance(value, tuple):
        return any(_needs_omegaconf(sub) for sub in value)
    return True


#: An interpolation that calls a resolver: ``${name:``.
_RESOLVER_CALL = re.compile(r"\$\{\s*([A-Za-z_][\w.\-]*)\s*:")
#: Resolvers whose value depends on their arguments only (installed by resolver_scope).
_BRANCH_LOCAL = frozenset({"globals", "runtime_params"})


def _only_branch_local(value: ConfigValue) -> bool:
    """Whether every leaf is plain data and every ``${`` opens a branch-local resolver call."""
    if isinstance(value, str):
        return all(
            (call := _RESOLVER_CALL.match(value, start.start())) is not None
            and call.group(1) in _BRANCH_LOCAL
            for start in re.finditer(r"\$\{", value)
        )
    if value is None or isinstance(value, int | float):
        return True
    if isinstance(value, FrozenMapping):
        return all(_only_branch_local(sub) for sub in value.values())
    if isinstance(value, tuple):
        return all(_only_branch_local(sub) for sub in value)
    return False


def _interpolated_branches(value: ConfigValue) -> ConfigValue | None:
    """``value`` keeping only the keys on a path to an interpolation (lists whole)."""
    if isinstance(value, FrozenMapping):
        kept = {key: sub for key, sub in ((k, _interpolated_branches(v)) for k, v in value.items()) if sub is not None}
        return FrozenMapping(kept) if kept else None
    return value if _needs_omegaconf(value) else None


def _graft(raw: FrozenConfig, resolved: FrozenConfig) -> FrozenConfig:
    """``raw`` with the resolved branches put back in place, keys in ``raw``'s order."""
    items: dict[ConfigKey, ConfigValue] = {}
    for key, value in raw.items():
        if key not in resolved:
            items[key] = value
        elif isinstance(value, FrozenMapping):
            branch = resolved[key]
            assert isinstance(branch, FrozenMapping)  # a mapping was pruned to a mapping
            items[key] = _graft(value, branch)
        else:
            items[key] = resolved[key]
    return FrozenMapping(items)


def resolve_document_in_place(
    config: DictConfig, path: str, *, globals_load: bool = False
) -> Result[DictConfig, ConfigError]:
    """Resolve one file on its own (Kedro does this for credentials, to expand ``oc.env``).

    Every interpolation of the file is resolved here, so credentials cannot refer to keys of
    another credentials file.
    """
    install_resolvers()
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    try:
        OmegaConf.resolve(config)
    except OmegaConfBaseException as exc:
        return Failure(_interpolation_error(exc, path, globals_load=globals_load))
    return Success(config)


def dereference(
    tree: FrozenConfig, key_path: tuple[ConfigKey, ...]
) -> FrozenConfig | tuple[ConfigValue, ...] | None:
    """What the interpolation at ``key_path`` of ``tree`` points to, when it is a container.

    This is the :data:`core.config.Dereference` the merge needs to reproduce OmegaConf's
    merge onto an interpolation. It uses OmegaConf's own (private) node dereferencing, so the
    answer is exactly what ``OmegaConf.unsafe_merge`` would see: node interpolations and
    resolvers returning config nodes (such as ``${globals:...}``) count, resolvers returning
    plain values do not, and a failing interpolation is no container.
    """
    install_resolvers()
    from omegaconf import Container, DictConfig, ListConfig, Node, OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    try:
        node: Container = OmegaConf.create(thaw_mapping(tree))
        for key in key_path[:-1]:
            child = node._get_node(key)
            if not isinstance(child, Container):
                return None
            node = child
        target = node._get_node(key_path[-1])
        if not isinstance(target, Node):
            return None
        resolved = target._maybe_dereference_node()
        if not isinstance(resolved, DictConfig | ListConfig):
            return None
        content = OmegaConf.to_container(resolved, resolve=False)
    except OmegaConfBaseException:
        return None
    frozen = freeze(content, opaque=True)
    if isinstance(frozen, Failure):
        return None
    value = frozen.unwrap()
    return value if isinstance(value, FrozenMapping | tuple) else None
