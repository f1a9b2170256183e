"""Transcoding: ``a@pandas`` and ``a@spark`` name the same data ``a`` read by different classes.

The dependency graph works on base names (everything before the ``@``); the catalog and
dataset release work on the full raw names.
"""

from __future__ import annotations

TRANSCODING_SEPARATOR = "@"

__all__ = ["TRANSCODING_SEPARATOR", "strip_transcoding", "transcode_split"]


def transcode_split(name: str) -> tuple[str, str]:
    """Split ``base@suffix`` into ``(base, suffix)``; a name without ``@`` has suffix ``""``.

    Raises ``ValueError`` for more than one separator: a dataset name is authored by a person,
    so this is an authoring error like the node checks.
    """
    parts = name.split(TRANSCODING_SEPARATOR)
    if len(parts) == 1:
        return name, ""
    if len(parts) > 2:
        raise ValueError(
            f"Expected maximum 1 transcoding separator, found {len(parts) - 1} instead: '{name}'."
        )
    return parts[0], parts[1]


def strip_transcoding(name: str) -> str:
    """The base name of ``name`` (``a@pandas`` -> ``a``)."""
    if TRANSCODING_SEPARATOR not in name:
        return name
    return transcode_split(name)[0]
