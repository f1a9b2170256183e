"""Parsing one configuration file with OmegaConf's YAML loader (JSON is YAML too).

Parse failures become :class:`~core.errors.ConfigError` values naming the file and the
parser's line and column, counted from 1 (Kedro prints them from 0), then the parser's own problem
text. A key repeated inside one file (which OmegaConf's loader refuses) is a
``DUPLICATE_KEY`` error pointing at the second occurrence.

Most files are plain data (no ``${...}``): :func:`parse_plain_document` reads those with
OmegaConf's own YAML loader and builds no OmegaConf object at all, which is where most of the
time of a configuration lookup went. Anything else (interpolations, unusual types, a top
level that is not a mapping) takes :func:`parse_config_text`, the full OmegaConf path.

OmegaConf itself (importing it costs as much as reading a whole project's configuration) is
imported only when a file needs it: plain files are read with OmegaConf's YAML loader loaded
on its own (see :func:`_yaml_loader_module`).
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import yaml
from returns.result import Failure, Result, Success

from core.config import ConfigDocument, FrozenMapping, freeze_mapping, invalid_yaml, not_a_mapping
from core.errors import ConfigError, ConfigErrorReason

if TYPE_CHECKING:
    from omegaconf import DictConfig
    from omegaconf.errors import OmegaConfBaseException

__all__ = ["document_from_config", "parse_config_text", "parse_plain_document"]

_STANDALONE_YAML = "shell.config._omegaconf_yaml"


@cache
def _yaml_loader_module() -> ModuleType:
    """The module holding ``get_yaml_loader``, the YAML loader ``OmegaConf.load`` uses.

    OmegaConf 2.4 keeps it in ``omegaconf._yaml``, a file that imports only PyYAML and the
    standard library; importing it by that name would first run the package's ``__init__``,
    that is all of OmegaConf. Unless OmegaConf is imported already, that file is executed on
    its own under a private module name: OmegaConf's own loader, none of the rest. OmegaConf
    2.3 keeps the loader in ``omegaconf._utils``, imported normally.
    """
    if "omegaconf" not in sys.modules:
        spec = importlib.util.find_spec("omegaconf")
        folders = spec.submodule_search_locations if spec is not None else None
        for folder in folders or ():
            path = Path(folder) / "_yaml.py"
            standalone = importlib.util.spec_from_file_location(_STANDALONE_YAML, path)
            if not path.is_file() or standalone is None or standalone.loader is None:
                continue
            module = importlib.util.module_from_spec(standalone)
            try:
                standalone.loader.exec_module(module)
            except ImportError:  # a future _yaml.py importing the rest of OmegaConf
                break
            if callable(getattr(module, "get_yaml_loader", None)):
                return module
    importlib.import_module("omegaconf")
    name = "omegaconf._yaml" if importlib.util.find_spec("omegaconf._yaml") else "omegaconf._utils"
    return importlib.import_module(name)


def _marked(path: str, exc: yaml.MarkedYAMLError, reason: ConfigErrorReason) -> ConfigError:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line, mark.column) if mark is not None else (0, 0)
    problem = exc.problem or exc.context or ""
    error = invalid_yaml(path, line, column, problem)
    return ConfigError(reason, error.message, path=path)


def parse_config_text(path: str, text: str) -> Result[DictConfig, ConfigError]:
    """Parse a file's text into an (unresolved) ``DictConfig``.

    Args:
        path: The file as messages name it.
        text: The file's content.

    Returns:
        ``Success(config)``; ``Failure(ConfigError)`` with reason ``SYNTAX`` for invalid YAML
        or JSON (or an unknown tag), ``DUPLICATE_KEY`` for a key repeated within the file,
        ``INVALID`` when the top level is not a mapping or a key has a type OmegaConf refuses,
        ``INTERPOLATION`` for a malformed ``${...}``.
    """
    from omegaconf import DictConfig, OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    try:
        loaded = OmegaConf.load(io.StringIO(text))
    except (yaml.YAMLError, OmegaConfBaseException) as exc:
        return Failure(_parse_error(path, exc))
    if not isinstance(loaded, DictConfig):
        return Failure(not_a_mapping(path, "a list"))
    return Success(loaded)


def parse_plain_document(
    path: str, text: str, *, interpolations: bool = True
) -> Result[ConfigDocument | None, ConfigError]:
    """Parse a file that is plain data straight into a :class:`ConfigDocument`.

    The file is read with the YAML loader ``OmegaConf.load`` uses (same tags, floats, no
    timestamps, duplicate keys refused), and interpolations are checked with the grammar
    check OmegaConf runs when it builds a node, so the result is what
    :func:`parse_config_text` followed by :func:`document_from_config` gives, without
    building a ``DictConfig`` (interpolations stay unresolved strings either way).

    Args:
        path: The file as messages name it.
        text: The file's content.
        interpolations: Accept strings with ``${...}``; pass ``False`` when the file must be
            resolved on its own (credentials).

    Returns:
        ``Success(document)`` for a mapping (or an empty file) holding only mappings with
        string or integer keys, lists, strings, numbers, booleans and nulls;
        ``Success(None)`` when the file needs OmegaConf (call :func:`parse_config_text`,
        which also reports a malformed interpolation); ``Failure`` for a file that does not
        parse, with the errors of :func:`parse_config_text`.
    """
    try:
        # OmegaConf's loader is a SafeLoader subclass.
        loaded: object = yaml.load(text, Loader=_yaml_loader_module().get_yaml_loader())
    except yaml.YAMLError as exc:
        return Failure(_parse_error(path, exc))
    if loaded is None:
        return Success(ConfigDocument(path, FrozenMapping()))
    if not isinstance(loaded, dict):
        return Success(None)
    if not _plain(loaded, interpolations=interpolations):
        return Success(None)
    return freeze_mapping(loaded).map(lambda content: ConfigDocument(path, content))


def _plain(value: object, *, interpolations: bool) -> bool:
    """Whether OmegaConf would keep ``value`` as it is when it builds its nodes (``False``
    for a malformed interpolation too: the OmegaConf path reports it)."""
    if isinstance(value, str):
        if value.endswith("\\???"):
            return False  # OmegaConf un-escapes a literal "???"
        if "${" not in value:
            return True
        return interpolations and _valid_interpolation(value)
    if value is None or isinstance(value, int | float):  # bool is an int
        return True
    if isinstance(value, dict):
        return all(
            isinstance(key, str | int) and not isinstance(key, bool) and _plain(sub, interpolations=interpolations)
            for key, sub in value.items()
        )
    if isinstance(value, list):
        return all(_plain(sub, interpolations=interpolations) for sub in value)
    return False


def _valid_interpolation(value: str) -> bool:
    """The check OmegaConf's nodes run on every string holding ``${`` (needs OmegaConf)."""
    from omegaconf._utils import get_value_kind
    from omegaconf.errors import GrammarParseError

    try:
        return get_value_kind(value, strict_interpolation_validation=True) is not None
    except GrammarParseError:
        return False


def _parse_error(path: str, exc: yaml.YAMLError | OmegaConfBaseException) -> ConfigError:
    """The ``ConfigError`` for a file that does not parse (or that OmegaConf refuses)."""
    if isinstance(exc, yaml.constructor.ConstructorError):
        duplicate = "found duplicate key" in (exc.problem or "")
        reason = ConfigErrorReason.DUPLICATE_KEY if duplicate else ConfigErrorReason.SYNTAX
        return _marked(path, exc, reason)
    if isinstance(exc, yaml.MarkedYAMLError):
        return _marked(path, exc, ConfigErrorReason.SYNTAX)
    if isinstance(exc, yaml.reader.ReaderError):
        return ConfigError(
            ConfigErrorReason.SYNTAX,
            f"Invalid YAML or JSON file {path}, unable to read position {exc.position}.\n"
            f"{exc.reason}",
            path=path,
        )
    if "omegaconf" not in sys.modules:
        # Not imported, so no OmegaConf error: any other YAML error.
        return ConfigError(ConfigErrorReason.SYNTAX, f"Invalid YAML or JSON file {path}: {exc}", path=path)
    from omegaconf.errors import GrammarParseError, OmegaConfBaseException

    if isinstance(exc, GrammarParseError):
        # OmegaConf checks the syntax of interpolations while loading.
        return ConfigError(ConfigErrorReason.INTERPOLATION, f"{exc}\n    in file: {path}", path=path)
    if isinstance(exc, OmegaConfBaseException):
        return ConfigError(ConfigErrorReason.INVALID, f"{exc}\n    in file: {path}", path=path)
    # Any other YAML error (an emitter or representer error cannot come from loading).
    return ConfigError(ConfigErrorReason.SYNTAX, f"Invalid YAML or JSON file {path}: {exc}", path=path)


def document_from_config(path: str, config: DictConfig) -> Result[ConfigDocument, ConfigError]:
    """Freeze a parsed (possibly already resolved) config into a :class:`ConfigDocument`."""
    from omegaconf import OmegaConf

    content = OmegaConf.to_container(config, resolve=False)
    assert isinstance(content, dict)  # a DictConfig always converts to a dict
    return freeze_mapping(content, opaque=True).map(lambda frozen: ConfigDocument(path, frozen))
