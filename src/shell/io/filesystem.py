"""Where a file dataset's bytes live (through fsspec), and crash-safe writes.

Every file dataset reaches its file through fsspec, so local paths, ``memory://`` and any
installed cloud filesystem (``s3://``, ``gcs://``, ``abfs://``...) work alike.

A save never writes the destination in place. The bytes go to a temporary file next to
it (``.<basename>.<owner>.<random>.kptmp``, see :mod:`core.temporaries`) which is then moved over the destination in one step:

* locally, the temporary file is flushed and ``fsync``-ed, then ``os.replace``-d (an atomic
  rename on POSIX and Windows), and the directory is ``fsync``-ed; a versioned save uses
  ``os.link`` instead, which also refuses atomically to replace an existing version;
* on other filesystems the temporary object is moved with ``fs.mv``; object stores publish
  an object only once it is complete, so readers never see a partial file.

So an exception or a killed process in the middle of a save leaves the previous contents
intact, and at worst a stray temporary file, which version listings ignore and the next
save into that directory (or the next run) removes (:mod:`shell.io.litter`).
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import BinaryIO

import fsspec
from fsspec.implementations.local import LocalFileSystem

from core.errors import DatasetError, DatasetErrorReason
from core.temporaries import temporary_name
from shell.io.litter import sweep_directory
from shell.processes import this_process

__all__ = ["Location", "locate", "write_atomically"]


@dataclass(frozen=True)
class Location:
    """A file reached through fsspec.

    Attributes:
        filepath: the path as configured (with its protocol, if any).
        fs: the filesystem.
        path: the path inside ``fs`` (protocol stripped).
        protocol: the filesystem's main protocol (``"file"``, ``"memory"``, ``"s3"``...).
    """

    filepath: str
    fs: fsspec.AbstractFileSystem
    path: str
    protocol: str

    @property
    def is_local(self) -> bool:
        """Whether the file is on the local disk (where atomic rename is available)."""
        return isinstance(self.fs, LocalFileSystem)


def locate(filepath: str, storage_options: Mapping[str, object] | None = None) -> Location:
    """Resolve ``filepath`` to its filesystem (credentials and ``fs_args`` go in
    ``storage_options``)."""
    fs, path = fsspec.core.url_to_fs(filepath, **dict(storage_options or {}))
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return Location(filepath, fs, path, protocol)


def _temporary_name(path: str) -> str:
    # Names its writer, so that a temporary left by a killed save can be swept safely.
    parent, base = posixpath.split(path)
    return posixpath.join(parent, temporary_name(base, this_process(), uuid.uuid4().hex[:12]))


def _version_exists(path: str, described: str) -> DatasetError:
    return DatasetError(
        DatasetErrorReason.VERSION_EXISTS,
        f"Save path '{path}' for {described} must not exist if versioning is enabled.",
    )


def _fsync_directory(directory: str) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _write_local(
    path: str, write: Callable[[BinaryIO], None], *, replace: bool, described: str
) -> None:
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    sweep_directory(directory)  # litter of earlier saves killed mid-write
    temporary = _temporary_name(path)
    # O_EXCL: never follow or reuse an existing file; mode 0o666 lets the umask apply.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            _publish_new(temporary, path, described)
        _fsync_directory(directory)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _publish_new(temporary: str, path: str, described: str) -> None:
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise _version_exists(path, described) from None
    except OSError:
        # Filesystems without hard links: check, then rename (not atomic, but the
        # version directory is fresh, so only a concurrent save of the same version races).
        if os.path.exists(path):
            raise _version_exists(path, described) from None
        os.replace(temporary, path)


def _write_remote(
    location: Location,
    path: str,
    write: Callable[[BinaryIO], None],
    *,
    replace: bool,
    described: str,
    open_args: Mapping[str, object],
) -> None:
    fs = location.fs
    temporary = _temporary_name(path)
    fs.makedirs(posixpath.dirname(path), exist_ok=True)
    try:
        with fs.open(temporary, "wb", **dict(open_args)) as handle:
            write(handle)
        if not replace and fs.exists(path):
            raise _version_exists(path, described)
        fs.mv(temporary, path)
    finally:
        if fs.exists(temporary):
            fs.rm(temporary)


def write_atomically(
    location: Location,
    path: str,
    write: Callable[[BinaryIO], None],
    *,
    replace: bool = True,
    described: str = "",
    open_args: Mapping[str, object] | None = None,
) -> None:
    """Write a file so that readers see either the old contents or the complete new ones.

    Args:
        location: the dataset's filesystem.
        path: the destination inside ``location.fs``.
        write: writes the data to the binary handle it is given.
        replace: ``False`` for versioned saves: an existing ``path`` is an error.
        described: the dataset's ``repr``, for messages.
        open_args: extra arguments for ``fs.open`` (non-local filesystems).

    Raises:
        DatasetError: ``VERSION_EXISTS`` when ``replace`` is ``False`` and ``path`` exists.
        Whatever ``write`` or the filesystem raises; the destination is then untouched.
    """
    if location.is_local:
        _write_local(path, write, replace=replace, described=described)
    else:
        _write_remote(
            location,
            path,
            write,
            replace=replace,
            described=described,
            open_args=open_args or {},
        )
    location.fs.invalidate_cache(posixpath.dirname(path))
