"""The pure half of the data catalog: configuration, factory patterns, versions, parameters.

Nothing here touches data, reads the clock or imports dataset classes; :mod:`shell.io`
does that, using these functions to decide what to do.
"""

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
