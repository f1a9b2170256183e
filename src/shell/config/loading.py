"""One configuration lookup, end to end: read, check, merge, resolve, combine.

:func:`load_config` is what ``OmegaConfigLoader.load(key)`` runs. The order of steps (and so
which error wins when several things are wrong) is Kedro's:

1. read the base directory: it must exist; each matching file must parse; credentials files
   are resolved one by one (``${oc.env:...}`` works there only); no key may be defined twice;
2. the same for the run directory, unless the run environment *is* the base environment;
3. merge and resolve each directory on its own (runtime parameters are the last layer of
   ``parameters`` in each), then drop ``_`` keys except in parameters;
4. when only the base was read, return it (even if empty: no "missing" error then);
5. combine base and run environment with the key's merge strategy;
6. if neither directory had a matching file, fail with Kedro's "No files of YAML or JSON
   format found ..." (except for ``globals``, which may be absent).
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from returns.result import Failure, Result, Success

from core.config import (
    ConfigDocument,
    ConfigLoaderSettings,
    FrozenConfig,
    MergeStrategy,
    check_duplicate_keys,
    check_runtime_type_selection,
    finish_directory_config,
    freeze_mapping,
    merge_environments,
    no_config_files,
    overridden_keys,
    raw_directory_config,
    select_config_files,
    strategy_for,
    thaw_mapping,
    unknown_config_key,
)
from core.config.values import FrozenMapping
from core.errors import ConfigError, ConfigErrorReason
from shell import log_names
from shell.config.parsing import document_from_config, parse_config_text, parse_plain_document
from shell.config.resolution import dereference, resolve_config, resolve_document_in_place
from shell.config.resolvers import Resolver, resolver_scope
from shell.config.source import ConfigSource

__all__ = ["load_config"]

_logger = logging.getLogger(log_names.CONFIG_LOADER)


@dataclass(frozen=True, slots=True)
class _Lookup:
    """Everything one lookup reads, gathered so the steps below stay small."""

    key: str
    source: ConfigSource
    settings: ConfigLoaderSettings
    globals_: Mapping[str, object]
    runtime_params: Mapping[str, object]
    custom_resolvers: Mapping[str, Resolver]
    environ: Mapping[str, str] | None

    @property
    def patterns(self) -> tuple[str, ...]:
        return self.settings.config_patterns[self.key]

    @property
    def scope_runtime_params(self) -> Mapping[str, object] | None:
        # runtime_params: is not available while globals are loaded.
        return None if self.key == "globals" else self.runtime_params


def _read_document(lookup: _Lookup, env: str, relative: str) -> Result[ConfigDocument, ConfigError]:
    path = lookup.source.file_path(env, relative)
    text = lookup.source.read_text(env, relative)
    if isinstance(text, Failure):
        return text
    # Credentials are resolved file by file, by OmegaConf, when they interpolate.
    plain = parse_plain_document(path, text.unwrap(), interpolations=lookup.key != "credentials")
    if isinstance(plain, Failure):
        return plain
    document = plain.unwrap()
    if document is not None:
        # Plain data (interpolations are resolved after the merge): no OmegaConf object.
        return Success(document)
    parsed = parse_config_text(path, text.unwrap())
    if isinstance(parsed, Failure):
        return parsed
    config = parsed.unwrap()
    if lookup.key == "credentials":
        environ = lookup.environ if lookup.environ is not None else dict(os.environ)
        with resolver_scope(
            globals_=lookup.globals_,
            runtime_params=lookup.scope_runtime_params,
            custom_resolvers=lookup.custom_resolvers,
            environ=environ,
        ):
            resolved = resolve_document_in_place(config, path)
        if isinstance(resolved, Failure):
            return resolved
    return document_from_config(path, config)


def _by_escape(patterns: tuple[str, ...]) -> dict[int, list[str]]:
    """Patterns grouped by how many leading ``../`` they have (Kedro globs them from the
    environment directory, so ``../**/user1/catalog*`` reaches sibling directories)."""
    # The environment directory itself is always listed: a missing one is an error.
    groups: dict[int, list[str]] = {0: []}
    for pattern in patterns:
        ups = 0
        while pattern.startswith("../"):
            pattern, ups = pattern[3:], ups + 1
        groups.setdefault(ups, []).append(pattern)
    return groups


def _select_files(lookup: _Lookup, env: str) -> Result[tuple[str, ...], ConfigError]:
    """The environment's files the key reads, relative to its directory (``../`` kept, so
    two patterns reaching one file by two paths read it twice, as Kedro's glob does)."""
    chosen: set[str] = set()
    for ups, patterns in sorted(_by_escape(lookup.patterns).items()):
        where = posixpath.join(env, *([".."] * ups)) if ups else env
        listing = lookup.source.list_files(where)
        if isinstance(listing, Failure):
            if ups:
                continue  # nothing up there to match
            return listing
        selected = select_config_files(
            listing.unwrap(), patterns, ignore_hidden=lookup.settings.ignore_hidden, env=env
        )
        if isinstance(selected, Failure):
            return selected
        chosen.update("../" * ups + relative for relative in selected.unwrap())
    return Success(tuple(sorted(chosen)))


def _read_directory(lookup: _Lookup, env: str) -> Result[tuple[ConfigDocument, ...], ConfigError]:
    selected = _select_files(lookup, env)
    if isinstance(selected, Failure):
        return selected
    documents: list[ConfigDocument] = []
    for relative in selected.unwrap():
        document = _read_document(lookup, env, relative)
        if isinstance(document, Failure):
            return document
        documents.append(document.unwrap())
    return check_duplicate_keys(lookup.key, documents)


_FULL_KEY = re.compile(r"full_key: (\S+)")


def _naming_the_file(error: ConfigError, documents: tuple[ConfigDocument, ...]) -> ConfigError:
    """An interpolation error names the environment; name the file holding the key instead
    (the last one defining it, as the merge keeps the last)."""
    found = _FULL_KEY.search(error.message)
    if error.reason is not ConfigErrorReason.INTERPOLATION or found is None:
        return error
    top = found.group(1).split(".")[0].split("[")[0]
    holders = [d.path for d in documents if top in d.content]
    if not holders:
        return error
    return ConfigError(error.reason, f"{error.message}\n    in file: {holders[-1]}", path=holders[-1])


def _merge_and_resolve(
    lookup: _Lookup, documents: tuple[ConfigDocument, ...], env: str, found_runtime_keys: set[str]
) -> Result[FrozenConfig, ConfigError]:
    if not documents:
        return Success(FrozenMapping())
    runtime: FrozenConfig = FrozenMapping()
    if lookup.key == "parameters":
        frozen_runtime = freeze_mapping(lookup.runtime_params)
        if isinstance(frozen_runtime, Failure):
            return frozen_runtime
        runtime = frozen_runtime.unwrap()
    raw = raw_directory_config(lookup.key, documents, runtime, dereference=dereference)
    if isinstance(raw, Failure):
        return raw
    found_runtime_keys.clear()
    resolved = resolve_config(
        raw.unwrap(),
        path=lookup.source.env_path(env),
        globals_load=lookup.key == "globals",
        prune=not ({"globals", "runtime_params"} & lookup.custom_resolvers.keys()),
    )
    if isinstance(resolved, Failure):
        return Failure(_naming_the_file(resolved.failure(), documents))
    if lookup.key == "catalog" and lookup.settings.restrict_runtime_params_type_selection:
        guarded = check_runtime_type_selection(
            raw.unwrap(), resolved.unwrap(), frozenset(found_runtime_keys)
        )
        if isinstance(guarded, Failure):
            return guarded
    return Success(finish_directory_config(lookup.key, resolved.unwrap()))


def _combine(
    lookup: _Lookup, base: FrozenConfig, env: FrozenConfig, env_path: str
) -> Result[FrozenConfig, ConfigError]:
    strategy = strategy_for(lookup.key, lookup.settings.merge_strategy)
    if isinstance(strategy, Failure):
        return strategy
    if strategy.unwrap() is MergeStrategy.DESTRUCTIVE:
        replaced = overridden_keys(base, env)
        if replaced:
            _logger.debug(
                "Config from path '%s' will override the following existing top-level config "
                "keys: %s",
                env_path,
                ", ".join(replaced),
            )
    return merge_environments(base, env, strategy.unwrap())


def _load(lookup: _Lookup, env: str | None) -> Result[FrozenConfig, ConfigError]:
    settings = lookup.settings
    base_path = lookup.source.env_path(settings.base_env)
    run_env = settings.run_env(env)
    env_path = lookup.source.env_path(run_env)
    base_documents = _read_directory(lookup, settings.base_env)
    if isinstance(base_documents, Failure):
        return base_documents
    env_documents: Result[tuple[ConfigDocument, ...], ConfigError] = Success(())
    if settings.reads_run_env(env):
        env_documents = _read_directory(lookup, run_env)
        if isinstance(env_documents, Failure):
            return env_documents

    found_runtime_keys: set[str] = set()
    with resolver_scope(
        globals_=lookup.globals_,
        runtime_params=lookup.scope_runtime_params,
        custom_resolvers=lookup.custom_resolvers,
        found_runtime_keys=found_runtime_keys,
    ):
        base = _merge_and_resolve(
            lookup, base_documents.unwrap(), settings.base_env, found_runtime_keys
        )
        if isinstance(base, Failure) or not settings.reads_run_env(env):
            return base
        run = _merge_and_resolve(lookup, env_documents.unwrap(), run_env, found_runtime_keys)
    if isinstance(run, Failure):
        return run

    combined = _combine(lookup, base.unwrap(), run.unwrap(), env_path)
    if isinstance(combined, Failure):
        return combined
    if not base_documents.unwrap() and not env_documents.unwrap() and lookup.key != "globals":
        return Failure(no_config_files(base_path, env_path, lookup.patterns))
    return combined


def load_config(
    key: str,
    *,
    source: ConfigSource,
    settings: ConfigLoaderSettings,
    env: str | None = None,
    runtime_params: Mapping[str, object] | None = None,
    globals_: Mapping[str, object] | None = None,
    custom_resolvers: Mapping[str, Resolver] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Result[dict[str, object], ConfigError]:
    """Load the configuration of one key the way Kedro's ``OmegaConfigLoader`` does.

    Args:
        key: The configuration type (``"catalog"``, ``"parameters"``, ...).
        source: Where the environment directories are.
        settings: Patterns, environments, merge strategies.
        env: The run environment (``None``: the settings' default run environment).
        runtime_params: Runtime parameters (merged into parameters, behind
            ``${runtime_params:...}``).
        globals_: The loaded globals behind ``${globals:...}``.
        custom_resolvers: Extra OmegaConf resolvers.
        environ: The environment behind ``${oc.env:...}`` in credentials (``None``: the
            process environment at the time of the call).

    Returns:
        ``Success`` of a fresh plain ``dict``, or ``Failure(ConfigError)``: ``UNKNOWN_KEY``
        (no patterns for ``key``), ``MISSING`` (a missing environment directory, or no files
        at all), ``SYNTAX``, ``DUPLICATE_KEY``, ``INTERPOLATION`` or ``INVALID``.
    """
    if key not in settings.config_patterns:
        return Failure(unknown_config_key(key))
    lookup = _Lookup(
        key=key,
        source=source,
        settings=settings,
        globals_=dict(globals_ or {}),
        runtime_params=dict(runtime_params or {}),
        custom_resolvers=dict(custom_resolvers or {}),
        environ=environ,
    )
    return _load(lookup, env).map(_as_plain_dict)


def _as_plain_dict(config: FrozenConfig) -> dict[str, object]:
    # Top-level keys are strings in practice; YAML may produce int keys (``1: x``), which are
    # passed through as Kedro passes them.
    return cast(dict[str, object], thaw_mapping(config))
