"""``KedroContext``: a project's configuration, parameters and catalog for one run.

The context is what ``session.load_context()`` returns. Like Kedro's, it builds a *new*
catalog every time one is asked for (and fires ``after_catalog_created``), so runtime
changes to one catalog never leak into the next run.

Two forms of every accessor:

* ``load_params()`` / ``load_catalog(...)`` return ``Result`` values: ``ConfigError`` for
  configuration files, ``DatasetError`` for catalog entries, ``KedroContextError`` for a bad
  catalog class or an invalid configuration shape;
* the Kedro-style properties ``params`` and ``catalog`` raise those errors instead.

Typed parameters (:mod:`core.typed_params`): ``load_params`` validates them for the pipelines
the session's run names (``_pipelines_to_validate``), or every registered pipeline when read
outside a run; a bad value is ``Failure(ConfigError(PARAMETERS))`` listing every offending key.

Deliberate differences from Kedro 1.7: ``KedroContextError`` is actually used (Kedro defines
it and never raises it); a context built without a session validates no typed parameters (it
knows no pipelines).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.parameters import parameter_feed
from core.catalog.paths import absolutise_paths
from core.errors import (
    ConfigErrorReason,
    KedroContextError,
    KedroContextErrorReason,
    KedroError,
)
from core.pipeline import Pipeline
from core.transcoding import transcode_split
from core.typed_params import Requirements, parameter_requirements, validate_parameters
from shell import log_names
from shell.config.abstract import AbstractConfigLoader
from shell.hooks.manager import HookManager
from shell.io.catalog import DataCatalog
from shell.secrets import register_credentials

__all__ = ["KedroContext"]

logger = logging.getLogger(log_names.CONTEXT)
_VALIDATION_LOGGER = logging.getLogger(log_names.PARAMETER_VALIDATION)

_T = TypeVar("_T")


class KedroContext:
    """The project's configuration for one session.

    Args:
        package_name: the project's package.
        project_path: the project root (made absolute).
        config_loader: the loader of ``conf/``.
        hook_manager: the session's hook manager.
        env: the environment the session was created with (``None``: the loader's default).
        runtime_params: parameters given at run time (already merged by the loader).
    """

    def __init__(
        self,
        *,
        package_name: str,
        project_path: str | Path,
        config_loader: AbstractConfigLoader,
        hook_manager: HookManager,
        env: str | None = None,
        runtime_params: Mapping[str, object] | None = None,
    ) -> None:
        self.package_name = package_name
        self.project_path = Path(project_path).expanduser().resolve()
        self.config_loader = config_loader
        self.env = env
        self._hook_manager = hook_manager
        self._runtime_params = dict(runtime_params or {})
        #: The pipelines whose typed parameters are validated (Kedro's name); the session sets
        #: them to the pipelines a run asks for before building its catalog.
        self._pipelines_to_validate: Mapping[str, Pipeline] | None = None
        #: Every registered pipeline, for validation outside a run (set by the session).
        self._registered_pipelines: Callable[[], Result[Mapping[str, Pipeline], KedroError]] | None = None
        self._requirements: tuple[object, Requirements] | None = None

    # -- parameters ----------------------------------------------------------------------

    def load_params(self) -> Result[dict[str, object], KedroError]:
        """The parameters, runtime parameters merged in (by the loader), nested.

        Missing parameter files are not an error: Kedro warns and uses the runtime
        parameters alone.
        """
        loaded = self.config_loader.load("parameters")
        if is_successful(loaded):
            return self._typed(dict(loaded.unwrap()))
        error = loaded.failure()
        if error.reason is ConfigErrorReason.MISSING:
            warnings.warn(
                f"Parameters not found in your Kedro project config.\n{error.message}",
                stacklevel=2,
            )
            return self._typed(dict(self._runtime_params))
        return Failure(error)

    def _typed(self, parameters: dict[str, object]) -> Result[dict[str, object], KedroError]:
        """Typed parameter validation (:mod:`core.typed_params`) for the pipelines to run, or
        every registered pipeline outside a run; a context built without a session has no
        pipelines and validates nothing."""
        requirements = self._typed_requirements()
        if requirements is None:
            return Success(parameters)
        for key, kept, replaced in requirements.conflicts:
            _VALIDATION_LOGGER.warning(
                "Conflicting type requirements for parameter '%s': %s (existing) vs %s. Using %s.",
                key, replaced, kept, kept,
            )
        if not requirements.types:
            _VALIDATION_LOGGER.info("No typed parameter requirements found, returning original parameters")
            return Success(parameters)
        validated: Result[dict[str, object], KedroError] = validate_parameters(parameters, requirements).alt(
            lambda error: error
        )
        if not is_successful(validated):
            _VALIDATION_LOGGER.error("%s", validated.failure().message)
        return validated

    def _typed_requirements(self) -> Requirements | None:
        scope: object = self._pipelines_to_validate
        if self._requirements is not None and self._requirements[0] is scope:
            return self._requirements[1]
        pipelines = self._pipelines_to_validate
        if pipelines is None:
            if self._registered_pipelines is None:
                return None
            registered = self._registered_pipelines()
            if not is_successful(registered):
                _VALIDATION_LOGGER.warning("Could not import pipelines, skipping parameter validation")
                return None
            pipelines = registered.unwrap()
        found = parameter_requirements(pipelines)
        self._requirements = (scope, found)
        return found

    @property
    def params(self) -> dict[str, object]:
        """The parameters (Kedro's property; raises what :meth:`load_params` returns)."""
        return _or_raise(self.load_params())

    # -- catalog -------------------------------------------------------------------------

    def _credentials(self) -> Result[dict[str, object], KedroError]:
        loaded = self.config_loader.load("credentials")
        if is_successful(loaded):
            credentials = dict(loaded.unwrap())
            # Registered before anything can print them (see shell.secrets).
            register_credentials(credentials)
            return Success(credentials)
        error = loaded.failure()
        if error.reason is ConfigErrorReason.MISSING:
            logger.debug("Credentials not found in your Kedro project config.\n%s", error.message)
            return Success({})
        return Failure(error)

    def load_catalog(
        self,
        catalog_class: type[DataCatalog] = DataCatalog,
        save_version: str | None = None,
        load_versions: Mapping[str, str] | None = None,
    ) -> Result[DataCatalog, KedroError]:
        """A new catalog from ``catalog`` config, credentials and the parameters feed.

        Relative ``filepath``/``filename``/``path`` values become absolute under the project;
        ``after_catalog_created`` fires with the path-converted config.
        """
        given: object = catalog_class
        if not (isinstance(given, type) and issubclass(given, DataCatalog)):
            return Failure(
                KedroContextError(
                    KedroContextErrorReason.CATALOG_CLASS,
                    f"The catalog class must be a subclass of shell.io.DataCatalog, got "
                    f"{catalog_class!r}. Fix DATA_CATALOG_CLASS in settings.py.",
                )
            )
        loaded = self.config_loader.load("catalog")
        if not is_successful(loaded):
            return Failure(loaded.failure())
        conf_catalog = absolutise_paths(self.project_path.as_posix(), loaded.unwrap())
        credentials = self._credentials()
        if not is_successful(credentials):
            return Failure(credentials.failure())
        params = self.load_params()
        if not is_successful(params):
            return Failure(params.failure())
        built = catalog_class.from_config(
            catalog=conf_catalog,
            credentials=credentials.unwrap(),
            load_versions=load_versions,
            save_version=save_version,
        )
        if not is_successful(built):
            return Failure(built.failure())
        catalog = built.unwrap()
        if catalog_class is DataCatalog:
            # Kedro's context composes its DataCatalog with the catalog commands, and messages
            # naming the catalog's class (a missing pipeline input) print that composed name.
            catalog.class_name_in_messages = "DataCatalogWithCatalogCommandsMixin"
        feed = parameter_feed(params.unwrap())
        for name, value in feed.items():
            catalog[name] = value
        problem = _transcoding_problem(catalog)
        if problem is not None:
            return Failure(problem)
        self._hook_manager.hook.after_catalog_created(
            catalog=catalog,
            conf_catalog=conf_catalog,
            conf_creds=credentials.unwrap(),
            parameters=feed,
            save_version=save_version,
            load_versions=load_versions,
        )
        return Success(catalog)

    @property
    def catalog(self) -> DataCatalog:
        """A new catalog (Kedro's property; raises what :meth:`load_catalog` returns)."""
        return _or_raise(self.load_catalog())


def _transcoding_problem(catalog: DataCatalog) -> KedroContextError | None:
    for name in catalog:
        try:
            transcode_split(name)
        except ValueError as exc:
            return KedroContextError(KedroContextErrorReason.INVALID_CONFIG, f"{exc} Rename the catalog entry.")
    return None


def _or_raise(result: Result[_T, KedroError]) -> _T:
    if is_successful(result):
        value: _T = result.unwrap()
        return value
    raise result.failure()
