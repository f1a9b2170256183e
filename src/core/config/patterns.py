"""Which files of an environment directory a config key reads.

Kedro globs each pattern under the environment directory with fsspec, skips hidden paths,
de-duplicates, and keeps existing files ending in ``.yml``, ``.yaml`` or ``.json``. Here the
shell lists the directory once and :func:`select_config_files` applies the same rules to the
relative paths, so the selection is a pure function of the listing.

Glob semantics are fsspec's (CPython's ``glob.translate`` with ``recursive=True``,
``include_hidden=True`` and ``/`` as the only separator): ``*`` matches within one path
segment (hidden names included), ``?`` one character of a segment, ``[...]`` a character
class, and ``**`` (only as a whole segment) any number of segments, including none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason

__all__ = [
    "CONFIG_SUFFIXES",
    "DEFAULT_CONFIG_PATTERNS",
    "compile_pattern",
    "config_suffix",
    "is_hidden",
    "select_config_files",
]

#: Kedro's default patterns per config key; a user entry replaces a key's whole list.
DEFAULT_CONFIG_PATTERNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "catalog": ("catalog*", "catalog*/**", "**/catalog*"),
        "parameters": ("parameters*", "parameters*/**", "**/parameters*"),
        "credentials": ("credentials*", "credentials*/**", "**/credentials*"),
        "globals": ("globals.yml",),
    }
)

#: File suffixes the loader parses (JSON goes through the YAML parser too).
CONFIG_SUFFIXES = frozenset({".yml", ".yaml", ".json"})

_NOT_SEP = "[^/]"


def _class_body(body: str) -> str:
    """The inside of a ``[...]`` class as regex text (ranges kept, specials escaped)."""
    if "-" not in body:
        escaped = body.replace("\\", "\\\\")
    else:
        # Split on the hyphens that are not range ends, drop empty (reversed) ranges, and
        # escape the remaining hyphens so "a-" or "-z" mean the hyphen itself.
        chunks: list[str] = []
        start = 2 if body.startswith("!") else 1
        pos = 0
        while True:
            hyphen = body.find("-", start)
            if hyphen < 0:
                break
            chunks.append(body[pos:hyphen])
            pos = hyphen + 1
            start = hyphen + 3
        tail = body[pos:]
        if tail:
            chunks.append(tail)
        else:
            chunks[-1] += "-"
        for k in range(len(chunks) - 1, 0, -1):
            if chunks[k - 1][-1] > chunks[k][0]:
                chunks[k - 1] = chunks[k - 1][:-1] + chunks[k][1:]
                del chunks[k]
        escaped = "-".join(c.replace("\\", "\\\\").replace("-", "\\-") for c in chunks)
    return re.sub(r"([&~|])", r"\\\1", escaped)


def _translate_segment(segment: str) -> str:
    """One path segment of a glob (no ``/``) as a regular expression, the way fsspec does."""
    out: list[str] = []
    star = f"{_NOT_SEP}*"
    i, n = 0, len(segment)
    while i < n:
        char = segment[i]
        i += 1
        if char == "*":
            if not out or out[-1] is not star:
                out.append(star)
        elif char == "?":
            out.append(_NOT_SEP)
        elif char == "[":
            end = i
            if end < n and segment[end] == "!":
                end += 1
            if end < n and segment[end] == "]":
                end += 1
            while end < n and segment[end] != "]":
                end += 1
            if end >= n:
                out.append("\\[")
                continue
            body = _class_body(segment[i:end])
            i = end + 1
            if not body:
                out.append("(?!)")  # an empty range never matches
            elif body == "!":
                out.append(".")  # "[!]" matches any character
            elif body[0] == "!":
                out.append(f"[^{body[1:]}]")
            elif body[0] in "^[":
                out.append(f"[\\{body}]")
            else:
                out.append(f"[{body}]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def compile_pattern(pattern: str) -> Result[re.Pattern[str], ConfigError]:
    """Compile a config glob pattern into a regex over relative posix paths.

    Returns:
        ``Success(regex)``, or ``Failure(ConfigError(INVALID))`` when ``**`` is used inside a
        segment (fsspec refuses it too) or a character class is malformed.
    """
    segments = pattern.split("/")
    last = len(segments) - 1
    parts: list[str] = []
    for index, segment in enumerate(segments):
        if segment == "*":
            parts.append(f"{_NOT_SEP}+/" if index < last else f"{_NOT_SEP}+")
            continue
        if segment == "**":
            parts.append("(?:.+/)?" if index < last else ".*")
            continue
        if "**" in segment:
            return Failure(
                ConfigError(
                    ConfigErrorReason.INVALID,
                    f"Invalid config pattern '{pattern}': '**' can only be an entire path "
                    "component",
                )
            )
        parts.append(_translate_segment(segment))
        if index < last:
            parts.append("/")
    try:
        return Success(re.compile(rf"(?s:{''.join(parts)})\Z"))
    except re.error as exc:
        return Failure(
            ConfigError(ConfigErrorReason.INVALID, f"Invalid config pattern '{pattern}': {exc}")
        )


def is_hidden(relative_path: str) -> bool:
    """Whether any segment of ``relative_path`` starts with ``.`` (a hidden file or folder).

    ``.`` and ``..`` are navigation, not names (an environment given as ``../shared`` is not
    hidden).
    """
    return any(
        part.startswith(".") and part not in (".", "..") for part in relative_path.split("/")
    )


def config_suffix(relative_path: str) -> str:
    """The file's suffix the way ``pathlib`` computes it (a dot-file such as ``.yml`` has none)."""
    name = relative_path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def select_config_files(
    relative_paths: Iterable[str],
    patterns: Sequence[str],
    *,
    ignore_hidden: bool = True,
    env: str = "",
) -> Result[tuple[str, ...], ConfigError]:
    """The files of one environment directory that a config key reads.

    Args:
        relative_paths: Every file under the environment directory, as posix paths relative
            to it (``"catalog.yml"``, ``"sub/deep/catalog_x.yaml"``).
        patterns: The key's glob patterns, relative to the environment directory.
        ignore_hidden: Skip paths with a segment starting with ``.``.
        env: The environment directory's path relative to the configuration source; a hidden
            segment there hides every file (Kedro checks paths relative to ``conf_source``).

    Returns:
        ``Success`` of the matching files, de-duplicated and sorted (Kedro's order comes from
        a ``set`` and is not reproducible, so a sorted order is used instead), or the
        ``Failure`` of :func:`compile_pattern`.
    """
    compiled: list[re.Pattern[str]] = []
    for pattern in patterns:
        result = compile_pattern(pattern)
        if isinstance(result, Failure):
            return result
        compiled.append(result.unwrap())
    if ignore_hidden and env and is_hidden(env):
        return Success(())
    selected = {
        path
        for path in relative_paths
        if config_suffix(path) in CONFIG_SUFFIXES
        and not (ignore_hidden and is_hidden(path))
        and any(regex.match(path) for regex in compiled)
    }
    return Success(tuple(sorted(selected)))
