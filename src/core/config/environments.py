"""Combining the base environment with the run environment.

Each environment directory is merged and resolved on its own first, so an interpolation in
``local`` cannot see keys of ``base``. The two results are then combined per config key:

* ``destructive`` (the default): every top-level key of the run environment replaces the
  base key whole, like ``dict.update``;
* ``soft``: a deep merge (:func:`core.config.merge.deep_merge`), the run environment winning
  on conflicting leaves.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from returns.result import Failure, Result, Success

from core.config.merge import deep_merge
from core.config.values import ConfigMapping, FrozenConfig, FrozenMapping
from core.errors import ConfigError, ConfigErrorReason

__all__ = [
    "MergeStrategy",
    "drop_private_keys",
    "merge_environments",
    "overridden_keys",
    "parse_merge_strategy",
    "strategy_for",
]


class MergeStrategy(enum.Enum):
    """How the run environment's configuration is laid over the base environment's."""

    #: deep merge, run environment wins on leaves
    SOFT = "soft"
    #: top-level keys of the run environment replace base keys whole (Kedro's default)
    DESTRUCTIVE = "destructive"


def parse_merge_strategy(name: str) -> Result[MergeStrategy, ConfigError]:
    """Kedro's case-insensitive strategy names.

    Returns:
        ``Success(strategy)``, or ``Failure(ConfigError(INVALID))`` with Kedro's message
        ``Merging strategy {name} not supported. The accepted merging strategies are
        ['soft', 'destructive'].``
    """
    for strategy in MergeStrategy:
        if strategy.value == name.lower():
            return Success(strategy)
    accepted = [strategy.value for strategy in MergeStrategy]
    return Failure(
        ConfigError(
            ConfigErrorReason.INVALID,
            f"Merging strategy {name} not supported. The accepted merging strategies are "
            f"{accepted}.",
        )
    )


def strategy_for(
    config_key: str, merge_strategy: Mapping[str, str]
) -> Result[MergeStrategy, ConfigError]:
    """The strategy configured for ``config_key`` (``destructive`` when none is)."""
    return parse_merge_strategy(merge_strategy.get(config_key, MergeStrategy.DESTRUCTIVE.value))


def overridden_keys(base: ConfigMapping, env: ConfigMapping) -> tuple[str, ...]:
    """Top-level keys a destructive merge replaces (sorted), for the shell's debug log."""
    return tuple(sorted(str(key) for key in base.keys() & env.keys()))


def merge_environments(
    base: ConfigMapping, env: ConfigMapping, strategy: MergeStrategy
) -> Result[FrozenConfig, ConfigError]:
    """Lay the run environment's resolved configuration over the base's.

    Returns:
        ``Success(merged)``; a soft merge can fail with ``ConfigError(INVALID)`` when a
        mapping meets a list at the same key path.
    """
    if strategy is MergeStrategy.SOFT:
        return deep_merge(base, env)
    return Success(FrozenMapping({**base, **env}))


def drop_private_keys(config_key: str, mapping: ConfigMapping) -> FrozenConfig:
    """Drop top-level keys starting with ``_`` (templates, anchors), except in parameters.

    Kedro keeps them in ``parameters`` and removes them, after interpolation, from every
    other config type; nested ``_`` keys always stay.
    """
    if config_key == "parameters":
        return FrozenMapping(mapping)
    return FrozenMapping(
        {
            key: value
            for key, value in mapping.items()
            if not (isinstance(key, str) and key.startswith("_"))
        }
    )
