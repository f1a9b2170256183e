"""``Node``: one function, the datasets it reads and the datasets it writes.

A node is a frozen value. Its identity (equality, hash, ordering) is Kedro's:
``(name, inputs as declared, outputs as declared)`` where a dict declaration compares as its
sorted items and a list as a tuple. The function is not part of the identity, and ``"x"`` and
``["x"]`` are different declarations.

Authoring mistakes (a non-callable function, an ``int`` where a dataset name belongs, a bad
name or tag) raise ``TypeError``/``ValueError`` here, when the node is written: they are
programming errors, and this is the only place the core raises.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from returns.result import Failure, Result, Success

from core.errors import RunError, RunErrorReason
from core.name_form import NameForm
from core.node_run import run_node
from core.preview import PREVIEW_TYPES, PreviewPayload
from core.transcoding import strip_transcoding

__all__ = ["DatasetNames", "NameForm", "Node", "node"]

#: What a user may pass as ``inputs`` or ``outputs``.
DatasetNames = None | str | list[str] | dict[str, str]

_VALID_NAME = re.compile(r"[\w\.-]+$")


@dataclass(frozen=True, slots=True)
class _Declaration:
    """A declaration exactly as authored, frozen: ``keys`` are only used by ``DICT``."""

    form: NameForm
    keys: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def identity(self) -> object:
        if self.form is NameForm.NONE:
            return None
        if self.form is NameForm.SINGLE:
            return self.names[0]
        if self.form is NameForm.LIST:
            return self.names
        return tuple(sorted(zip(self.keys, self.names, strict=True)))

    def as_authored(self) -> DatasetNames:
        if self.form is NameForm.NONE:
            return None
        if self.form is NameForm.SINGLE:
            return self.names[0]
        if self.form is NameForm.LIST:
            return list(self.names)
        return dict(zip(self.keys, self.names, strict=True))

    def renamed(self, rename: Callable[[str], str]) -> _Declaration:
        return _Declaration(self.form, self.keys, tuple(rename(n) for n in self.names))


def _error(message: str, label: str) -> str:
    return (
        f"Invalid Node definition: {message}\n"
        "Format should be: node(function, inputs, outputs)\n"
        f"Node: {label}"
    )


def _readable_func_name(func: Callable[..., object]) -> str:
    name = getattr(func, "__name__", None)
    if isinstance(name, str):
        return name
    text = repr(func)
    return "<partial>" if "functools.partial" in text else text


def _declare(value: object, what: str, label: str) -> _Declaration:
    """Freeze an ``inputs``/``outputs`` argument, rejecting wrong Python types."""
    # Fast paths for the common well-formed declarations (node creation is hot in big
    # pipelines); anything unusual falls through to the checks below.
    if type(value) is str and value:
        return _Declaration(NameForm.SINGLE, (), (value,))
    if type(value) is list and value:
        listed = tuple(value)
        if all(type(n) is str for n in listed):
            return _Declaration(NameForm.LIST, (), listed)
    if value is None or value == "":
        return _Declaration(NameForm.NONE, (), ())
    # ``[]`` and ``{}`` stay a list and a dict with no names: Kedro keeps them as authored,
    # so they show in ``repr``, differ from ``None`` in identity, and the function must return
    # an empty list / dict for them.
    if isinstance(value, list | dict) and not value:
        return _Declaration(NameForm.LIST if isinstance(value, list) else NameForm.DICT, (), ())
    if not isinstance(value, str | list | dict):
        raise ValueError(
            _error(
                f"'{what}' type must be one of [String, List, Dict, None], "
                f"not '{type(value).__name__}'.",
                label,
            )
        )
    items: list[object] = list(value.values()) if isinstance(value, dict) else (
        [value] if isinstance(value, str) else list(value)
    )
    for item in items:
        if not isinstance(item, str):
            noun = "inputs to" if what == "inputs" else "outputs of"
            raise ValueError(
                _error(
                    f"names of variables used as {noun} the function must be of "
                    f"'String' type, but {item} from {value} is '{type(item)}'.",
                    label,
                )
            )
    names = tuple(str(i) for i in items)
    if isinstance(value, str):
        return _Declaration(NameForm.SINGLE, (), names)
    if isinstance(value, list):
        return _Declaration(NameForm.LIST, (), names)
    keys = tuple(value.keys())
    for key in keys:
        if not isinstance(key, str):
            raise ValueError(_error(f"keys of dict '{what}' must be strings, got {key!r}.", label))
    return _Declaration(NameForm.DICT, keys, names)


@functools.lru_cache(maxsize=4096)
def _bound_positions(
    func: Callable[..., object], by_keyword: bool, keys: tuple[str, ...], count: int
) -> tuple[int, ...] | None:
    """Where each declared input lands when bound to ``func``, in binding order.

    ``None`` when ``func`` has no signature to check (C builtins). Raises ``TypeError`` when
    the inputs do not bind. Memoised per function and declaration *shape* (not names): a
    pipeline reuses a handful of functions for thousands of nodes, and ``inspect.signature``
    dominates node creation otherwise. The answer depends only on the function's signature.
    """
    if inspect.isbuiltin(func):
        return None
    try:
        signature = inspect.signature(func, follow_wrapped=False)
    except (TypeError, ValueError):
        return None
    if by_keyword:
        bound = signature.bind(**{key: i for i, key in enumerate(keys)})
        return (*bound.args, *bound.kwargs.values())
    signature.bind(*range(count))
    return tuple(range(count))


def _binding_order(func: Callable[..., object], inputs: _Declaration, label: str) -> tuple[str, ...]:
    """Check the inputs bind to ``func`` and return them in the order they bind.

    A dict binds in signature order (positional parameters first), which is the order Kedro
    loads and reports them in. C builtins have no signature to check.
    """
    # A bool, not the enum, in the memo key: Enum.__hash__ is Python code, on every node.
    by_keyword = inputs.form is NameForm.DICT
    try:
        try:
            positions = _bound_positions(func, by_keyword, inputs.keys, len(inputs.names))
        except TypeError as exc:
            if "unhashable" not in str(exc):
                raise
            # An unhashable callable object cannot be memoised; bind it directly.
            positions = _bound_positions.__wrapped__(func, by_keyword, inputs.keys, len(inputs.names))
    except TypeError as exc:
        parameters = list(inspect.signature(func, follow_wrapped=False).parameters.keys())
        raise TypeError(
            f"Inputs of '{_readable_func_name(func)}' function expected "
            f"{parameters}, but got {inputs.as_authored()}\nNode: {label}"
        ) from exc
    if positions is None or not by_keyword:
        return inputs.names
    return tuple([inputs.names[i] for i in positions])


def _tag_set(tags: str | Iterable[str] | None) -> frozenset[str]:
    if tags is None:
        return _NO_TAGS
    if type(tags) is str:
        # One shared set per tag: big pipelines repeat a few tags on thousands of nodes.
        return _single_tag(tags)
    given: frozenset[object] = frozenset([tags]) if isinstance(tags, str) else frozenset(tags)
    checked: set[str] = set()
    for tag in given:
        if not isinstance(tag, str) or not _VALID_NAME.match(tag):
            raise ValueError(
                f"'{tag}' is not a valid node tag. It must contain only letters, digits, "
                "hyphens, underscores and/or fullstops."
            )
        checked.add(tag)
    return frozenset(checked)


_NO_TAGS: frozenset[str] = frozenset()


@functools.lru_cache(maxsize=1024)
def _single_tag(tag: str) -> frozenset[str]:
    if not _VALID_NAME.match(tag):
        raise ValueError(
            f"'{tag}' is not a valid node tag. It must contain only letters, digits, "
            "hyphens, underscores and/or fullstops."
        )
    return frozenset((tag,))


def _generated_name(func: Callable[..., object], inputs: tuple[str, ...], outputs: tuple[str, ...]) -> str:
    # Kedro hashes the *list* forms, so node(f, "x", "y") and node(f, ["x"], ["y"]) share a name.
    listed = f"{list(inputs)}|{list(outputs)}"
    if isinstance(func, partial):
        base = f"partial({_readable_func_name(func.func)})"
        key = f"{base}|{listed}"
    else:
        base = _readable_func_name(func)
        key = f"{getattr(func, '__module__', None)}.{getattr(func, '__name__', base)}|{listed}"
    return f"{base}__{hashlib.sha256(key.encode()).hexdigest()[:8]}"


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
    #: ``inputs`` with transcoding stripped (what the dependency graph uses)
    input_bases: tuple[str, ...]
    #: ``outputs`` with transcoding stripped
    output_bases: tuple[str, ...]
    _inputs: _Declaration
    _outputs: _Declaration
    _key: tuple[object, ...]
    _hash: int
    #: Kedro 1.2's ``preview_fn`` (see :mod:`core.preview`); not part of the identity
    preview_fn: Callable[[], object] | None = None

    @property
    def input_form(self) -> NameForm:
        """How the inputs were declared (decides how the function is called)."""
        return self._inputs.form

    @property
    def output_form(self) -> NameForm:
        """How the outputs were declared (decides how the result is split)."""
        return self._outputs.form

    @property
    def input_keywords(self) -> tuple[tuple[str, str], ...]:
        """For dict inputs: ``(parameter, dataset)`` pairs as declared; else empty."""
        return tuple(zip(self._inputs.keys, self._inputs.names, strict=True))

    @property
    def output_keys(self) -> tuple[tuple[str, str], ...]:
        """For dict outputs: ``(returned key, dataset)`` pairs as declared; else empty."""
        return tuple(zip(self._outputs.keys, self._outputs.names, strict=True))

    @property
    def declared_inputs(self) -> DatasetNames:
        """The ``inputs`` argument as authored (a fresh copy)."""
        return self._inputs.as_authored()

    @property
    def declared_outputs(self) -> DatasetNames:
        """The ``outputs`` argument as authored (a fresh copy)."""
        return self._outputs.as_authored()

    @property
    def func_name(self) -> str:
        """The function's readable name (``"<partial>"`` for an unnamed partial)."""
        return _readable_func_name(self.func)

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
        return _assemble(
            self.func,
            self._inputs,
            self._outputs,
            inputs_in_order=self.inputs,
            explicit_name=self.explicit_name,
            namespace=self.namespace,
            tags=self.tags | _tag_set(tags),
            confirms=self.confirms,
            preview_fn=self.preview_fn,
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

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return self._hash

    def __lt__(self, other: object) -> bool:
        # Kedro's rule: only nodes compare, so `node < "x"` raises Python's TypeError.
        if not isinstance(other, Node):
            return NotImplemented
        return self.name < other.name if self.name != other.name else repr(self._key) < repr(other._key)

    def __str__(self) -> str:
        def listed(names: tuple[str, ...]) -> str:
            return f"[{';'.join(names)}]" if names else "None"

        prefix = f"{self.explicit_name}: " if self.explicit_name else ""
        return f"{prefix}{self.func_name}({listed(self.inputs)}) -> {listed(self.outputs)}"

    def __repr__(self) -> str:
        return (
            f"Node({self.func_name}, {self._inputs.as_authored()!r}, "
            f"{self._outputs.as_authored()!r}, {self.explicit_name!r})"
        )


def _assemble(
    func: Callable[..., Any],
    inputs: _Declaration,
    outputs: _Declaration,
    *,
    inputs_in_order: tuple[str, ...],
    explicit_name: str | None,
    namespace: str | None,
    tags: frozenset[str],
    confirms: tuple[str, ...],
    preview_fn: Callable[[], object] | None = None,
) -> Node:
    base = explicit_name or _generated_name(func, inputs_in_order, outputs.names)
    name = f"{namespace}.{base}" if namespace else base
    key = (name, inputs.identity, outputs.identity)
    in_names = inputs_in_order
    out_names = outputs.names
    # Most names are not transcoded: then the bases are the very same tuples.
    in_bases = tuple([strip_transcoding(i) for i in in_names]) if any("@" in i for i in in_names) else in_names
    out_bases = tuple([strip_transcoding(o) for o in out_names]) if any("@" in o for o in out_names) else out_names
    return Node(
        func=func,
        name=name,
        explicit_name=explicit_name,
        namespace=namespace or None,
        tags=tags,
        inputs=inputs_in_order,
        outputs=outputs.names,
        confirms=confirms,
        input_bases=in_bases,
        output_bases=out_bases,
        _inputs=inputs,
        _outputs=outputs,
        _key=key,
        _hash=hash(key),
        preview_fn=preview_fn,
    )


def shape_problem(n: Node) -> str | None:
    """Kedro's message when ``n`` repeats an output or reads what it writes, else ``None``."""
    outs = n.output_bases
    if len(n.outputs) == 1 and outs[0] not in n.input_bases:
        return None  # the usual node: nothing to count
    counts: dict[str, int] = {}
    for out in n.outputs:
        counts[out] = counts.get(out, 0) + 1
    duplicated = {o for o, c in counts.items() if c > 1}
    if duplicated:
        return (
            f"Failed to create node {n} due to duplicate output(s) {duplicated}.\n"
            "Node outputs must be unique."
        )
    common = set(n.input_bases) & set(n.output_bases)
    if common:
        return (
            f"Failed to create node {n}.\nA node cannot have the same inputs and outputs even "
            f"if they are transcoded: {common}"
        )
    return None


#: Kedro's warning (once per process) for dataset names holding dots outside a namespace.
DOTTED_NAME_WARNING = (
    "One or more dataset names contain '.' characters, which is not recommended as the dot "
    "notation is reserved for automatic namespacing in Kedro. Consider using a different "
    "naming convention."
)


def dotted_dataset_names(n: Node) -> tuple[str, ...]:
    """The dataset names of ``n`` that Kedro warns about: a ``.`` outside ``params:``, where
    the part before the last dot does not start with the node's top-level namespace."""
    top = n.namespace.split(".")[0] if n.namespace else None
    found: list[str] = []
    for name in (*n.inputs, *n.outputs):
        if "." not in name or name.startswith("params:"):
            continue
        if top is None or not name.rsplit(".", 1)[0].startswith(top):
            found.append(name)
    return tuple(found)


def _check_shape(n: Node) -> None:
    problem = shape_problem(n)
    if problem is not None:
        raise ValueError(problem)


def node(
    func: Callable[..., Any],
    inputs: DatasetNames,
    outputs: DatasetNames,
    *,
    name: str | None = None,
    tags: str | Iterable[str] | None = None,
    confirms: str | list[str] | None = None,
    namespace: str | None = None,
    preview_fn: Callable[[], object] | None = None,
) -> Node:
    """Declare a node running ``func`` on ``inputs`` to produce ``outputs``.

    Args:
        func: the function; called by a runner in the shell, never by the core.
        inputs: ``None``, a dataset name, a list of names (positional arguments) or a dict
            from parameter name to dataset name (keyword arguments). ``params:x`` reads
            parameter ``x``.
        outputs: ``None``, a name, a list of names (the function returns a list or tuple) or a
            dict from returned key to dataset name.
        name: an explicit name (letters, digits, ``_``, ``.``, ``-``); generated otherwise.
        tags: a tag or an iterable of tags.
        confirms: datasets whose ``confirm()`` runs after the node.
        namespace: prefixes the node name with ``"{namespace}."``.
        preview_fn: a function of no arguments returning a :mod:`core.preview` payload,
            called by :meth:`Node.preview` (Kedro 1.2's experimental previews).

    Raises:
        ValueError: wrong Python types, invalid names or tags, duplicate outputs, an input
            that is also an output (transcoding stripped), or neither inputs nor outputs.
        TypeError: the inputs do not bind to the function's signature.
    """
    given_func: object = func
    label = name or (_readable_func_name(func) if callable(given_func) else repr(given_func))
    if not callable(given_func):
        raise ValueError(_error(f"first argument must be a function, not '{type(func).__name__}'.", label))
    declared_in = _declare(inputs, "inputs", label)
    declared_out = _declare(outputs, "outputs", label)
    if not declared_in.names and not declared_out.names:
        raise ValueError(_error("it must have some 'inputs' or 'outputs'.", label))
    ordered = _binding_order(func, declared_in, label)
    given_name: object = name
    if given_name is not None and (not isinstance(given_name, str) or not _VALID_NAME.match(given_name)):
        raise ValueError(
            f"'{name}' is not a valid node name. It must contain only letters, digits, "
            "hyphens, underscores and/or fullstops."
        )
    given_namespace: object = namespace
    if given_namespace is not None and not isinstance(given_namespace, str):
        raise TypeError(f"'namespace' must be a string or None, got {type(namespace).__name__} (node {label}).")
    confirmed = () if confirms is None else (confirms,) if isinstance(confirms, str) else tuple(confirms)
    given_preview: object = preview_fn
    if given_preview is not None and not callable(given_preview):
        raise ValueError(_error(f"preview_fn must be a function, not '{type(preview_fn).__name__}'.", label))
    built = _assemble(
        func,
        declared_in,
        declared_out,
        inputs_in_order=ordered,
        explicit_name=name,
        namespace=namespace,
        tags=_tag_set(tags),
        confirms=confirmed,
        preview_fn=preview_fn,
    )
    _check_shape(built)
    return built


def renamed_node(
    original: Node,
    rename: Callable[[str], str],
    *,
    namespace: str | None,
    extra_tags: frozenset[str] = frozenset(),
) -> Node:
    """A copy of ``original`` with every dataset name passed through ``rename``.

    Used by namespace remapping: the function and the declaration forms are unchanged, so the
    signature need not be bound again (which keeps remapping O(N) and cheap).
    """
    inputs = original._inputs.renamed(rename)
    outputs = original._outputs.renamed(rename)
    order = tuple(rename(i) for i in original.inputs)
    copy = _assemble(
        original.func,
        inputs,
        outputs,
        inputs_in_order=order,
        explicit_name=original.explicit_name,
        namespace=namespace,
        tags=original.tags | extra_tags,
        confirms=tuple(rename(c) for c in original.confirms),
        preview_fn=original.preview_fn,
    )
    return copy
