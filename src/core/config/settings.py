"""The loader's settings as one frozen value, and which directories a lookup reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.config.patterns import DEFAULT_CONFIG_PATTERNS
from core.config.values import FrozenMapping

__all__ = ["ConfigLoaderSettings", "loader_settings"]


@dataclass(frozen=True, slots=True)
class ConfigLoaderSettings:
    """What ``OmegaConfigLoader``'s keyword arguments configure.

    Attributes:
        base_env: The base environment directory ("" reads ``conf_source`` itself).
        default_run_env: The run environment when no ``env`` is given.
        config_patterns: Glob patterns per config key.
        merge_strategy: ``"soft"``/``"destructive"`` per config key (validated on use, as
            in Kedro).
        ignore_hidden: Skip hidden files and folders.
        restrict_runtime_params_type_selection: Refuse catalog entries whose ``type`` is
            chosen through the ``runtime_params:`` resolver.
    """

    base_env: str = ""
    default_run_env: str = ""
    config_patterns: FrozenMapping[str, tuple[str, ...]] = field(
        default_factory=lambda: FrozenMapping(DEFAULT_CONFIG_PATTERNS)
    )
    merge_strategy: FrozenMapping[str, str] = field(default_factory=FrozenMapping)
    ignore_hidden: bool = True
    restrict_runtime_params_type_selection: bool = False

    def run_env(self, env: str | None) -> str:
        """The run environment: ``env`` if given (and non-empty), else the default."""
        return env or self.default_run_env

    def reads_run_env(self, env: str | None) -> bool:
        """Whether a lookup reads a second directory (not when it is the base itself)."""
        return self.run_env(env) != self.base_env


def loader_settings(
    *,
    config_patterns: Mapping[str, Sequence[str]] | None = None,
    base_env: str | None = None,
    default_run_env: str | None = None,
    merge_strategy: Mapping[str, str] | None = None,
    ignore_hidden: bool = True,
    restrict_runtime_params_type_selection: bool = False,
) -> ConfigLoaderSettings:
    """Settings from ``OmegaConfigLoader``'s keyword arguments, with Kedro's defaulting.

    A user's ``config_patterns`` entry replaces that key's whole default list and new keys add
    config types; ``None`` environments become ``""``.
    """
    patterns = {key: tuple(value) for key, value in DEFAULT_CONFIG_PATTERNS.items()}
    patterns.update({key: tuple(value) for key, value in (config_patterns or {}).items()})
    return ConfigLoaderSettings(
        base_env=base_env or "",
        default_run_env=default_run_env or "",
        config_patterns=FrozenMapping(patterns),
        merge_strategy=FrozenMapping(dict(merge_strategy or {})),
        ignore_hidden=ignore_hidden,
        restrict_runtime_params_type_selection=restrict_runtime_params_type_selection,
    )
