"""Real temporary projects on disk for the project-layer tests (no tests here).

Every project gets a unique package name, so importing it cannot collide with another test's
package in ``sys.modules``; :func:`project_sandbox` restores ``sys.path`` and drops the
packages' modules afterwards.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

#: A pipeline module whose ``create_pipeline`` returns a Result (what ``pipeline()`` returns).
PIPELINE_MODULE = """
from core.node import node
from core.pipeline import pipeline


def _identity(x):
    return x


def create_pipeline(**kwargs):
    return pipeline([node(_identity, "{name}_in", "{name}_out", name="{name}_node")])
"""

#: A registry that passes the requested names on to find_pipelines (selective loading).
SELECTIVE_REGISTRY = """
from shell.project import find_pipelines


def register_pipelines(names=None):
    found = find_pipelines(__package__, names=names, raise_errors=True).unwrap()
    found["__default__"] = sum(found.values())
    return found
"""

#: A Kedro-template registry, ported: no parameters, so it loads everything.
TEMPLATE_REGISTRY = """
from shell.project import find_pipelines


def register_pipelines():
    found = find_pipelines(__package__, raise_errors=True).unwrap()
    found["__default__"] = sum(found.values())
    return found
"""


def pipeline_module(name: str) -> str:
    """A pipeline module with one node, ``{name}_node``: ``{name}_in`` -> ``{name}_out``."""
    return PIPELINE_MODULE.replace("{name}", name)


def pyproject(package: str, **extra: str) -> str:
    """A ``pyproject.toml`` with Kedro's ``[tool.kedro]`` table (string values only)."""
    keys = {
        "package_name": package,
        "project_name": "Demo Project",
        "kedro_init_version": "1.7.0",
        "source_dir": "src",
        **extra,
    }
    body = "\n".join(f'{k} = "{v}"' for k, v in keys.items())
    return f'[project]\nname = "demo"\n\n[tool.kedro]\n{body}\n'


@dataclass
class Projects:
    """Makes projects under ``root``; remembers their packages for cleanup."""

    root: Path
    packages: list[str] = field(default_factory=list)

    def new_package(self) -> str:
        """A package name no other test uses."""
        name = f"kp_{uuid.uuid4().hex[:10]}"
        self.packages.append(name)
        return name

    def make(
        self,
        files: Mapping[str, str] | None = None,
        *,
        package: str | None = None,
        settings: str | None = None,
        registry: str | None = None,
        pipelines: Mapping[str, str] | None = None,
        toml: str | None = None,
    ) -> tuple[Path, str]:
        """Write a project; return ``(root, package)``.

        Args:
            files: Extra files, by path relative to the root; ``{pkg}`` is the package name.
            package: The package name (default: a fresh one).
            settings: ``settings.py`` text (omitted when ``None``).
            registry: ``pipeline_registry.py`` text (omitted when ``None``).
            pipelines: ``{name: module text}`` written as ``pipelines/<name>/__init__.py``.
            toml: ``pyproject.toml`` text (default: :func:`pyproject`).
        """
        package = package or self.new_package()
        root = self.root / package
        src = root / "src" / package
        texts: dict[str, str] = {
            "pyproject.toml": toml if toml is not None else pyproject(package),
            f"src/{package}/__init__.py": '"""A test project."""\n',
            "conf/base/.keep": "",
            "conf/local/.keep": "",
        }
        if settings is not None:
            texts[f"src/{package}/settings.py"] = settings
        if registry is not None:
            texts[f"src/{package}/pipeline_registry.py"] = registry
        if pipelines is not None:
            texts[f"src/{package}/pipelines/__init__.py"] = ""
            for name, text in pipelines.items():
                texts[f"src/{package}/pipelines/{name}/__init__.py"] = text
        for relative, text in (files or {}).items():
            texts[relative.format(pkg=package)] = text
        for relative, text in texts.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        src.mkdir(parents=True, exist_ok=True)
        # New files on an already-scanned sys.path entry are invisible until caches are reset.
        importlib.invalidate_caches()
        return root, package


@contextmanager
def project_sandbox(root: Path) -> Iterator[Projects]:
    """Projects under ``root``; ``sys.path`` and ``sys.modules`` are restored afterwards."""
    saved_path = list(sys.path)
    projects = Projects(root)
    try:
        yield projects
    finally:
        sys.path[:] = saved_path
        for name in list(sys.modules):
            if any(name == p or name.startswith(p + ".") for p in projects.packages):
                del sys.modules[name]
        importlib.invalidate_caches()
