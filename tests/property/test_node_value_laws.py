"""A node built by ``node()`` is the same value the ``Node`` dataclass itself would build.

``node()`` fills a draft with Node's slot layout and turns it into a ``Node`` (faster than
the frozen dataclass ``__init__``); every field must be set, the result frozen, and equal
in every field to ``dataclasses.replace`` (which goes through ``Node.__init__``) and to a
pickled copy. The identity (equality, hash, order) is computed lazily and must agree.
"""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from hypothesis import given

from core.node import Node, node, renamed_node
from core.strategies import nodes


def _fields(n: Node) -> dict[str, object]:
    return {f.name: getattr(n, f.name) for f in dataclasses.fields(n) if f.init}


@given(nodes())
def test_a_built_node_is_a_complete_frozen_node(n: Node) -> None:
    assert type(n) is Node
    rebuilt = dataclasses.replace(n)

    assert _fields(rebuilt) == _fields(n)
    assert rebuilt == n and hash(rebuilt) == hash(n)
    assert not (rebuilt < n) and not (n < rebuilt)
    with pytest.raises(dataclasses.FrozenInstanceError):
        n.name = "other"  # type: ignore[misc]


@given(nodes())
def test_a_node_survives_pickling_with_its_identity(n: Node) -> None:
    hash(n)  # the cached identity travels too, and must stay right
    copy = pickle.loads(pickle.dumps(n))

    assert type(copy) is Node
    assert copy == n and hash(copy) == hash(n)
    assert {f: v for f, v in _fields(copy).items() if f not in ("func", "preview_fn")} == {
        f: v for f, v in _fields(n).items() if f not in ("func", "preview_fn")
    }


@given(nodes())
def test_identity_ignores_the_function_and_follows_renaming(n: Node) -> None:
    other_function = dataclasses.replace(n, func=print)
    renamed = renamed_node(n, lambda name: f"x_{name}", namespace=n.namespace)

    assert other_function == n and hash(other_function) == hash(n)
    assert renamed.inputs == tuple(f"x_{i}" for i in n.inputs)
    assert renamed.declared_outputs == (
        {k: f"x_{v}" for k, v in n.declared_outputs.items()}
        if isinstance(n.declared_outputs, dict)
        else [f"x_{o}" for o in n.declared_outputs]
        if isinstance(n.declared_outputs, list)
        else None if n.declared_outputs is None else f"x_{n.declared_outputs}"
    )
    assert (renamed == n) == (not n.inputs and not n.outputs)


def test_transcoded_names_have_their_own_base_tuples() -> None:
    plain = node(len, "a", "b", name="plain")
    transcoded = node(len, "a@pandas", ["b@spark"], name="transcoded")

    assert plain.input_bases is plain.inputs and plain.output_bases is plain.outputs
    assert transcoded.input_bases == ("a",) and transcoded.output_bases == ("b",)
