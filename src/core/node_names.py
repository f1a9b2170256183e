"""Node names and tags: Kedro's validity rule, shared tag sets, generated names."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from functools import partial

from core.node_declaration import readable_func_name

__all__ = ["VALID_NAME", "generated_name", "invalid_name_message", "single_tag", "tag_set"]

#: Letters, digits, ``_``, ``.`` and ``-``: what node names and tags may hold.
VALID_NAME = re.compile(r"[\w\.-]+$")

_NO_TAGS: frozenset[str] = frozenset()


def invalid_name_message(name: object) -> str:
    """Kedro's message for an invalid node name."""
    return (
        f"'{name}' is not a valid node name. It must contain only letters, digits, "
        "hyphens, underscores and/or fullstops."
    )


def _invalid_tag_message(tag: object) -> str:
    return (
        f"'{tag}' is not a valid node tag. It must contain only letters, digits, "
        "hyphens, underscores and/or fullstops."
    )


def tag_set(tags: str | Iterable[str] | None) -> frozenset[str]:
    """``tags`` checked and frozen (a ``ValueError`` with Kedro's message for a bad tag)."""
    if tags is None:
        return _NO_TAGS
    if type(tags) is str:
        # One shared set per tag: big pipelines repeat a few tags on thousands of nodes.
        return single_tag(tags)
    given: frozenset[object] = frozenset([tags]) if isinstance(tags, str) else frozenset(tags)
    checked: set[str] = set()
    for tag in given:
        if not isinstance(tag, str) or not VALID_NAME.match(tag):
            raise ValueError(_invalid_tag_message(tag))
        checked.add(tag)
    return frozenset(checked)


@functools.lru_cache(maxsize=1024)
def single_tag(tag: str) -> frozenset[str]:
    """One tag, checked, as a set shared by every node carrying it alone."""
    if not VALID_NAME.match(tag):
        raise ValueError(_invalid_tag_message(tag))
    return frozenset((tag,))


def generated_name(func: Callable[..., object], inputs: tuple[str, ...], outputs: tuple[str, ...]) -> str:
    """Kedro's name for a node given none: the function's name and a hash of its datasets."""
    # Kedro hashes the *list* forms, so node(f, "x", "y") and node(f, ["x"], ["y"]) share a name.
    listed = f"{list(inputs)}|{list(outputs)}"
    if isinstance(func, partial):
        base = f"partial({readable_func_name(func.func)})"
        key = f"{base}|{listed}"
    else:
        base = readable_func_name(func)
        key = f"{getattr(func, '__module__', None)}.{getattr(func, '__name__', base)}|{listed}"
    return f"{base}__{hashlib.sha256(key.encode()).hexdigest()[:8]}"
