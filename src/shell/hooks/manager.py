"""Building the hook manager and registering hooks, as ``KedroSession`` does.

One manager per session: :func:`_create_hook_manager` adds the specifications,
:func:`_register_hooks` the project's hook objects (``settings.HOOKS``) and
:func:`_register_hooks_entry_points` the hooks of installed plugins (entry-point groups
``kedro_pure.hooks`` and Kedro's ``kedro.hooks``), minus the distributions named in
``DISABLE_HOOKS_FOR_PLUGINS``.
Runners called without a manager use :class:`_NullPluginManager`, which absorbs every call.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pluggy import PluginManager
from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason, RunError
from core.hook_merge import merge_before_node_run_results
from shell import log_names
from shell.hooks.markers import HOOK_NAMESPACE
from shell.hooks.specs import ALL_SPECS

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from core.node import Node

__all__ = [
    "HOOK_CLASS_MESSAGE",
    "KEDRO_PLUGIN_HOOKS",
    "NEVER_REGISTERED",
    "PLUGIN_HOOKS",
    "EntryPointReport",
    "HookManager",
    "NullPluginManager",
    "_NullPluginManager",
    "_create_hook_manager",
    "_register_hooks",
    "_register_hooks_entry_points",
    "call_before_node_run",
    "register_hooks",
]

#: The entry-point group installed plugins declare their hook objects under.
PLUGIN_HOOKS = "kedro_pure.hooks"
#: Kedro's group, where plugins written for Kedro declare theirs (also read).
KEDRO_PLUGIN_HOOKS = "kedro.hooks"
#: Distributions whose hooks are never registered, whatever the settings: kedro-telemetry
#: reports *Kedro* usage to Kedro's maintainers, and kedro-pure sends no telemetry.
NEVER_REGISTERED = frozenset({"kedro-telemetry"})

#: Kedro's message for a hook class given where an instance belongs.
HOOK_CLASS_MESSAGE = (
    "KedroSession expects hooks to be registered as instances. "
    "Have you forgotten the `()` when registering a hook class ?"
)

logger = logging.getLogger(log_names.HOOKS)


def _create_hook_manager() -> PluginManager:
    """Create a pluggy manager for project ``kedro`` with every hook specification added.

    Returns:
        A new manager with no hook implementations registered.
    """
    manager = PluginManager(HOOK_NAMESPACE)
    # Kedro always enables tracing and only sends it somewhere at DEBUG; tracing wraps every
    # hook call, so we only switch it on when someone will read it.
    if logger.isEnabledFor(logging.DEBUG):
        manager.trace.root.setwriter(logger.debug)
        manager.enable_tracing()
    for specs in ALL_SPECS:
        manager.add_hookspecs(specs)
    return manager


def register_hooks(
    hook_manager: PluginManager, hooks: Iterable[object]
) -> Result[None, ConfigError]:
    """Register hook objects in order, refusing classes (a forgotten ``()``).

    An object that is already registered is skipped, so registering twice is harmless. Unlike
    Kedro, nothing is registered when one item is refused.

    Args:
        hook_manager: The manager to register with.
        hooks: Hook objects, typically ``settings.HOOKS``.

    Returns:
        ``Success(None)``, or ``Failure`` of a ``ConfigError`` (reason ``SETTINGS``) with
        Kedro's message when an item is a class.
    """
    pending = [hook for hook in hooks if not hook_manager.is_registered(hook)]
    if any(inspect.isclass(hook) for hook in pending):
        return Failure(ConfigError(ConfigErrorReason.SETTINGS, HOOK_CLASS_MESSAGE))
    for hook in pending:
        # The same object may appear twice in ``hooks``.
        if not hook_manager.is_registered(hook):
            hook_manager.register(hook)
    return Success(None)


def _register_hooks(hook_manager: PluginManager, hooks: Iterable[object]) -> None:
    """Kedro's signature for :func:`register_hooks`: raises instead of returning a ``Failure``.

    Args:
        hook_manager: The manager to register with.
        hooks: Hook objects.

    Raises:
        TypeError: An item is a class rather than an instance (Kedro's message).
    """
    outcome = register_hooks(hook_manager, hooks)
    if isinstance(outcome, Failure):
        raise TypeError(outcome.failure().message)


@dataclass(frozen=True, slots=True)
class EntryPointReport:
    """What :func:`_register_hooks_entry_points` did, as ``"{project}-{version}"`` names.

    Attributes:
        registered: Distributions whose hooks were newly registered (sorted).
        disabled: Distributions whose hooks were unregistered because they are disabled (sorted).
    """

    registered: tuple[str, ...]
    disabled: tuple[str, ...]


def _register_hooks_entry_points(
    hook_manager: PluginManager,
    disabled_plugins: Iterable[str],
    *,
    group: str | None = None,
) -> EntryPointReport:
    """Register the hook objects installed distributions declare, except disabled ones.

    Both kedro-pure's group (``kedro_pure.hooks``) and Kedro's (``kedro.hooks``, where plugins
    written for Kedro register) are read, in that order. Disabling goes by *distribution* name
    (e.g. ``"kedro-viz"``), not entry-point name, and also unregisters a disabled plugin's hooks
    that were registered earlier. Unlike Kedro, a disabled plugin's module is not even imported.
    ``kedro-telemetry`` is never registered (:data:`NEVER_REGISTERED`).

    Args:
        hook_manager: The manager to register with.
        disabled_plugins: Distribution names whose hooks must not be active.
        group: Read only this entry-point group (default: both).

    Returns:
        Which distributions were registered and which disabled.
    """
    groups = (group,) if group is not None else (PLUGIN_HOOKS, KEDRO_PLUGIN_HOOKS)
    disabled = frozenset(disabled_plugins)
    registered_names: set[str] = set()
    disabled_names: set[str] = set()
    for entry_point, project, version in _declared_hooks(groups):
        if project in NEVER_REGISTERED:
            continue
        label = f"{project}-{version}"
        if project in disabled:
            already = hook_manager.get_plugin(entry_point.name)
            if already is not None:
                hook_manager.unregister(plugin=already)
            disabled_names.add(label)
        elif not (
            hook_manager.get_plugin(entry_point.name) is not None
            or hook_manager.is_blocked(entry_point.name)
        ):
            hook_manager.register(entry_point.load(), name=entry_point.name)
            registered_names.add(label)
    report = EntryPointReport(tuple(sorted(registered_names)), tuple(sorted(disabled_names)))
    if report.disabled:
        logger.debug("Hooks are disabled for plugin(s): %s", ", ".join(report.disabled))
    if report.registered:
        logger.debug(
            "Registered hooks from %d installed plugin(s): %s",
            len(report.registered),
            ", ".join(report.registered),
        )
    return report


def _declared_hooks(groups: tuple[str, ...]) -> list[tuple[EntryPoint, str, str]]:
    """Every entry point in ``groups`` with its distribution's name and version, group by group."""
    # Imported here: importlib.metadata is costly, and only a session needs it.
    from importlib.metadata import distributions

    found: dict[str, list[tuple[EntryPoint, str, str]]] = {g: [] for g in groups}
    for dist in distributions():
        for entry_point in dist.entry_points:
            if entry_point.group in found:
                found[entry_point.group].append(
                    (entry_point, dist.name, dist.version)
                )
    return [item for g in groups for item in found[g]]


class _NullPluginManager:
    """A stand-in manager that absorbs everything: any attribute is itself, a call gives ``None``.

    So ``manager.hook.before_node_run(...)`` is ``None`` (no replacement inputs) and every other
    hook call does nothing.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        del args, kwargs

    def __getattr__(self, name: str) -> _NullPluginManager:
        return self

    def __call__(self, *args: object, **kwargs: object) -> None:
        return None


#: Public name of the null manager.
NullPluginManager = _NullPluginManager

#: What runners accept as a hook manager.
HookManager = PluginManager | _NullPluginManager


def call_before_node_run(
    hook_manager: HookManager,
    *,
    node: Node,
    catalog: object,
    inputs: Mapping[str, object],
    is_async: bool,
    run_id: str | None,
) -> Result[dict[str, object], RunError]:
    """Fire ``before_node_run`` and merge the replacement inputs the hooks return.

    An exception raised by a hook propagates, as in Kedro (the runner's task boundary owns it).

    Args:
        hook_manager: The session's manager, or a null manager.
        node: The node about to run.
        catalog: The run's catalog.
        inputs: The loaded inputs; hooks receive a shallow copy.
        is_async: Whether the runner is asynchronous.
        run_id: The run's id.

    Returns:
        The merged replacements (see :func:`core.hook_merge.merge_before_node_run_results`).
    """
    results: object = hook_manager.hook.before_node_run(
        node=node, catalog=catalog, inputs=dict(inputs), is_async=is_async, run_id=run_id
    )
    if results is None:
        return Success({})
    if not isinstance(results, list):
        # pluggy always gives a list; anything else is a foreign manager's answer.
        return merge_before_node_run_results((results,))
    return merge_before_node_run_results(results)
