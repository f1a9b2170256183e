"""Keys defined by more than one file of the same environment directory.

Kedro refuses to merge two files of one environment that define the same key, because which
one would win depends on the order the files happen to be read in. For ``parameters`` it
compares the dotted paths of the *leaves* (so two files may both extend ``model`` as long as
they set different sub-keys, which then deep-merge); for every other key it compares the
top-level keys. Keys starting with ``_`` (YAML anchors, interpolation templates) are never
reported. The comparison runs on the unresolved content.

Kedro compares every pair of files; here each key is indexed once and only the pairs that
actually share a key are visited, so the cost follows the size of the answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from returns.result import Failure, Result, Success

from core.config.documents import ConfigDocument
from core.config.values import ConfigMapping, FrozenMapping
from core.errors import ConfigError, ConfigErrorReason

__all__ = [
    "DuplicateKeys",
    "check_duplicate_keys",
    "compared_keys",
    "find_duplicate_keys",
]

_MAX_KEYS_TEXT = 100


@dataclass(frozen=True, slots=True)
class DuplicateKeys:
    """Two files of one environment that define the same keys.

    Attributes:
        first: The file read first (in the order the documents were given).
        second: The other file.
        keys: The shared keys (dotted leaf paths for parameters), sorted.
    """

    first: str
    second: str
    keys: tuple[str, ...]

    @property
    def message(self) -> str:
        """Kedro's line for this pair (the key list is cut at 100 characters)."""
        text = ", ".join(self.keys)
        if len(text) > _MAX_KEYS_TEXT:
            text = text[:_MAX_KEYS_TEXT] + "..."
        return f"Duplicate keys found in {self.first} and {self.second}: {text}"


def _leaf_paths(mapping: ConfigMapping, prefix: str) -> Iterator[str]:
    for key, value in mapping.items():
        full = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, FrozenMapping):
            # An empty mapping has no leaves, so it never clashes (as in Kedro).
            yield from _leaf_paths(value, full)
        else:
            yield full


def compared_keys(config_key: str, content: ConfigMapping) -> frozenset[str]:
    """The keys of one document that take part in the duplicate check.

    Args:
        config_key: The configuration type being loaded (``"parameters"`` compares leaves).
        content: The document's unresolved content.

    Returns:
        Dotted leaf paths for ``parameters``, top-level keys otherwise, minus those starting
        with ``_`` (only the first segment counts: ``p._x`` is compared).
    """
    keys = _leaf_paths(content, "") if config_key == "parameters" else map(str, content)
    return frozenset(key for key in keys if not key.startswith("_"))


def find_duplicate_keys(
    config_key: str, documents: Sequence[ConfigDocument]
) -> tuple[DuplicateKeys, ...]:
    """Every pair of documents that share compared keys.

    Args:
        config_key: The configuration type (see :func:`compared_keys`).
        documents: The documents of one environment directory, in reading order.

    Returns:
        One :class:`DuplicateKeys` per offending pair, ordered by the positions of the two
        documents; empty when no key is defined twice.
    """
    owners: dict[str, list[int]] = {}
    for index, document in enumerate(documents):
        for key in compared_keys(config_key, document.content):
            owners.setdefault(key, []).append(index)
    shared: dict[tuple[int, int], list[str]] = {}
    for key, indices in owners.items():
        for position, first in enumerate(indices):
            for second in indices[position + 1 :]:
                shared.setdefault((first, second), []).append(key)
    return tuple(
        DuplicateKeys(documents[first].path, documents[second].path, tuple(sorted(keys)))
        for (first, second), keys in sorted(shared.items())
    )


def check_duplicate_keys(
    config_key: str, documents: Sequence[ConfigDocument]
) -> Result[tuple[ConfigDocument, ...], ConfigError]:
    """Pass the documents through when no key is defined twice.

    Returns:
        ``Success(documents)``, or ``Failure(ConfigError(DUPLICATE_KEY))`` whose message has
        Kedro's ``Duplicate keys found in {file1} and {file2}: {keys}`` line for every
        offending pair (joined by newlines) and whose ``path`` is the first file involved.
    """
    duplicates = find_duplicate_keys(config_key, documents)
    if not duplicates:
        return Success(tuple(documents))
    return Failure(
        ConfigError(
            ConfigErrorReason.DUPLICATE_KEY,
            "\n".join(duplicate.message for duplicate in duplicates),
            path=duplicates[0].first,
        )
    )
