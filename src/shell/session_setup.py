"""What a :class:`~shell.session.KedroSession` does once, when it is created.

Where the project is, the session store its settings name (opened with the session's id),
and what the session records about where it runs (project path, CLI call, env, runtime
parameters, user, git). Plus the small conversions the session shares with its runs.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason, KedroError
from shell.project.discovery import find_kedro_project
from shell.project.settings import resolve_class
from shell.store.base import BaseSessionStore

if TYPE_CHECKING:
    from core.project_settings import ProjectSettings

_T = TypeVar("_T")
_E = TypeVar("_E", bound=BaseException)


def _resolve_project_path(project_path: str | Path | None) -> Path:
    if project_path:
        return Path(project_path).expanduser().resolve()
    found = find_kedro_project(Path.cwd())
    return (found or Path.cwd()).resolve()


def open_store(
    settings: ProjectSettings, project_path: Path, session_id: str
) -> Result[BaseSessionStore, KedroError]:
    """The store ``SESSION_STORE_CLASS`` names, built with ``SESSION_STORE_ARGS``."""
    store_class = resolve_class(settings, "SESSION_STORE_CLASS", BaseSessionStore)
    if not is_successful(store_class):
        return Failure(store_class.failure())
    cls = store_class.unwrap()
    args: dict[str, Any] = copy.deepcopy(dict(settings.SESSION_STORE_ARGS))
    args.setdefault("path", (project_path / "sessions").as_posix())
    args["session_id"] = session_id
    where = f"{cls.__module__}.{cls.__qualname__}"
    try:
        return Success(cls(**args))
    except TypeError as exc:
        message = (
            f"\n{exc}.\nStore config must only contain arguments valid for the constructor "
            f"of '{where}'."
        )
    except KedroError as error:
        return Failure(error)
    return Failure(ConfigError(ConfigErrorReason.SETTINGS, message, path=settings.source))


def _describe_exception(
    exc_type: type[BaseException], exc_value: BaseException, tb: types.TracebackType | None
) -> dict[str, object]:
    import traceback

    module = exc_type.__module__
    name = exc_type.__qualname__ if module == "builtins" else f"{module}.{exc_type.__qualname__}"
    return {"type": name, "value": str(exc_value), "traceback": traceback.format_tb(tb)}


def _as_optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _as_mapping(value: object) -> Mapping[str, object] | None:
    return value if isinstance(value, Mapping) else None


def _raise_on_failure(result: Result[_T, _E]) -> _T:
    if is_successful(result):
        value: _T = result.unwrap()
        return value
    raise result.failure()
