"""The loader's error values, with Kedro's messages where Kedro has one."""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import ConfigError, ConfigErrorReason

__all__ = [
    "invalid_yaml",
    "missing_directory",
    "no_config_files",
    "not_a_mapping",
    "unknown_config_key",
]


def missing_directory(path: str, detail: str = "") -> ConfigError:
    """An environment directory (base or run) does not exist (Kedro's MissingConfigException).

    Args:
        path: The directory as Kedro prints it (``conf_source`` joined with the environment).
        detail: For remote sources, why listing failed (appended as ``. Error: ...``).
    """
    message = f"Given configuration path either does not exist or is not a valid directory: {path}"
    if detail:
        message += f". Error: {detail}"
    return ConfigError(ConfigErrorReason.MISSING, message, path=path)


def no_config_files(base_path: str, env_path: str, patterns: Sequence[str]) -> ConfigError:
    """No file matched the key's patterns in either directory (Kedro's MissingConfigException)."""
    return ConfigError(
        ConfigErrorReason.MISSING,
        f"No files of YAML or JSON format found in {base_path} or {env_path} matching the glob "
        f"pattern(s): {list(patterns)}",
        path=base_path,
    )


def unknown_config_key(key: str) -> ConfigError:
    """The loader has no patterns for ``key`` (Kedro raises this text as a ``KeyError``)."""
    return ConfigError(
        ConfigErrorReason.UNKNOWN_KEY,
        f"No config patterns were found for '{key}' in your config loader",
    )


def invalid_yaml(path: str, line: int, column: int, problem: str = "") -> ConfigError:
    """A file does not parse; ``line``/``column`` are the parser's 0-based problem mark.

    The first line is Kedro's message with the position counted from 1, as a person and an
    editor count (Kedro prints the parser's 0-based mark: a deliberate divergence); the
    parser's own description of the problem follows on a second line when known, since
    "unable to read line 3" alone rarely says what is wrong.
    """
    message = (
        f"Invalid YAML or JSON file {path}, unable to read line {line + 1}, position {column + 1}."
    )
    if problem:
        message += f"\n{problem}"
    return ConfigError(ConfigErrorReason.SYNTAX, message, path=path)


def not_a_mapping(path: str, found: str) -> ConfigError:
    """A file's top level is not a mapping (Kedro fails later with an OmegaConf error)."""
    return ConfigError(
        ConfigErrorReason.INVALID,
        f"Configuration file {path} must contain a mapping at the top level, found {found}.",
        path=path,
    )
