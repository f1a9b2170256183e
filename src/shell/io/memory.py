"""``MemoryDataset``: data kept in this process's memory, copied according to a copy mode."""

from __future__ import annotations

import abc
import copy
import sys
from collections.abc import Mapping
from typing import ClassVar, Final

from returns.pipeline import is_successful

from core.catalog.copy_modes import CopyMode, infer_copy_mode, parse_copy_mode
from core.errors import DatasetError, DatasetErrorReason
from shell.io.contract import AbstractDataset

__all__ = ["MemoryDataset", "copied", "copy_mode_for", "copy_with_mode"]


class _Empty:
    """The marker for "nothing saved yet" (``None`` is valid data)."""

    def __repr__(self) -> str:
        return "<empty>"

    def __reduce__(self) -> str:
        # Pickles as the module-level singleton, so identity checks survive processes.
        return "_EMPTY"


_EMPTY: Final = _Empty()


#: Copy modes already inferred, by type: a run asks twice per node, and the answer depends
#: only on the type (a class cannot derive from pandas, numpy or ibis before they are
#: imported) and on ABC registrations (``ibis.Table`` is an ABC), whose token is kept too.
_MODE_OF_TYPE: dict[type, CopyMode] = {}
_MODE_TOKEN: list[object] = [abc.get_cache_token()]
#: Past this many types (made on the fly, say) the cache starts afresh.
_MODE_CACHE_LIMIT = 512


def copy_mode_for(data: object) -> CopyMode:
    """Kedro's copy mode for ``data`` when none is configured."""
    kind = type(data)
    token = abc.get_cache_token()
    if token != _MODE_TOKEN[0]:
        _MODE_OF_TYPE.clear()
        _MODE_TOKEN[0] = token
    known = _MODE_OF_TYPE.get(kind)
    if known is not None:
        return known
    mode = _infer_mode(data, kind)
    # An object whose ``__class__`` is not its type (a mock with a spec) may pass instance
    # checks its type does not: its answer is not the type's.
    if getattr(data, "__class__", None) is kind:
        if len(_MODE_OF_TYPE) >= _MODE_CACHE_LIMIT:
            _MODE_OF_TYPE.clear()
        _MODE_OF_TYPE[kind] = mode
    return mode


def _infer_mode(data: object, kind: type) -> CopyMode:
    # Instance checks without importing pandas or numpy: if ``data`` is one of theirs, the
    # library is already imported.
    pandas = sys.modules.get("pandas")
    numpy = sys.modules.get("numpy")
    is_frame_or_array = (pandas is not None and isinstance(data, pandas.DataFrame)) or (
        numpy is not None and isinstance(data, numpy.ndarray)
    )
    ibis = sys.modules.get("ibis")
    table = getattr(ibis, "Table", None)
    is_table = isinstance(table, type) and isinstance(data, table)
    return infer_copy_mode(
        kind.__module__, kind.__name__, is_pandas_or_numpy=is_frame_or_array, is_ibis_table=is_table
    )


#: Types whose ``copy.deepcopy`` is the object itself (``copy``'s atomic types): copying
#: them can be skipped, with the same result, unless ``copy`` mode calls their ``.copy()``.
_DEEPCOPY_SHARES: Final = frozenset({int, float, bool, complex, str, bytes, type(None)})


def copied(data: object, mode: CopyMode | None) -> object:
    """``data`` copied as ``mode`` says (``None``: Kedro's inferred mode)."""
    if type(data) in _DEEPCOPY_SHARES and mode is not CopyMode.COPY:
        return data
    return copy_with_mode(data, mode if mode is not None else copy_mode_for(data))


def copy_with_mode(data: object, mode: CopyMode) -> object:
    """Copy ``data`` as ``mode`` says."""
    if mode is CopyMode.DEEPCOPY:
        return copy.deepcopy(data)
    if mode is CopyMode.COPY:
        return data.copy()  # type: ignore[attr-defined]
    return data


class MemoryDataset(AbstractDataset):
    """Data held in memory, in this process.

    Args:
        data: initial data (``None`` is valid data; omit the argument for an empty dataset).
        copy_mode: ``"deepcopy"``, ``"copy"`` or ``"assign"``; by default inferred from the
            data (``copy`` for pandas DataFrames and numpy arrays, ``assign`` for other
            DataFrames and ibis tables, ``deepcopy`` otherwise). Both saving and loading
            copy, so callers never share the stored object unless it is ``assign``.
        metadata: free-form metadata, ignored by kedro-pure.

    Raises:
        DatasetError: ``CONFIG`` for an unknown copy mode.
    """

    _EPHEMERAL: ClassVar[bool] = True

    def __init__(
        self,
        data: object = _EMPTY,
        copy_mode: str | None = None,
        metadata: Mapping[str, object] | None = None,
    ) -> None:
        self._copy_mode: CopyMode | None = None
        if copy_mode is not None:  # the usual case, a run's intermediates, parses nothing
            parsed = parse_copy_mode(copy_mode)
            if not is_successful(parsed):
                raise parsed.failure()
            self._copy_mode = parsed.unwrap()
        self._data: object = _EMPTY
        self.metadata = metadata
        if data is not _EMPTY:
            # Kedro's constructor stores any value, None included (a parameter set to null).
            self._store(data)

    def load(self) -> object:
        """A copy of the stored data.

        Raises:
            DatasetError: ``LOAD`` when nothing was saved yet.
        """
        data = self._data
        if data is _EMPTY:
            raise DatasetError(
                DatasetErrorReason.LOAD, "Data for MemoryDataset has not been saved yet."
            )
        mode = self._copy_mode
        if type(data) in _DEEPCOPY_SHARES and mode is not CopyMode.COPY:  # copied(), inlined
            return data
        return copied(data, mode)

    def save(self, data: object) -> None:
        """Store a copy of ``data``.

        Raises:
            DatasetError: ``data`` is ``None`` (Kedro's rule for every dataset).
        """
        if data is None:
            raise DatasetError(DatasetErrorReason.SAVE, "Saving 'None' to a 'Dataset' is not allowed")
        mode = self._copy_mode
        if type(data) in _DEEPCOPY_SHARES and mode is not CopyMode.COPY:  # copied(), inlined
            self._data = data
        else:
            self._data = copied(data, mode)

    def _store(self, data: object) -> None:
        self._data = copied(data, self._copy_mode)

    def _exists(self) -> bool:
        return self._data is not _EMPTY

    def _release(self) -> None:
        self._data = _EMPTY

    def _describe(self) -> Mapping[str, object]:
        if self._data is _EMPTY:
            return {"data": None}
        return {"data": f"<{type(self._data).__name__}>"}
