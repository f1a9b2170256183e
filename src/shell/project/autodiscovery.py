"""``find_pipelines``: Kedro's auto-discovery of ``<package>.pipelines.<name>.create_pipeline()``.

A project's ``pipeline_registry.py`` calls it. Give it the names a run asks for and it imports
only those modules, which is how a run imports only the pipelines it uses::

    from shell.project import find_pipelines

    def register_pipelines(names=None):
        found = find_pipelines(__package__, names=names, raise_errors=True).unwrap()
        found["__default__"] = sum(found.values())
        return found

(:func:`shell.project.registry.load_registry` passes ``names`` to a ``register_pipelines`` that
declares that parameter; one without it is called with no argument and loads everything.)

Differences from Kedro 1.7: the package is an argument rather than a global set by
``configure_project``; a requested name with no module is skipped without a warning (it may be
a pipeline the registry composes itself, and an unknown name is reported, with suggestions, when
the run selects it); ``create_pipeline`` may return a ``Result`` (what
:func:`core.pipeline.pipeline` returns); modules are visited in name order.
"""

from __future__ import annotations

import importlib
import traceback
import warnings
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Final

from returns.result import Failure, Result, Success

from core.errors import KedroError, KedroSessionError, SessionErrorReason
from core.pipeline import Pipeline, pipeline
from core.project import kedro_pipeline_hint

__all__ = ["find_pipelines"]

_IMPORT_ERROR: Final = (
    "An error occurred while importing the '{module}' module. Nothing defined therein will "
    "be returned by 'find_pipelines'.\n\n{details}"
)


class _Skip:
    """A module found nothing to register (warned about when errors are not raised)."""


_SKIP: Final = _Skip()


def find_pipelines(
    package_name: str, *, names: Iterable[str] | None = None, raise_errors: bool = False
) -> Result[dict[str, Pipeline], KedroSessionError]:
    """Find the modular pipelines of ``package_name`` that have a ``create_pipeline`` function.

    With ``names`` (and without ``"__default__"`` among them), only the modules
    ``<package>.pipelines.<name>`` for those names are imported. Otherwise every sub-package of
    ``<package>.pipelines`` is, and ``"__default__"`` is ``<package>.pipeline.create_pipeline()``
    when that module exists (the simplified layout some starters use), else an empty pipeline.

    Args:
        package_name: The project's package (``__package__`` inside ``pipeline_registry.py``).
        names: The pipelines to load, or ``None`` for all.
        raise_errors: Whether a module that fails to import, lacks ``create_pipeline`` or
            returns something other than a pipeline is a failure; if not, it is skipped with a
            ``UserWarning`` (Kedro's behaviour).

    Returns:
        ``Success({name: pipeline})`` (a new dict the caller may extend), or
        ``Failure(KedroSessionError)`` (reason ``PROJECT``). A ``create_pipeline`` that raises
        or returns a ``Failure`` is always a failure, as in Kedro, where it propagates.
    """
    wanted = None if names is None else frozenset(names)
    load_all = wanted is None or "__default__" in wanted
    found: dict[str, Pipeline] = {}
    if load_all:
        default = _default_pipeline(package_name, raise_errors)
        if isinstance(default, Failure):
            return Failure(default.failure())
        value = default.unwrap()
        found["__default__"] = value if isinstance(value, Pipeline) else pipeline([]).unwrap()
    listed = _pipeline_packages(package_name, raise_errors)
    if isinstance(listed, Failure):
        return Failure(listed.failure())
    for name in listed.unwrap():
        if wanted is not None and not load_all and name not in wanted:
            continue
        created = _from_module(f"{package_name}.pipelines.{name}", raise_errors)
        if isinstance(created, Failure):
            return Failure(created.failure())
        value = created.unwrap()
        if isinstance(value, Pipeline):
            found[name] = value
    return Success(found)


def _default_pipeline(package_name: str, raise_errors: bool) -> Result[Pipeline | _Skip, KedroSessionError]:
    module_name = f"{package_name}.pipeline"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return Success(_SKIP)
        return _import_problem(module_name, exc, raise_errors).map(lambda _: _SKIP)
    except Exception as exc:  # boundary: the module is project code
        return _import_problem(module_name, exc, raise_errors).map(lambda _: _SKIP)
    return _created(module, raise_errors)


def _pipeline_packages(package_name: str, raise_errors: bool) -> Result[tuple[str, ...], KedroSessionError]:
    # Imported here: importlib.resources pulls in tempfile, shutil and the compressors, and
    # only a project that uses find_pipelines() needs it.
    import importlib.resources

    package = f"{package_name}.pipelines"
    try:
        root = importlib.resources.files(package)
    except ModuleNotFoundError as exc:
        if exc.name == package:
            return Success(())
        return _import_problem(package, exc, raise_errors).map(lambda _: ())
    except Exception as exc:  # boundary: the package's __init__ is project code
        return _import_problem(package, exc, raise_errors).map(lambda _: ())
    return Success(
        tuple(
            sorted(
                entry.name
                for entry in root.iterdir()
                if entry.is_dir() and entry.name != "__pycache__" and not entry.name.startswith(".")
            )
        )
    )


def _from_module(module_name: str, raise_errors: bool) -> Result[Pipeline | _Skip, KedroSessionError]:
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # boundary: the module is project code
        return _import_problem(module_name, exc, raise_errors).map(lambda _: _SKIP)
    return _created(module, raise_errors)


def _created(module: ModuleType, raise_errors: bool) -> Result[Pipeline | _Skip, KedroSessionError]:
    create = getattr(module, "create_pipeline", None)
    if not callable(create):
        return _skip_or_fail(
            _error(
                f"The '{module.__name__}' module does not expose a 'create_pipeline' function, "
                "so no pipelines defined therein will be returned by 'find_pipelines'."
            ),
            raise_errors,
        )
    try:
        value = create()
    except Exception as exc:  # boundary: create_pipeline is project code
        error = _error(f"'create_pipeline' of the '{module.__name__}' module raised {_described(exc)}")
        error.__cause__ = exc
        return Failure(error)
    if isinstance(value, Success):
        value = value.unwrap()
    elif isinstance(value, Failure):
        cause = value.failure()
        detail = cause.message if isinstance(cause, KedroError) else str(cause)
        error = _error(f"'create_pipeline' of the '{module.__name__}' module failed: {detail}")
        if isinstance(cause, BaseException):
            error.__cause__ = cause
        return Failure(error)
    if isinstance(value, Pipeline):
        return Success(value)
    return _skip_or_fail(
        _error(
            f"Expected the 'create_pipeline' function in the '{module.__name__}' module to "
            f"return a 'Pipeline' object, got '{type(value).__name__}' instead. Nothing defined "
            f"therein will be returned by 'find_pipelines'.{kedro_pipeline_hint(value)}"
        ),
        raise_errors,
    )


def _import_problem(module_name: str, exc: Exception, raise_errors: bool) -> Result[None, KedroSessionError]:
    if raise_errors:
        error = _error(
            f"An error occurred while importing the '{module_name}' module: {_described(exc)}"
        )
        error.__cause__ = exc
        return Failure(error)
    details = "".join(traceback.format_exception(exc))
    warnings.warn(_IMPORT_ERROR.format(module=module_name, details=details), stacklevel=5)
    return Success(None)


def _described(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("<")]
    where = f" ('{Path(frames[-1].filename)}', line {frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _error(message: str) -> KedroSessionError:
    return KedroSessionError(SessionErrorReason.PROJECT, message)


def _skip_or_fail(
    error: KedroSessionError, raise_errors: bool
) -> Result[Pipeline | _Skip, KedroSessionError]:
    if raise_errors:
        return Failure(error)
    warnings.warn(error.message, stacklevel=5)
    return Success(_SKIP)
