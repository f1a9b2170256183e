"""Configuration loading, the pure part: Kedro's ``OmegaConfigLoader`` rules over parsed files.

The shell (:mod:`shell.config`) lists and reads files, parses YAML and resolves ``${...}``
interpolations; everything it decides with goes through here:

* :func:`select_config_files`: which files of an environment directory a key reads;
* :func:`check_duplicate_keys`: keys defined twice within one environment, both files named;
* :func:`raw_directory_config` / :func:`deep_merge`: one directory's merge (runtime
  parameters last for ``parameters``), with OmegaConf's merge semantics;
* :func:`finish_directory_config` / :func:`drop_private_keys`: ``_`` keys dropped except in
  parameters;
* :func:`merge_environments`: base and run environment, destructive or soft;
* :func:`check_runtime_type_selection`: the optional catalog ``type`` guard.

Values are deep-frozen (:class:`FrozenMapping`, tuples); documents are
:class:`ConfigDocument` ``(path, content)``.
"""

from core.config.directory import finish_directory_config, raw_directory_config
from core.config.documents import ConfigDocument
from core.config.duplicates import (
    DuplicateKeys,
    check_duplicate_keys,
    compared_keys,
    find_duplicate_keys,
)
from core.config.environments import (
    MergeStrategy,
    drop_private_keys,
    merge_environments,
    overridden_keys,
    parse_merge_strategy,
    strategy_for,
)
from core.config.failures import (
    invalid_yaml,
    missing_directory,
    no_config_files,
    not_a_mapping,
    unknown_config_key,
)
from core.config.merge import Dereference, deep_merge
from core.config.patterns import (
    CONFIG_SUFFIXES,
    DEFAULT_CONFIG_PATTERNS,
    compile_pattern,
    config_suffix,
    is_hidden,
    select_config_files,
)
from core.config.settings import ConfigLoaderSettings, loader_settings
from core.config.type_guard import check_runtime_type_selection, runtime_params_references
from core.config.values import (
    MISSING,
    ConfigKey,
    ConfigMapping,
    ConfigScalar,
    ConfigValue,
    FrozenConfig,
    FrozenMapping,
    Opaque,
    dotted,
    freeze,
    freeze_mapping,
    is_interpolation,
    thaw,
    thaw_mapping,
)

__all__ = [
    "CONFIG_SUFFIXES",
    "DEFAULT_CONFIG_PATTERNS",
    "MISSING",
    "ConfigDocument",
    "ConfigKey",
    "ConfigLoaderSettings",
    "ConfigMapping",
    "ConfigScalar",
    "ConfigValue",
    "Dereference",
    "DuplicateKeys",
    "FrozenConfig",
    "FrozenMapping",
    "MergeStrategy",
    "Opaque",
    "check_duplicate_keys",
    "check_runtime_type_selection",
    "compared_keys",
    "compile_pattern",
    "config_suffix",
    "deep_merge",
    "dotted",
    "drop_private_keys",
    "find_duplicate_keys",
    "finish_directory_config",
    "freeze",
    "freeze_mapping",
    "invalid_yaml",
    "is_hidden",
    "is_interpolation",
    "loader_settings",
    "merge_environments",
    "missing_directory",
    "no_config_files",
    "not_a_mapping",
    "overridden_keys",
    "parse_merge_strategy",
    "raw_directory_config",
    "runtime_params_references",
    "select_config_files",
    "strategy_for",
    "thaw",
    "thaw_mapping",
    "unknown_config_key",
]
