"""``AbstractConfigLoader``: the dict-like base class every config loader derives from.

Two ways to ask for configuration, with different failure styles:

* ``loader[key]`` / ``loader.get(key, default)``: Kedro's semantics. ``loader[key]`` raises
  :class:`~core.errors.ConfigError` (where Kedro raises ``MissingConfigException``,
  ``ValueError``, ``ParserError`` or an OmegaConf error) and ``KeyError`` for a key the
  loader has no patterns for; ``get`` returns ``default`` only on ``KeyError``.
* ``loader.load(key)``: the same lookup as a ``Result[dict, ConfigError]``; nothing is raised
  for an expected failure. The session uses this form.
"""

from __future__ import annotations

from collections import UserDict
from collections.abc import Mapping
from os import PathLike
from typing import TypeVar, overload

from returns.result import Failure, Result, Success

from core.config import unknown_config_key
from core.errors import ConfigError

__all__ = ["AbstractConfigLoader"]

_T = TypeVar("_T")


class AbstractConfigLoader(UserDict[str, dict[str, object]]):
    """Base class for config loaders (Kedro's ``AbstractConfigLoader``).

    Args:
        conf_source: The configuration source (a directory, an archive or a URL).
        env: The run environment, if any.
        runtime_params: Runtime parameters for the run (copied).
        **kwargs: Accepted and ignored, as in Kedro.
    """

    def __init__(
        self,
        conf_source: str | PathLike[str],
        env: str | None = None,
        runtime_params: Mapping[str, object] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__()
        self.conf_source = conf_source
        self.env = env
        self.runtime_params: dict[str, object] = dict(runtime_params or {})

    @overload
    def get(self, key: str, /) -> dict[str, object] | None: ...
    @overload
    def get(self, key: str, default: dict[str, object] | _T, /) -> dict[str, object] | _T: ...
    def get(self, key: str, default: object = None, /) -> object:
        """``self[key]``, or ``default`` when that raises ``KeyError`` (not other errors).

        Python 3.12's ``UserDict.get`` no longer goes through ``__getitem__``; Kedro restores
        the older behaviour so that ``get`` loads configuration, and so does this.
        """
        try:
            return self[key]
        except KeyError:
            return default

    def load(self, key: str) -> Result[dict[str, object], ConfigError]:
        """The configuration for ``key`` as a ``Result`` (nothing raised for bad config).

        The default goes through ``self[key]`` and turns ``ConfigError`` and ``KeyError``
        into ``Failure`` values, so a custom subclass only needs ``__getitem__``; a loader
        that raises other exceptions (Kedro's ``MissingConfigException``) lets them through.

        Returns:
            ``Success(config)`` or ``Failure(ConfigError)``; ``UNKNOWN_KEY`` for ``KeyError``.
        """
        try:
            return Success(self[key])
        except ConfigError as exc:
            return Failure(exc)
        except KeyError:
            return Failure(unknown_config_key(key))
