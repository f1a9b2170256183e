"""The pluggy markers for kedro-pure's hooks.

The pluggy project name is ``"kedro"`` on purpose: pluggy recognises an implementation by the
attribute its marker sets (``kedro_impl``), so hook classes decorated with Kedro's own
``kedro.framework.hooks.hook_impl`` register in our manager unchanged, and ours in Kedro's.
"""

from __future__ import annotations

import pluggy

__all__ = ["HOOK_NAMESPACE", "hook_impl", "hook_spec"]

#: The pluggy project name, shared with Kedro.
HOOK_NAMESPACE = "kedro"

#: Marks a hook specification (used by :mod:`shell.hooks.specs`).
hook_spec = pluggy.HookspecMarker(HOOK_NAMESPACE)

#: Marks a method of a hooks object as the implementation of the hook of the same name.
hook_impl = pluggy.HookimplMarker(HOOK_NAMESPACE)
