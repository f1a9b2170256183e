"""``Node``: the frozen value of one function, the datasets it reads and those it writes.

Its identity (equality, hash, ordering) is Kedro's: ``(name, inputs as declared, outputs as
declared)`` where a dict declaration compares as its sorted items and a list as a tuple. The
function is not part of the identity, and ``"x"`` and ``["x"]`` are different declarations.
Build nodes with :func:`core.node.node`, which checks them; this module only assembles them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from returns.result import Failure, Result, Success

from core.errors import RunError, RunErrorReason
from core.name_form import NameForm
from core.node_declaration import DatasetNames, authored, declared_identity, readable_func_name
from core.node_names import generated_name, tag_set
from core.node_run import run_node
from core.preview import PREVIEW_TYPES, PreviewPayload
from core.transcoding import strip_transcoding

__all__ = ["Node", "assemble_node"]


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    """A frozen node. Build it with :func:`node`; never call its function in the core."""

    func: Callable[..., Any]
    #: full name, ``"{namespace}.{name}"`` when namespaced
    name: str
    #: the name given by the author (without namespace), or ``None`` when generated
    explicit_name: str | None
    namespace: str | None
    tags: frozenset[str]
    #: input dataset names in the order they bind to the function
    inputs: tuple[str, ...]
    #: output dataset names in declaration order
    outputs: tuple[str, ...]
    confirms: tuple[str, ...]
    #: ``inputs`` with transcoding stripped (what the dependency graph uses); the very same
    #: tuple as ``inputs`` when no input is transcoded
    input_bases: tuple[str, ...]
    #: ``outputs`` with transcoding stripped (the same tuple when none is transcoded)
    output_bases: tuple[str, ...]
    #: the ``inputs`` declaration: form, dict keys, names in declaration order
    _input_form: NameForm
    _input_keys: tuple[str, ...]
    _declared_inputs: tuple[str, ...]
    #: the ``outputs`` declaration's form and dict keys (its names are ``outputs``)
    _output_form: NameForm
    _output_keys: tuple[str, ...]
    #: Kedro 1.2's ``preview_fn`` (see :mod:`core.preview`); not part of the identity
    preview_fn: Callable[[], object] | None = None
    #: the identity and its hash, computed on first comparison (building a pipeline hashes
    #: names, not nodes)
    _key: tuple[object, ...] | None = field(default=None, init=False, repr=False)
    _hash: int | None = field(default=None, init=False, repr=False)

    @property
    def input_form(self) -> NameForm:
        """How the inputs were declared (decides how the function is called)."""
        return self._input_form

    @property
    def output_form(self) -> NameForm:
        """How the outputs were declared (decides how the result is split)."""
        return self._output_form

    @property
    def input_keywords(self) -> tuple[tuple[str, str], ...]:
        """For dict inputs: ``(parameter, dataset)`` pairs as declared; else empty."""
        return tuple(zip(self._input_keys, self._declared_inputs, strict=True)) if self._input_keys else ()

    @property
    def output_keys(self) -> tuple[tuple[str, str], ...]:
        """For dict outputs: ``(returned key, dataset)`` pairs as declared; else empty."""
        return tuple(zip(self._output_keys, self.outputs, strict=True)) if self._output_keys else ()

    @property
    def declared_inputs(self) -> DatasetNames:
        """The ``inputs`` argument as authored (a fresh copy)."""
        return authored(self._input_form, self._input_keys, self._declared_inputs)

    @property
    def declared_outputs(self) -> DatasetNames:
        """The ``outputs`` argument as authored (a fresh copy)."""
        return authored(self._output_form, self._output_keys, self.outputs)

    @property
    def func_name(self) -> str:
        """The function's readable name (``"<partial>"`` for an unnamed partial)."""
        return readable_func_name(self.func)

    @property
    def short_name(self) -> str:
        """The explicit name, or the function name title-cased (not unique)."""
        if self.explicit_name:
            return self.explicit_name
        return self.func_name.replace("_", " ").title()

    @property
    def namespace_prefixes(self) -> tuple[str, ...]:
        """``a.b.c`` -> ``("a", "a.b", "a.b.c")``; Kedro's quirk gives ``("",)`` for none."""
        if not self.namespace:
            return ("",)
        parts = self.namespace.split(".")
        return tuple(".".join(parts[: i + 1]) for i in range(len(parts)))

    def tag(self, tags: str | Iterable[str]) -> Node:
        """A copy with ``tags`` added."""
        return assemble_node(
            self.func,
            self._input_form,
            self._input_keys,
            self._declared_inputs,
            self.inputs,
            self._output_form,
            self._output_keys,
            self.outputs,
            self.explicit_name,
            self.namespace,
            self.tags | tag_set(tags),
            self.confirms,
            self.preview_fn,
        )

    def run(self, inputs: Mapping[str, object] | None = None) -> Result[dict[str, object], RunError]:
        """Kedro's ``Node.run``: the function over ``inputs``, its outputs by dataset name
        (shape mismatches are a ``Failure`` with Kedro's message; see :mod:`core.node_run`)."""
        return run_node(self, inputs)

    def preview(self) -> Result[PreviewPayload | None, RunError]:
        """Kedro's ``Node.preview``: ``preview_fn()``'s payload, ``None`` without one, or a
        ``Failure(RunError(INVALID_PREVIEW))`` when it returns something else."""
        if self.preview_fn is None:
            return Success(None)
        payload = self.preview_fn()
        if isinstance(payload, PREVIEW_TYPES):
            return Success(payload)
        return Failure(
            RunError(
                RunErrorReason.INVALID_PREVIEW,
                "preview_fn must return one of the valid preview types (TextPreview, "
                f"MermaidPreview, ImagePreview, or CustomPreview), but got '{type(payload).__name__}' "
                f"instead. Node: {self.name}",
                node=self.name,
            )
        )

    def _identity(self) -> tuple[object, ...]:
        key = self._key
        if key is None:
            key = (
                self.name,
                declared_identity(self._input_form, self._input_keys, self._declared_inputs),
                declared_identity(self._output_form, self._output_keys, self.outputs),
            )
            # A cache of a pure function of the fields: not observable.
            object.__setattr__(self, "_key", key)
        return key

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return self is other or self._identity() == other._identity()

    def __hash__(self) -> int:
        cached = self._hash
        if cached is None:
            cached = hash(self._identity())
            object.__setattr__(self, "_hash", cached)
        return cached

    def __lt__(self, other: object) -> bool:
        # Kedro's rule: only nodes compare, so `node < "x"` raises Python's TypeError.
        if not isinstance(other, Node):
            return NotImplemented
        if self.name != other.name:
            return self.name < other.name
        return repr(self._identity()) < repr(other._identity())

    def __str__(self) -> str:
        def listed(names: tuple[str, ...]) -> str:
            return f"[{';'.join(names)}]" if names else "None"

        prefix = f"{self.explicit_name}: " if self.explicit_name else ""
        return f"{prefix}{self.func_name}({listed(self.inputs)}) -> {listed(self.outputs)}"

    def __repr__(self) -> str:
        return f"Node({self.func_name}, {self.declared_inputs!r}, {self.declared_outputs!r}, {self.explicit_name!r})"


class _Draft:
    """A node under construction: ``Node``'s exact slot layout without its frozen
    ``__setattr__``, so that :func:`assemble_node` fills it with plain attribute stores and then turns
    it into a ``Node`` (``__class__`` assignment between equal layouts).

    Why: a frozen dataclass's ``__init__`` sets every field through ``object.__setattr__``;
    with eighteen fields that was the largest single cost of ``node()`` in big pipelines.
    ``dataclasses.replace`` and unpickling still go through ``Node`` itself.
    """

    __slots__ = Node.__slots__

    def __init__(
        self,
        func: Callable[..., Any],
        name: str,
        explicit_name: str | None,
        namespace: str | None,
        tags: frozenset[str],
        inputs: tuple[str, ...],
        outputs: tuple[str, ...],
        confirms: tuple[str, ...],
        input_bases: tuple[str, ...],
        output_bases: tuple[str, ...],
        input_form: NameForm,
        input_keys: tuple[str, ...],
        declared_inputs: tuple[str, ...],
        output_form: NameForm,
        output_keys: tuple[str, ...],
        preview_fn: Callable[[], object] | None,
    ) -> None:
        self.func = func
        self.name = name
        self.explicit_name = explicit_name
        self.namespace = namespace
        self.tags = tags
        self.inputs = inputs
        self.outputs = outputs
        self.confirms = confirms
        self.input_bases = input_bases
        self.output_bases = output_bases
        self._input_form = input_form
        self._input_keys = input_keys
        self._declared_inputs = declared_inputs
        self._output_form = output_form
        self._output_keys = output_keys
        self.preview_fn = preview_fn
        self._key = None
        self._hash = None


def _bases(names: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` with transcoding stripped: the same tuple when none is transcoded (most)."""
    for name in names:
        if "@" in name:
            return tuple([strip_transcoding(n) for n in names])
    return names


def assemble_node(
    func: Callable[..., Any],
    input_form: NameForm,
    input_keys: tuple[str, ...],
    declared_inputs: tuple[str, ...],
    inputs: tuple[str, ...],
    output_form: NameForm,
    output_keys: tuple[str, ...],
    outputs: tuple[str, ...],
    explicit_name: str | None,
    namespace: str | None,
    tags: frozenset[str],
    confirms: tuple[str, ...],
    preview_fn: Callable[[], object] | None,
) -> Node:
    base = explicit_name or generated_name(func, inputs, outputs)
    draft = _Draft(
        func,
        f"{namespace}.{base}" if namespace else base,
        explicit_name,
        namespace or None,
        tags,
        inputs,
        outputs,
        confirms,
        # One C-level scan for the separator, instead of a call per declaration.
        _bases(inputs) if "@" in "".join(inputs) else inputs,
        _bases(outputs) if "@" in "".join(outputs) else outputs,
        input_form,
        input_keys,
        declared_inputs,
        output_form,
        output_keys,
        preview_fn,
    )
    draft.__class__ = Node  # type: ignore[assignment]
    return draft  # type: ignore[return-value]


# The public path: reprs, pickles and documentation name ``core.node.Node``.
Node.__module__ = "core.node"
