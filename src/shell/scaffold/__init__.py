"""``kedro-pure new``: create a new project, in Kedro's layout, that runs as soon as it exists.

::

    from shell.scaffold import scaffold_project

    root = scaffold_project(Path("weather"), project_name="Weather").unwrap()
    KedroSession.create(root).unwrap().run()

The template lives in ``template/`` (package data, see :mod:`shell.scaffold.render` for its
conventions); the name rules are in :mod:`shell.scaffold.names`.
"""

from shell.scaffold.create import read_template, scaffold_project
from shell.scaffold.names import (
    RESERVED_PACKAGE_NAMES,
    check_package_name,
    check_project_name,
    derive_package_name,
    package_name_for,
)
from shell.scaffold.render import PLACEHOLDERS, TemplateValues, render_files

__all__ = [
    "PLACEHOLDERS",
    "RESERVED_PACKAGE_NAMES",
    "TemplateValues",
    "check_package_name",
    "check_project_name",
    "derive_package_name",
    "package_name_for",
    "read_template",
    "render_files",
    "scaffold_project",
]
