"""Which configuration a dataset name gets: an explicit entry, a factory pattern, or the default.

The order is Kedro's: an explicit entry wins; otherwise the first matching user pattern
(most specific first), then the user's catch-all, then the catalog's runtime default (a
memory dataset for names nobody declared). A name is *registered* when one of the user's
own declarations covers it; the runtime default does not count.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from returns.result import Failure, Result, Success

from core.catalog.config import CatalogConfig, fill_placeholders
from core.catalog.frozen_config import FrozenConfig, FrozenMapping
from core.catalog.patterns import Pattern, first_match
from core.errors import DatasetError, DatasetErrorReason

__all__ = [
    "EntrySource",
    "Resolution",
    "check_load_versions",
    "is_registered",
    "match_user_pattern",
    "resolve_entry",
]


class EntrySource(enum.Enum):
    """Where a dataset's configuration came from."""

    #: a catalog entry under the dataset's own name
    EXPLICIT = "explicit"
    #: a user factory pattern that is not a catch-all
    PATTERN = "pattern"
    #: the user's catch-all pattern
    CATCH_ALL = "catch_all"
    #: the catalog's runtime default (the name is not registered)
    RUNTIME = "runtime"


@dataclass(frozen=True, slots=True)
class Resolution:
    """The configuration a dataset name resolves to.

    Attributes:
        name: the dataset name.
        source: where the configuration came from.
        config: the frozen configuration, placeholders filled in.
        pattern: the pattern text for ``PATTERN`` and ``CATCH_ALL``, else ``None``.
    """

    name: str
    source: EntrySource
    config: FrozenConfig
    pattern: str | None = None

    @property
    def is_registered(self) -> bool:
        """Whether the user's own configuration covers the name."""
        return self.source is not EntrySource.RUNTIME


def match_user_pattern(
    config: CatalogConfig, name: str, *, include_catch_all: bool = True
) -> tuple[Pattern, Mapping[str, str]] | None:
    """The user pattern ``name`` matches (specific patterns first, then the catch-all)."""
    found = first_match(config.patterns.specific, name)
    if found is not None or not include_catch_all:
        return found
    catch_all = config.patterns.catch_all
    if catch_all is None:
        return None
    captures = catch_all.match(name)
    return None if captures is None else (catch_all, captures)


def is_registered(config: CatalogConfig, name: str) -> bool:
    """Whether an explicit entry or a user pattern (catch-all included) covers ``name``."""
    return name in config.entries or match_user_pattern(config, name) is not None


def resolve_entry(
    config: CatalogConfig, name: str, runtime_default: FrozenConfig | None = None
) -> Resolution | None:
    """Resolve ``name`` to its configuration.

    Args:
        config: the parsed catalog configuration.
        name: the dataset name.
        runtime_default: the configuration of the catalog's runtime default pattern, used
            when nothing the user declared matches; ``None`` to not fall back.

    Returns:
        The resolution, or ``None`` when nothing matches and there is no runtime default.
    """
    explicit = config.entries.get(name)
    if explicit is not None:
        return Resolution(name, EntrySource.EXPLICIT, explicit)
    found = match_user_pattern(config, name)
    if found is not None:
        pattern, captures = found
        filled = fill_placeholders(config.pattern_configs[pattern.text], captures)
        assert isinstance(filled, FrozenMapping)
        source = EntrySource.CATCH_ALL if pattern.is_catch_all else EntrySource.PATTERN
        return Resolution(name, source, filled, pattern.text)
    if runtime_default is None:
        return None
    return Resolution(name, EntrySource.RUNTIME, runtime_default)


def check_load_versions(config: CatalogConfig, names: Iterable[str]) -> Result[None, DatasetError]:
    """Check that every ``load_versions`` key is declared.

    A key must be an explicit entry or match a pattern that is not the catch-all (a pinned
    version for a name only the catch-all covers is almost certainly a typo).

    Returns:
        ``Success(None)``; ``Failure(DatasetError(NOT_FOUND))`` listing the unknown keys
        (Kedro's message).
    """
    unknown = sorted(
        name
        for name in names
        if name not in config.entries
        and match_user_pattern(config, name, include_catch_all=False) is None
    )
    if not unknown:
        return Success(None)
    return Failure(
        DatasetError(
            DatasetErrorReason.NOT_FOUND,
            f"'load_versions' keys [{', '.join(unknown)}] are not found in the catalog.",
            dataset=", ".join(unknown),
        )
    )
