"""The node functions of :mod:`core.strategies`: deterministic, picklable and shape-aware."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from core.node import DatasetNames, NameForm

__all__ = ["SyntheticFunction", "SyntheticPairFunction"]


class SyntheticFunction:
    """A deterministic, picklable node function fitting a declared output shape.

    It accepts any positional and keyword arguments, and returns ``None``, one value, a list
    of values or a dict of values, as ``outputs`` was declared (only its form, length and keys
    matter, not the dataset names, so the function still fits after namespace remapping).
    Each value is a short string ``"{label}[{slot}]:{digest}"``, the digest hashing the label
    and the ``repr`` of the arguments (keyword arguments sorted), so equal inputs give equal
    outputs in any process. Inputs must therefore have a deterministic ``repr``.

    Kedro names a node after ``func.__name__`` and ``func.__module__``; instances carry a
    ``__name__`` (``"combine"``) so generated node names are the same in Kedro and here.

    Args:
        label: Mixed into every output value (the strategies use the node's index).
        outputs: The node's ``outputs`` declaration whose shape the function returns.
    """

    __name__: str

    def __init__(self, label: str, outputs: DatasetNames) -> None:
        self.__name__ = "combine"
        self.label = label
        self.form, self.keys, self.count = _shape(outputs)

    def __call__(self, /, *args: object, **kwargs: object) -> object:
        return self._result(args, kwargs)

    def _result(self, args: Sequence[object], kwargs: dict[str, object]) -> object:
        text = repr((self.label, tuple(args), sorted(kwargs.items())))
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]

        def value(slot: str) -> str:
            return f"{self.label}[{slot}]:{digest}"

        if self.form is NameForm.NONE:
            return None
        if self.form is NameForm.SINGLE:
            return value("0")
        if self.form is NameForm.LIST:
            return [value(str(i)) for i in range(self.count)]
        return {key: value(key) for key in self.keys}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SyntheticFunction):
            return NotImplemented
        return (type(self), self.label, self.form, self.keys, self.count) == (
            type(other),
            other.label,
            other.form,
            other.keys,
            other.count,
        )

    def __hash__(self) -> int:
        return hash((type(self), self.label, self.form, self.keys, self.count))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.label!r}, {_declared(self.form, self.keys, self.count)!r})"


class SyntheticPairFunction(SyntheticFunction):
    """Like :class:`SyntheticFunction`, with two named leading parameters ``a`` and ``b``.

    A dict declaration such as ``{"b": "x", "a": "z"}`` binds in signature order, so the
    node's ``inputs`` are ``["z", "x"]``: this exercises Kedro's binding order. Named
    ``"combine_ab"``.
    """

    def __init__(self, label: str, outputs: DatasetNames) -> None:
        super().__init__(label, outputs)
        self.__name__ = "combine_ab"

    def __call__(
        self, /, a: object = None, b: object = None, *args: object, **kwargs: object
    ) -> object:
        return self._result((a, b, *args), kwargs)


def _shape(outputs: DatasetNames) -> tuple[NameForm, tuple[str, ...], int]:
    if outputs is None or outputs == "":
        return NameForm.NONE, (), 0
    if isinstance(outputs, str):
        return NameForm.SINGLE, (), 1
    if isinstance(outputs, list):
        return NameForm.LIST, (), len(outputs)
    return NameForm.DICT, tuple(outputs), len(outputs)


def _declared(form: NameForm, keys: tuple[str, ...], count: int) -> DatasetNames:
    if form is NameForm.NONE:
        return None
    if form is NameForm.SINGLE:
        return "_"
    if form is NameForm.LIST:
        return ["_"] * count
    return dict.fromkeys(keys, "_")
