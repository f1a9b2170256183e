"""Loading ``<package>.settings`` into a :class:`core.project.ProjectSettings` value.

Three steps, each returning a ``Result``:

* :func:`load_settings` imports the module and checks the *shape* of its settings (a
  ``settings.py`` that does not parse or import is a ``ConfigError`` naming the file and line;
  there is no silent fallback to defaults). Class settings stay unresolved references.
* :func:`resolve_class` imports the class a setting names and checks it as Kedro does
  (subclass of the default, shared parent for the config loader, catalog protocol).
* :func:`validate_settings` does both, eagerly, for every class setting the project changed:
  the session calls it once, when it is created.

A ``settings.py`` written for Kedro works unchanged: Kedro's default classes are mapped onto
kedro-pure's (:data:`core.project.KEDRO_CLASS_ALIASES`). Its ``from kedro... import ...`` lines
still need ``kedro`` installed; naming classes by dotted strings avoids that.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason
from core.project import (
    CLASS_SETTING_RULES,
    CLASS_SETTINGS,
    ClassRef,
    ClassSettingName,
)
from shell import log_names
from shell.project._failure import location
from shell.project.bootstrap import ProjectMetadata

if TYPE_CHECKING:
    from core.project_settings import ProjectSettings

__all__ = ["import_object", "load_settings", "resolve_class", "validate_settings"]

logger = logging.getLogger(log_names.PROJECT)

_T = TypeVar("_T")

#: The methods Kedro's ``CatalogProtocol`` requires of a catalog class.
_CATALOG_METHODS: Final = (
    "__contains__",
    "__getitem__",
    "__iter__",
    "__setitem__",
    "confirm",
    "exists",
    "from_config",
    "get",
    "items",
    "keys",
    "load",
    "release",
    "save",
    "values",
)


def load_settings(metadata: ProjectMetadata) -> Result[ProjectSettings, ConfigError]:
    """Import ``<package>.settings`` and validate the shape of its settings.

    Without a ``settings.py``, logs Kedro's warning and returns the defaults. The module is
    imported once per process (``sys.modules`` keeps it, as in Kedro).

    Args:
        metadata: The project, from :func:`shell.project.bootstrap.bootstrap_project` (its
            source directory must be importable).

    Returns:
        ``Success(ProjectSettings)``, or ``Failure(ConfigError)``: reason ``MISSING`` when the
        package itself cannot be found, ``SETTINGS`` when ``settings.py`` (or the package's
        ``__init__``) fails to import, naming the file, the line and what to fix, or when a
        setting has the wrong shape.
    """
    # Deferred: the settings model is pydantic, the costliest import of a session.
    from core.project_settings import ProjectSettings, settings_from_namespace

    module_name = f"{metadata.package_name}.settings"
    try:
        spec = importlib.util.find_spec(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (metadata.package_name + ".").startswith(exc.name + "."):
            return Failure(_package_missing(metadata))
        return Failure(_import_error(metadata, module_name, exc))
    except Exception as exc:  # boundary: the package's __init__ is user code
        return Failure(_import_error(metadata, module_name, exc))
    if spec is None:
        logger.warning("No 'settings.py' found, defaults will be used.")
        return Success(ProjectSettings())
    source = spec.origin or module_name
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # boundary: settings.py is user code; any failure is reported
        return Failure(_import_error(metadata, source, exc))
    return settings_from_namespace(vars(module), source=source, lines=_assignment_lines(source))


def validate_settings(metadata: ProjectMetadata) -> Result[ProjectSettings, ConfigError]:
    """Load the settings and check every class setting the project changed from the default.

    Kedro validates settings when the project is configured and imports ``settings.py`` in its
    own ``validate_settings()``; this does both and returns the settings.

    Args:
        metadata: The project.

    Returns:
        ``Success(ProjectSettings)``, or the first ``Failure(ConfigError)`` of
        :func:`load_settings` or :func:`resolve_class`.
    """
    return load_settings(metadata).bind(_check_changed_classes)


def _check_changed_classes(settings: ProjectSettings) -> Result[ProjectSettings, ConfigError]:
    for name in CLASS_SETTINGS:
        if settings.is_default(name):
            continue
        checked = resolve_class(settings, name, object)
        if isinstance(checked, Failure):
            return Failure(checked.failure())
    return Success(settings)


def resolve_class(
    settings: ProjectSettings, name: ClassSettingName, expected: type[_T]
) -> Result[type[_T], ConfigError]:
    """Import the class setting ``name`` names and check it (Kedro's rules, then ``expected``).

    Args:
        settings: The project's settings.
        name: Which class setting (``"CONTEXT_CLASS"``, ``"CONFIG_LOADER_CLASS"``, ...).
        expected: The type the caller will use it as; pass ``object`` when only Kedro's rule
            matters (e.g. a catalog class checked against the catalog protocol).

    Returns:
        ``Success(cls)``, or ``Failure(ConfigError)`` (reason ``SETTINGS``) when the class
        cannot be imported, or is not a class of the right kind, with Kedro's message.
    """
    ref: ClassRef = getattr(settings, name)
    return (
        _class_of(ref, name, settings.source)
        .bind(lambda cls: _kedro_rule(cls, name, settings.source))
        .bind(lambda cls: _expected(cls, expected, name, settings.source))
    )


def import_object(path: str) -> Result[object, str]:
    """The object a dotted path names (``"package.module.Class"``, nested names allowed).

    Args:
        path: The dotted path.

    Returns:
        ``Success(obj)``, or ``Failure`` of a sentence saying why it cannot be imported.
    """
    parts = path.split(".")
    not_found = ""
    for cut in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            target: object = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and (module_name + ".").startswith(exc.name + "."):
                # This prefix is not a module: the rest may be attributes of a shorter one.
                not_found = not_found or f"No module named '{exc.name}'"
                continue
            return Failure(f"importing '{module_name}' failed: {type(exc).__name__}: {exc}")
        except Exception as exc:  # boundary: the module's own code failed while importing
            return Failure(f"importing '{module_name}' failed: {type(exc).__name__}: {exc}")
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return Failure(not_found or f"'{module_name}' has no attribute '{attribute}'")
            target = getattr(target, attribute)
        return Success(target)
    return Failure(not_found or f"'{path}' is not a dotted path")


def _class_of(ref: ClassRef, name: str, source: str) -> Result[type, ConfigError]:
    if ref.target is not None:
        return Success(ref.target)
    found = import_object(ref.path)
    if isinstance(found, Failure):
        return Failure(_setting_error(f"Cannot import '{ref.path}' for setting '{name}': {found.failure()}.", source))
    value = found.unwrap()
    if not isinstance(value, type):
        return Failure(_setting_error(f"Invalid value '{ref.path}' received for setting '{name}'. It must be a class.", source))
    return Success(value)


def _kedro_rule(cls: type, name: ClassSettingName, source: str) -> Result[type, ConfigError]:
    rule = CLASS_SETTING_RULES[name]
    base = import_object(rule.base).bind(_a_class)
    if rule.kind == "catalog":
        if isinstance(base, Success) and issubclass(cls, base.unwrap()):
            return Success(cls)
        missing = [m for m in _CATALOG_METHODS if not callable(getattr(cls, m, None))]
        if not missing:
            return Success(cls)
        return Failure(
            _setting_error(
                f"Invalid value '{_dotted(cls)}' received for setting '{name}'. It must "
                f"implement the catalog protocol ('{rule.base}'); missing: {', '.join(missing)}.",
                source,
            )
        )
    if isinstance(base, Failure):
        return Failure(
            _setting_error(
                f"Cannot check setting '{name}': its base class '{rule.base}' cannot be "
                f"imported ({base.failure()}).",
                source,
            )
        )
    required = base.unwrap()
    if rule.kind == "shared_parent" and required.__mro__[1] is not object:
        # Kedro's rule for the config loader: the default's direct parent (the abstract loader).
        required = required.__mro__[1]
    if issubclass(cls, required):
        return Success(cls)
    return Failure(_subclass_error(cls, name, required, source))


def _a_class(value: object) -> Result[type, str]:
    return Success(value) if isinstance(value, type) else Failure("not a class")


def _expected(cls: type, expected: type[_T], name: str, source: str) -> Result[type[_T], ConfigError]:
    if issubclass(cls, expected):
        return Success(cls)
    return Failure(_subclass_error(cls, name, expected, source))


def _subclass_error(cls: type, name: str, required: type, source: str) -> ConfigError:
    message = (
        f"Invalid value '{_dotted(cls)}' received for setting '{name}'. "
        f"It must be a subclass of '{_dotted(required)}'."
    )
    if any(c.__module__.split(".")[0] == "kedro" for c in cls.__mro__):
        message += (
            " kedro-pure maps Kedro's own classes onto its equivalents, but a class derived "
            f"from a Kedro class cannot be used: derive it from '{_dotted(required)}' instead."
        )
    return _setting_error(message, source)


def _dotted(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _setting_error(message: str, source: str) -> ConfigError:
    return ConfigError(ConfigErrorReason.SETTINGS, message, path=source)


# -- import failures -------------------------------------------------------------------------


def _package_missing(metadata: ProjectMetadata) -> ConfigError:
    return ConfigError(
        ConfigErrorReason.MISSING,
        f"The project package '{metadata.package_name}' cannot be imported: there is no "
        f"'{metadata.package_name}' package in '{metadata.source_dir}' or on 'sys.path'. "
        "Check 'package_name' and 'source_dir' in pyproject.toml, and call "
        "'bootstrap_project' before loading settings.",
        path=str(metadata.source_dir),
    )


def _import_error(metadata: ProjectMetadata, source: str, exc: Exception) -> ConfigError:
    file, line = location(exc, metadata.project_path)
    if isinstance(exc, SyntaxError):
        detail = f"invalid syntax: {exc.msg}"
        text = (exc.text or "").strip()
        if text:
            detail += f" ({text!r})"
        fix = "Fix the syntax at that line."
    elif isinstance(exc, ModuleNotFoundError):
        detail = f"No module named '{exc.name}'"
        if exc.name is not None and exc.name.split(".")[0] == "kedro":
            fix = (
                f"The import of '{exc.name}' needs Kedro installed ('pip install kedro==1.7.*'); "
                "or drop the import and name the class by its kedro-pure dotted path, e.g. "
                "CONFIG_LOADER_CLASS = 'shell.config.OmegaConfigLoader'."
            )
        else:
            fix = "Install the missing package, or correct the import at that line."
    elif isinstance(exc, ImportError):
        detail = str(exc)
        fix = "Correct the import at that line."
    else:
        detail = f"{type(exc).__name__}: {exc}"
        fix = "Fix the error raised at that line."
    # Name the settings file, and the file that failed when it is another one.
    where = f"'{source}'" if file == source else f"'{source}': '{file}'"
    error = ConfigError(
        ConfigErrorReason.SETTINGS,
        f"Could not import {where}, line {line}: {detail}. {fix} "
        "(kedro-pure does not fall back to default settings when settings.py is broken.)",
        path=file,
    )
    error.__cause__ = exc
    return error


def _assignment_lines(source: str) -> dict[str, int]:
    # Where each top-level name is assigned, so a shape error can point at its line.
    try:
        tree = ast.parse(Path(source).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return {}
    lines: dict[str, int] = {}
    for statement in tree.body:
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [statement.target]
            if isinstance(statement, ast.AnnAssign)
            else []
        )
        for target in targets:
            if isinstance(target, ast.Name):
                lines[target.id] = statement.lineno
    return lines
