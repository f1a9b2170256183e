"""Content digests of local files, cached by path, size and modification time.

Kept apart from :mod:`shell.incremental.datasets` so that the plan cache can check files
without importing the dataset classes (and fsspec).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping

__all__ = ["DigestCache"]

_CHUNK = 1 << 20


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
