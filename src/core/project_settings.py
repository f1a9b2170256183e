"""The validated shape of a project's ``settings.py``: :class:`ProjectSettings`.

Kept apart from :mod:`core.project` because it is a pydantic model: importing pydantic and
building the model's validator (which also scans installed packages for pydantic plugins)
costs more than every other import of a session together, so it is paid only when settings
are actually read. :mod:`core.project` still exposes both names, loading this module on
first access.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Annotated, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator
from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason
from core.project_classes import (
    _CONFIG_LOADER,
    _CONTEXT,
    _DATA_CATALOG,
    _SQLITE_STORE,
    DEFAULT_CONFIG_LOADER_ARGS,
    HOOK_CLASS_MESSAGE,
    ClassRef,
    ClassSettingName,
)

__all__ = ["ProjectSettings", "settings_from_namespace"]


def _hooks(value: object) -> tuple[object, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError("expected a tuple of hook instances, e.g. HOOKS = (ProjectHooks(),)")
    hooks = tuple(value)
    classes = [h for h in hooks if isinstance(h, type)]
    if classes:
        names = ", ".join(f"'{c.__qualname__}'" for c in classes)
        raise ValueError(f"{HOOK_CLASS_MESSAGE} {names} must be instantiated, e.g. '{classes[0].__qualname__}()'")
    return hooks


def _names(value: object) -> object:
    # A bare string would be iterated letter by letter (Kedro then matches substrings);
    # it almost always means one name.
    return (value,) if isinstance(value, str) else value


def _path_text(value: object) -> object:
    fspath = getattr(value, "__fspath__", None)
    return fspath() if callable(fspath) else value


def _empty() -> Mapping[str, object]:
    return MappingProxyType({})


_Class = Annotated[ClassRef, BeforeValidator(ClassRef.of)]


class ProjectSettings(BaseModel):
    """A project's settings (Kedro's names and defaults), validated and frozen.

    Class settings hold a :class:`ClassRef`; the shell resolves it when it needs the class.
    ``extras`` keeps any other upper-case name ``settings.py`` defines (Kedro keeps those too),
    and ``source`` names the file the settings came from (empty for defaults).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    CONF_SOURCE: Annotated[str, BeforeValidator(_path_text)] = "conf"
    HOOKS: Annotated[tuple[object, ...], BeforeValidator(_hooks)] = ()
    CONTEXT_CLASS: _Class = ClassRef(_CONTEXT)
    SESSION_STORE_CLASS: _Class = ClassRef(_SQLITE_STORE)
    SESSION_STORE_ARGS: Mapping[str, object] = Field(default_factory=_empty)
    DISABLE_HOOKS_FOR_PLUGINS: Annotated[tuple[str, ...], BeforeValidator(_names)] = ()
    CONFIG_LOADER_CLASS: _Class = ClassRef(_CONFIG_LOADER)
    CONFIG_LOADER_ARGS: Mapping[str, object] = Field(default_factory=lambda: DEFAULT_CONFIG_LOADER_ARGS)
    DATA_CATALOG_CLASS: _Class = ClassRef(_DATA_CATALOG)
    DATASET_VALIDATION: bool = True
    RUNNER_MODULE_ALLOWLIST: Annotated[tuple[str, ...], BeforeValidator(_names)] = ()
    extras: Mapping[str, object] = Field(default_factory=_empty)
    source: str = ""

    @field_validator("SESSION_STORE_ARGS", "CONFIG_LOADER_ARGS", "extras", mode="after")
    @classmethod
    def _read_only(cls, value: Mapping[str, object]) -> Mapping[str, object]:
        # Top level only: nested values are the user's data, handed on as given.
        return MappingProxyType(dict(value))

    def is_default(self, name: ClassSettingName) -> bool:
        """Whether the class setting ``name`` is kedro-pure's default (nothing to check)."""
        field = ProjectSettings.model_fields[name]
        return bool(getattr(self, name) == field.default)


_SETTING_FIELDS: Final = frozenset(ProjectSettings.model_fields) - {"extras", "source"}


def settings_from_namespace(
    namespace: Mapping[str, object],
    *,
    source: str = "",
    lines: Mapping[str, int] | None = None,
) -> Result[ProjectSettings, ConfigError]:
    """Build settings from a ``settings.py`` module's names (only upper-case names count).

    Args:
        namespace: The module's ``vars()``.
        source: The settings file, named in errors and kept on the value.
        lines: Where each setting is assigned (``{name: line}``), to point errors at a line.

    Returns:
        ``Success(ProjectSettings)``, or ``Failure(ConfigError)`` (reason ``SETTINGS``) naming
        the file, each invalid setting, its line when known, and what it must be.
    """
    upper = {k: v for k, v in namespace.items() if k.isupper() and not k.startswith("_")}
    known = {k: v for k, v in upper.items() if k in _SETTING_FIELDS}
    extras = {k: v for k, v in upper.items() if k not in _SETTING_FIELDS}
    try:
        settings = ProjectSettings.model_validate({**known, "extras": extras, "source": source})
    except ValidationError as exc:
        return Failure(_settings_error(exc, source, lines or {}))
    return Success(settings)


def _settings_error(exc: ValidationError, source: str, lines: Mapping[str, int]) -> ConfigError:
    where = f" in '{source}'" if source else ""
    problems = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "?"
        cause = error.get("ctx", {}).get("error")
        detail = str(cause) if isinstance(cause, ValueError) else error["msg"]
        line = f", line {lines[name]}" if name in lines else ""
        problems.append(f"setting '{name}'{line}: {detail}")
    return ConfigError(
        ConfigErrorReason.SETTINGS,
        f"Invalid project settings{where}: " + "; ".join(problems) + ".",
        path=source,
    )
