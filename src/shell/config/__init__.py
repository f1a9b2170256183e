"""Configuration loading: Kedro's ``AbstractConfigLoader`` and ``OmegaConfigLoader``.

How to call it:

* ``OmegaConfigLoader.create(conf_source, env, runtime_params, base_env="base",
  default_run_env="local", ...)`` → ``Result[OmegaConfigLoader, ConfigError]`` (a broken
  ``globals.yml`` is a ``Failure``); the constructor itself raises that error, as Kedro's does.
* ``loader.load("catalog")`` → ``Result[dict[str, object], ConfigError]``: the form for code
  that handles failures as values (the session). ``error.reason`` says what went wrong:
  ``MISSING`` (Kedro's ``MissingConfigException``: no environment directory, or no matching
  file), ``SYNTAX``, ``DUPLICATE_KEY``, ``INTERPOLATION``, ``INVALID``, ``UNKNOWN_KEY``.
* ``loader["catalog"]`` / ``loader.get("catalog")``: Kedro's raising, dict-like form.
* :func:`load_config`: the lookup as a plain function over a :class:`ConfigSource` and
  :class:`~core.config.ConfigLoaderSettings`.
"""

from typing import TYPE_CHECKING

from shell._lazy import lazy_exports

if TYPE_CHECKING:
    from shell.config.abstract import AbstractConfigLoader
    from shell.config.loading import load_config
    from shell.config.omegaconf_loader import OmegaConfigLoader
    from shell.config.resolvers import Resolver
    from shell.config.source import (
        ConfigSource,
        FsspecConfigSource,
        LocalConfigSource,
        open_config_source,
    )

__all__ = [
    "AbstractConfigLoader",
    "ConfigSource",
    "FsspecConfigSource",
    "LocalConfigSource",
    "OmegaConfigLoader",
    "Resolver",
    "load_config",
    "open_config_source",
]

#: Where each public name is defined. Each is imported on first access: the loader pulls in
#: OmegaConf, PyYAML and fsspec, which a session pays for when it loads configuration, not
#: when it imports ``AbstractConfigLoader``.
_DEFINED_IN = {
    "AbstractConfigLoader": "shell.config.abstract",
    "ConfigSource": "shell.config.source",
    "FsspecConfigSource": "shell.config.source",
    "LocalConfigSource": "shell.config.source",
    "OmegaConfigLoader": "shell.config.omegaconf_loader",
    "Resolver": "shell.config.resolvers",
    "load_config": "shell.config.loading",
    "open_config_source": "shell.config.source",
}

if not TYPE_CHECKING:  # at runtime only, so mypy still rejects names this package lacks
    __getattr__, __dir__ = lazy_exports(globals(), _DEFINED_IN, __all__)
