"""The dataset boundary: a dataset's own methods are third-party code that may raise
anything, and here whatever they raise becomes a :class:`core.errors.DatasetError` naming the
dataset, the operation and the cause (see :mod:`shell.io.catalog`).

``at_boundary`` wraps one call into a ``Result`` (``DataCatalog.load``/``save``/...); the
``*_resolved`` functions are a run's hot path and raise the error instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from returns.result import Failure, Result, Success

from core.errors import DatasetError, DatasetErrorReason
from core.redaction import scrub_with, secrets_pattern
from shell import log_names
from shell.io.contract import DatasetLike
from shell.io.shown import description_secrets
from shell.log_gate import enabled_cache

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
    if isinstance(exc, DatasetError):
        # kedro-pure's datasets say precisely what went wrong; keep their reason.
        reason, message = exc.reason, f"{name}: {exc.message}"
    elif _is_kedro_dataset_error(exc):
        message = f"{name}: {exc}"
    else:
        message = f"{name}: {what} {dataset!r}.\n{exc}"
    # The repr is redacted, but the cause may quote the filepath's credentials some other way
    # (Kedro leaves them there): blank them wherever they appear.
    message = scrub_with(message, secrets_pattern(description_secrets(_description(dataset))))
    error = DatasetError(reason, message, dataset=name)
    error.__cause__ = exc
    return error


def _description(dataset: object) -> object:
    """The dataset's own description (kedro-pure's and Kedro's datasets have one), unredacted."""
    describe = getattr(dataset, "_describe", None)
    if not callable(describe):
        return None
    try:
        return describe()
    except Exception:  # the dataset boundary: third-party code; then nothing to blank
        return None


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
