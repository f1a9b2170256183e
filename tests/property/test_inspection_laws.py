"""Laws of the pure snapshot builder (:mod:`core.inspection`).

* every node of every registered pipeline appears once per pipeline, in the pipeline's
  execution order, with its inputs and outputs as declared;
* the datasets are the explicit entries plus exactly the pipeline names a pattern matches;
* no credential in a ``user:password@`` URL or a query string survives into the snapshot;
* the JSON dump validates against the model's JSON schema and loads back equal.
"""

from __future__ import annotations

import json

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from core.catalog.patterns import is_pattern
from core.inspection import (
    NodeSourceSnapshot,
    ProjectMetadataSnapshot,
    ProjectSnapshot,
    build_project_snapshot,
)
from core.pipeline import Pipeline
from core.strategies import pipelines

METADATA = ProjectMetadataSnapshot(project_name="p", package_name="p", kedro_version="1.7.0")
SECRET = "s3cr3tvalue"


def _nowhere(func: object) -> NodeSourceSnapshot | None:
    return None


def _somewhere(func: object) -> NodeSourceSnapshot | None:
    return NodeSourceSnapshot(filepath="src/p/nodes.py", line_start=1, line_end=3)


#: Catalog entries to draw from, each coherent (a pattern's path uses only its placeholders).
ENTRIES: dict[str, dict[str, str]] = {
    "a": {"type": "pickle.PickleDataset", "filepath": f"s3://key:{SECRET}@bucket/f.csv"},
    "b": {"type": "json.JSONDataset", "filepath": f"https://host/p.csv?sig={SECRET}"},
    "_hidden": {"type": "json.JSONDataset"},
    "plain": {"type": "text.TextDataset", "filepath": "plain.txt"},
    "{name}": {"type": "pickle.PickleDataset", "filepath": "data/{name}.pkl"},
    "{x}_{y}": {"type": "json.JSONDataset", "filepath": f"gcs://u:{SECRET}@b/{{x}}/{{y}}.json"},
    "ds_{n}": {"type": "json.JSONDataset"},
}

catalogs = st.lists(st.sampled_from(sorted(ENTRIES)), unique=True, max_size=len(ENTRIES)).map(
    lambda keys: {k: ENTRIES[k] for k in keys}
)


@settings(max_examples=60)
@given(st.dictionaries(st.sampled_from(["__default__", "one", "two"]), pipelines(max_size=12), min_size=1, max_size=3), catalogs)
def test_snapshot_laws(registered: dict[str, Pipeline], catalog: dict[str, dict[str, str]]) -> None:
    snapshot = build_project_snapshot(
        METADATA, registered, catalog, {"b": 1, "a": {"c": 2}}, locate=_nowhere
    ).unwrap()
    assert [p.name for p in snapshot.pipelines] == list(registered)
    for taken, (name, p) in zip(snapshot.pipelines, registered.items(), strict=True):
        assert taken.name == name
        assert [n.name for n in taken.nodes] == [n.name for n in p.nodes]
        assert all(n.inputs == o.inputs and n.outputs == o.outputs for n, o in zip(taken.nodes, p.nodes, strict=True))
        assert list(taken.inputs) == sorted(p.inputs())
    explicit = {k for k in catalog if not k.startswith("_") and not is_pattern(k)}
    used = {d for p in registered.values() for n in p.nodes for d in (*n.inputs, *n.outputs)}
    assert explicit <= set(snapshot.datasets)
    assert set(snapshot.datasets) - explicit <= used
    if not any(is_pattern(k) for k in catalog):
        assert set(snapshot.datasets) == explicit
    assert snapshot.parameters == ("a", "b")
    assert SECRET not in snapshot.model_dump_json()


@settings(max_examples=30)
@given(pipelines(max_size=10))
def test_json_validates_against_schema_and_loads_back(p: Pipeline) -> None:
    snapshot = build_project_snapshot(
        METADATA,
        {"__default__": p},
        {"x": {"type": "pickle.PickleDataset", "filepath": "data/x.pkl"}, "y": {"type": "t"}},
        {"k": 1},
        locate=_somewhere,
    ).unwrap()
    dumped = json.loads(snapshot.model_dump_json())
    jsonschema.validate(dumped, ProjectSnapshot.model_json_schema())
    assert ProjectSnapshot.model_validate(dumped) == snapshot


def test_a_malformed_pattern_is_a_failure_naming_it() -> None:
    taken = build_project_snapshot(METADATA, {}, {"{bad": {"type": "t"}}, {}, locate=_nowhere)
    assert "{bad" in taken.failure().message


def test_two_catch_alls_are_a_failure() -> None:
    taken = build_project_snapshot(METADATA, {}, {"{a}": {"type": "t"}, "{b}": {"type": "t"}}, {}, locate=_nowhere)
    assert "catch-all" in taken.failure().message
