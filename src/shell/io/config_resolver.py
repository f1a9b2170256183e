"""``CatalogConfigResolver``: Kedro 1.7's public resolver of catalog configuration.

It wraps the parsed, frozen :class:`core.catalog.CatalogConfig` (the decisions stay in
:mod:`core.catalog`) and offers Kedro's names: ``config``, ``list_patterns``,
``match_dataset_pattern``, ``match_user_catch_all_pattern``, ``match_runtime_pattern``,
``resolve_pattern``, ``is_pattern`` and ``unresolve_credentials`` (also as Kedro's
``_unresolve_credentials``).

``CatalogConfigResolver(config, credentials)`` keeps Kedro's signature and raises the
``DatasetError`` that :meth:`CatalogConfigResolver.from_config` returns as a ``Failure``.
``DataCatalog.config_resolver`` returns one over the catalog's own configuration.

Deliberate difference: Kedro logs a warning when no ``default_runtime_patterns`` are given;
this resolver uses Kedro's default (``{"{default}": {"type": "kedro.io.MemoryDataset"}}``)
silently.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from typing import Self

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.config import (
    CREDENTIALS_KEY,
    CatalogConfig,
    fill_placeholders,
    parse_catalog_config,
)
from core.catalog.frozen_config import FrozenConfig, FrozenMapping, freeze, thaw, thaw_mapping
from core.catalog.patterns import OrderedPatterns, first_match, is_pattern, parse_pattern
from core.catalog.resolution import match_user_pattern
from core.errors import DatasetError
from shell import log_names

__all__ = ["DEFAULT_RUNTIME_PATTERN", "CatalogConfigResolver"]

_LOGGER = logging.getLogger(log_names.CATALOG_CONFIG)

#: Kedro's runtime default: any name nobody declared is a memory dataset.
DEFAULT_RUNTIME_PATTERN: Mapping[str, Mapping[str, object]] = {"{default}": {"type": "kedro.io.MemoryDataset"}}


class CatalogConfigResolver:
    """Resolves dataset names to configuration: explicit entries, factory patterns, runtime
    default.

    Args:
        config: the ``catalog.yml`` structure, or an already parsed ``CatalogConfig``.
        credentials: the credentials structure (ignored for a parsed ``CatalogConfig``).
        default_runtime_patterns: the runtime patterns (default: Kedro's memory default).

    Raises:
        DatasetError: what :meth:`from_config` would return as a failure.
    """

    def __init__(
        self,
        config: Mapping[str, object] | CatalogConfig | None = None,
        credentials: Mapping[str, object] | None = None,
        default_runtime_patterns: Mapping[str, Mapping[str, object]] | None = None,
    ) -> None:
        if isinstance(config, CatalogConfig):
            parsed = config
        else:
            result = parse_catalog_config(config, credentials)
            if not is_successful(result):
                raise result.failure()
            parsed = result.unwrap()
        runtime = default_runtime_patterns or DEFAULT_RUNTIME_PATTERN
        self._parsed = parsed
        self._runtime: dict[str, FrozenConfig] = {k: freeze(dict(v)) for k, v in runtime.items()}  # type: ignore[misc]
        self._runtime_patterns = tuple(parse_pattern(k).unwrap() for k in self._runtime)

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, object] | None,
        credentials: Mapping[str, object] | None = None,
        default_runtime_patterns: Mapping[str, Mapping[str, object]] | None = None,
    ) -> Result[Self, DatasetError]:
        """A resolver, or ``Failure(DatasetError)`` naming the bad entry or pattern."""
        parsed = parse_catalog_config(config, credentials)
        if not is_successful(parsed):
            return Failure(parsed.failure())
        return Success(cls(parsed.unwrap(), default_runtime_patterns=default_runtime_patterns))

    # -- the parsed configuration (what the catalog itself reads) -----------------------------

    @property
    def parsed(self) -> CatalogConfig:
        """The frozen configuration this resolver reads."""
        return self._parsed

    @property
    def entries(self) -> Mapping[str, FrozenConfig]:
        """Explicit entries (credentials substituted), in declaration order."""
        return self._parsed.entries

    @property
    def patterns(self) -> OrderedPatterns:
        """The user's factory patterns in resolution order."""
        return self._parsed.patterns

    @property
    def pattern_configs(self) -> Mapping[str, FrozenConfig]:
        """Pattern text -> configuration (credentials substituted)."""
        return self._parsed.pattern_configs

    # -- Kedro's API --------------------------------------------------------------------------

    @property
    def config(self) -> dict[str, dict[str, object]]:
        """Every explicit entry's configuration, credentials substituted (a fresh copy)."""
        return {name: thaw_mapping(config) for name, config in self._parsed.entries.items()}

    @staticmethod
    def is_pattern(pattern: str) -> bool:
        """Whether a catalog key is a factory pattern (it contains ``{``)."""
        return is_pattern(pattern)

    def list_patterns(self) -> list[str]:
        """The user's patterns (most specific first, catch-all last), then runtime patterns."""
        own = [p.text for p in self._parsed.patterns.in_order()]
        return own + [p for p in self._runtime if p not in own]

    def match_dataset_pattern(self, ds_name: str) -> str | None:
        """The first user pattern (not the catch-all) ``ds_name`` matches, or ``None``."""
        found = first_match(self._parsed.patterns.specific, ds_name)
        return None if found is None else found[0].text

    def match_user_catch_all_pattern(self, ds_name: str) -> str | None:
        """The user's catch-all pattern if ``ds_name`` matches it, or ``None``."""
        catch_all = self._parsed.patterns.catch_all
        if catch_all is None or catch_all.match(ds_name) is None:
            return None
        return catch_all.text

    def match_runtime_pattern(self, ds_name: str) -> str:
        """The runtime pattern ``ds_name`` falls back to."""
        found = first_match(self._runtime_patterns, ds_name)
        return found[0].text if found is not None else next(iter(self._runtime))

    def resolve_pattern(self, ds_name: str) -> dict[str, object]:
        """``ds_name``'s configuration: its entry, else the first matching user pattern filled
        in, else the runtime pattern (a fresh copy, credentials substituted)."""
        explicit = self._parsed.entries.get(ds_name)
        if explicit is not None:
            return thaw_mapping(explicit)
        found = match_user_pattern(self._parsed, ds_name)
        if found is not None:
            pattern, captures = found
            if pattern.is_catch_all:
                _LOGGER.warning(
                    "Config from the dataset pattern '%s' in the catalog will be used to "
                    "override the default dataset creation for '%s'",
                    pattern.text,
                    ds_name,
                )
            filled = fill_placeholders(self._parsed.pattern_configs[pattern.text], captures)
            assert isinstance(filled, FrozenMapping)
            return thaw_mapping(filled)
        runtime = first_match(self._runtime_patterns, ds_name)
        pattern_text = runtime[0].text if runtime is not None else next(iter(self._runtime))
        captures = runtime[1] if runtime is not None else {}
        filled = fill_placeholders(self._runtime[pattern_text], captures)
        assert isinstance(filled, FrozenMapping)
        return thaw_mapping(filled)

    @staticmethod
    def unresolve_credentials(
        cred_name: str, ds_config: Mapping[str, object] | None
    ) -> tuple[dict[str, object], dict[str, object]]:
        """Take a dataset's credentials back out of its configuration (Kedro's rule).

        Kedro's walk, exactly: in each mapping, keys in order; a non-empty ``credentials``
        value is replaced by the reference ``<cred_name>_credentials`` and the rest of *that*
        mapping is skipped; nested mappings met before it are walked first.

        Returns:
            ``(config with references, {reference: credentials})``; both fresh copies.
        """
        thawed = thaw(ds_config) if ds_config is not None else {}
        copied: dict[str, object] = copy.deepcopy(dict(thawed)) if isinstance(thawed, Mapping) else {}
        reference = f"{cred_name}_{CREDENTIALS_KEY}"
        found: dict[str, object] = {}
        _unresolve(copied, reference, found)
        return copied, found

    _unresolve_credentials = unresolve_credentials

    def __repr__(self) -> str:
        return f"CatalogConfigResolver(entries={len(self._parsed.entries)}, patterns={self.list_patterns()!r})"


def _unresolve(config: dict[str, object], reference: str, found: dict[str, object]) -> None:
    # Recursion depth is the nesting depth of one dataset's YAML: small.
    for key, value in config.items():
        if key == CREDENTIALS_KEY and value:
            found[reference] = value
            config[key] = reference
            return
        if isinstance(value, dict):
            _unresolve(value, reference, found)
