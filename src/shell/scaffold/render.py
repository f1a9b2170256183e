"""Rendering the project template (no effects): placeholders in file names and contents.

The template is a tree of text files. Three placeholders are replaced, by plain string
replacement (no template language, so no dependency and nothing to escape): ``{{ project_name }}``,
``{{ package_name }}`` and ``{{ kedro_pure_version }}``. The values substituted cannot break the
files they land in: the names are checked first (:mod:`shell.scaffold.names`) and may only hold
letters, digits, spaces, hyphens and underscores.

File names follow three conventions, so that the template itself is inert inside kedro-pure's
source tree (no ``.py`` file for linters or importers, no ``pyproject.toml`` that tools would
read as configuration, no dotfile a packager could drop):

* a ``.tmpl`` suffix is removed (``settings.py.tmpl`` -> ``settings.py``);
* a ``dot-`` prefix becomes a dot (``dot-gitignore.tmpl`` -> ``.gitignore``);
* a path segment ``__package_name__`` becomes the package name (``src/__package_name__/``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

__all__ = ["PLACEHOLDERS", "RenderedFile", "TemplateFile", "TemplateValues", "render_files"]

#: Every placeholder a template file may contain.
PLACEHOLDERS: Final = ("{{ project_name }}", "{{ package_name }}", "{{ kedro_pure_version }}")

_SUFFIX: Final = ".tmpl"
_DOT: Final = "dot-"
_PACKAGE_DIR: Final = "__package_name__"


@dataclass(frozen=True, slots=True)
class TemplateValues:
    """What the placeholders stand for (already checked).

    Attributes:
        project_name: The human-readable project name.
        package_name: The project's Python package.
        kedro_pure_version: The kedro-pure version the project is created with.
    """

    project_name: str
    package_name: str
    kedro_pure_version: str

    def substitutions(self) -> tuple[tuple[str, str], ...]:
        """Each placeholder with its value, in :data:`PLACEHOLDERS` order."""
        return tuple(
            zip(PLACEHOLDERS, (self.project_name, self.package_name, self.kedro_pure_version), strict=True)
        )


@dataclass(frozen=True, slots=True)
class TemplateFile:
    """One file of the template.

    Attributes:
        path: Its path inside the template, POSIX form (``"src/__package_name__/settings.py.tmpl"``).
        text: Its contents.
    """

    path: str
    text: str


@dataclass(frozen=True, slots=True)
class RenderedFile:
    """One file of the new project.

    Attributes:
        path: Its path inside the project, POSIX form (``"src/my_project/settings.py"``).
        text: Its contents.
    """

    path: str
    text: str


def render_files(files: Iterable[TemplateFile], values: TemplateValues) -> tuple[RenderedFile, ...]:
    """The project's files: each template file with its path and contents rendered.

    Args:
        files: The template's files.
        values: The placeholder values.

    Returns:
        The rendered files, sorted by path.
    """
    substitutions = values.substitutions()
    rendered = (
        RenderedFile(_render_path(f.path, values.package_name), _render_text(f.text, substitutions))
        for f in files
    )
    return tuple(sorted(rendered, key=lambda f: f.path))


def _render_text(text: str, substitutions: tuple[tuple[str, str], ...]) -> str:
    for placeholder, value in substitutions:
        text = text.replace(placeholder, value)
    return text


def _render_path(path: str, package_name: str) -> str:
    return "/".join(_render_segment(segment, package_name) for segment in path.split("/"))


def _render_segment(segment: str, package_name: str) -> str:
    if segment == _PACKAGE_DIR:
        return package_name
    segment = segment.removesuffix(_SUFFIX)
    if segment.startswith(_DOT):
        return "." + segment.removeprefix(_DOT)
    return segment
