"""Parsing one configuration file with OmegaConf's YAML loader (JSON is YAML too).

Parse failures become :class:`~core.errors.ConfigError` values naming the file and the
parser's 0-based line and column (Kedro's message), followed by the parser's own problem
text. A key repeated inside one file (which OmegaConf's loader refuses) is a
``DUPLICATE_KEY`` error pointing at the second occurrence.
"""

from __future__ import annotations

import io

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import GrammarParseError, OmegaConfBaseException
from returns.result import Failure, Result, Success

from core.config import ConfigDocument, freeze_mapping, invalid_yaml, not_a_mapping
from core.errors import ConfigError, ConfigErrorReason

__all__ = ["document_from_config", "parse_config_text"]


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
    except yaml.constructor.ConstructorError as exc:
        duplicate = "found duplicate key" in (exc.problem or "")
        reason = ConfigErrorReason.DUPLICATE_KEY if duplicate else ConfigErrorReason.SYNTAX
        return Failure(_marked(path, exc, reason))
    except yaml.MarkedYAMLError as exc:
        return Failure(_marked(path, exc, ConfigErrorReason.SYNTAX))
    except yaml.reader.ReaderError as exc:
        return Failure(
            ConfigError(
                ConfigErrorReason.SYNTAX,
                f"Invalid YAML or JSON file {path}, unable to read position {exc.position}.\n"
                f"{exc.reason}",
                path=path,
            )
        )
    except GrammarParseError as exc:
        # OmegaConf checks the syntax of interpolations while loading.
        return Failure(
            ConfigError(ConfigErrorReason.INTERPOLATION, f"{exc}\n    in file: {path}", path=path)
        )
    except OmegaConfBaseException as exc:
        return Failure(
            ConfigError(ConfigErrorReason.INVALID, f"{exc}\n    in file: {path}", path=path)
        )
    if not isinstance(loaded, DictConfig):
        return Failure(not_a_mapping(path, "a list"))
    return Success(loaded)


def document_from_config(path: str, config: DictConfig) -> Result[ConfigDocument, ConfigError]:
    """Freeze a parsed (possibly already resolved) config into a :class:`ConfigDocument`."""
    content = OmegaConf.to_container(config, resolve=False)
    assert isinstance(content, dict)  # a DictConfig always converts to a dict
    return freeze_mapping(content, opaque=True).map(lambda frozen: ConfigDocument(path, frozen))
