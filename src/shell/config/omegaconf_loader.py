"""``OmegaConfigLoader``: Kedro's configuration loader, on the pure rules of ``core.config``.

Construction mirrors Kedro's: settings are defaulted (``base_env``/``default_run_env`` are
``""`` unless given; a Kedro project passes ``base`` and ``local``), and ``globals`` are
loaded at once, so a broken ``globals.yml`` fails construction (a *missing* one, or a missing
environment directory, only leaves the globals empty).

Differences from Kedro 1.7, all deliberate:

* resolvers are installed per lookup instead of mutating OmegaConf's global registry, so
  loaders do not see each other's globals or runtime parameters;
* files of one directory are read in sorted order (Kedro's order comes from a ``set``);
* errors are :class:`~core.errors.ConfigError` values with a ``reason`` (see
  :mod:`shell.config.abstract` for the raising and the ``Result`` forms);
* the environment behind ``${oc.env:...}`` can be injected (``environ=``), for tests.
"""

from __future__ import annotations

import logging
from collections.abc import KeysView, Mapping, Sequence
from os import PathLike

from returns.result import Failure, Result, Success

from core.config import ConfigLoaderSettings, loader_settings, unknown_config_key
from core.errors import ConfigError, ConfigErrorReason
from shell import log_names
from shell.config.abstract import AbstractConfigLoader
from shell.config.loading import load_config
from shell.config.resolvers import Resolver
from shell.config.source import ConfigSource, open_config_source

__all__ = ["OmegaConfigLoader"]

_logger = logging.getLogger(log_names.CONFIG_LOADER)


class OmegaConfigLoader(AbstractConfigLoader):
    """Load ``catalog``, ``parameters``, ``credentials``, ``globals`` (and custom keys).

    Args:
        conf_source: The configuration directory (or ``.tar``/``.zip`` archive, or URL).
        env: The run environment (``None``: ``default_run_env``).
        runtime_params: Runtime parameters, deep-merged into parameters last.
        config_patterns: Extra or replacement glob patterns per key.
        base_env: The base environment directory.
        default_run_env: The run environment when ``env`` is not given.
        custom_resolvers: Extra OmegaConf resolvers (by name).
        merge_strategy: ``"soft"`` or ``"destructive"`` per key (default destructive).
        ignore_hidden: Skip hidden files and folders.
        restrict_runtime_params_type_selection: Refuse catalog ``type`` values chosen through
            ``${runtime_params:...}``.
        source: Read files through this port instead of the fsspec source for
            ``conf_source`` (tests use an in-memory one).
        environ: The environment behind ``${oc.env:...}`` (default: ``os.environ`` at load
            time).

    Raises:
        ConfigError: When ``globals`` cannot be loaded (bad syntax, duplicate keys,
            unresolvable interpolation). :meth:`create` returns this as a ``Failure``.
    """

    def __init__(
        self,
        conf_source: str | PathLike[str],
        env: str | None = None,
        runtime_params: Mapping[str, object] | None = None,
        *,
        config_patterns: Mapping[str, Sequence[str]] | None = None,
        base_env: str | None = None,
        default_run_env: str | None = None,
        custom_resolvers: Mapping[str, Resolver] | None = None,
        merge_strategy: Mapping[str, str] | None = None,
        ignore_hidden: bool = True,
        restrict_runtime_params_type_selection: bool = False,
        source: ConfigSource | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        conf_source = str(conf_source) if isinstance(conf_source, PathLike) else conf_source
        self.settings: ConfigLoaderSettings = loader_settings(
            config_patterns=config_patterns,
            base_env=base_env,
            default_run_env=default_run_env,
            merge_strategy=merge_strategy,
            ignore_hidden=ignore_hidden,
            restrict_runtime_params_type_selection=restrict_runtime_params_type_selection,
        )
        self._source: ConfigSource = source or open_config_source(conf_source)
        self._custom_resolvers: dict[str, Resolver] = dict(custom_resolvers or {})
        self._environ = environ
        self._globals: dict[str, object] = {}
        super().__init__(conf_source=conf_source, env=env, runtime_params=runtime_params)
        loaded = self.load("globals")
        if isinstance(loaded, Failure):
            if loaded.failure().reason is not ConfigErrorReason.MISSING:
                raise loaded.failure()
        else:
            self._globals = loaded.unwrap()

    @classmethod
    def create(
        cls,
        conf_source: str | PathLike[str],
        env: str | None = None,
        runtime_params: Mapping[str, object] | None = None,
        *,
        config_patterns: Mapping[str, Sequence[str]] | None = None,
        base_env: str | None = None,
        default_run_env: str | None = None,
        custom_resolvers: Mapping[str, Resolver] | None = None,
        merge_strategy: Mapping[str, str] | None = None,
        ignore_hidden: bool = True,
        restrict_runtime_params_type_selection: bool = False,
        source: ConfigSource | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Result[OmegaConfigLoader, ConfigError]:
        """Build a loader, returning a broken ``globals.yml`` as ``Failure`` instead of raising.

        Takes exactly the constructor's arguments.
        """
        try:
            return Success(
                cls(
                    conf_source,
                    env,
                    runtime_params,
                    config_patterns=config_patterns,
                    base_env=base_env,
                    default_run_env=default_run_env,
                    custom_resolvers=custom_resolvers,
                    merge_strategy=merge_strategy,
                    ignore_hidden=ignore_hidden,
                    restrict_runtime_params_type_selection=restrict_runtime_params_type_selection,
                    source=source,
                    environ=environ,
                )
            )
        except ConfigError as exc:
            return Failure(exc)

    # -- Kedro's attributes ----------------------------------------------------------------

    @property
    def base_env(self) -> str:
        """The base environment directory name."""
        return self.settings.base_env

    @property
    def default_run_env(self) -> str:
        """The run environment used when ``env`` is not given."""
        return self.settings.default_run_env

    @property
    def config_patterns(self) -> dict[str, list[str]]:
        """A copy of the glob patterns per key."""
        return {key: list(value) for key, value in self.settings.config_patterns.items()}

    @property
    def merge_strategy(self) -> dict[str, str]:
        """A copy of the merge strategy per key."""
        return dict(self.settings.merge_strategy)

    @property
    def ignore_hidden(self) -> bool:
        """Whether hidden files and folders are skipped."""
        return self.settings.ignore_hidden

    # -- lookups ---------------------------------------------------------------------------

    def load(self, key: str) -> Result[dict[str, object], ConfigError]:
        """The configuration for ``key`` as a ``Result`` (see :func:`shell.config.load_config`).

        A value set with ``loader[key] = value`` is returned as is.
        """
        if key in self.data:
            return Success(self.data[key])
        if key not in self.settings.config_patterns:
            return Failure(unknown_config_key(key))
        return load_config(
            key,
            source=self._source,
            settings=self.settings,
            env=self.env,
            runtime_params=self.runtime_params,
            globals_=self._globals,
            custom_resolvers=self._custom_resolvers,
            environ=self._environ,
        )

    def __getitem__(self, key: str) -> dict[str, object]:
        """Kedro's lookup: raises ``KeyError`` for an unknown key, ``ConfigError`` otherwise."""
        result = self.load(key)
        if isinstance(result, Failure):
            error = result.failure()
            if error.reason is ConfigErrorReason.UNKNOWN_KEY:
                raise KeyError(error.message)
            raise error
        return result.unwrap()

    def __setitem__(self, key: str, value: dict[str, object]) -> None:
        if key == "globals":
            # The ${globals:...} resolver reads the cached globals.
            self._globals = value
        super().__setitem__(key, value)

    def keys(self) -> KeysView[str]:
        """The config keys the loader has patterns for (not the explicitly set ones)."""
        return KeysView(self.settings.config_patterns)

    def __repr__(self) -> str:
        return (
            f"OmegaConfigLoader(conf_source={self.conf_source}, env={self.env}, "
            f"runtime_params={self.runtime_params}, config_patterns={self.config_patterns}, "
            f"base_env={self.base_env}, default_run_env={self.default_run_env}, "
            f"custom_resolvers={self._custom_resolvers}, merge_strategy={self.merge_strategy})"
        )
