"""The pure half of the data catalog: configuration, factory patterns, versions, parameters.

Nothing here touches data, reads the clock or imports dataset classes; :mod:`shell.io`
does that, using these functions to decide what to do.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.catalog.config import CatalogConfig, fill_placeholders, parse_catalog_config
    from core.catalog.copy_modes import CopyMode, infer_copy_mode, parse_copy_mode
    from core.catalog.dataset_spec import DatasetSpec, parse_dataset_spec, type_candidates
    from core.catalog.frozen_config import FrozenConfig, FrozenList, FrozenMapping, freeze, thaw
    from core.catalog.parameters import PARAMETERS, PARAMS_PREFIX, is_parameter, parameter_feed
    from core.catalog.patterns import (
        OrderedPatterns,
        Pattern,
        first_match,
        is_pattern,
        order_patterns,
        parse_pattern,
    )
    from core.catalog.resolution import (
        EntrySource,
        Resolution,
        check_load_versions,
        is_registered,
        match_user_pattern,
        resolve_entry,
    )
    from core.catalog.snapshot import CatalogSnapshot
    from core.catalog.versioning import (
        VERSION_FORMAT,
        Version,
        check_version_string,
        format_timestamp,
        latest_version,
        pick_load_version,
        versioned_path,
        versions_in_listing,
    )

__all__ = [
    "PARAMETERS",
    "PARAMS_PREFIX",
    "VERSION_FORMAT",
    "CatalogConfig",
    "CatalogSnapshot",
    "CopyMode",
    "DatasetSpec",
    "EntrySource",
    "FrozenConfig",
    "FrozenList",
    "FrozenMapping",
    "OrderedPatterns",
    "Pattern",
    "Resolution",
    "Version",
    "check_load_versions",
    "check_version_string",
    "fill_placeholders",
    "first_match",
    "format_timestamp",
    "freeze",
    "infer_copy_mode",
    "is_parameter",
    "is_pattern",
    "is_registered",
    "latest_version",
    "match_user_pattern",
    "order_patterns",
    "parameter_feed",
    "parse_catalog_config",
    "parse_copy_mode",
    "parse_dataset_spec",
    "parse_pattern",
    "pick_load_version",
    "resolve_entry",
    "thaw",
    "type_candidates",
    "versioned_path",
    "versions_in_listing",
]

#: The submodule defining each public name. They are loaded on first access rather than by
#: importing the package, so ``import core.catalog.versioning`` (all the session needs to
#: name a run) does not build the whole catalog layer.
_DEFINED_IN = {
    "CatalogConfig": "config",
    "CatalogSnapshot": "snapshot",
    "CopyMode": "copy_modes",
    "DatasetSpec": "dataset_spec",
    "EntrySource": "resolution",
    "FrozenConfig": "frozen_config",
    "FrozenList": "frozen_config",
    "FrozenMapping": "frozen_config",
    "OrderedPatterns": "patterns",
    "PARAMETERS": "parameters",
    "PARAMS_PREFIX": "parameters",
    "Pattern": "patterns",
    "Resolution": "resolution",
    "VERSION_FORMAT": "versioning",
    "Version": "versioning",
    "check_load_versions": "resolution",
    "check_version_string": "versioning",
    "fill_placeholders": "config",
    "first_match": "patterns",
    "format_timestamp": "versioning",
    "freeze": "frozen_config",
    "infer_copy_mode": "copy_modes",
    "is_parameter": "parameters",
    "is_pattern": "patterns",
    "is_registered": "resolution",
    "latest_version": "versioning",
    "match_user_pattern": "resolution",
    "order_patterns": "patterns",
    "parameter_feed": "parameters",
    "parse_catalog_config": "config",
    "parse_copy_mode": "copy_modes",
    "parse_dataset_spec": "dataset_spec",
    "parse_pattern": "patterns",
    "pick_load_version": "versioning",
    "resolve_entry": "resolution",
    "thaw": "frozen_config",
    "type_candidates": "dataset_spec",
    "versioned_path": "versioning",
    "versions_in_listing": "versioning",
}

if not TYPE_CHECKING:  # at runtime only, so mypy still rejects names this package lacks

    def __getattr__(name: str) -> object:
        submodule = _DEFINED_IN.get(name)
        if submodule is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        # Plain imports rather than importlib (which the core does not use): the first public
        # name asked for loads every submodule.
        from core.catalog import (
            config,
            copy_modes,
            dataset_spec,
            frozen_config,
            parameters,
            patterns,
            resolution,
            snapshot,
            versioning,
        )

        modules = {
            "config": config,
            "copy_modes": copy_modes,
            "dataset_spec": dataset_spec,
            "frozen_config": frozen_config,
            "parameters": parameters,
            "patterns": patterns,
            "resolution": resolution,
            "snapshot": snapshot,
            "versioning": versioning,
        }
        value = getattr(modules[submodule], name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
