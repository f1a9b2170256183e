"""Configuration values as deep-frozen data.

A parsed YAML/JSON document is a tree of mappings, lists and scalars. The core keeps it as a
:data:`ConfigValue`: mappings become :class:`FrozenMapping` (ordered, hashable, read-only),
lists become tuples. Order is kept on purpose: Kedro hands plain dicts to its users, and the
order of the catalog or of parameters is visible to them (listing, logging, printing).

:func:`freeze` turns plain Python data (what a YAML parser or a caller gives) into a
:data:`ConfigValue`, refusing values OmegaConf would refuse; :func:`thaw` turns it back into
fresh plain ``dict``/``list`` data for callers who expect Kedro's mutable dictionaries.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from typing import TypeAlias, TypeVar, Union

from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason

__all__ = [
    "MISSING",
    "ConfigKey",
    "ConfigMapping",
    "ConfigScalar",
    "ConfigValue",
    "FrozenConfig",
    "FrozenMapping",
    "Opaque",
    "dotted",
    "freeze",
    "freeze_mapping",
    "is_interpolation",
    "thaw",
    "thaw_mapping",
]

#: Keys a configuration mapping may have (OmegaConf's ``DictConfig`` key types, minus enums).
ConfigKey: TypeAlias = str | int | float | bool
#: Leaf values a YAML document (or a runtime parameter) may hold; :class:`Opaque` wraps what
#: a custom resolver returned that is none of these.
ConfigScalar: TypeAlias = Union[str, int, float, bool, bytes, "Opaque", None]
#: A configuration value: a scalar, a tuple of values or a mapping of values.
ConfigValue: TypeAlias = Union[  # a recursive alias needs string forward refs
    ConfigScalar, "FrozenMapping[ConfigKey, ConfigValue]", tuple["ConfigValue", ...]
]
#: A configuration mapping as functions accept it.
ConfigMapping: TypeAlias = Mapping[ConfigKey, ConfigValue]

#: OmegaConf's "mandatory missing" marker: merging it onto a value keeps that value.
MISSING = "???"


_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V", bound=Hashable)


class FrozenMapping(Mapping[_K, _V]):
    """An ordered, read-only, hashable mapping (of configuration values, mostly).

    Equality is a mapping's equality (order-insensitive, equal to a plain ``dict`` with the
    same items); iteration follows insertion order. Values must be hashable.
    """

    __slots__ = ("_hash", "_items")

    _items: dict[_K, _V]
    _hash: int | None

    def __init__(self, items: Mapping[_K, _V] | None = None) -> None:
        # The dict is private and never handed out, so the mapping cannot change after this.
        object.__setattr__(self, "_items", dict(items or {}))
        object.__setattr__(self, "_hash", None)

    def __getitem__(self, key: _K) -> _V:
        return self._items[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(frozenset(self._items.items())))
        return self._hash  # type: ignore[return-value]  # set just above

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        return f"FrozenMapping({self._items!r})"

    def __reduce__(self) -> tuple[type[FrozenMapping[_K, _V]], tuple[dict[_K, _V]]]:
        # The immutable __setattr__ would break pickle's default slot restoring.
        return (FrozenMapping, (dict(self._items),))


class Opaque:
    """A resolved value the core carries without looking inside.

    Custom resolvers may return any object (a dtype, a date, a tuple); Kedro hands it to the
    user unchanged, so the core does too. It behaves as a scalar in merges. Equality is the
    wrapped values' equality; unhashable values all share one hash (still consistent).
    """

    __slots__ = ("value",)

    value: object

    def __init__(self, value: object) -> None:
        object.__setattr__(self, "value", value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Opaque is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Opaque):
            return NotImplemented
        return bool(self.value is other.value or self.value == other.value)

    def __hash__(self) -> int:
        try:
            return hash(self.value)
        except TypeError:
            return hash(type(self.value).__qualname__)

    def __repr__(self) -> str:
        return f"Opaque({self.value!r})"

    def __reduce__(self) -> tuple[type[Opaque], tuple[object]]:
        return (Opaque, (self.value,))


#: A frozen configuration mapping, as the core returns it.
FrozenConfig: TypeAlias = FrozenMapping[ConfigKey, ConfigValue]


def dotted(path: tuple[ConfigKey, ...]) -> str:
    """``("a", 1, "b")`` → ``"a.1.b"``, the way OmegaConf and Kedro print key paths."""
    return ".".join(str(part) for part in path)


def is_interpolation(value: ConfigValue) -> bool:
    """Whether OmegaConf treats ``value`` as an interpolation (any string containing ``${``).

    Escaped interpolations (``\\${x}``) count too, as in OmegaConf: they are resolved (to the
    literal text) like any other interpolation.
    """
    return isinstance(value, str) and "${" in value


def _unsupported(value: object, path: tuple[ConfigKey, ...]) -> ConfigError:
    return ConfigError(
        ConfigErrorReason.INVALID,
        f"Value '{type(value).__name__}' is not a supported primitive type\n"
        f"    full_key: {dotted(path)}",
    )


def freeze(
    value: object, path: tuple[ConfigKey, ...] = (), *, opaque: bool = False
) -> Result[ConfigValue, ConfigError]:
    """Deep-freeze plain data into a :data:`ConfigValue`.

    Args:
        value: Plain data: mappings with str/int/float/bool keys, lists or tuples, and
            str/int/float/bool/bytes/None leaves.
        path: Where ``value`` sits, for the error message.
        opaque: Accept any other leaf, wrapped in :class:`Opaque` (for resolved output, where
            a tuple is also kept whole, as a resolver returned it, rather than made a list).

    Returns:
        ``Success(frozen)``, or ``Failure(ConfigError(INVALID))`` naming the first key path whose
        key or value OmegaConf would refuse.
    """
    if value is None or isinstance(value, str | int | float | bool | bytes | Opaque):
        return Success(value)
    if opaque and isinstance(value, tuple):
        return Success(Opaque(value))
    if isinstance(value, Mapping):
        items: dict[ConfigKey, ConfigValue] = {}
        for key, sub in value.items():
            if not isinstance(key, str | int | float | bool):
                return Failure(
                    ConfigError(
                        ConfigErrorReason.INVALID,
                        f"Incompatible key type '{type(key).__name__}'\n"
                        f"    full_key: {dotted(path)}",
                    )
                )
            frozen = freeze(sub, (*path, key), opaque=opaque)
            if isinstance(frozen, Failure):
                return frozen
            items[key] = frozen.unwrap()
        return Success(FrozenMapping(items))
    if isinstance(value, list | tuple):
        elements: list[ConfigValue] = []
        for index, sub in enumerate(value):
            frozen = freeze(sub, (*path, index), opaque=opaque)
            if isinstance(frozen, Failure):
                return frozen
            elements.append(frozen.unwrap())
        return Success(tuple(elements))
    if opaque:
        return Success(Opaque(value))
    return Failure(_unsupported(value, path))


def freeze_mapping(value: object, *, opaque: bool = False) -> Result[FrozenConfig, ConfigError]:
    """:func:`freeze` for a top-level mapping (a document or a runtime-parameters dict).

    Returns:
        ``Failure(ConfigError(INVALID))`` also when ``value`` is not a mapping at all.
    """
    if not isinstance(value, Mapping):
        return Failure(
            ConfigError(
                ConfigErrorReason.INVALID,
                f"Expected a mapping of configuration, got '{type(value).__name__}'",
            )
        )
    return freeze(value, opaque=opaque).map(_as_mapping)


def _as_mapping(value: ConfigValue) -> FrozenConfig:
    # freeze() of a Mapping always yields a FrozenMapping; anything else is a bug.
    assert isinstance(value, FrozenMapping)
    return value


def thaw(value: ConfigValue) -> object:
    """A fresh, mutable plain-Python copy of ``value`` (``dict``/``list``/scalars)."""
    if isinstance(value, Mapping):
        return thaw_mapping(value)
    if isinstance(value, tuple):
        return [thaw(element) for element in value]
    if isinstance(value, Opaque):
        return value.value
    return value


def thaw_mapping(value: ConfigMapping) -> dict[ConfigKey, object]:
    """:func:`thaw` for a mapping, typed as the ``dict`` Kedro's loader returns."""
    return {key: thaw(sub) for key, sub in value.items()}
