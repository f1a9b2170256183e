"""Typed parameters (Kedro 1.3/1.4): a node argument annotated with a pydantic model or a
dataclass receives an instance built from its ``params:`` value.

Two pure steps, run by the context before any node runs:

1. :func:`parameter_requirements` reads the annotations of the node functions of the
   pipelines being run: each ``params:<key>`` input whose parameter is annotated with a
   pydantic model or a dataclass (``Optional`` unwrapped) becomes a requirement ``key ->
   type``. Other annotations (``dict``, ``int``, unions of several types) ask for nothing: the
   value is passed as configured. Two nodes annotating the same key differently: the later
   pipeline's annotation is used, as in Kedro (:attr:`Requirements.conflicts` says so).
2. :func:`validate_parameters` builds every required instance and puts it in a copy of the
   parameter tree at its (dotted) key. **Every** invalid parameter is reported in one
   ``Failure(ConfigError(PARAMETERS))`` naming the key, the type and the model's own error
   text. A key absent from the configuration is left alone; ``None`` is accepted only for an
   ``Optional`` annotation.

Building an instance runs the model's own validators (user code); only the errors models
report for bad data are caught: pydantic's ``ValidationError`` (a ``ValueError``), and
``TypeError``/``ValueError`` from a dataclass constructor or ``__post_init__``.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import sys
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from returns.result import Failure, Result, Success

from core.catalog.parameters import PARAMS_PREFIX
from core.errors import ConfigError, ConfigErrorReason
from core.node import Node
from core.pipeline import Pipeline

__all__ = ["Requirements", "parameter_requirements", "validate_parameters"]

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Requirements:
    """What the annotations ask for.

    Attributes:
        types: parameter key (dotted for nested keys) -> the annotated type, ``Optional``
            kept (it decides whether ``None`` is accepted).
        conflicts: ``(key, kept type, replaced type)`` when nodes disagree (Kedro warns).
        unreadable: names of functions whose annotations could not be evaluated.
    """

    types: Mapping[str, object] = field(default_factory=dict)
    conflicts: tuple[tuple[str, str, str], ...] = ()
    unreadable: tuple[str, ...] = ()


def _is_union(tp: object) -> bool:
    return isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union


def _unwrap_optional(tp: object) -> object:
    if _is_union(tp):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _is_optional(tp: object) -> bool:
    return _is_union(tp) and type(None) in typing.get_args(tp)


def _is_pydantic_class(tp: object) -> bool:
    # pydantic is only looked up, never imported: a model class exists only once it is loaded.
    pydantic = sys.modules.get("pydantic.main")
    return pydantic is not None and inspect.isclass(tp) and issubclass(tp, pydantic.BaseModel)


def _is_model(tp: object) -> bool:
    return _is_pydantic_class(tp) or (inspect.isclass(tp) and dataclasses.is_dataclass(tp))


def _type_name(tp: object) -> str:
    return str(tp) if _is_union(tp) else getattr(tp, "__name__", str(tp))


def _node_requirements(n: Node) -> dict[str, object] | None:
    func: Callable[..., object] = n.func
    try:
        signature = inspect.signature(func)
        hints = typing.get_type_hints(func)
    # What evaluating annotations raises for names it cannot resolve or objects without them.
    except (NameError, TypeError, ValueError, AttributeError):
        return None
    found: dict[str, object] = {}
    # Inputs are in the order they bind to the function, as Kedro pairs them.
    for dataset, argument in zip(n.inputs, signature.parameters, strict=False):
        if not dataset.startswith(PARAMS_PREFIX):
            continue
        annotation = hints.get(argument)
        if annotation is not None and _is_model(_unwrap_optional(annotation)):
            found[dataset[len(PARAMS_PREFIX) :]] = annotation
    return found


def parameter_requirements(pipelines: Mapping[str, Pipeline] | Iterable[Pipeline]) -> Requirements:
    """The typed parameters the nodes of ``pipelines`` ask for (see the module docstring)."""
    chosen = pipelines.values() if isinstance(pipelines, Mapping) else pipelines
    types_: dict[str, object] = {}
    conflicts: list[tuple[str, str, str]] = []
    unreadable: list[str] = []
    seen: set[Node] = set()
    for p in chosen:
        for n in p.nodes:
            if n in seen:
                continue
            seen.add(n)
            found = _node_requirements(n)
            if found is None:
                unreadable.append(n.func_name)
                continue
            for key, tp in found.items():
                previous = types_.get(key, _MISSING)
                if previous is not _MISSING and previous != tp:
                    conflicts.append((key, _type_name(tp), _type_name(previous)))
                types_[key] = tp
    return Requirements(types_, tuple(conflicts), tuple(dict.fromkeys(unreadable)))


def _lookup(tree: Mapping[str, object], key: str) -> object:
    if key in tree:
        return tree[key]
    value: object = tree
    for part in key.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            return _MISSING
    return value


def _store(tree: dict[str, object], key: str, value: object) -> None:
    if key in tree or "." not in key:
        tree[key] = value
        return
    *parents, last = key.split(".")
    current = tree
    for part in parents:
        child = current[part]  # the lookup succeeded, so every level is a mapping
        if not isinstance(child, dict):
            child = dict(child)  # type: ignore[call-overload]
            current[part] = child
        current = child
    current[last] = value


def _instance(key: str, raw: object, model: type) -> Result[object, str]:
    name = model.__name__
    try:
        if _is_pydantic_class(model):
            return Success(model.model_validate(raw))  # type: ignore[attr-defined]
        if not isinstance(raw, Mapping):
            return Failure(f"Expected dict for dataclass {name}, got {type(raw).__name__}")
        return Success(model(**raw))
    except (TypeError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        return Failure(f"Failed to instantiate {name} for parameter '{key}': {exc}")


def validate_parameters(
    parameters: Mapping[str, object], requirements: Requirements
) -> Result[dict[str, object], ConfigError]:
    """``parameters`` with every required instance in place of its raw value.

    Returns:
        ``Success(tree)`` (a deep copy when anything was built; the same mapping's copy
        otherwise); ``Failure(ConfigError(PARAMETERS))`` listing every invalid key in Kedro's
        format (``Parameter validation failed:`` then ``- Parameter '<key>': <error>``).
    """
    transformed = copy.deepcopy(dict(parameters)) if requirements.types else dict(parameters)
    problems: list[str] = []
    for key, annotated in requirements.types.items():
        raw = _lookup(parameters, key)
        if raw is _MISSING:
            continue
        if raw is None:
            if not _is_optional(annotated):
                problems.append(f"Parameter '{key}': value is None but type is not Optional")
            continue
        model = _unwrap_optional(annotated)
        assert isinstance(model, type)
        built = _instance(key, raw, model)
        if isinstance(built, Failure):
            problems.append(f"Parameter '{key}': {built.failure()}")
        else:
            _store(transformed, key, built.unwrap())
    if problems:
        return Failure(
            ConfigError(
                ConfigErrorReason.PARAMETERS,
                "Parameter validation failed:\n" + "\n".join(f"- {p}" for p in problems),
            )
        )
    return Success(transformed)
