"""The first module a ``ParallelRunner``'s fork server imports: the driver's ``sys.path``.

Python 3.11's fork server is handed the driver's ``sys.path`` but ignores it
(``multiprocessing.forkserver.main`` never applies its ``sys_path`` argument), so a module the
driver imports from a directory added at run time (a project's ``src/``) failed to preload
there, silently, and every worker imported pandas, scikit-learn, ... itself. The driver puts
its ``sys.path`` in :data:`PATH_VARIABLE` before the fork server starts; importing this module
(first in the preload list) applies it, so the modules after it preload as intended.
"""

from __future__ import annotations

import os
import sys

__all__ = ["PATH_VARIABLE", "driver_path"]

#: The environment variable carrying the driver's ``sys.path`` to a new fork server.
PATH_VARIABLE = "KEDRO_PURE_WORKER_PATH"


def driver_path() -> str:
    """This process's ``sys.path`` as the value of :data:`PATH_VARIABLE`."""
    return os.pathsep.join(entry for entry in sys.path if os.pathsep not in entry)


def _apply(value: str) -> None:
    wanted = [entry for entry in value.split(os.pathsep) if entry]
    if wanted:
        sys.path[:] = wanted + [entry for entry in sys.path if entry not in wanted]


_apply(os.environ.get(PATH_VARIABLE, ""))
