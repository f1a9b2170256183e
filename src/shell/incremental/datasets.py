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

import os
from pathlib import Path
from typing import Protocol, runtime_checkable

from core.errors import DatasetError
from core.incremental.model import DatasetState, StateKind
from shell.incremental.digests import DigestCache
from shell.io.contract import is_ephemeral
from shell.io.file_dataset import FileDataset

__all__ = ["DigestCache", "Fingerprintable", "dataset_state", "local_file"]

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


#: States are values: the common ones are shared.
_MEMORY = DatasetState(StateKind.MEMORY)


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
            return _MEMORY
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


def local_file(dataset: object) -> tuple[str, bool] | None:
    """The local file (absolute path) behind the dataset's state and whether it is versioned
    (then the path is the folder of its versions), for kedro-pure's file datasets and Kedro's
    local ones; ``None`` for any other (remote, custom ``fingerprint()``, memory): the plan
    cache checks these files again before it reuses a plan."""
    if callable(getattr(dataset, "fingerprint", None)) or is_ephemeral(dataset):
        return None
    if isinstance(dataset, FileDataset):
        location = dataset._location
        return (os.path.abspath(location.path), dataset.version is not None) if location.is_local else None
    filepath = getattr(dataset, "_filepath", None)
    if filepath is None or getattr(dataset, "_protocol", "file") not in ("file", None):
        return None
    return os.path.abspath(str(filepath)), getattr(dataset, "_version", None) is not None
