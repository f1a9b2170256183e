"""Hooks: Kedro's hook specifications on a pluggy manager (project name ``kedro``).

Hook classes written for Kedro (decorated with ``kedro.framework.hooks.hook_impl``) register
unchanged; new code uses :data:`hook_impl` from here.
"""

from core.hook_merge import merge_before_node_run_results
from shell.hooks.manager import (
    KEDRO_PLUGIN_HOOKS,
    NEVER_REGISTERED,
    PLUGIN_HOOKS,
    EntryPointReport,
    HookManager,
    NullPluginManager,
    _create_hook_manager,
    _NullPluginManager,
    _register_hooks,
    _register_hooks_entry_points,
    call_before_node_run,
    register_hooks,
)
from shell.hooks.markers import HOOK_NAMESPACE, hook_impl, hook_spec

__all__ = [
    "HOOK_NAMESPACE",
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
    "hook_impl",
    "hook_spec",
    "merge_before_node_run_results",
    "register_hooks",
]
