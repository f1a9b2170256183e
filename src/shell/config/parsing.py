"""Parsing one configuration file with OmegaConf's YAML loader (JSON is YAML too).

Parse failures become :class:`~core.errors.ConfigError` values naming the file and the
parser's line and column, counted from 1 (Kedro prints them from 0), then the parser's own problem
text. A key repeated inside one file (which OmegaConf's loader refuses) is a
``DUPLICATE_KEY`` error pointing at the second occurrence.

Most files are plain data (no ``${...}``): :func:`parse_plain_document` reads those with
OmegaConf's own YAML loader and builds no OmegaConf object at all, which is where most of the
time of a configuration lookup went. Anything else (interpolations, unusual types, a top
level that is not a mapping) takes :func:`parse_config_text`, the full OmegaConf path.
"""

from __future__ import annotations

import importlib
import importlib.util
import io

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf._utils import get_value_kind
from omegaconf.errors import GrammarParseError, OmegaConfBaseException
from returns.result import Failure, Result, Success

from core.config import ConfigDocument, FrozenMapping, freeze_mapping, invalid_yaml, not_a_mapping
from core.errors import ConfigError, ConfigErrorReason

__all__ = ["document_from_config", "parse_config_text", "parse_plain_document"]

# The module holding ``get_yaml_loader`` (the loader OmegaConf.load uses): OmegaConf 2.4 moved
# it from ``_utils`` to ``_yaml``.
_LOADER_MODULE = importlib.import_module(
    "omegaconf._yaml" if importlib.util.find_spec("omegaconf._yaml") else "omegaconf._utils"
)


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
        loaded: object = yaml.load(text, Loader=_LOADER_MODULE.get_yaml_loader())
    except yaml.YAMLError as exc:
        return Failure(_parse_error(path, exc))
    if loaded is None:
        return Success(ConfigDocument(path, FrozenMapping()))
    if not isinstance(loaded, dict):
        return Success(None)
    try:
        plain = _plain(loaded, interpolations=interpolations)
    except GrammarParseError:
        return Success(None)
    if not plain:
        return Success(None)
    return freeze_mapping(loaded).map(lambda content: ConfigDocument(path, content))


def _plain(value: object, *, interpolations: bool) -> bool:
    """Whether OmegaConf would keep ``value`` as it is when it builds its nodes.

    Raises:
        GrammarParseError: A string holds a malformed interpolation.
    """
    if isinstance(value, str):
        if value.endswith("\\???"):
            return False  # OmegaConf un-escapes a literal "???"
        if "${" not in value:
            return True
        # The check OmegaConf's nodes run on every string holding "${".
        return interpolations and get_value_kind(value, strict_interpolation_validation=True) is not None
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
    if isinstance(exc, GrammarParseError):
        # OmegaConf checks the syntax of interpolations while loading.
        return ConfigError(ConfigErrorReason.INTERPOLATION, f"{exc}\n    in file: {path}", path=path)
    if isinstance(exc, OmegaConfBaseException):
        return ConfigError(ConfigErrorReason.INVALID, f"{exc}\n    in file: {path}", path=path)
    # Any other YAML error (an emitter or representer error cannot come from loading).
    return ConfigError(ConfigErrorReason.SYNTAX, f"Invalid YAML or JSON file {path}: {exc}", path=path)


def document_from_config(path: str, config: DictConfig) -> Result[ConfigDocument, ConfigError]:
    """Freeze a parsed (possibly already resolved) config into a :class:`ConfigDocument`."""
    content = OmegaConf.to_container(config, resolve=False)
    assert isinstance(content, dict)  # a DictConfig always converts to a dict
    return freeze_mapping(content, opaque=True).map(lambda frozen: ConfigDocument(path, frozen))
