"""What version of its data a dataset holds now (:class:`~core.incremental.DatasetState`).

In order of preference:

1. the dataset's own ``fingerprint()`` method (the protocol for custom datasets: return a
   string that changes whenever the data changes, or ``None`` when it cannot tell);
2. an ephemeral dataset (memory, cached) is ``MEMORY``: it inherits the fingerprint of the
   node producing it;
3. a versioned file dataset: the version a load reads;
4. a local file: a SHA-256 digest of its bytes, cached by path, size and modification time
   (:class:`DigestCache`), so an unchanged file is not read again; a remote file (fsspec):
   the filesystem's checksum;
5. Kedro's file datasets (``_filepath``/``_protocol`` attributes, ``_get_load_path()``) the
   same way.

A persistent dataset that does not exist is ``MISSING``; anything else is ``UNKNOWN`` and
the nodes reading it always run.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

from core.errors import DatasetError
from core.incremental.model import DatasetState, StateKind
from shell.io.contract import is_ephemeral
from shell.io.file_dataset import FileDataset

__all__ = ["DigestCache", "Fingerprintable", "dataset_state"]

_CHUNK = 1 << 20


@runtime_checkable
class Fingerprintable(Protocol):
    """The protocol a custom dataset implements to take part in incremental runs.

    ``fingerprint()`` returns a string that changes whenever the data changes (an ETag, a
    table's last-modified time, a checksum...), or ``None`` when it cannot tell, which makes
    the nodes reading the dataset always run. It is called before a node reading the
    dataset runs and after a node writing it saved, so it must be cheap and must not load
    the data.
    """

    def fingerprint(self) -> str | None:
        """A text that changes whenever the data changes, or ``None``."""
        ...


class DigestCache:
    """Content digests of local files, by path, size and modification time (nanoseconds).

    Args:
        known: rows read from the store (``{path: (size, mtime_ns, digest)}``).
    """

    def __init__(self, known: Mapping[str, tuple[int, int, str]] | None = None) -> None:
        self._rows: dict[str, tuple[int, int, str]] = dict(known or {})
        self._changed: dict[str, tuple[int, int, str]] = {}

    @property
    def changed(self) -> Mapping[str, tuple[int, int, str]]:
        """Rows computed since the cache was loaded (to write back to the store)."""
        return self._changed

    def take_changed(self) -> dict[str, tuple[int, int, str]]:
        """The changed rows, forgetting that they changed (after writing them back)."""
        changed, self._changed = self._changed, {}
        return changed

    def digest(self, path: str) -> str:
        """The file's digest; read (in 1 MiB chunks) only when size or mtime changed.

        Raises:
            OSError: the file cannot be read.
        """
        key = os.path.abspath(path)
        stat = os.stat(key)
        cached = self._rows.get(key)
        if cached is not None and cached[0] == stat.st_size and cached[1] == stat.st_mtime_ns:
            return cached[2]
        hasher = hashlib.sha256()
        with open(key, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                hasher.update(chunk)
        row = (stat.st_size, stat.st_mtime_ns, hasher.hexdigest())
        self._rows[key] = row
        self._changed[key] = row
        return row[2]


def _custom(dataset: object) -> DatasetState | None:
    method = getattr(dataset, "fingerprint", None)
    if not callable(method):
        return None
    value = method()
    if value is None:
        return DatasetState(StateKind.UNKNOWN)
    return DatasetState(StateKind.CUSTOM, str(value))


def _file_state(dataset: FileDataset, cache: DigestCache) -> DatasetState:
    if not dataset.exists():
        return DatasetState(StateKind.MISSING)
    version = dataset.resolve_load_version()
    if version is not None:
        return DatasetState(StateKind.VERSION, version)
    location = dataset._location
    if location.is_local:
        return DatasetState(StateKind.CONTENT, cache.digest(location.path))
    checksum = location.fs.checksum(location.path)
    return DatasetState(StateKind.CONTENT, f"fs:{checksum}")


def _kedro_file_state(dataset: object, cache: DigestCache) -> DatasetState | None:
    """Kedro's ``AbstractVersionedDataset`` subclasses: local files only."""
    filepath = getattr(dataset, "_filepath", None)
    if filepath is None or getattr(dataset, "_protocol", "file") not in ("file", None):
        return None
    exists = getattr(dataset, "exists", None)
    if callable(exists) and not exists():
        return DatasetState(StateKind.MISSING)
    get_path = getattr(dataset, "_get_load_path", None)
    path = Path(str(get_path() if callable(get_path) else filepath))
    if not path.is_file():
        return None
    return DatasetState(StateKind.CONTENT, cache.digest(str(path)))


def dataset_state(dataset: object, cache: DigestCache) -> DatasetState:
    """The dataset's current version (module docstring); never raises for a dataset that
    fails to answer: that is ``UNKNOWN``.
    """
    try:
        custom = _custom(dataset)
        if custom is not None:
            return custom
        if is_ephemeral(dataset):
            return DatasetState(StateKind.MEMORY)
        if isinstance(dataset, FileDataset):
            return _file_state(dataset, cache)
        kedro = _kedro_file_state(dataset, cache)
        if kedro is not None:
            return kedro
        exists = getattr(dataset, "exists", None)
        if callable(exists) and not exists():
            return DatasetState(StateKind.MISSING)
    except (DatasetError, OSError, NotImplementedError):
        pass
    return DatasetState(StateKind.UNKNOWN)
