"""Resolving ``${...}`` interpolations with OmegaConf (call inside a resolver scope).

Everything here must run inside :func:`shell.config.resolvers.resolver_scope`, which decides
which resolvers exist. Resolution failures become ``ConfigError(INTERPOLATION)`` values
carrying OmegaConf's message (with its ``full_key`` lines, as Kedro shows them).
"""

from __future__ import annotations

from omegaconf import Container, DictConfig, ListConfig, Node, OmegaConf
from omegaconf.errors import OmegaConfBaseException, UnsupportedInterpolationType
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

__all__ = ["dereference", "resolve_config", "resolve_document_in_place"]

_GLOBALS_RUNTIME_MESSAGE = "The `runtime_params:` resolver is not supported for globals."


def _interpolation_error(
    exc: OmegaConfBaseException, path: str, *, globals_load: bool
) -> ConfigError:
    if (
        globals_load
        and isinstance(exc, UnsupportedInterpolationType)
        and "runtime_params" in str(exc)
    ):
        return ConfigError(ConfigErrorReason.INTERPOLATION, _GLOBALS_RUNTIME_MESSAGE, path=path)
    return ConfigError(ConfigErrorReason.INTERPOLATION, str(exc), path=path)


def resolve_config(
    raw: FrozenConfig, *, path: str = "", globals_load: bool = False
) -> Result[FrozenConfig, ConfigError]:
    """Resolve every interpolation of a merged directory configuration.

    Args:
        raw: The directory's merged, unresolved configuration.
        path: The environment directory, recorded on errors.
        globals_load: Loading ``globals`` (where ``runtime_params:`` gets Kedro's message).

    Returns:
        ``Success(resolved)`` (resolver results that are not plain data are kept as
        :class:`~core.config.Opaque` leaves), or ``Failure(ConfigError(INTERPOLATION))``.
    """
    try:
        container = OmegaConf.to_container(OmegaConf.create(thaw_mapping(raw)), resolve=True)
    except OmegaConfBaseException as exc:
        return Failure(_interpolation_error(exc, path, globals_load=globals_load))
    assert isinstance(container, dict)  # a DictConfig always converts to a dict
    return freeze_mapping(container, opaque=True)


def resolve_document_in_place(
    config: DictConfig, path: str, *, globals_load: bool = False
) -> Result[DictConfig, ConfigError]:
    """Resolve one file on its own (Kedro does this for credentials, to expand ``oc.env``).

    Every interpolation of the file is resolved here, so credentials cannot refer to keys of
    another credentials file.
    """
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
