"""Typed parameter validation (:mod:`core.typed_params`): laws and Kedro 1.7.0 parity.

For random pydantic models and dataclasses annotating random ``params:`` inputs, and random
parameter trees: a tree whose every required value fits validates and the node receives an
instance; a tree with bad values fails once, naming every offending key (and no other).
Kedro's ``ParameterValidator`` on the same pipelines and trees agrees: the same instances on
success, the same keys (in the same order) in its ``ParameterValidationError``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node
from kedro.validation.exceptions import ParameterValidationError
from kedro.validation.parameter_validator import ParameterValidator
from pydantic import BaseModel, create_model

from core.errors import ConfigErrorReason
from core.node import node
from core.pipeline import Pipeline, pipeline
from core.typed_params import parameter_requirements, validate_parameters

FIELD_TYPES: dict[str, tuple[type, st.SearchStrategy[Any], st.SearchStrategy[Any]]] = {
    # type: (annotation, valid values, invalid values)
    "int": (int, st.integers(-5, 5), st.sampled_from(["x", [1], {"a": 1}])),
    "str": (str, st.text(max_size=3), st.sampled_from([[1], {"a": 1}, 1.5])),
    "bool": (bool, st.booleans(), st.sampled_from(["maybe", [True]])),
}


@dataclasses.dataclass(frozen=True)
class Spec:
    key: str
    kind: str  # "pydantic" | "dataclass" | "dict"
    optional: bool
    fields: tuple[tuple[str, str], ...]


def _optional(tp: Any, optional: bool) -> Any:
    return Optional[tp] if optional else tp  # noqa: UP045


def _model(spec: Spec) -> Any:
    fields: dict[str, Any] = {name: (FIELD_TYPES[t][0], ...) for name, t in spec.fields}
    suffix = spec.key.replace(".", "_")
    if spec.kind == "pydantic":
        return _optional(create_model(f"M_{suffix}", **fields), spec.optional)
    if spec.kind == "dataclass":
        return _optional(dataclasses.make_dataclass(f"D_{suffix}", [(n, FIELD_TYPES[t][0]) for n, t in spec.fields]), spec.optional)
    return _optional(dict, spec.optional)


specs = st.lists(
    st.builds(
        Spec,
        key=st.sampled_from(["a", "b", "c", "nested.inner", "nested.other"]),
        kind=st.sampled_from(["pydantic", "dataclass", "dict"]),
        optional=st.booleans(),
        fields=st.lists(st.tuples(st.sampled_from(["x", "y", "z"]), st.sampled_from(sorted(FIELD_TYPES))), min_size=1, max_size=3, unique_by=lambda f: f[0]).map(tuple),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda s: s.key,
)


def _function(annotation: Any) -> Any:
    def consume(value):  # type: ignore[no-untyped-def]
        return value

    consume.__annotations__ = {"value": annotation}
    return consume


def _pipelines(drawn: list[Spec]) -> tuple[Pipeline, Any, list[Any]]:
    models = [_model(s) for s in drawn]
    functions = [_function(m) for m in models]
    ours = pipeline([node(f, f"params:{s.key}", f"out_{i}", name=f"n{i}") for i, (s, f) in enumerate(zip(drawn, functions, strict=True))]).unwrap()
    kedros = KedroPipeline([kedro_node(f, f"params:{s.key}", f"out_{i}", name=f"n{i}") for i, (s, f) in enumerate(zip(drawn, functions, strict=True))])
    return ours, kedros, models


def _set(tree: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for part in parents:
        tree = tree.setdefault(part, {})
    tree[last] = value


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Spec], dict[str, Any], set[str]]:
    drawn = draw(specs)
    tree: dict[str, Any] = {"untouched": draw(st.integers())}
    bad: set[str] = set()
    for s in drawn:
        choice = draw(st.sampled_from(["valid", "invalid", "none", "absent"]))
        if choice == "absent":
            continue
        if choice == "none":
            _set(tree, s.key, None)
            if not s.optional and s.kind != "dict":
                bad.add(s.key)
            continue
        value = {name: draw(FIELD_TYPES[t][1]) for name, t in s.fields}
        if choice == "invalid":
            name, t = draw(st.sampled_from(s.fields))
            value[name] = draw(FIELD_TYPES[t][2])  # values pydantic cannot coerce
            if s.kind == "pydantic":  # a dataclass does not check its field types
                bad.add(s.key)
        _set(tree, s.key, value)
    return drawn, tree, bad


def _kedro(kedros: Any, tree: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    try:
        return ParameterValidator({"__default__": kedros}).validate_raw_params(tree), []
    except ParameterValidationError as exc:
        return None, re.findall(r"^- Parameter '([^']+)'", str(exc), re.MULTILINE)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_validation_matches_kedro_and_names_every_bad_key(case: tuple[list[Spec], dict[str, Any], set[str]]) -> None:
    drawn, tree, bad = case
    ours_pipeline, kedro_pipeline, _ = _pipelines(drawn)
    result = validate_parameters(tree, parameter_requirements({"__default__": ours_pipeline}))
    theirs, their_keys = _kedro(kedro_pipeline, tree)
    if theirs is not None:
        assert not bad
        assert result.unwrap() == theirs
        return
    error = result.failure()
    assert error.reason is ConfigErrorReason.PARAMETERS
    our_keys = re.findall(r"^- Parameter '([^']+)'", error.message, re.MULTILINE)
    assert our_keys == their_keys
    assert set(our_keys) == bad


@settings(max_examples=100, deadline=None)
@given(specs)
def test_valid_trees_give_instances(drawn: list[Spec]) -> None:
    ours_pipeline, _, _models = _pipelines(drawn)
    tree: dict[str, Any] = {}
    for s in drawn:
        _set(tree, s.key, {name: {"int": 1, "str": "s", "bool": True}[t] for name, t in s.fields})
    validated = validate_parameters(tree, parameter_requirements([ours_pipeline])).unwrap()
    for s in drawn:
        value: Any = validated
        for part in s.key.split("."):
            value = value[part]
        if s.kind == "dict":
            assert isinstance(value, dict)
        elif s.kind == "pydantic":
            assert isinstance(value, BaseModel)
        else:
            assert dataclasses.is_dataclass(value)
    assert isinstance(tree[drawn[0].key.split(".")[0]], dict)  # the input tree is untouched


def test_no_requirements_for_plain_annotations() -> None:
    def f(x: dict[str, int], y: int) -> int:
        return y

    p = pipeline([node(f, ["params:a", "params:b"], "o", name="n")]).unwrap()
    assert dict(parameter_requirements([p]).types) == {}


@dataclasses.dataclass
class Options:
    x: int

    def __post_init__(self) -> None:
        if not isinstance(self.x, int):
            raise TypeError("x must be an int")


def _takes_options(options: Options) -> int:
    return options.x


@pytest.mark.parametrize("raw", [{"x": "nope"}, 3, {"y": 1}])
def test_dataclass_errors_name_the_key(raw: object) -> None:
    f = _takes_options
    p = pipeline([node(f, "params:opts", "o", name="n")]).unwrap()
    error = validate_parameters({"opts": raw}, parameter_requirements([p])).failure()
    assert error.message.startswith("Parameter validation failed:\n- Parameter 'opts': ")
