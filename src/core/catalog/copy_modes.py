"""How a memory dataset copies the data it stores and returns (Kedro's copy modes).

``deepcopy`` (the default) protects the stored value from callers mutating what they got;
``copy`` calls the data's own ``.copy()`` (pandas DataFrames, numpy arrays); ``assign``
stores the object itself (for frames that cannot or should not be copied, such as Spark or
polars DataFrames and ibis tables).
"""

from __future__ import annotations

import enum

from returns.result import Failure, Result, Success

from core.errors import DatasetError, DatasetErrorReason

__all__ = ["CopyMode", "infer_copy_mode", "parse_copy_mode"]


class CopyMode(enum.Enum):
    """A memory dataset's copy mode."""

    #: ``copy.deepcopy`` on save and on load
    DEEPCOPY = "deepcopy"
    #: the data's own ``.copy()``
    COPY = "copy"
    #: no copy at all
    ASSIGN = "assign"


def parse_copy_mode(text: str | None) -> Result[CopyMode | None, DatasetError]:
    """Parse a ``copy_mode`` argument; ``None`` means "infer from the data".

    Returns:
        ``Success(mode or None)``; ``Failure(DatasetError(CONFIG))`` for anything else
        (Kedro's message).
    """
    if text is None:
        return Success(None)
    for mode in CopyMode:
        if mode.value == text:
            return Success(mode)
    return Failure(
        DatasetError(
            DatasetErrorReason.CONFIG,
            f"Invalid copy mode: {text}. Possible values are: deepcopy, copy, assign.",
        )
    )


def infer_copy_mode(
    module: str, class_name: str, *, is_pandas_or_numpy: bool = False, is_ibis_table: bool = False
) -> CopyMode:
    """Kedro's rule for data given without a copy mode.

    Args:
        module: the data type's module (kept for callers; Kedro's rule does not read it).
        class_name: the data type's name.
        is_pandas_or_numpy: whether the data is a pandas ``DataFrame`` or a numpy
            ``ndarray`` (instance checks, done by the shell when those are installed).
        is_ibis_table: whether ``isinstance(data, ibis.Table)`` holds (so a class registered
            as an ibis table counts, and a class merely named ``Table`` does not).

    Returns:
        ``COPY`` for pandas DataFrames and numpy arrays; ``ASSIGN`` for any other class
        named ``DataFrame`` and for ibis tables; ``DEEPCOPY`` for everything else.
    """
    del module
    if is_pandas_or_numpy:
        return CopyMode.COPY
    if class_name == "DataFrame" or is_ibis_table:
        return CopyMode.ASSIGN
    return CopyMode.DEEPCOPY
