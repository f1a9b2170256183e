"""``scaffold_project``: write a new, runnable project from the packaged template.

The names are checked and every file is rendered in memory before anything is written, so a
bad name or a broken template leaves the disk untouched. Files are created exclusively (never
overwriting), and if writing fails part-way the files and folders created so far are removed.
"""

from __future__ import annotations

import importlib.resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from returns.result import Failure, Result, Success

from core._version import __version__
from core.errors import ConfigError, ConfigErrorReason
from shell.scaffold.names import check_project_name, package_name_for
from shell.scaffold.render import RenderedFile, TemplateFile, TemplateValues, render_files

__all__ = ["TEMPLATE_PACKAGE", "read_template", "scaffold_project"]

#: The package whose ``template/`` folder holds the project template.
TEMPLATE_PACKAGE: Final = "shell.scaffold"
_TEMPLATE_DIR: Final = "template"


def scaffold_project(
    target: Path, *, project_name: str, package_name: str | None = None
) -> Result[Path, ConfigError]:
    """Create a new project in ``target`` that runs as soon as it is created.

    The project has Kedro's layout (``pyproject.toml`` with ``[tool.kedro]``, ``conf/base``,
    ``conf/local``, ``data/01_raw``, ``src/<package>/`` with ``settings.py``,
    ``pipeline_registry.py`` and one pipeline) and a small data file, so
    ``KedroSession.create(target).unwrap().run()`` works straight away.

    Args:
        target: The project root: a directory that does not exist yet (it is created, with its
            parents) or an empty one.
        project_name: The human-readable name (Kedro's rule: letters, digits, spaces,
            underscores and hyphens, at least 2 characters).
        package_name: The Python package; by default derived from ``project_name`` as Kedro
            does (``"My Project"`` -> ``"my_project"``).

    Returns:
        ``Success`` of the project root (absolute), or ``Failure(ConfigError)`` (reason
        ``INVALID``): an invalid project or package name, a ``target`` that is a file or a
        non-empty directory, or a file that could not be written (nothing is left behind).
    """
    root = Path(target).expanduser().absolute()
    return (
        check_project_name(project_name)
        .bind(lambda name: package_name_for(name, package_name))
        .bind(lambda package: _usable_target(root).map(lambda _: package))
        .bind(
            lambda package: read_template().map(
                lambda files: render_files(
                    files, TemplateValues(project_name, package, __version__)
                )
            )
        )
        .bind(lambda files: _write(root, files))
    )


def read_template() -> Result[tuple[TemplateFile, ...], ConfigError]:
    """The template's files, from the installed package (sorted by path).

    Returns:
        ``Success`` of the files, or ``Failure(ConfigError)`` (reason ``MISSING``) when the
        template cannot be read (a broken installation).
    """
    try:
        root = importlib.resources.files(TEMPLATE_PACKAGE).joinpath(_TEMPLATE_DIR)
        files = tuple(sorted(_walk(root, ""), key=lambda f: f.path))
    except (OSError, UnicodeDecodeError) as exc:
        return Failure(
            ConfigError(
                ConfigErrorReason.MISSING,
                f"The project template of kedro-pure cannot be read ({exc}); reinstall kedro-pure.",
            )
        )
    if not files:
        return Failure(
            ConfigError(
                ConfigErrorReason.MISSING,
                "The project template of kedro-pure is missing from the installed package; "
                "reinstall kedro-pure.",
            )
        )
    return Success(files)


def _walk(folder: Traversable, prefix: str) -> list[TemplateFile]:
    found: list[TemplateFile] = []
    for entry in folder.iterdir():
        if entry.name == "__pycache__":
            continue
        path = f"{prefix}{entry.name}"
        if entry.is_dir():
            found.extend(_walk(entry, path + "/"))
        else:
            found.append(TemplateFile(path, entry.read_text(encoding="utf-8")))
    return found


def _usable_target(root: Path) -> Result[Path, ConfigError]:
    if root.exists() and not root.is_dir():
        return Failure(_invalid(f"'{root}' exists and is not a directory.", root))
    if root.is_dir() and any(root.iterdir()):
        return Failure(
            _invalid(
                f"'{root}' is not empty: a new project is only created in a new or empty "
                "directory, so that no file is overwritten.",
                root,
            )
        )
    return Success(root)


def _write(root: Path, files: tuple[RenderedFile, ...]) -> Result[Path, ConfigError]:
    created: list[Path] = []
    try:
        for missing in reversed((root, *root.parents)):
            if not missing.exists():
                missing.mkdir()
                created.append(missing)
        for file in files:
            path = root.joinpath(*file.path.split("/"))
            for folder in reversed(path.relative_to(root).parents):
                directory = root / folder
                if not directory.exists():
                    directory.mkdir()
                    created.append(directory)
            # "x": never overwrite a file that appeared since the target was checked.
            with path.open("xb") as stream:
                created.append(path)
                stream.write(file.text.encode("utf-8"))
    except OSError as exc:
        _remove(created)
        return Failure(_invalid(f"Could not create the project in '{root}': {exc}", root))
    return Success(root)


def _remove(created: list[Path]) -> None:
    # Newest first, so each folder is empty by the time it is removed.
    for path in reversed(created):
        try:
            if path.is_dir():
                path.rmdir()
            else:
                path.unlink()
        except OSError:
            # Best effort: what cannot be removed is left, and the failure already names
            # the folder.
            continue


def _invalid(message: str, root: Path) -> ConfigError:
    return ConfigError(ConfigErrorReason.INVALID, message, path=str(root))
