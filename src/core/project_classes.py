"""The class settings of ``settings.py``: which settings name classes, how a class is named
(:class:`ClassRef`), Kedro's class paths mapped onto kedro-pure's, and the rules the shell
checks once it has imported a class.

Shared by :mod:`core.project` (which re-exports every name) and :mod:`core.project_settings`
(the pydantic model); kept apart so neither of those imports the other at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

__all__ = [
    "CLASS_SETTINGS",
    "CLASS_SETTING_RULES",
    "DEFAULT_CONFIG_LOADER_ARGS",
    "HOOK_CLASS_MESSAGE",
    "KEDRO_CLASS_ALIASES",
    "ClassRef",
    "ClassRule",
    "ClassSettingName",
]

#: Kedro's message for a hook class given where an instance belongs.
HOOK_CLASS_MESSAGE: Final = (
    "KedroSession expects hooks to be registered as instances. "
    "Have you forgotten the `()` when registering a hook class ?"
)

_CONFIG_LOADER: Final = "shell.config.OmegaConfigLoader"
_CONTEXT: Final = "shell.context.KedroContext"
_DATA_CATALOG: Final = "shell.io.DataCatalog"
_BASE_STORE: Final = "shell.store.base.BaseSessionStore"
_SQLITE_STORE: Final = "shell.store.sqlite.SQLiteStore"

#: Kedro's classes (by every dotted path they are importable or defined under) mapped onto
#: kedro-pure's equivalents, so settings naming Kedro's defaults keep working.
KEDRO_CLASS_ALIASES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "kedro.config.OmegaConfigLoader": _CONFIG_LOADER,
        "kedro.config.omegaconf_config.OmegaConfigLoader": _CONFIG_LOADER,
        "kedro.framework.context.KedroContext": _CONTEXT,
        "kedro.framework.context.context.KedroContext": _CONTEXT,
        "kedro.framework.session.store.BaseSessionStore": _BASE_STORE,
        "kedro.io.DataCatalog": _DATA_CATALOG,
        "kedro.io.data_catalog.DataCatalog": _DATA_CATALOG,
        "kedro.io.SharedMemoryDataCatalog": "shell.io.SharedMemoryDataCatalog",
        "kedro.io.data_catalog.SharedMemoryDataCatalog": "shell.io.SharedMemoryDataCatalog",
    }
)

#: Kedro's default ``CONFIG_LOADER_ARGS``; a project's value replaces it whole (Kedro parity).
DEFAULT_CONFIG_LOADER_ARGS: Final[Mapping[str, object]] = MappingProxyType(
    {"base_env": "base", "default_run_env": "local"}
)

#: The settings whose value is a class.
ClassSettingName = Literal["CONTEXT_CLASS", "SESSION_STORE_CLASS", "CONFIG_LOADER_CLASS", "DATA_CATALOG_CLASS"]
CLASS_SETTINGS: Final[tuple[ClassSettingName, ...]] = (
    "CONTEXT_CLASS",
    "SESSION_STORE_CLASS",
    "CONFIG_LOADER_CLASS",
    "DATA_CATALOG_CLASS",
)


@dataclass(frozen=True, slots=True)
class ClassRule:
    """How a class setting is checked once the shell has imported it (Kedro's validators).

    Attributes:
        kind: ``"subclass"``: the value must subclass ``base``; ``"shared_parent"``: the
            direct parent of ``base`` must be among the value's ancestors (Kedro's rule for the
            config loader); ``"catalog"``: the value must subclass ``base`` or have every
            method of the catalog protocol.
        base: Dotted path of the class the rule is measured against.
    """

    kind: Literal["subclass", "shared_parent", "catalog"]
    base: str


CLASS_SETTING_RULES: Final[Mapping[ClassSettingName, ClassRule]] = MappingProxyType(
    {
        "CONTEXT_CLASS": ClassRule("subclass", _CONTEXT),
        "SESSION_STORE_CLASS": ClassRule("subclass", _BASE_STORE),
        "CONFIG_LOADER_CLASS": ClassRule("shared_parent", _CONFIG_LOADER),
        "DATA_CATALOG_CLASS": ClassRule("catalog", _DATA_CATALOG),
    }
)


@dataclass(frozen=True, slots=True)
class ClassRef:
    """A class named by a setting: its dotted path, and the class itself when one was given.

    Classes are resolved lazily (by the shell), so settings can name classes whose modules are
    slow to import or not importable yet.

    Attributes:
        path: ``"module.QualifiedName"``.
        target: The class object, when ``settings.py`` assigned a class (not a Kedro alias).
    """

    path: str
    target: type | None = None

    @classmethod
    def of(cls, value: object) -> ClassRef:
        """The reference for a setting value: a class, a dotted path, or a ``ClassRef``.

        Raises:
            ValueError: ``value`` is none of those (pydantic reports it as a setting error).
        """
        if isinstance(value, ClassRef):
            return value
        if isinstance(value, str):
            path = value.strip()
            if not _is_dotted_path(path):
                raise ValueError(
                    f"{value!r} is not a dotted class path such as '{_CONFIG_LOADER}'"
                )
            return ClassRef(KEDRO_CLASS_ALIASES.get(path, path))
        if isinstance(value, type):
            path = f"{value.__module__}.{value.__qualname__}"
            alias = KEDRO_CLASS_ALIASES.get(path)
            return ClassRef(alias) if alias else ClassRef(path, value)
        raise ValueError(
            f"expected a class or a dotted class path, got an instance of "
            f"'{type(value).__qualname__}' (write the class, without '()')"
        )


def _is_dotted_path(path: str) -> bool:
    parts = path.split(".")
    return len(parts) >= 2 and all(p.isidentifier() for p in parts)
