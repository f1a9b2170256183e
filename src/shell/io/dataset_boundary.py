"""The dataset boundary: a dataset's own methods are third-party code that may raise
anything, and here whatever they raise becomes a :class:`core.errors.DatasetError` naming the
dataset, the operation and the cause (see :mod:`shell.io.catalog`).

``at_boundary`` wraps one call into a ``Result`` (``DataCatalog.load``/``save``/...); the
``*_resolved`` functions are a run's hot path and raise the error instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import TypeVar

from returns.result import Failure, Result, Success

from core.errors import DatasetError, DatasetErrorReason
from core.redaction import scrub_text, url_secrets
from shell import log_names
from shell.io.contract import AbstractDataset, DatasetLike
from shell.log_gate import enabled_cache
from shell.secrets import scrub

__all__ = ["at_boundary", "load_resolved", "operation_failed", "release_resolved", "save_resolved"]

_LOGGER = logging.getLogger(log_names.CATALOG)
_INFO = enabled_cache(_LOGGER)

_T = TypeVar("_T")


def _is_kedro_dataset_error(exc: BaseException) -> bool:
    # Kedro's (and kedro_datasets') ``DatasetError`` messages already say what failed.
    return any(cls.__name__ == "DatasetError" for cls in type(exc).__mro__)


def operation_failed(
    name: str,
    dataset: object,
    exc: Exception,
    reason: DatasetErrorReason,
    what: str,
) -> DatasetError:
    # A driver's message may quote the dataset's URL with its credentials in another form
    # (a path without the scheme): those parts, and known credential values, are hidden.
    hidden = url_secrets(_description(dataset))

    def shown(text: str) -> str:
        return scrub(scrub_text(text, hidden))

    if isinstance(exc, DatasetError):
        # kedro-pure's datasets say precisely what went wrong; keep their reason.
        error = DatasetError(exc.reason, shown(f"{name}: {exc.message}"), dataset=name)
    elif _is_kedro_dataset_error(exc):
        error = DatasetError(reason, shown(f"{name}: {exc}"), dataset=name)
    else:
        error = DatasetError(reason, shown(f"{name}: {what} {dataset!r}.\n{exc}"), dataset=name)
    error.__cause__ = exc
    return error


def _description(dataset: object) -> object:
    """The dataset's own description, unredacted, paths as text: kedro-pure's ``describe()``,
    or Kedro's ``_describe()`` (a dataset class written for Kedro, e.g. kedro-datasets')."""
    if isinstance(dataset, AbstractDataset):
        return dataset.describe()
    describe = getattr(dataset, "_describe", None)
    if not callable(describe):
        return None
    try:
        return _paths_as_text(describe())
    except Exception:  # the dataset boundary: third-party code; then nothing more to hide
        return None


def _paths_as_text(value: object) -> object:
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, Mapping):
        return {key: _paths_as_text(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_paths_as_text(item) for item in value]
    return value


def at_boundary(
    name: str, dataset: object, action: Callable[[], _T], reason: DatasetErrorReason, what: str
) -> Result[_T, DatasetError]:
    """Run one of a dataset's own methods: whatever it raises becomes a ``DatasetError``."""
    try:
        return Success(action())
    except Exception as exc:  # the dataset boundary (see shell.io.catalog)
        return Failure(operation_failed(name, dataset, exc, reason, what))


# -- a run's hot path: operations on datasets the run already resolved ---------------------
# The runners resolve every dataset of a pipeline once (warm-up) and then load, save and release
# through these, which log and wrap errors exactly as ``load``/``save``/``release`` do but raise
# the ``DatasetError`` (the runner turns it into its failure value) instead of allocating a
# ``Result`` per call.


def load_resolved(name: str, dataset: DatasetLike) -> object:
    """``DataCatalog.load(name)`` for ``dataset``, registered as ``name``; raises ``DatasetError``."""
    if _INFO.get(logging.INFO) is not False:  # see shell.log_gate
        _LOGGER.info("Loading data from %s (%s)...", name, type(dataset).__name__)
    try:
        return dataset.load()
    except Exception as exc:  # the dataset boundary (see shell.io.catalog)
        raise operation_failed(
            name, dataset, exc, DatasetErrorReason.LOAD, "Failed while loading data from dataset"
        ) from exc


def save_resolved(name: str, dataset: DatasetLike, data: object) -> None:
    """``DataCatalog.save(name, data)`` for ``dataset``; raises ``DatasetError``."""
    if data is None:
        raise DatasetError(
            DatasetErrorReason.SAVE, f"{name}: Saving 'None' to a 'Dataset' is not allowed", dataset=name
        )
    if _INFO.get(logging.INFO) is not False:
        _LOGGER.info("Saving data to %s (%s)...", name, type(dataset).__name__)
    try:
        dataset.save(data)
    except Exception as exc:  # the dataset boundary
        raise operation_failed(
            name, dataset, exc, DatasetErrorReason.SAVE, "Failed while saving data to dataset"
        ) from exc


def release_resolved(name: str, dataset: DatasetLike) -> None:
    """``DataCatalog.release(name)`` for ``dataset``; raises ``DatasetError``."""
    try:
        dataset.release()
    except Exception as exc:  # the dataset boundary
        raise operation_failed(
            name, dataset, exc, DatasetErrorReason.RELEASE, "Failed during release for dataset"
        ) from exc
