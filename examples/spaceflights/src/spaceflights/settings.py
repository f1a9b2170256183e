"""Project settings, read by kedro-pure when a session is created (Kedro's ``settings.py``).

Only the settings this project changes are written here; everything else keeps its default.
In particular the session store is kedro-pure's SQLite store (``SESSION_STORE_CLASS`` defaults
to ``shell.store.sqlite.SQLiteStore``), which records every run in ``sessions/``.
"""

from spaceflights.hooks import PipelineMonitoringHooks

# Hooks are registered as instances (Kedro's rule): a class here is refused with a hint.
HOOKS = (PipelineMonitoringHooks(),)

# Where the configuration lives, relative to the project root.
CONF_SOURCE = "conf"
