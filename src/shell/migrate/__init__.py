"""``kedro-pure migrate``: rewrite a Kedro project to kedro-pure-native imports.

:mod:`shell.migrate.rewrite` rewrites one module (libcst, so comments and formatting survive);
:mod:`shell.migrate.project` finds the project's modules, refuses files with uncommitted git
changes, prints a unified diff and writes the changes.
"""

from shell.migrate.project import FileChange, MigrationPlan, apply_plan, plan_migration
from shell.migrate.rewrite import FILTER_METHODS, RENAMES, rewrite_module

__all__ = [
    "FILTER_METHODS",
    "RENAMES",
    "FileChange",
    "MigrationPlan",
    "apply_plan",
    "plan_migration",
    "rewrite_module",
]
