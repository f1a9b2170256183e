"""``get_project_snapshot``: Kedro 1.7's ``kedro.inspection`` entry point, as a ``Result``.

The shell reads what the snapshot needs: the project's metadata and settings, the pipeline
registry, the ``catalog`` and ``parameters`` configuration through the project's config loader,
and each node function's source location. :func:`core.inspection.build_project_snapshot`
assembles the value. No hook fires, no node runs, no dataset is built and no data is read.

As in Kedro, ``env=None`` means the config loader's default run environment (``KEDRO_ENV`` is
a session setting and is not read here), catalog file paths are shown as written in the
configuration (relative paths stay relative) with URL credentials redacted, and source files
are given relative to the project root. Like Kedro, a process builds a project's registered
pipelines once: later snapshots of the same project reuse them (configuration is read again
every time).
"""

from __future__ import annotations

import inspect
import itertools
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import overload

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason, KedroError
from core.inspection import (
    NodeSourceSnapshot,
    ProjectMetadataSnapshot,
    ProjectSnapshot,
    SourceLocator,
    build_project_snapshot,
    trusted,
)
from core.pipeline import Pipeline
from shell.config.abstract import AbstractConfigLoader
from shell.project.bootstrap import ProjectMetadata, bootstrap_project
from shell.project.registry import load_registry
from shell.project.settings import resolve_class, validate_settings

__all__ = ["get_project_snapshot", "source_locator"]

_ENV = re.compile(r"^[A-Za-z0-9_-]+$")
_ABSENT = (ConfigErrorReason.MISSING, ConfigErrorReason.UNKNOWN_KEY)


def get_project_snapshot(
    project_path: str | Path | None = None,
    env: str | None = None,
    conf_source: str | None = None,
    metadata: ProjectMetadata | None = None,
    runtime_params: Mapping[str, object] | None = None,
) -> Result[ProjectSnapshot, KedroError]:
    """A read-only snapshot of the project (Kedro 1.7's signature).

    Args:
        project_path: the project root; optional when ``metadata`` is given.
        env: the configuration environment (default: the loader's default run environment).
        conf_source: the configuration folder (default: ``<project>/<CONF_SOURCE>``).
        metadata: the result of an earlier :func:`shell.project.bootstrap_project`, to skip
            bootstrapping again (it wins over ``project_path``).
        runtime_params: values for ``${runtime_params:...}`` interpolation (``--params``).

    Returns:
        ``Success(ProjectSnapshot)``, or ``Failure``: ``ConfigError`` when neither
        ``project_path`` nor ``metadata`` is given, for an ``env`` that is not made of letters,
        digits, ``-`` and ``_``, a project that is not a Kedro project, an invalid
        ``settings.py`` or unreadable configuration; ``KedroSessionError`` when the pipeline
        registry cannot be loaded or registers something that is not a pipeline;
        ``DatasetError`` for a malformed factory pattern.
    """
    if env is not None and not _ENV.match(env):
        return Failure(
            ConfigError(
                ConfigErrorReason.INVALID,
                f"Invalid env value {env!r}: must contain only letters, digits, hyphens, and "
                "underscores.",
            )
        )
    if metadata is None:
        if project_path is None:
            return Failure(
                ConfigError(
                    ConfigErrorReason.INVALID,
                    "Either project_path or metadata must be provided to get_project_snapshot.",
                )
            )
        booted = bootstrap_project(project_path)
        if not is_successful(booted):
            return Failure(booted.failure())
        metadata = booted.unwrap()
    return _snapshot(metadata, env, conf_source, runtime_params)


def _snapshot(
    metadata: ProjectMetadata,
    env: str | None,
    conf_source: str | None,
    runtime_params: Mapping[str, object] | None,
) -> Result[ProjectSnapshot, KedroError]:
    loader = _config_loader(metadata, env, conf_source, runtime_params)
    if not is_successful(loader):
        return Failure(loader.failure())
    catalog = _optional_config(loader.unwrap(), "catalog")
    if not is_successful(catalog):
        return Failure(catalog.failure())
    parameters = _optional_config(loader.unwrap(), "parameters")
    if not is_successful(parameters):
        return Failure(parameters.failure())
    pipelines = _registered(metadata)
    if not is_successful(pipelines):
        return Failure(pipelines.failure())
    built: Result[ProjectSnapshot, KedroError] = build_project_snapshot(
        ProjectMetadataSnapshot(
            project_name=metadata.project_name,
            package_name=metadata.package_name,
            kedro_version=metadata.kedro_init_version,
        ),
        pipelines.unwrap(),
        catalog.unwrap(),
        parameters.unwrap(),
        locate=source_locator(metadata.project_path),
    ).alt(lambda error: error)
    return built


def _config_loader(
    metadata: ProjectMetadata,
    env: str | None,
    conf_source: str | None,
    runtime_params: Mapping[str, object] | None,
) -> Result[AbstractConfigLoader, KedroError]:
    validated = validate_settings(metadata)
    if not is_successful(validated):
        return Failure(validated.failure())
    settings = validated.unwrap()
    loader_class = resolve_class(settings, "CONFIG_LOADER_CLASS", AbstractConfigLoader)
    if not is_successful(loader_class):
        return Failure(loader_class.failure())
    source = conf_source if conf_source is not None else str(metadata.project_path / settings.CONF_SOURCE)
    try:
        return Success(
            loader_class.unwrap()(
                conf_source=source,
                env=env,
                runtime_params=runtime_params,
                **dict(settings.CONFIG_LOADER_ARGS),
            )
        )
    except KedroError as error:
        return Failure(error)


def _optional_config(loader: AbstractConfigLoader, key: str) -> Result[Mapping[str, object], KedroError]:
    loaded = loader.load(key)
    if is_successful(loaded):
        return Success(loaded.unwrap())
    error = loaded.failure()
    if error.reason in _ABSENT:
        return Success({})
    return Failure(error)


#: The registered pipelines of each project this process inspected, as Kedro keeps them in
#: ``kedro.framework.project.pipelines`` after the first call: the registry module is imported
#: once per process anyway, so calling ``register_pipelines()`` again would rebuild the same
#: pipelines (a third of a snapshot's time on a 5,000-node project).
_REGISTERED: dict[tuple[str, Path], Mapping[str, Pipeline]] = {}
_REGISTERED_LOCK = threading.Lock()


def _registered(metadata: ProjectMetadata) -> Result[Mapping[str, Pipeline], KedroError]:
    key = (metadata.package_name, metadata.project_path)
    with _REGISTERED_LOCK:
        known = _REGISTERED.get(key)
    if known is not None:
        return Success(known)
    loaded = load_registry(metadata)
    if not is_successful(loaded):
        return Failure(loaded.failure())
    registry = loaded.unwrap()
    selected: Result[Mapping[str, Pipeline], KedroError] = registry.select(registry.names()).alt(
        lambda error: error
    )
    if is_successful(selected):
        with _REGISTERED_LOCK:
            _REGISTERED[key] = selected.unwrap()
    return selected


def source_locator(project_path: Path) -> SourceLocator:
    """Finds where a node function is written, relative to ``project_path`` (Kedro's rules).

    ``None`` for partials, built-ins, lambdas, functions whose source cannot be read and
    functions outside the project. Each function is looked up once (nodes often share one),
    and each source file's place in the project is resolved once.
    """
    root = project_path.resolve()
    seen: dict[int, tuple[Callable[..., object], NodeSourceSnapshot | None]] = {}
    files: dict[str, str | None] = {}

    def locate(func: Callable[..., object]) -> NodeSourceSnapshot | None:
        known = seen.get(id(func))
        if known is not None and known[0] is func:
            return known[1]
        found = _source_of(func, root, files)
        seen[id(func)] = (func, found)  # the function is kept, so its id is not reused
        return found

    return locate


def _in_project(source_file: str, root: Path, files: dict[str, str | None]) -> str | None:
    """``source_file`` relative to ``root`` (posix), or ``None`` outside it; memoised."""
    if source_file in files:
        return files[source_file]
    resolved = Path(source_file).resolve()
    relative = resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else None
    files[source_file] = relative
    return relative


def _source_of(
    func: Callable[..., object], root: Path, files: dict[str, str | None]
) -> NodeSourceSnapshot | None:
    if isinstance(func, partial) or inspect.isbuiltin(func) or getattr(func, "__name__", None) == "<lambda>":
        return None
    unwrapped = inspect.unwrap(func)
    try:
        source_file = inspect.getsourcefile(unwrapped)
    except (OSError, TypeError):
        return None
    if source_file is None:
        return None
    relative = _in_project(source_file, root, files)
    if relative is None:
        return None
    try:
        # inspect.getsourcelines(f) is getblock(lines[start:]) after findsource(f); the
        # slice copied the rest of the file for every function (quadratic in a module of
        # many node functions), the view below does not.
        lines, start = inspect.findsource(unwrapped)
        block = inspect.getblock(_LinesFrom(lines, start))
    except (OSError, TypeError):
        return None
    return trusted(
        NodeSourceSnapshot,
        {"filepath": relative, "line_start": start + 1, "line_end": start + len(block)},
    )


class _LinesFrom(Sequence[str]):
    """``lines[start:]`` as a view (no copy): what ``inspect.getblock`` reads."""

    __slots__ = ("_lines", "_start")

    def __init__(self, lines: Sequence[str], start: int) -> None:
        self._lines = lines
        self._start = start

    def __len__(self) -> int:
        return max(len(self._lines) - self._start, 0)

    def __iter__(self) -> Iterator[str]:
        return itertools.islice(self._lines, self._start, None)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        positions = range(self._start, max(len(self._lines), self._start))
        if isinstance(index, slice):
            return [self._lines[i] for i in positions[index]]
        return self._lines[positions[index]]
