"""``AbstractSession``: Kedro 1.7's base class of every session (``kedro.framework.session``).

A session is a context manager: ``__enter__`` returns the session, ``__exit__`` closes it.
Subclasses implement ``create`` (a classmethod), ``close`` and ``run``; in kedro-pure the last
two return ``Result`` values (``KedroSession`` is the implementation).
"""

from __future__ import annotations

import types
from abc import ABC, abstractmethod
from typing import Self

__all__ = ["AbstractSession"]


class AbstractSession(ABC):
    """Base class of sessions: ``create``, ``close`` and ``run``, and the ``with`` protocol."""

    @classmethod
    @abstractmethod
    def create(cls) -> object:
        """Create a session (kedro-pure's return a ``Result`` of one)."""

    @abstractmethod
    def close(self) -> object:
        """Close the session."""

    @abstractmethod
    def run(self) -> object:
        """Run a pipeline."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        self.close()
