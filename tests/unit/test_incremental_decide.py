"""Examples of the incremental decision (core.incremental): every reason, in words."""

from __future__ import annotations

from collections.abc import Mapping

from core import Node, Pipeline, node, pipeline
from core.incremental import (
    ChangePlan,
    CompletedRecord,
    DatasetState,
    NodeObservation,
    Observation,
    PlanMode,
    ReasonKind,
    StateKind,
    decide_changes,
    declaration_digest,
    parameter_change,
)


def identity(x: object) -> object:
    return x


def combine(x: object, y: object) -> object:
    return (x, y)


def _pipeline() -> Pipeline:
    # raw (file) -> clean -> [features (memory)] -> train (+ params:model) -> model (file)
    #                                             -> report -> summary (file)
    return pipeline(
        [
            node(identity, "raw", "features", name="clean"),
            node(combine, ["features", "params:model"], "model", name="train"),
            node(identity, "features", "summary", name="report"),
        ]
    ).unwrap()


_STATES = {
    "raw": DatasetState(StateKind.CONTENT, "r1"),
    "features": DatasetState(StateKind.MEMORY),
    "model": DatasetState(StateKind.VERSION, "v1"),
    "summary": DatasetState(StateKind.CONTENT, "s1"),
}


def _observation(
    p: Pipeline,
    *,
    code: Mapping[str, str] | None = None,
    params: str = '{"depth":2,"rate":0.2}',
    states: Mapping[str, DatasetState] | None = None,
) -> Observation:
    code = code or {}
    nodes = {
        n.name: NodeObservation(
            code.get(n.name, f"code-{n.name}"),
            declaration_digest(n),
            {i: params for i in n.inputs if i.startswith("params:")},
        )
        for n in p.nodes
    }
    return Observation(nodes, {**_STATES, **(states or {})})


def _history(plan: ChangePlan, observation: Observation, run_id: str = "r1") -> dict[str, CompletedRecord]:
    records = {}
    for d in plan.decisions:
        n = plan_node(d.node)
        outputs = {o: observation.datasets[o].token for o in n.outputs if observation.datasets[o].is_checkable}
        records[d.node] = CompletedRecord(d.node, d.fingerprint, outputs, run_id)
    return records


def plan_node(name: str) -> Node:
    return _pipeline().graph.by_name[name]


def _texts(plan: ChangePlan) -> dict[str, str]:
    return {d.node: d.explanation for d in plan.decisions}


def _settled() -> tuple[Pipeline, dict[str, CompletedRecord]]:
    p = _pipeline()
    seen = _observation(p)
    first = decide_changes(p, seen, {})
    return p, _history(first, seen)


def test_a_pipeline_never_run_runs_every_node_for_that_reason() -> None:
    p = _pipeline()
    plan = decide_changes(p, _observation(p), {})
    assert plan.to_run == ("clean", "report", "train")
    assert {d.reasons[0].text for d in plan.decisions} == {"never run"}
    assert _texts(plan)["train"] == "never run; upstream 'clean' runs"


def test_nothing_changed_means_nothing_runs() -> None:
    p, history = _settled()
    plan = decide_changes(p, _observation(p), history)
    assert plan.to_run == ()
    assert _texts(plan)["train"] == "unchanged since its last completed run"


def test_a_nested_parameter_change_names_the_leaf_and_both_values() -> None:
    p, history = _settled()
    plan = decide_changes(p, _observation(p, params='{"depth":2,"rate":0.3}'), history)
    texts = _texts(plan)
    assert texts["train"].startswith("parameter model.rate changed (0.2 -> 0.3)")
    # train reads features from memory: its producer reruns, report does not.
    assert plan.to_run == ("clean", "train")
    assert texts["clean"] == "produces in-memory 'features' needed by running 'train'"


def test_code_change_runs_the_node_and_everything_downstream() -> None:
    p, history = _settled()
    plan = decide_changes(p, _observation(p, code={"clean": "edited"}), history)
    texts = _texts(plan)
    assert texts["clean"] == "code of 'clean' changed"
    assert texts["train"] == "upstream 'clean' runs"
    assert texts["report"] == "upstream 'clean' runs"


def test_an_input_file_changed_is_named_with_how_it_was_seen() -> None:
    p, history = _settled()
    plan = decide_changes(p, _observation(p, states={"raw": DatasetState(StateKind.CONTENT, "r2")}), history)
    assert _texts(plan)["clean"] == "input 'raw' changed (digest)"
    assert plan.to_run == ("clean", "report", "train")


def test_missing_and_changed_outputs() -> None:
    p, history = _settled()
    states = {"model": DatasetState(StateKind.MISSING), "summary": DatasetState(StateKind.CONTENT, "tampered")}
    plan = decide_changes(p, _observation(p, states=states), history)
    texts = _texts(plan)
    assert texts["train"].startswith("output 'model' missing")
    assert texts["report"].startswith("output 'summary' changed since it was written (digest)")
    assert texts["clean"].startswith("produces in-memory 'features'")


def test_an_input_without_fingerprint_makes_its_readers_always_run() -> None:
    p, history = _settled()
    plan = decide_changes(p, _observation(p, states={"raw": DatasetState(StateKind.UNKNOWN)}), history)
    assert plan.decisions[0].reasons[0].kind is ReasonKind.INPUT_UNKNOWN
    assert "fingerprint()" in _texts(plan)["clean"]


def test_resume_runs_what_did_not_complete_and_refuses_stale_outputs() -> None:
    p, history = _settled()
    partial = {"clean": history["clean"], "report": history["report"]}
    plan = decide_changes(p, _observation(p), partial, mode=PlanMode.RESUME, run_id="r1")
    assert plan.stale == ()
    assert _texts(plan)["train"] == "did not complete in run r1"
    assert plan.to_run == ("clean", "train")  # clean: its output lived in memory
    edited = decide_changes(p, _observation(p, code={"report": "x"}), partial, mode=PlanMode.RESUME, run_id="r1")
    assert [d.node for d in edited.stale] == ["report"]


def test_parameter_change_of_a_whole_value_and_of_absent_keys() -> None:
    assert parameter_change("params:a", "1", "2").text == "parameter a changed (1 -> 2)"
    assert parameter_change("parameters", '{"a":{"b":1}}', '{"a":{}}').text == (
        "parameter parameters.a.b changed (1 -> (absent))"
    )
    assert parameter_change("params:x", "<obj>", "<other>").subject == "x"


def test_plan_json_names_every_node_with_a_reason() -> None:
    p = _pipeline()
    shown = decide_changes(p, _observation(p), {}).to_json()
    assert shown["runs"] == ["clean", "report", "train"]
    nodes = shown["nodes"]
    assert isinstance(nodes, list)
    assert nodes[0]["reason"] == "never run"
    assert "Not covered" in str(shown["coverage"])
