"""What a Kedro project's ``__main__.py`` calls, for a project migrated to kedro-pure.

Kedro's template makes ``python -m <package>`` (and the ``<project-name>`` script) run
``kedro run`` through ``configure_project`` and ``find_run_command``. ``kedro-pure migrate``
points those imports here, so the same file runs ``kedro-pure run`` with the same options.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

__all__ = ["configure_project", "find_run_command"]


def configure_project(package_name: str, preserve_logging: bool = False) -> None:
    """Nothing to configure: kedro-pure reads the project from the working directory's
    ``pyproject.toml`` when the command runs (Kedro sets process-wide globals here)."""
    del package_name, preserve_logging


def find_run_command(package_name: str) -> Callable[..., object]:
    """The ``run`` command as a function: ``run(args=None, standalone_mode=True)``.

    ``args`` are ``run``'s options (default: ``sys.argv[1:]``). With ``standalone_mode`` the
    process exits with ``kedro-pure run``'s exit code; otherwise the code is returned.
    """
    del package_name

    def run(args: Sequence[str] | None = None, standalone_mode: bool = True, **_: object) -> int:
        from shell.cli.main import main

        code = main(["run", *(sys.argv[1:] if args is None else args)])
        if standalone_mode:
            sys.exit(code)
        return code

    return run
