"""Where configuration files come from: the loader's one file-system port.

The loader only needs to know, per environment directory, whether it exists, which files it
holds (relative paths), what one of them contains, and how to name paths in messages.
:class:`ConfigSource` is that port; :class:`FsspecConfigSource` implements it over fsspec for
the sources Kedro accepts (a local directory, a ``.tar``/``.zip`` archive, or a cloud/HTTP
URL), and tests use an in-memory fake. A plain local path gets :class:`LocalConfigSource`,
which answers exactly what fsspec's local file system answers without importing fsspec
(whose import costs more than reading a project's configuration).
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from returns.result import Failure, Result, Success

from core.config import missing_directory
from core.errors import ConfigError, ConfigErrorReason

if TYPE_CHECKING:
    import fsspec

__all__ = ["ConfigSource", "FsspecConfigSource", "LocalConfigSource", "open_config_source"]

# Kedro's lists (kedro.utils): these protocols get their own fsspec file system; any other
# conf_source is treated as a local path.
_HTTP_PROTOCOLS = frozenset({"http", "https"})
_CLOUD_PROTOCOLS = frozenset(
    {"abfs", "abfss", "adl", "gcs", "gdrive", "gs", "oci", "oss", "s3", "s3a", "s3n"}
)
_ZIP_TYPES = frozenset(
    {"application/zip", "application/x-zip-compressed", "application/zip-compressed"}
)


class ConfigSource(Protocol):
    """Read access to the environment directories under one configuration source."""

    def env_path(self, env: str) -> str:
        """The environment directory as messages name it (``conf/base``)."""
        ...

    def list_files(self, env: str) -> Result[tuple[str, ...], ConfigError]:
        """Every file under the environment directory, as posix paths relative to it.

        Returns:
            ``Failure(ConfigError(MISSING))`` with Kedro's message when the directory does not
            exist.
        """
        ...

    def file_path(self, env: str, relative: str) -> str:
        """A file as messages name it (Kedro prints absolute posix paths for local files)."""
        ...

    def read_text(self, env: str, relative: str) -> Result[str, ConfigError]:
        """A file's content decoded as UTF-8."""
        ...


def _decode_file(path: str, read: Callable[[], bytes]) -> Result[str, ConfigError]:
    """The file at ``path``, read by ``read`` and decoded as UTF-8; a read failure is
    ``ConfigError(INVALID)``, bytes that are not UTF-8 are ``ConfigError(SYNTAX)``."""
    try:
        return Success(read().decode("utf8"))
    except UnicodeDecodeError as exc:
        return Failure(
            ConfigError(
                ConfigErrorReason.SYNTAX,
                f"Invalid YAML or JSON file {path}, not valid UTF-8: {exc}",
                path=path,
            )
        )
    except OSError as exc:
        return Failure(
            ConfigError(ConfigErrorReason.INVALID, f"Cannot read {path}: {exc}", path=path)
        )


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


class FsspecConfigSource:
    """A :class:`ConfigSource` over an fsspec file system.

    Args:
        fs: The file system.
        root: The configuration source's root as ``fs`` paths it.
        display_root: The root as messages print environment directories.
        remote: Listing failures are reported with their cause (Kedro's remote variant).
    """

    def __init__(
        self, fs: fsspec.AbstractFileSystem, root: str, display_root: str, *, remote: bool
    ) -> None:
        self._fs = fs
        self._root = root.rstrip("/")
        self._display_root = display_root
        self._remote = remote

    def _dir(self, env: str) -> str:
        return posixpath.join(self._root, env).rstrip("/") if env else self._root

    def env_path(self, env: str) -> str:
        if self._remote:
            return f"{self._display_root}/{env}"
        return str(Path(self._display_root) / env)

    def list_files(self, env: str) -> Result[tuple[str, ...], ConfigError]:
        directory = self._dir(env)
        try:
            if self._remote:
                self._fs.ls(directory)
            elif not self._fs.isdir(directory):
                return Failure(missing_directory(self.env_path(env)))
            found: list[str] = self._fs.find(directory)
        except (OSError, ValueError) as exc:
            return Failure(missing_directory(self.env_path(env), str(exc) if self._remote else ""))
        prefix = self._fs._strip_protocol(directory).rstrip("/") + "/"
        return Success(tuple(path[len(prefix) :] for path in found if path.startswith(prefix)))

    def file_path(self, env: str, relative: str) -> str:
        return posixpath.join(self._fs._strip_protocol(self._dir(env)), relative)

    def read_text(self, env: str, relative: str) -> Result[str, ConfigError]:
        path = self.file_path(env, relative)
        return _decode_file(path, lambda: self._fs.cat_file(path))


def _local_path(path: str) -> str:
    """``path`` as fsspec's local file system names it (posix, absolute, ``~`` expanded, not
    normalised, no trailing ``/``), for a path with no protocol on a posix system."""
    if path.startswith("~"):
        path = os.path.expanduser(path)
    elif not path.startswith("/"):
        if path.startswith("./"):
            path = path[2:]
        elif path == ".":
            path = ""
        path = f"{os.getcwd()}/{path}"
    return path.rstrip("/") or "/"


def _find_files(root: str) -> list[str]:
    """Every file below ``root``, sorted: fsspec's local ``find`` (symlinked directories are
    listed as files and not entered; an unreadable directory is left out)."""
    found: list[str] = []
    pending = [root]
    while pending:
        directory = pending.pop()
        files: list[str] = []
        subdirectories: list[str] = []
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    try:
                        entry.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        continue  # removed while listing
                    name = _local_path(entry.path)
                    if entry.is_dir(follow_symlinks=False):
                        subdirectories.append(name)
                    else:
                        files.append(name)
        except OSError:
            continue  # fsspec omits a directory it cannot list, files and all
        found.extend(files)
        pending.extend(subdirectories)
    return sorted(found)


class LocalConfigSource:
    """A :class:`ConfigSource` over a local directory, answering what
    ``FsspecConfigSource(fsspec.filesystem("file"), root, root, remote=False)`` answers.

    Args:
        root: The configuration source as given (a path without protocol).
    """

    def __init__(self, root: str) -> None:
        self._root = root.rstrip("/")
        self._display_root = root

    def _dir(self, env: str) -> str:
        return posixpath.join(self._root, env).rstrip("/") if env else self._root

    def env_path(self, env: str) -> str:
        return str(Path(self._display_root) / env)

    def list_files(self, env: str) -> Result[tuple[str, ...], ConfigError]:
        directory = _local_path(self._dir(env))
        if not os.path.isdir(directory):
            return Failure(missing_directory(self.env_path(env)))
        prefix = directory.rstrip("/") + "/"
        return Success(tuple(path[len(prefix) :] for path in _find_files(directory) if path.startswith(prefix)))

    def file_path(self, env: str, relative: str) -> str:
        return posixpath.join(_local_path(self._dir(env)), relative)

    def read_text(self, env: str, relative: str) -> Result[str, ConfigError]:
        path = self.file_path(env, relative)
        return _decode_file(path, lambda: _read_bytes(path))


#: Prefixes fsspec's local file system strips, or treats as a protocol: such sources keep
#: going through fsspec.
_PROTOCOL_PREFIXES = ("file:", "local:", "data:")


def open_config_source(conf_source: str | Path) -> ConfigSource:
    """The source Kedro would use for ``conf_source`` (fsspec's answers).

    A ``.tar``(``.gz``) or ``.zip`` archive is opened as an archive file system whose root is
    its last top-level entry (Kedro's rule: archives hold one ``conf`` folder); an ``http``,
    ``https`` or cloud URL uses that protocol's file system; anything else is a local path
    (a :class:`LocalConfigSource` for a plain path on a posix system).
    """
    source = str(conf_source)
    mimetype, _ = mimetypes.guess_type(source)
    plain = "://" not in source and not source.startswith(_PROTOCOL_PREFIXES)
    if plain and os.sep == "/" and mimetype != "application/x-tar" and mimetype not in _ZIP_TYPES:
        return LocalConfigSource(source)
    import fsspec
    from fsspec.core import split_protocol

    if mimetype == "application/x-tar" or mimetype in _ZIP_TYPES:
        fs = fsspec.filesystem("tar" if mimetype == "application/x-tar" else "zip", fo=source)
        entries: list[str] = fs.ls("", detail=False)
        root = entries[-1] if entries else ""
        return FsspecConfigSource(fs, root, str(Path(root)), remote=False)
    protocol, _ = split_protocol(source)
    if protocol in _HTTP_PROTOCOLS or protocol in _CLOUD_PROTOCOLS:
        fs = fsspec.filesystem(protocol)
        root = fs._strip_protocol(source).rstrip("/")
        return FsspecConfigSource(fs, root, root, remote=True)
    fs = fsspec.filesystem("file")
    return FsspecConfigSource(fs, source, source, remote=False)
