"""The project's pipeline registry: ``<package>.pipeline_registry.register_pipelines()``.

Kedro keeps the registry in a module-level lazy mapping (``kedro.framework.project.pipelines``)
that the session tells which names to load. Here the loaded registry is a value
(:class:`PipelineRegistry`) and the cache is an object the session owns
(:class:`ProjectPipelines`): ``register_pipelines()`` runs once per load, and again only when a
different set of names is asked for.

Selective loading: when ``register_pipelines`` declares a ``names`` parameter, it receives the
names the run asks for (``None`` for all) and can hand them to
:func:`shell.project.autodiscovery.find_pipelines`, so only those modules are imported. A
``register_pipelines()`` without parameters is called as it is and loads everything.
"""

from __future__ import annotations

import importlib
import inspect
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from returns.primitives.exceptions import UnwrapFailedError
from returns.result import Failure, Result, Success

from core.errors import KedroError, KedroSessionError, SessionErrorReason
from core.namespace_check import interrupted_namespaces
from core.node import DOTTED_NAME_WARNING, dotted_dataset_names
from core.pipeline import Pipeline
from core.project import RegistryEntries, registry_entries, select_pipelines
from shell.kedro_bridge.pipelines import from_kedro_registry
from shell.kedro_bridge.project import configure_kedro_project
from shell.project._failure import describe
from shell.project.bootstrap import ProjectMetadata

__all__ = ["DEFAULT_PIPELINE", "PipelineRegistry", "ProjectPipelines", "load_pipelines", "load_registry"]

#: The pipeline a run executes when it names none.
DEFAULT_PIPELINE: Final = "__default__"


@dataclass(frozen=True, slots=True)
class PipelineRegistry:
    """What one call of ``register_pipelines()`` registered.

    Attributes:
        package_name: The project package.
        entries: Each registered name with its pipeline, or why it is not usable (reported only
            when a run selects it).
        requested: The names ``register_pipelines`` was asked to load; ``None`` when it loaded
            everything (it was asked for all, or takes no ``names`` parameter).
    """

    package_name: str
    entries: RegistryEntries
    requested: tuple[str, ...] | None = None

    def names(self) -> tuple[str, ...]:
        """The registered names, in registration order."""
        return tuple(self.entries)

    def select(
        self, names: Sequence[str], *, known: Sequence[str] | None = None
    ) -> Result[Mapping[str, Pipeline], KedroSessionError]:
        """The pipelines named ``names``, in order.

        Args:
            names: The names a run asks for.
            known: Names to draw suggestions from (default: this registry's names).

        Returns:
            ``Success({name: pipeline})``, or ``Failure(KedroSessionError)``:
            ``UNKNOWN_PIPELINE`` with Kedro's message and close matches, or ``PROJECT`` for an
            entry that is not a pipeline.
        """
        return select_pipelines(self.entries, names, known=known)


def load_registry(
    metadata: ProjectMetadata, names: Sequence[str] | None = None
) -> Result[PipelineRegistry, KedroSessionError]:
    """Import ``<package>.pipeline_registry`` and call its ``register_pipelines`` once.

    Args:
        metadata: The project (bootstrapped, so its package is importable).
        names: The pipelines a run needs, passed on when ``register_pipelines`` takes
            ``names``; ``None`` for all.

    Returns:
        ``Success(PipelineRegistry)``, or ``Failure(KedroSessionError)`` (reason ``PROJECT``)
        when the module is missing or fails to import, has no ``register_pipelines``, the call
        fails, or it returns something that is not a mapping of names to pipelines.
    """
    module_name = f"{metadata.package_name}.pipeline_registry"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (module_name + ".").startswith(exc.name + "."):
            return Failure(
                _error(
                    f"The project has no pipeline registry '{module_name}': create "
                    f"'{metadata.source_dir / metadata.package_name / 'pipeline_registry.py'}' "
                    "with a 'register_pipelines()' function."
                )
            )
        return Failure(_import_error(module_name, exc, metadata))
    except Exception as exc:  # boundary: the registry module is project code
        return Failure(_import_error(module_name, exc, metadata))
    register = getattr(module, "register_pipelines", None)
    if not callable(register):
        return Failure(_error(f"The '{module_name}' module has no 'register_pipelines' function."))
    passes_names = _takes_names(register)
    # An unmodified Kedro registry calls Kedro's find_pipelines, which reads Kedro's globals.
    kedro_selects = configure_kedro_project(metadata.package_name, names)
    requested = tuple(names) if (passes_names or kedro_selects) and names is not None else None
    try:
        value = register(names=requested) if passes_names else register()
    except UnwrapFailedError as exc:
        # ``find_pipelines(...).unwrap()`` on a failure: report the failure itself.
        return Failure(_from_unwrap(exc))
    except Exception as exc:  # boundary: register_pipelines is project code
        error = _error(f"'register_pipelines' raised {describe(exc, metadata.project_path)}")
        error.__cause__ = exc
        return Failure(error)
    return registry_entries(from_kedro_registry(value)).map(
        lambda entries: PipelineRegistry(metadata.package_name, _warned(entries), requested)
    )


_DOTTED_WARNED: list[bool] = []


def _has_dotted_names(pipelines: list[Pipeline]) -> bool:
    seen: set[str] = set()
    for p in pipelines:
        for n in p.nodes:
            if n.name not in seen:
                seen.add(n.name)
                if dotted_dataset_names(n):
                    return True
    return False


def _warned(entries: RegistryEntries) -> RegistryEntries:
    """Give Kedro's authoring warnings for the registered pipelines (the dotted-name one once
    per process, as Kedro does; each interrupted namespace once); the core that built the
    pipelines has no side effects."""
    pipelines = [p for entry in entries.values() for p in entry.map(lambda p: (p,)).value_or(())]
    if not _DOTTED_WARNED and _has_dotted_names(pipelines):
        _DOTTED_WARNED.append(True)
        warnings.warn(DOTTED_NAME_WARNING, UserWarning, stacklevel=2)
    interruptions = dict.fromkeys(m for p in pipelines for m in interrupted_namespaces(p))
    for message in interruptions:
        warnings.warn(message, UserWarning, stacklevel=2)
    return entries


def load_pipelines(
    metadata: ProjectMetadata, names: Sequence[str] | None = None
) -> Result[Mapping[str, Pipeline], KedroSessionError]:
    """The pipelines a run asks for, loading only those when the registry allows it.

    ``load_pipelines(metadata, names)`` is ``ProjectPipelines(metadata).select(names)``: use a
    :class:`ProjectPipelines` to keep the loaded registry between calls.

    Args:
        metadata: The project.
        names: The pipeline names (Kedro's ``pipeline_names``); empty or ``None`` means
            ``["__default__"]``, with every pipeline loaded.

    Returns:
        ``Success({name: pipeline})`` in the order asked, or ``Failure(KedroSessionError)``:
        ``UNKNOWN_PIPELINE`` with Kedro's message and suggestions, or ``PROJECT``.
    """
    return ProjectPipelines(metadata).select(names)


class ProjectPipelines:
    """A project's pipeline registry, loaded on first use and kept (Kedro's lazy ``pipelines``).

    One per session. The registry is loaded again only when a different set of names is asked
    for (Kedro's ``set_requested``); failures are not kept, so a fixed project loads next time.
    Safe to share between threads.

    Args:
        metadata: The project.
    """

    def __init__(self, metadata: ProjectMetadata) -> None:
        self._metadata = metadata
        self._lock = threading.RLock()
        self._key: frozenset[str] | None = None
        self._registry: PipelineRegistry | None = None

    @property
    def metadata(self) -> ProjectMetadata:
        """The project."""
        return self._metadata

    def registry(self, names: Sequence[str] | None = None) -> Result[PipelineRegistry, KedroSessionError]:
        """The registry loaded for ``names`` (``None`` or empty: all), from the cache if it can.

        Returns:
            What :func:`load_registry` returns.
        """
        key = frozenset(names or ())
        with self._lock:
            if self._registry is not None and self._key == key:
                return Success(self._registry)
            loaded = load_registry(self._metadata, tuple(names) if names else None)
            if isinstance(loaded, Success):
                self._key, self._registry = key, loaded.unwrap()
            return loaded

    def select(self, names: Sequence[str] | None = None) -> Result[Mapping[str, Pipeline], KedroSessionError]:
        """The pipelines named ``names`` (Kedro's ``pipeline_names``; empty: ``__default__``).

        For a name that is not registered, suggestions are drawn from *every* registered name:
        if the registry was loaded selectively, it is loaded in full first, as Kedro does.

        Returns:
            ``Success({name: pipeline})`` in the order asked, or ``Failure(KedroSessionError)``.
        """
        wanted = tuple(names) if names else (DEFAULT_PIPELINE,)
        with self._lock:
            loaded = self.registry(names)
            if isinstance(loaded, Failure):
                return Failure(loaded.failure())
            registry = loaded.unwrap()
            selected = registry.select(wanted)
            if (
                isinstance(selected, Failure)
                and selected.failure().reason is SessionErrorReason.UNKNOWN_PIPELINE
                and registry.requested is not None
            ):
                everything = self.registry(None)
                if isinstance(everything, Success):
                    return registry.select(wanted, known=everything.unwrap().names())
            return selected

    def clear(self) -> None:
        """Forget the loaded registry (the next use calls ``register_pipelines`` again)."""
        with self._lock:
            self._key, self._registry = None, None


def _takes_names(register: Callable[..., object]) -> bool:
    try:
        parameters = inspect.signature(register).parameters
    except (TypeError, ValueError):
        return False
    parameter = parameters.get("names")
    return parameter is not None and parameter.kind in (
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    )


def _from_unwrap(exc: UnwrapFailedError) -> KedroSessionError:
    container = exc.halted_container
    cause = container.failure() if hasattr(container, "failure") else exc
    if isinstance(cause, KedroSessionError):
        return cause
    detail = cause.message if isinstance(cause, KedroError) else str(cause)
    error = _error(f"'register_pipelines' failed: {detail}")
    if isinstance(cause, BaseException):
        error.__cause__ = cause
    return error


def _import_error(module_name: str, exc: Exception, metadata: ProjectMetadata) -> KedroSessionError:
    error = _error(
        f"An error occurred while importing the '{module_name}' module: "
        f"{describe(exc, metadata.project_path)}"
    )
    error.__cause__ = exc
    return error


def _error(message: str) -> KedroSessionError:
    return KedroSessionError(SessionErrorReason.PROJECT, message)
