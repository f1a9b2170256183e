"""Parsing a ``catalog.yml`` structure (already loaded into a dict) into a frozen value.

``parse_catalog_config(raw, credentials)`` checks what Kedro checks when it builds a
catalog, in one pass, and keeps everything else for later (a dataset's class is only
looked up when the dataset is first used, as in Kedro):

* every entry is a mapping; explicit entries and patterns have a ``type``;
* every ``credentials: <key>`` string, at any depth of nested mappings (not inside lists,
  as in Kedro), names an entry of ``credentials`` and is replaced by it;
* pattern keys are well formed, at most one is a catch-all, and every ``{placeholder}``
  used in a pattern's string values appears in the pattern key.

The result holds deeply frozen copies (:mod:`core.catalog.frozen_config`), so later changes to
the caller's dictionaries never reach the catalog.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.frozen_config import FrozenConfig, FrozenList, FrozenMapping, freeze
from core.catalog.patterns import (
    OrderedPatterns,
    Pattern,
    is_pattern,
    order_patterns,
    parse_pattern,
)
from core.errors import DatasetError, DatasetErrorReason

__all__ = [
    "CREDENTIALS_KEY",
    "TYPE_KEY",
    "CatalogConfig",
    "fill_placeholders",
    "parse_catalog_config",
]

TYPE_KEY = "type"
CREDENTIALS_KEY = "credentials"

_CREDENTIALS_DOCS = "https://docs.kedro.org/en/stable/catalog-data/data_catalog/"
_PLACEHOLDER = re.compile(r"\{.*?\}")
_SCALARS = (str, int, float, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)
_set = dict.__setitem__


@dataclass(frozen=True, slots=True)
class CatalogConfig:
    """A parsed catalog configuration: explicit entries and factory patterns.

    Attributes:
        entries: explicit dataset name -> frozen config (credentials substituted), in the
            order they were declared.
        patterns: the factory patterns in resolution order.
        pattern_configs: pattern text -> frozen config (credentials substituted).
    """

    entries: Mapping[str, FrozenConfig] = field(default_factory=FrozenMapping)
    patterns: OrderedPatterns = field(default_factory=OrderedPatterns)
    pattern_configs: Mapping[str, FrozenConfig] = field(default_factory=FrozenMapping)


def _entry_error(reason: DatasetErrorReason, name: str, message: str) -> DatasetError:
    return DatasetError(reason, message, dataset=name)


def _not_a_mapping(name: str) -> DatasetError:
    # Kedro's wording, including the interpolation hint.
    return _entry_error(
        DatasetErrorReason.CONFIG,
        name,
        f"Catalog entry '{name}' is not a valid dataset configuration. \nHint: If this "
        "catalog entry is intended for variable interpolation, make sure that the key is "
        "preceded by an underscore.",
    )


def _no_type(name: str) -> DatasetError:
    return _entry_error(
        DatasetErrorReason.CONFIG,
        name,
        f"An exception occurred when parsing config for dataset '{name}':\n'type' is missing "
        "from dataset catalog configuration.\nHint: If this catalog entry is intended for "
        "variable interpolation, make sure that the top level key is preceded by an "
        "underscore.",
    )


def _missing_credentials(name: str, key: str) -> DatasetError:
    return _entry_error(
        DatasetErrorReason.CREDENTIALS,
        name,
        f"{name}: Unable to find credentials '{key}': check your data catalog and "
        f"credentials configuration. See {_CREDENTIALS_DOCS} for an example.",
    )


def _freeze_entry(
    config: Mapping[str, object], credentials: Mapping[str, object], missing: list[str]
) -> FrozenConfig:
    # One pass that freezes and substitutes credentials. This runs once per catalog entry
    # when a catalog is built, so it is written for speed: the level is copied once in C
    # (the ``FrozenMapping`` constructor), then only the values that need it are replaced
    # in place (``dict.__setitem__`` bypasses the read-only guard on our own fresh copy);
    # exact-type checks come before the slow ABC checks. Missing credential keys are
    # collected rather than returned early.
    frozen: FrozenConfig = FrozenMapping(config)
    scalar_types = _SCALAR_TYPES
    for key, value in frozen.items():
        kind = type(value)
        if kind in scalar_types:
            if kind is str and key == CREDENTIALS_KEY:
                name = cast(str, value)
                if name in credentials:
                    _set(frozen, key, credentials[name])
                else:
                    missing.append(name)
        elif kind is dict:
            nested = cast("dict[str, object]", value)
            # Inlined common case: a nested mapping of scalars (``save_args``, ...).
            for inner in nested.values():
                if type(inner) not in scalar_types:
                    _set(frozen, key, _freeze_entry(nested, credentials, missing))
                    break
            else:
                if CREDENTIALS_KEY in nested:
                    _set(frozen, key, _freeze_entry(nested, credentials, missing))
                else:
                    _set(frozen, key, FrozenMapping(nested))
        elif kind is FrozenMapping:
            pass
        elif isinstance(value, Mapping):
            _set(frozen, key, _freeze_entry(value, credentials, missing))
        else:
            _set(frozen, key, freeze(value))
    return frozen


def _string_placeholders(value: object, found: set[str]) -> None:
    # Kedro only descends into mappings and plain lists/tuples.
    if isinstance(value, str):
        if "}" in value:
            found.update(_PLACEHOLDER.findall(value))
    elif isinstance(value, Mapping):
        for item in value.values():
            _string_placeholders(item, found)
    elif type(value) in (FrozenList, tuple, list):
        assert isinstance(value, tuple | list)
        for item in value:
            _string_placeholders(item, found)


def _check_pattern_config(pattern: Pattern, config: FrozenConfig) -> DatasetError | None:
    used: set[str] = set()
    _string_placeholders(config, used)
    unknown = used - pattern.placeholders
    if unknown:
        shown = "{" + ", ".join(repr(u) for u in sorted(unknown)) + "}"
        return _entry_error(
            DatasetErrorReason.PATTERN,
            pattern.text,
            f"Incorrect dataset configuration provided. Keys used in the configuration "
            f"{shown} should present in the dataset pattern name {pattern.text}.",
        )
    probe = {name: "x" for name in pattern.fields}
    try:
        fill_placeholders(config, probe)
    except (ValueError, KeyError, IndexError, AttributeError) as exc:
        return _entry_error(
            DatasetErrorReason.PATTERN,
            pattern.text,
            f"Dataset factory pattern '{pattern.text}' has a configuration string that cannot "
            f"be filled in ({exc}). Use only '{{placeholder}}' references to names that "
            "appear in the pattern, and double any literal brace.",
        )
    return None


def _add_pattern(name: str, frozen: FrozenConfig, parsed: list[Pattern]) -> DatasetError | None:
    result = parse_pattern(name)
    if not is_successful(result):
        return result.failure()
    pattern = result.unwrap()
    problem = _check_pattern_config(pattern, frozen)
    if problem is None:
        parsed.append(pattern)
    return problem


def parse_catalog_config(
    raw: Mapping[str, object] | None,
    credentials: Mapping[str, object] | None = None,
) -> Result[CatalogConfig, DatasetError]:
    """Parse a catalog configuration.

    Args:
        raw: the catalog structure, ``{name or pattern: {type: ..., ...}}``.
        credentials: the credentials structure, ``{key: {...}}``.

    Returns:
        ``Success(CatalogConfig)``; ``Failure(DatasetError)`` naming the bad entry Kedro
        reports first (patterns, then entry shapes and credentials, then ``type``):
        ``CONFIG`` for an entry that is not a mapping or (not a pattern) has no ``type``,
        ``CREDENTIALS`` for an unknown credentials key, ``PATTERN`` for a malformed pattern,
        a pattern config using a placeholder its key lacks, or more than one catch-all.
    """
    # Credentials are frozen once here, not once per entry that references them.
    creds = {key: freeze(value) for key, value in (credentials or {}).items()}
    entries: dict[str, FrozenConfig] = {}
    pattern_configs: dict[str, FrozenConfig] = {}
    parsed_patterns: list[Pattern] = []
    # Kedro checks in three passes, so with several faults the one it reports comes from the
    # earliest pass: factory patterns (placeholders, credentials), then every entry's shape
    # and credentials, then the ``type`` of plain entries. One pass here, keeping the first
    # fault of each kind; a pattern without ``type`` only fails when a name resolves to it.
    pattern_fault: DatasetError | None = None
    entry_fault: DatasetError | None = None
    type_fault: DatasetError | None = None
    for name, config in (raw or {}).items():
        if type(config) is not dict and not isinstance(config, Mapping):
            entry_fault = entry_fault or _not_a_mapping(name)
            continue
        is_pattern = "{" in name
        if not is_pattern and TYPE_KEY not in config:
            type_fault = type_fault or _no_type(name)
        missing: list[str] = []
        frozen = _freeze_entry(config, creds, missing)
        if is_pattern:
            if missing:
                pattern_fault = pattern_fault or _missing_credentials(name, missing[0])
                continue
            problem = _add_pattern(name, frozen, parsed_patterns)
            if problem is not None:
                pattern_fault = pattern_fault or problem
                continue
            pattern_configs[name] = frozen
        elif missing:
            entry_fault = entry_fault or _missing_credentials(name, missing[0])
        else:
            entries[name] = frozen
    if pattern_fault is not None:
        return Failure(pattern_fault)
    ordered = order_patterns(parsed_patterns)
    if not is_successful(ordered):
        return Failure(ordered.failure())
    if entry_fault is not None:
        return Failure(entry_fault)
    if type_fault is not None:
        return Failure(type_fault)
    return Success(
        CatalogConfig(FrozenMapping(entries), ordered.unwrap(), FrozenMapping(pattern_configs))
    )


def fill_placeholders(value: object, captures: Mapping[str, str]) -> object:
    """Fill ``{placeholder}`` references in every string of a frozen config.

    Only strings containing ``}`` are formatted (Kedro's rule), with ``str.format_map``;
    mappings, lists and tuples are walked, anything else is kept.
    """
    if isinstance(value, str):
        return value.format_map(captures) if "}" in value else value
    if isinstance(value, FrozenMapping):
        return FrozenMapping({k: fill_placeholders(v, captures) for k, v in value.items()})
    if type(value) is FrozenList:
        assert isinstance(value, FrozenList)
        return FrozenList(fill_placeholders(v, captures) for v in value)
    if type(value) is tuple:
        assert isinstance(value, tuple)
        return tuple(fill_placeholders(v, captures) for v in value)
    return value


# ``is_pattern`` is re-exported for callers that only need the key test.
__all__ += ["is_pattern"]
