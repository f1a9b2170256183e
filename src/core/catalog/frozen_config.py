"""Deeply immutable configuration values, and the way back to plain ``dict``/``list``.

Catalog entries arrive as nested ``dict``/``list`` structures (parsed YAML). The core keeps
them as :class:`FrozenMapping` / :class:`FrozenList` so that a value, once parsed, can never
change under the catalog's feet, and so that the user's own dictionaries are never shared
with it. Dataset constructors, on the other hand, expect (and sometimes mutate) plain
dictionaries, so the shell calls :func:`thaw` to hand each constructor fresh copies.

Freezing must be cheap: a 5,000-entry catalog is frozen when it is built. Both classes are
read-only subclasses of ``dict``/``tuple``, and pickle (catalogs cross process boundaries).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NoReturn, TypeAlias, TypeVar

__all__ = ["FrozenConfig", "FrozenList", "FrozenMapping", "freeze", "thaw", "thaw_mapping"]

# Values that are already immutable and are kept as they are.
_SCALARS = (str, int, float, bool, bytes, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)


_K = TypeVar("_K")
_V = TypeVar("_V")


class FrozenMapping(dict[_K, _V]):
    """A read-only ``dict``: every mutating method raises ``TypeError``.

    It subclasses ``dict`` (rather than wrapping one) because building it is then a
    C-level copy, and freezing runs for every entry of a large catalog. Build one with
    :func:`freeze`; :func:`thaw` gives a plain, mutable copy back.
    """

    __slots__ = ()

    def _read_only(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is read-only")

    __setitem__ = _read_only
    __delitem__ = _read_only
    __ior__ = _read_only
    clear = _read_only
    pop = _read_only
    popitem = _read_only
    setdefault = _read_only
    update = _read_only

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __repr__(self) -> str:
        return f"FrozenMapping({dict.__repr__(self)})"

    def __reduce__(self) -> tuple[type[FrozenMapping[_K, _V]], tuple[dict[_K, _V]]]:
        # ``dict``'s default pickling re-inserts items one by one, which is refused here.
        return (FrozenMapping, (dict(self),))


#: A frozen catalog entry (or any frozen configuration mapping).
FrozenConfig: TypeAlias = "FrozenMapping[str, object]"


class FrozenList(tuple[object, ...]):
    """A frozen ``list``: a tuple that remembers it was a list, so :func:`thaw` restores it."""

    __slots__ = ()


def freeze(value: object) -> object:
    """A deeply immutable copy of ``value``.

    Mappings become :class:`FrozenMapping`, lists :class:`FrozenList`, tuples tuples of
    frozen items and sets ``frozenset``. Anything else (numbers, strings, class objects,
    arbitrary objects) is kept as is.
    """
    kind = type(value)
    # Exact-type checks first: this runs for every value of every catalog entry.
    if kind in _SCALAR_TYPES or kind is FrozenMapping or kind is FrozenList:
        return value
    if kind is dict:
        return FrozenMapping({k: freeze(v) for k, v in value.items()})  # type: ignore[attr-defined]
    if kind is list:
        return FrozenList(freeze(v) for v in value)  # type: ignore[attr-defined]
    if kind is tuple:
        return tuple(freeze(v) for v in value)  # type: ignore[attr-defined]
    if isinstance(value, (*_SCALARS, FrozenMapping, FrozenList)):
        return value
    if isinstance(value, Mapping):
        return FrozenMapping({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return FrozenList(freeze(v) for v in value)
    if isinstance(value, set):
        return frozenset(value)
    return value


def thaw(value: object) -> object:
    """A fresh mutable copy of a frozen value: ``dict``, ``list``, ``tuple`` and ``set``.

    Each call builds new containers, so the receiver may mutate what it gets.
    """
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, FrozenMapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, FrozenList):
        return [thaw(v) for v in value]
    if type(value) is tuple:
        return tuple(thaw(v) for v in value)
    if type(value) is frozenset:
        return set(value)
    return value


def thaw_mapping(value: Mapping[str, object]) -> dict[str, object]:
    """:func:`thaw` for a mapping, typed as the ``dict`` it returns."""
    return {k: thaw(v) for k, v in value.items()}
