"""One configuration file after parsing: where it came from and what it holds."""

from __future__ import annotations

from dataclasses import dataclass

from core.config.values import FrozenConfig

__all__ = ["ConfigDocument"]


@dataclass(frozen=True, slots=True)
class ConfigDocument:
    """A parsed configuration file.

    Attributes:
        path: The file as error messages name it (Kedro prints the absolute posix path).
        content: The file's top-level mapping, unresolved (``${...}`` interpolations are
            still strings), deep-frozen.
    """

    path: str
    content: FrozenConfig
