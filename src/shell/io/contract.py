"""The dataset contract: what the catalog needs from a dataset, and a base class for ours.

A dataset is any object with ``load()``, ``save(data)``, ``exists()`` and ``release()``
(:class:`DatasetLike`). That includes every Kedro dataset (``kedro_datasets`` classes and
custom ``AbstractDataset`` subclasses), so they can be used in a kedro-pure catalog
unchanged. :class:`AbstractDataset` is kedro-pure's own base class: subclasses implement
``load``, ``save`` and ``_describe``, and optionally ``_exists`` and ``_release``.

Datasets are imperative objects: their methods raise (a :class:`core.errors.DatasetError`
for expected problems, anything else for bugs or broken storage). The catalog
(:mod:`shell.io.catalog`) is where those become ``Result`` values.

Two class attributes carry facts the runners need, with Kedro's names so that Kedro's
datasets answer the same questions: ``_EPHEMERAL`` (the data does not outlive the
process: memory and cached datasets) and ``_SINGLE_PROCESS`` (the dataset cannot be used
from several processes).
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Mapping
from typing import ClassVar, Protocol, runtime_checkable

from core.redaction import redact_shown
from shell import log_names

__all__ = [
    "AbstractDataset",
    "DatasetLike",
    "describe_dataset",
    "is_dataset",
    "is_ephemeral",
    "is_single_process",
]


@runtime_checkable
class DatasetLike(Protocol):
    """Anything the catalog can load from and save to (duck-typed, Kedro compatible)."""

    def load(self) -> object:
        """Load and return the data."""
        ...

    def save(self, data: object) -> None:
        """Save ``data``."""
        ...

    def exists(self) -> bool:
        """Whether there is data to load."""
        ...

    def release(self) -> None:
        """Drop any data or state cached in memory."""
        ...


_METHODS = ("load", "save", "exists", "release")


def is_dataset(value: object) -> bool:
    """Whether ``value`` (an object or a class) has the four dataset methods."""
    return all(callable(getattr(value, method, None)) for method in _METHODS)


def is_ephemeral(dataset: object) -> bool:
    """Whether the dataset's data lives only in memory (Kedro's ``_EPHEMERAL``)."""
    return bool(getattr(dataset, "_EPHEMERAL", False))


def is_single_process(dataset: object) -> bool:
    """Whether the dataset cannot be shared between processes (``_SINGLE_PROCESS``)."""
    return bool(getattr(dataset, "_SINGLE_PROCESS", False))


def describe_dataset(dataset: object) -> Mapping[str, object]:
    """The dataset's description: ``describe()``, else Kedro's ``_describe()``, else ``{}``."""
    for method in ("describe", "_describe"):
        describe = getattr(dataset, method, None)
        if callable(describe):
            described = describe()
            if isinstance(described, Mapping):
                return described
    return {}


class AbstractDataset(abc.ABC):
    """Base class of kedro-pure's datasets.

    Subclasses implement :meth:`load`, :meth:`save` and :meth:`_describe`; they may override
    :meth:`_exists` (default: ``False``, "not known to exist", with Kedro's WARNING) and
    :meth:`_release`
    (default: nothing to release).
    """

    _EPHEMERAL: ClassVar[bool] = False
    _SINGLE_PROCESS: ClassVar[bool] = False

    @abc.abstractmethod
    def load(self) -> object:
        """Load and return the data."""

    @abc.abstractmethod
    def save(self, data: object) -> None:
        """Save ``data``."""

    @abc.abstractmethod
    def _describe(self) -> Mapping[str, object]:
        """The constructor arguments worth showing (``None`` values are hidden)."""

    def exists(self) -> bool:
        """Whether there is data to load."""
        return self._exists()

    def _exists(self) -> bool:
        logging.getLogger(log_names.DATASET).warning(
            "'exists()' not implemented for '%s'. Assuming output does not exist.",
            type(self).__name__,
        )
        return False

    def release(self) -> None:
        """Drop any data or state cached in memory."""
        self._release()

    def _release(self) -> None:
        return None

    def describe(self) -> Mapping[str, object]:
        """The dataset's description, as shown in its ``repr``."""
        return self._describe()

    def __repr__(self) -> str:
        cls = type(self)
        # URL credentials never reach a repr (Kedro 1.7 redacts them too).
        shown = ", ".join(f"{k}={redact_shown(v)!r}" for k, v in self._describe().items() if v is not None)
        return f"{cls.__module__}.{cls.__qualname__}({shown})"
