"""``core.inspection.trusted`` builds the very instances ``model_construct`` and validation build.

The snapshot builds its models with :func:`core.inspection.trusted` (pydantic's
``model_construct`` without the per-field pass); these laws pin that the result is
indistinguishable: equal to the validated model, the same fields set, the same dumps, and
as frozen and hashable.
"""

from __future__ import annotations

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.inspection import (
    DatasetSnapshot,
    NodeSnapshot,
    NodeSourceSnapshot,
    PipelineSnapshot,
    trusted,
)

_text = st.text(max_size=6)
_names = st.lists(_text, max_size=3).map(tuple)
_sources = st.none() | st.builds(
    lambda f, a, b: {"filepath": f, "line_start": a, "line_end": a + b},
    _text,
    st.integers(1, 10**6),
    st.integers(0, 100),
)
_nodes = st.fixed_dictionaries(
    {
        "name": _text,
        "func_name": _text,
        "namespace": st.none() | _text,
        "tags": _names.map(lambda t: tuple(sorted(t))),
        "inputs": _names,
        "outputs": _names,
        "source": _sources,
    }
)


def _node(values: dict[str, object]) -> dict[str, object]:
    """The values in the model's declaration order (``trusted`` keeps the order it is given,
    which is the order of dumps), the source built."""
    source = values["source"]
    built = trusted(NodeSourceSnapshot, dict(source)) if isinstance(source, dict) else None
    return {name: built if name == "source" else values[name] for name in NodeSnapshot.model_fields}


def _same(made: pydantic.BaseModel, reference: pydantic.BaseModel) -> None:
    assert made == reference
    assert type(made) is type(reference)
    assert made.model_fields_set == reference.model_fields_set
    assert made.model_dump() == reference.model_dump()
    assert made.model_dump_json() == reference.model_dump_json()
    assert made.model_extra == reference.model_extra
    assert hash(made) == hash(reference)


@given(_nodes)
def test_a_trusted_node_is_the_constructed_and_the_validated_node(values: dict[str, object]) -> None:
    made = trusted(NodeSnapshot, _node(values))
    _same(made, NodeSnapshot.model_construct(**_node(values)))  # type: ignore[arg-type]
    _same(made, NodeSnapshot.model_validate(_node(values)))
    with pytest.raises(pydantic.ValidationError):
        made.name = "changed"


@given(st.lists(_nodes, max_size=3), _names, _names, _text)
def test_a_trusted_pipeline_is_the_validated_pipeline(
    nodes: list[dict[str, object]], inputs: tuple[str, ...], outputs: tuple[str, ...], name: str
) -> None:
    built = tuple(trusted(NodeSnapshot, _node(n)) for n in nodes)
    values = {"name": name, "nodes": built, "inputs": inputs, "outputs": outputs}
    _same(trusted(PipelineSnapshot, dict(values)), PipelineSnapshot.model_validate(values))


@given(_text, _text, st.none() | _text)
def test_a_trusted_dataset_is_the_validated_dataset(name: str, type_: str, filepath: str | None) -> None:
    values: dict[str, object] = {"name": name, "type": type_, "filepath": filepath}
    _same(trusted(DatasetSnapshot, dict(values)), DatasetSnapshot.model_validate(values))
