"""The context of a :class:`~shell.session.KedroSession`: its configuration loader (the class
``CONFIG_LOADER_CLASS`` names) and a fresh ``KedroContext`` over it, which fires
``after_context_created``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import KedroError
from shell.project.settings import resolve_class
from shell.session_setup import _as_mapping, _as_optional_str

if TYPE_CHECKING:
    from shell.config.abstract import AbstractConfigLoader
    from shell.context import KedroContext
    from shell.session import KedroSession

__all__ = ["config_loader", "load_context"]


def config_loader(
    session: KedroSession, runtime_params: Mapping[str, object] | None
) -> Result[AbstractConfigLoader, KedroError]:
    """``session._config_loader(runtime_params)``: the session's configuration loader."""
    from shell.config.abstract import AbstractConfigLoader

    loader_class = resolve_class(session._settings, "CONFIG_LOADER_CLASS", AbstractConfigLoader)
    if not is_successful(loader_class):
        return Failure(loader_class.failure())
    cls = loader_class.unwrap()
    env = _as_optional_str(session._store.get("env"))
    loader_args = dict(session._settings.CONFIG_LOADER_ARGS)
    if session._serving_mode:
        # Untrusted callers must never pick the class a dataset is built from (Kedro #5706).
        loader_args["restrict_runtime_params_type_selection"] = True
    try:
        loader = cls(
            conf_source=session._conf_source,
            env=env,
            runtime_params=runtime_params,
            **loader_args,
        )
    except KedroError as error:
        return Failure(error)
    return Success(loader)


def load_context(
    session: KedroSession, runtime_params: Mapping[str, object] | None = None
) -> Result[KedroContext, KedroError]:
    """``session.load_context_result(runtime_params)`` (see there)."""
    from shell.context import KedroContext

    params = runtime_params if runtime_params is not None else _as_mapping(session._store.get("runtime_params"))
    loader = session._config_loader(params)
    if not is_successful(loader):
        return Failure(loader.failure())
    context_class = resolve_class(session._settings, "CONTEXT_CLASS", KedroContext)
    if not is_successful(context_class):
        return Failure(context_class.failure())
    context = context_class.unwrap()(
        package_name=session._package_name,
        project_path=session._project_path,
        config_loader=loader.unwrap(),
        hook_manager=session._hook_manager,
        env=_as_optional_str(session._store.get("env")),
        runtime_params=params,
    )
    if isinstance(context, KedroContext):
        # Outside a run, typed parameters are validated against every registered pipeline.
        context._registered_pipelines = session.registered_pipelines
    session._hook_manager.hook.after_context_created(context=context)
    return Success(context)
