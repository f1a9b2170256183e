"""``FileDataset``: the base of datasets stored as one file, with Kedro's versioning.

Subclasses say how to turn bytes into data and back (:meth:`FileDataset._read`,
:meth:`FileDataset._write`); this class finds the file through fsspec, resolves versions
and saves crash-safely (:func:`shell.io.filesystem.write_atomically`).

Versioning (``versioned: true`` in the catalog, or a ``version=Version(load, save)``
argument) stores each save at ``<filepath>/<version>/<basename>``. Loading picks the
pinned ``Version.load`` or else the latest version; saving uses ``Version.save`` (the run's
save version, in a catalog) or a fresh timestamp, and refuses to overwrite an existing
version. The decisions (which version, which path) are made by
:mod:`core.catalog.versioning`; this class only lists and reads the filesystem.
"""

from __future__ import annotations

import abc
import contextlib
import copy
import io
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import BinaryIO, ClassVar, Self

from returns.pipeline import is_successful

from core.catalog.versioning import (
    Version,
    check_version_string,
    pick_load_version,
    versioned_path,
    versions_in_listing,
)
from core.errors import DatasetError, DatasetErrorReason
from shell.io.contract import AbstractDataset
from shell.io.filesystem import Location, locate, write_atomically
from shell.io.timestamp import generate_timestamp

__all__ = ["FileDataset", "as_text"]

_OPEN_ARGS_LOAD = "open_args_load"
_OPEN_ARGS_SAVE = "open_args_save"


class FileDataset(AbstractDataset):
    """A dataset stored in one file, reached through fsspec.

    Args:
        filepath: where the file is (``data/x.pkl``, ``memory://x.pkl``, ``s3://b/x.pkl``).
        version: versioning, as ``Version(load, save)``; ``None`` for an unversioned file.
        load_args: format options for reading (merged over the class defaults).
        save_args: format options for writing (merged over the class defaults).
        credentials: passed to the filesystem (e.g. ``key``/``secret`` for S3).
        fs_args: passed to the filesystem; ``open_args_load`` / ``open_args_save`` inside
            it are passed to ``fs.open`` instead.
        metadata: free-form metadata, ignored by kedro-pure.
    """

    DEFAULT_LOAD_ARGS: ClassVar[Mapping[str, object]] = {}
    DEFAULT_SAVE_ARGS: ClassVar[Mapping[str, object]] = {}
    #: what a file of this format is called in messages ("JSON", "pickle", ...)
    FORMAT: ClassVar[str] = "data"
    #: the exceptions that mean "the file is not valid <FORMAT>" when reading
    DECODE_ERRORS: ClassVar[tuple[type[BaseException], ...]] = ()

    def __init__(
        self,
        *,
        filepath: str,
        version: Version | None = None,
        load_args: Mapping[str, object] | None = None,
        save_args: Mapping[str, object] | None = None,
        credentials: Mapping[str, object] | None = None,
        fs_args: Mapping[str, object] | None = None,
        metadata: Mapping[str, object] | None = None,
    ) -> None:
        filesystem_args = dict(fs_args or {})
        self._open_args_load = dict(_as_mapping(filesystem_args.pop(_OPEN_ARGS_LOAD, None)))
        self._open_args_save = dict(_as_mapping(filesystem_args.pop(_OPEN_ARGS_SAVE, None)))
        self._location: Location = locate(
            str(filepath), {**dict(credentials or {}), **filesystem_args}
        )
        self._version = Version(*version) if version is not None else None
        self._load_args = {**self.DEFAULT_LOAD_ARGS, **dict(load_args or {})}
        self._save_args = {**self.DEFAULT_SAVE_ARGS, **dict(save_args or {})}
        self.metadata = metadata
        self._cached_load_version: str | None = None
        self._cached_save_version: str | None = None

    # -- subclass hooks ----------------------------------------------------------------------

    @abc.abstractmethod
    def _read(self, handle: BinaryIO) -> object:
        """Decode the data from an open binary file."""

    @abc.abstractmethod
    def _write(self, data: object, handle: BinaryIO) -> None:
        """Encode ``data`` into an open binary file."""

    # -- versions ----------------------------------------------------------------------------

    @property
    def filepath(self) -> str:
        """The configured path (with its protocol, if any)."""
        return self._location.filepath

    @property
    def version(self) -> Version | None:
        """The dataset's ``Version``, or ``None`` if it is not versioned."""
        return self._version

    def with_version(self, version: Version | None) -> Self:
        """A copy of this dataset with another ``Version`` (this one is not modified)."""
        clone = copy.copy(self)
        clone._version = version
        clone._cached_load_version = None
        clone._cached_save_version = None
        return clone

    def list_versions(self) -> tuple[str, ...]:
        """The versions saved so far, newest first (empty if unversioned)."""
        if self._version is None:
            return ()
        fs, path = self._location.fs, self._location.path
        basename = path.rstrip("/").rsplit("/", 1)[-1]
        listing = fs.glob(f"{path.rstrip('/')}/*/{basename}")
        return versions_in_listing(path, listing)

    def resolve_load_version(self) -> str | None:
        """The version a load reads (``None`` if unversioned); cached until the next save
        or release.

        Raises:
            DatasetError: ``VERSION_NOT_FOUND`` when no version, or not the pinned one,
                exists; ``CONFIG`` for an unsafe version string.
        """
        if self._version is None:
            return None
        if self._cached_load_version is not None:
            return self._cached_load_version
        pinned = self._version.load
        if pinned is not None:
            # Cheaper than a listing: only list when the pinned version is missing.
            safe = check_version_string(pinned)
            if not is_successful(safe):
                raise safe.failure()
            if self._location.fs.exists(versioned_path(self._location.path, pinned)):
                self._cached_load_version = pinned
                return pinned
        picked = pick_load_version(self._version, self.list_versions(), described=repr(self))
        if not is_successful(picked):
            raise picked.failure()
        self._cached_load_version = picked.unwrap()
        return self._cached_load_version

    def resolve_save_version(self) -> str | None:
        """The version a save writes (``None`` if unversioned): ``Version.save``, or a
        timestamp generated once and kept until the next save or release."""
        if self._version is None:
            return None
        if self._version.save is not None:
            return self._version.save
        if self._cached_save_version is None:
            self._cached_save_version = generate_timestamp()
        return self._cached_save_version

    def _load_path(self) -> str:
        version = self.resolve_load_version()
        path = self._location.path
        return path if version is None else versioned_path(path, version)

    def _shown(self, path: str) -> str:
        """``path`` as a user would write it (with its protocol unless local)."""
        location = self._location
        return path if location.is_local else str(location.fs.unstrip_protocol(path))

    def _clear_version_cache(self) -> None:
        self._cached_load_version = None
        self._cached_save_version = None

    # -- the dataset contract -----------------------------------------------------------------

    def load(self) -> object:
        """Read the file (the resolved version, if versioned).

        Raises:
            DatasetError: ``VERSION_NOT_FOUND`` (see :meth:`resolve_load_version`), or
                ``LOAD`` when the file does not decode as this format.
        """
        path = self._load_path()
        with self._location.fs.open(path, "rb", **self._open_args_load) as handle:
            try:
                return self._read(handle)
            except self.DECODE_ERRORS as exc:
                raise DatasetError(
                    DatasetErrorReason.LOAD,
                    f"'{self._shown(path)}' is not a valid "
                    f"{self.FORMAT} file ({type(exc).__name__}: {exc}). Save the dataset "
                    f"again, or point 'filepath' at a {self.FORMAT} file.",
                ) from exc

    def save(self, data: object) -> None:
        """Write ``data`` crash-safely (under the save version, if versioned).

        Raises:
            DatasetError: ``VERSION_EXISTS`` when the save version is already there;
                ``CONFIG`` for an unsafe version string, or when versioning is on and a
                plain file sits at ``filepath``.
        """
        self._clear_version_cache()
        location = self._location
        version = self.resolve_save_version()
        if version is None:
            target = location.path
        else:
            safe = check_version_string(version)
            if not is_successful(safe):
                raise safe.failure()
            target = versioned_path(location.path, version)
            if location.fs.exists(target):
                raise DatasetError(
                    DatasetErrorReason.VERSION_EXISTS,
                    f"Save path '{target}' for {self!r} must not exist if versioning is enabled.",
                )
        writer: Callable[[BinaryIO], None] = lambda handle: self._write(data, handle)  # noqa: E731
        try:
            write_atomically(
                location,
                target,
                writer,
                replace=version is None,
                described=repr(self),
                open_args=self._open_args_save,
            )
        except (NotADirectoryError, FileExistsError) as exc:
            if version is None:
                raise
            raise self._plain_file_in_the_way() from exc
        if self._version is not None and self._version.load not in (None, version):
            warnings.warn(
                f"Save version '{version}' did not match load version '{self._version.load}' "
                f"for {self!r}. This is strongly discouraged due to inconsistencies it may "
                "cause between 'save' and 'load' operations. Please refrain from setting "
                "exact load version for intermediate datasets where possible to avoid this "
                "warning.",
                stacklevel=2,
            )
        self._clear_version_cache()

    def _plain_file_in_the_way(self) -> DatasetError:
        path = self._location.filepath.rstrip("/")
        parent, _, name = path.rpartition("/")
        return DatasetError(
            DatasetErrorReason.CONFIG,
            f"Cannot save versioned dataset '{name}' to '{parent}' because a file with the "
            "same name already exists in the directory. This is likely because versioning "
            f"was enabled on a dataset already saved previously. Either remove '{name}' from "
            "the directory or manually convert it into a versioned dataset by placing it in "
            f"a versioned directory (e.g. with default versioning format "
            f"'{path}/YYYY-MM-DDThh.mm.ss.sssZ/{name}').",
        )

    def _exists(self) -> bool:
        try:
            path = self._load_path()
        except DatasetError as exc:
            if exc.reason is DatasetErrorReason.VERSION_NOT_FOUND:
                return False
            raise
        return bool(self._location.fs.exists(path))

    def _release(self) -> None:
        self._clear_version_cache()
        self._location.fs.invalidate_cache(self._location.path)

    def _describe(self) -> Mapping[str, object]:
        return {
            "filepath": self._location.filepath,
            "protocol": self._location.protocol,
            "load_args": self._load_args or None,
            "save_args": self._save_args or None,
            "version": self._version,
        }


def _as_mapping(value: object) -> Mapping[str, object]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    raise DatasetError(
        DatasetErrorReason.CONFIG,
        f"'{_OPEN_ARGS_LOAD}' and '{_OPEN_ARGS_SAVE}' in 'fs_args' must be mappings, got "
        f"{type(value).__name__}.",
    )


@contextlib.contextmanager
def as_text(handle: BinaryIO, encoding: str = "utf-8") -> Iterator[io.TextIOWrapper]:
    """A text view of a binary handle (``newline=""``: line endings kept as they are).

    The view is detached on exit, so closing it never closes ``handle``.
    """
    view = io.TextIOWrapper(handle, encoding=encoding, newline="")
    try:
        yield view
        view.flush()
    finally:
        view.detach()
