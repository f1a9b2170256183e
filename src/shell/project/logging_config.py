"""Project logging configuration, chosen and checked as Kedro 1.7 does.

Where it comes from (Kedro's precedence): the file named by ``KEDRO_LOGGING_CONFIG``; else
``conf/logging.yml`` (or ``.yaml``) **relative to the working directory**; else kedro-pure's
default (:func:`default_logging_config`: records on the console above the progress bar, the
``kedro`` loggers at WARNING, or INFO with ``--verbose``; the project's own logger at INFO).

A file is checked before anything in it is imported, with Kedro's rules and messages: a
``()`` factory key is refused, and a ``class`` must come from an allow-listed module
(``logging``, ``kedro.logging``, ``shell.console_logging``, plus the comma-separated
``KEDRO_LOGGING_MODULE_ALLOWLIST``) and be a ``logging.Handler``, ``Formatter`` or
``Filter``. A class outside the list is never imported. Kedro's own
``kedro.logging.RichHandler`` is kedro-pure's :class:`shell.console_logging.RichHandler`
(Kedro need not be installed). Every problem is a ``ConfigError`` naming the file.
"""

from __future__ import annotations

import importlib
import logging
import logging.config
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason
from shell import log_names
from shell.kedro_bridge.logs import mute_kedro_import_records

__all__ = [
    "DEFAULT_MODULE_ALLOWLIST",
    "LoggingSetup",
    "configure_logging",
    "default_logging_config",
    "find_logging_config",
    "module_allowed",
    "prepare_logging_config",
    "set_project_logging",
]

#: Modules whose classes a logging file may name without ``KEDRO_LOGGING_MODULE_ALLOWLIST``.
DEFAULT_MODULE_ALLOWLIST = ("logging", "kedro.logging", "shell.console_logging")

#: Kedro's classes, served by kedro-pure's (the allowlist is checked on the name as written).
_KEDRO_CLASSES = {"kedro.logging.RichHandler": "shell.console_logging.RichHandler"}

_BASE_CLASSES = (logging.Handler, logging.Formatter, logging.Filter)

_ALLOWED_TEXT = (
    "Only 'logging', 'kedro.logging', and modules listed in the KEDRO_LOGGING_MODULE_ALLOWLIST "
    "environment variable are allowed."
)


@dataclass(frozen=True, slots=True)
class LoggingSetup:
    """The configuration in force.

    Attributes:
        path: the file it came from; ``None`` for kedro-pure's default.
        config: the configuration as given to ``dictConfig``.
    """

    path: Path | None
    config: Mapping[str, Any]


def find_logging_config(environ: Mapping[str, str], cwd: Path) -> Path | None:
    """Kedro's choice of file: ``KEDRO_LOGGING_CONFIG``, else ``conf/logging.yml|yaml`` under
    ``cwd`` (returned relative, as Kedro names it), else ``None``."""
    chosen = environ.get("KEDRO_LOGGING_CONFIG")
    if chosen:
        return Path(chosen)
    for suffix in (".yml", ".yaml"):
        relative = Path("conf/logging").with_suffix(suffix)
        if (cwd / relative).exists():
            return relative
    return None


def module_allowed(module: str, allowlist: tuple[str, ...]) -> bool:
    """Kedro's prefix rule: ``pkg`` allows ``pkg`` and ``pkg.sub``, not ``pkgsub``."""
    return any(module == prefix or module.startswith(prefix + ".") for prefix in allowlist)


def allowlist_from(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The default allowlist plus ``KEDRO_LOGGING_MODULE_ALLOWLIST`` (comma-separated)."""
    extra = environ.get("KEDRO_LOGGING_MODULE_ALLOWLIST", "")
    return DEFAULT_MODULE_ALLOWLIST + tuple(m.strip() for m in extra.split(",") if m.strip())


def _invalid(path: str, message: str) -> ConfigError:
    return ConfigError(ConfigErrorReason.INVALID, f"{message}\nLogging configuration: {path}", path=path)


def _resolve_class(class_path: str, allowlist: tuple[str, ...]) -> Result[type[Any] | None, str]:
    """The class a ``class:`` value names, checked before and after import (Kedro's order)."""
    module_path, _, class_name = class_path.rpartition(".")
    if not module_path:
        return Success(None)  # a bare name: logging resolves it itself
    if not module_allowed(module_path, allowlist):
        return Failure(
            f"Module '{module_path}' specified as a logging class is not permitted. " + _ALLOWED_TEXT
        )
    target_module, _, target_name = _KEDRO_CLASSES.get(class_path, class_path).rpartition(".")
    try:
        module = importlib.import_module(target_module)
    except ImportError as exc:
        return Failure(f"Cannot import module '{module_path}' specified as a logging class: {exc}")
    cls = getattr(module, target_name, None)
    if cls is None:
        return Failure(
            f"Class '{class_name}' not found in module '{module_path}' as specified in logging "
            "configuration."
        )
    if not (isinstance(cls, type) and issubclass(cls, _BASE_CLASSES)):
        return Failure(
            f"Invalid logging class '{class_path}'. Must be a subclass of logging.Handler, "
            f"logging.Formatter, or logging.Filter. Got {type(cls).__name__!r}."
        )
    return Success(cls)


def _check(node: object, allowlist: tuple[str, ...], resolved: dict[str, type[Any] | None]) -> str | None:
    """The first problem in ``node`` (depth first, in file order, as Kedro walks it)."""
    stack: list[object] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "()" in item:
                return "The '()' key is not allowed in logging configuration as it poses a security risk."
            class_path = item.get("class")
            if isinstance(class_path, str) and class_path not in resolved:
                found = _resolve_class(class_path, allowlist)
                if isinstance(found, Failure):
                    return str(found.failure())
                resolved[class_path] = found.unwrap()
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return None


def prepare_logging_config(
    config: object, path: str, allowlist: tuple[str, ...]
) -> Result[dict[str, Any], ConfigError]:
    """Check ``config`` (from ``path``) and return what to give ``dictConfig``: Kedro's
    classes replaced by kedro-pure's, filter classes turned into factories (as Kedro does,
    since ``dictConfig`` builds filters only through ``()``)."""
    if not isinstance(config, dict):
        return Failure(_invalid(path, f"The logging configuration must be a mapping, got {type(config).__name__}."))
    resolved: dict[str, type[Any] | None] = {}
    problem = _check(config, allowlist, resolved)
    if problem is not None:
        return Failure(_invalid(path, problem))
    prepared = _swap_classes(config)
    assert isinstance(prepared, dict)
    filters = prepared.get("filters")
    if isinstance(filters, dict):
        for name, spec in list(filters.items()):
            if not (isinstance(spec, dict) and isinstance(spec.get("class"), str)):
                continue
            cls = resolved.get(config["filters"][name]["class"])
            if cls is None:
                continue
            if not issubclass(cls, logging.Filter):
                return Failure(
                    _invalid(
                        path,
                        f"Invalid logging filter class '{spec['class']}' for filter '{name}'. "
                        "Must be a subclass of logging.Filter.",
                    )
                )
            filters[name] = {**{k: v for k, v in spec.items() if k != "class"}, "()": cls}
    return Success(prepared)


def _swap_classes(node: object) -> object:
    if isinstance(node, dict):
        swapped = {k: _swap_classes(v) for k, v in node.items()}
        class_path = swapped.get("class")
        if isinstance(class_path, str):
            swapped["class"] = _KEDRO_CLASSES.get(class_path, class_path)
        return swapped
    if isinstance(node, list):
        return [_swap_classes(v) for v in node]
    return node


def default_logging_config(*, verbose: bool = False, quiet: bool = False) -> dict[str, Any]:
    """kedro-pure's default: records on the console (above the progress bar); Kedro's own
    loggers at WARNING (INFO with ``verbose``), the project's logger at INFO (set when the
    project is bootstrapped), only errors with ``quiet``."""
    handler: dict[str, Any] = {
        "class": "shell.console_logging.RichHandler",
        "markup": False,
        "show_path": verbose,
        "rich_tracebacks": verbose,
        "filters": [] if verbose else ["third_party_chatter"],
    }
    if quiet:
        handler["level"] = "ERROR"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"third_party_chatter": {"()": _QuietLibraries}},
        "handlers": {"console": handler},
        "loggers": {"kedro": {"level": "INFO" if verbose else "WARNING"}},
        "root": {"handlers": ["console"], "level": "INFO" if verbose else "WARNING"},
    }


class _QuietLibraries(logging.Filter):
    """Dask's ``distributed`` sets its loggers to INFO when imported: without ``--verbose``
    only its errors are shown."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or not record.name.startswith("distributed")


def configure_logging(
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    verbose: bool = False,
    quiet: bool = False,
) -> Result[LoggingSetup, ConfigError]:
    """Configure logging from the project's file (Kedro's precedence) or kedro-pure's default,
    then log Kedro's INFO ``Using '<path>' as logging configuration. ...``."""
    env = os.environ if environ is None else environ
    # An unmodified Kedro project imports Kedro's project module, which would log this again.
    mute_kedro_import_records()
    path = find_logging_config(env, Path.cwd() if cwd is None else cwd)
    if path is None:
        applied = _apply(default_logging_config(verbose=verbose, quiet=quiet), "kedro-pure's default")
        if isinstance(applied, Failure):
            return Failure(applied.failure())
        logging.getLogger(log_names.PROJECT).info(
            "Using kedro-pure's default logging configuration. You can change this by adding "
            "conf/logging.yml or setting the KEDRO_LOGGING_CONFIG environment variable."
        )
        return Success(LoggingSetup(None, default_logging_config(verbose=verbose, quiet=quiet)))
    location = path if path.is_absolute() or cwd is None else cwd / path
    loaded = _read(location, str(path))
    if isinstance(loaded, Failure):
        return Failure(loaded.failure())
    prepared = prepare_logging_config(loaded.unwrap(), str(path), allowlist_from(env))
    if isinstance(prepared, Failure):
        return Failure(prepared.failure())
    applied = _apply(prepared.unwrap(), str(path))
    if isinstance(applied, Failure):
        return Failure(applied.failure())
    _enable_kedro_loggers()
    hint = "" if env.get("KEDRO_LOGGING_CONFIG") else (
        "You can change this by setting the KEDRO_LOGGING_CONFIG environment variable accordingly."
    )
    logging.getLogger(log_names.PROJECT).info(f"Using '{path!s}' as logging configuration. " + hint)
    return Success(LoggingSetup(path, prepared.unwrap()))


def _enable_kedro_loggers() -> None:
    """``disable_existing_loggers: true`` disables the loggers that exist when the file is
    applied. Kedro's own are created when first used, after that, so the option never
    silences them; kedro-pure's exist already (module loggers), so they are enabled again."""
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if (name == "kedro" or name.startswith("kedro.")) and isinstance(logger, logging.Logger):
            logger.disabled = False


def _read(location: Path, shown: str) -> Result[object, ConfigError]:
    import yaml

    try:
        text = location.read_text(encoding="utf-8")
    except OSError as exc:
        return Failure(
            ConfigError(
                ConfigErrorReason.MISSING,
                f"Cannot read the logging configuration '{shown}': {exc.strerror or exc}.",
                path=shown,
            )
        )
    try:
        return Success(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return Failure(
            ConfigError(
                ConfigErrorReason.SYNTAX,
                f"The logging configuration '{shown}' is not valid YAML{where}: {problem}.",
                path=shown,
            )
        )


def _apply(config: dict[str, Any], shown: str) -> Result[None, ConfigError]:
    try:
        logging.config.dictConfig(config)
    # dictConfig reports every problem of the configuration (an unknown handler, a bad
    # level, a handler's constructor refusing its arguments) as one of these.
    except (ValueError, TypeError, AttributeError, ImportError) as exc:
        return Failure(
            ConfigError(
                ConfigErrorReason.INVALID,
                f"The logging configuration '{shown}' cannot be applied: {exc}",
                path=shown,
            )
        )
    return Success(None)


def set_project_logging(package_name: str) -> None:
    """Kedro's ``set_project_logging``: the project's logger logs at INFO unless the
    configuration already set its level."""
    logger = logging.getLogger(package_name)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
