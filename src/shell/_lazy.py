"""Lazy package exports (PEP 562): a package's public names are imported on first access.

Importing ``shell.session`` (or the CLI) must not load OmegaConf, fsspec, sqlite3 and the like
until a command needs them, yet ``from shell.io import DataCatalog`` must keep working.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, MutableMapping

__all__ = ["lazy_exports"]


def lazy_exports(
    namespace: MutableMapping[str, object], defined_in: Mapping[str, str], public: Iterable[str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for a package whose names live in ``defined_in`` modules.

    A name is imported once, then cached in the package's ``namespace`` (its ``globals()``).
    """
    listed = frozenset(public)

    def getattr_(name: str) -> object:
        module = defined_in.get(name)
        if module is None:
            raise AttributeError(f"module {namespace.get('__name__')!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted({*namespace, *listed})

    return getattr_, dir_
