"""The hooks' ``run_params`` record (core.run_record), with differential checks against Kedro.

The differential fixture runs a tiny real Kedro 1.7.0 project in a subprocess (Kedro's
project settings and pipeline registry are process globals, so a subprocess keeps them away
from every other test) and records what its pipeline hooks received.
"""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from core.errors import KedroSessionError
from core.run_record import (
    PIPELINE_NAME_DEPRECATION_MESSAGE,
    RunParams,
    describe_runner,
    make_run_params,
    run_params_dict,
)
from core.session_state import RunMode

KEYS_SINGLE = [
    "run_id",
    "project_path",
    "env",
    "kedro_version",
    "tags",
    "from_nodes",
    "to_nodes",
    "node_names",
    "from_inputs",
    "to_outputs",
    "load_versions",
    "runtime_params",
    "pipeline_names",
    "namespaces",
    "runner",
    "only_missing_outputs",
]
KEYS_MULTI = ["session_id", *KEYS_SINGLE]


def base(**overrides: object) -> RunParams:
    arguments: dict[str, object] = {
        "session_id": "sid",
        "run_id": "sid",
        "project_path": "/p",
        "env": None,
        "kedro_version": "0.1.0",
        "runner": "None",
    }
    arguments.update(overrides)
    return make_run_params(**arguments)  # type: ignore[arg-type]


# --- keys, order and value conventions ---------------------------------------------------


def test_default_single_record_has_kedros_keys_order_and_defaults() -> None:
    record = run_params_dict(base())
    assert list(record) == KEYS_SINGLE
    assert record == {
        "run_id": "sid",
        "project_path": "/p",
        "env": None,
        "kedro_version": "0.1.0",
        "tags": None,
        "from_nodes": None,
        "to_nodes": None,
        "node_names": None,
        "from_inputs": None,
        "to_outputs": None,
        "load_versions": None,
        "runtime_params": {},
        "pipeline_names": None,  # not ["__default__"]: Kedro records what the caller gave
        "namespaces": None,
        "runner": "None",
        "only_missing_outputs": False,
    }


def test_multi_record_starts_with_session_id_and_defaults_pipeline_names() -> None:
    record = run_params_dict(base(mode=RunMode.MULTI, run_id="r1"))
    assert list(record) == KEYS_MULTI
    assert (record["session_id"], record["run_id"]) == ("sid", "r1")
    assert record["pipeline_names"] == ["__default__"]
    # An empty list is falsy, so Kedro's service session defaults it too.
    assert run_params_dict(base(mode=RunMode.MULTI, pipeline_names=[]))["pipeline_names"] == [
        "__default__"
    ]
    # A non-empty value is passed through as given, tuple included.
    assert run_params_dict(base(mode=RunMode.MULTI, pipeline_names=("a",)))["pipeline_names"] == (
        "a",
    )


def test_values_are_passed_through_as_given_lists_tuples_empty_and_none() -> None:
    record = run_params_dict(
        base(
            tags=("t",),
            node_names=("n",),
            from_nodes=["a"],
            to_nodes=[],
            from_inputs=None,
            to_outputs=["y"],
            pipeline_names=[],
            namespaces=["ns"],
            load_versions={},
        )
    )
    assert record["tags"] == ("t",) and isinstance(record["tags"], tuple)
    assert record["node_names"] == ("n",) and isinstance(record["node_names"], tuple)
    assert record["from_nodes"] == ["a"] and isinstance(record["from_nodes"], list)
    assert record["to_nodes"] == [] and isinstance(record["to_nodes"], list)
    assert record["from_inputs"] is None
    assert record["to_outputs"] == ["y"]
    assert record["pipeline_names"] == []  # Kedro's CLI passes [] when no --pipelines
    assert record["namespaces"] == ["ns"]
    assert record["load_versions"] == {}


def test_other_iterables_are_read_once_and_recorded_as_tuples() -> None:
    params = base(tags=(t for t in ["a", "b"]), namespaces=frozenset({"x"}))
    assert params.tags == ("a", "b")
    assert run_params_dict(params)["tags"] == ("a", "b")
    assert run_params_dict(params)["namespaces"] == ("x",)


def test_deprecated_pipeline_name_replaces_pipeline_names() -> None:
    params = base(pipeline_name="old", pipeline_names=["ignored"])
    assert run_params_dict(params)["pipeline_names"] == ["old"]
    assert params.requested_pipeline_names == ("old",)
    assert run_params_dict(base(pipeline_name="", pipeline_names=("a",)))["pipeline_names"] == (
        "a",
    )
    assert "`pipeline_names` instead" in PIPELINE_NAME_DEPRECATION_MESSAGE


def test_requested_pipeline_names_default_to_the_default_pipeline() -> None:
    assert base().requested_pipeline_names == ("__default__",)
    assert base(pipeline_names=[]).requested_pipeline_names == ("__default__",)
    assert base(pipeline_names=["a", "b"]).requested_pipeline_names == ("a", "b")


def test_runtime_params_are_a_dict_and_none_or_empty_both_give_empty() -> None:
    assert run_params_dict(base(runtime_params=None))["runtime_params"] == {}
    assert run_params_dict(base(runtime_params={}))["runtime_params"] == {}
    nested = {"y": {"z": [1, 2]}, "new": 1}
    rendered = run_params_dict(base(runtime_params=nested))["runtime_params"]
    assert rendered == nested and type(rendered) is dict


def test_the_record_cannot_be_changed_through_inputs_or_rendered_dicts() -> None:
    runtime = {"y": {"z": [1]}}
    load_versions = {"ds": "v1"}
    tags = ["t"]
    params = base(runtime_params=runtime, load_versions=load_versions, tags=tags)
    runtime["y"]["z"].append(2)
    load_versions["ds"] = "v2"
    tags.append("u")

    first = run_params_dict(params)
    assert first["runtime_params"] == {"y": {"z": [1]}}
    assert first["load_versions"] == {"ds": "v1"}
    assert first["tags"] == ["t"]

    # A hook that mutates its run_params does not change the next rendering.
    first["runtime_params"]["y"]["z"].append(3)
    first["tags"].append("v")
    first["env"] = "hacked"
    assert run_params_dict(params) == run_params_dict(dataclasses.replace(params))
    assert run_params_dict(params)["runtime_params"] == {"y": {"z": [1]}}
    assert run_params_dict(params)["tags"] == ["t"]
    assert run_params_dict(params)["env"] is None


def test_records_are_frozen_values() -> None:
    params = base(runtime_params={"a": {"b": [1]}}, load_versions={"d": "v"}, tags=["t"])
    assert params == base(runtime_params={"a": {"b": [1]}}, load_versions={"d": "v"}, tags=["t"])
    assert hash(params) == hash(dataclasses.replace(params))
    assert pickle.loads(pickle.dumps(params)) == params
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.env = "x"  # type: ignore[misc]


def test_describe_runner_follows_kedros_rule() -> None:
    class MyRunner:
        pass

    instance = MyRunner()
    assert describe_runner(None) == "None"  # no runner given: Kedro records the string "None"
    assert describe_runner(MyRunner) == "MyRunner"
    assert describe_runner(instance) == str(instance)
    assert describe_runner(instance).startswith("<") and " object at 0x" in str(instance)


# --- differential: a real Kedro 1.7.0 project --------------------------------------------

_HARNESS = r'''
import pickle, sys, textwrap
from pathlib import Path

root, out = Path(sys.argv[1]), Path(sys.argv[2])
for folder in ("src/demo_rec", "conf/base", "conf/local"):
    (root / folder).mkdir(parents=True)
(root / "conf/base/parameters.yml").write_text("x: 1\n")
(root / "conf/base/catalog.yml").write_text("{}\n")
(root / "pyproject.toml").write_text(
    '[tool.kedro]\npackage_name = "demo_rec"\nproject_name = "demo_rec"\n'
    'kedro_init_version = "1.7.0"\nsource_dir = "src"\n'
)
(root / "src/demo_rec/__init__.py").write_text("")
(root / "src/demo_rec/hooks.py").write_text(textwrap.dedent("""
    from kedro.framework.hooks import hook_impl
    RECORDS = []
    class Recorder:
        @hook_impl
        def before_pipeline_run(self, run_params):
            RECORDS.append(dict(run_params))
"""))
(root / "src/demo_rec/settings.py").write_text(
    "from demo_rec.hooks import Recorder\nHOOKS = (Recorder(),)\n"
)
(root / "src/demo_rec/pipeline_registry.py").write_text(textwrap.dedent("""
    from kedro.pipeline import node, pipeline
    CALLS = [0]
    def flaky(x):
        CALLS[0] += 1
        if CALLS[0] == 1:
            raise RuntimeError("first call fails")
        return x + 1
    def register_pipelines():
        p = pipeline([node(flaky, "params:x", "y", name="n1", tags=["t"])])
        return {"__default__": p, "other": p}
"""))

from kedro.framework.session import KedroSession
from kedro.framework.session.service_session import KedroServiceSession
from kedro.framework.startup import bootstrap_project
from kedro.runner import SequentialRunner

bootstrap_project(root)
from demo_rec.hooks import RECORDS

result = {"errors": []}
with KedroSession.create(project_path=root, runtime_params={"x": 5}) as session:
    result["session_id"] = session.session_id
    try:
        session.run()
    except RuntimeError as error:
        result["errors"].append(str(error))
    session.run(
        tags=("t",), node_names=("n1",), from_nodes=["n1"], to_nodes=["n1"],
        from_inputs=["params:x"], to_outputs=["y"], load_versions={},
        pipeline_names=["other"], namespaces=[],
    )
    try:
        session.run()
    except Exception as error:
        result["errors"].append((type(error).__module__, type(error).__name__, str(error)))
with KedroServiceSession.create(session_id="svc", project_path=root, env="local") as service:
    service.run(run_id="run-a", runner=SequentialRunner())
    service.run(run_id="run-b", pipeline_names=("other",), tags=["t"], runtime_params={"x": 2})
result["records"] = RECORDS
out.write_bytes(pickle.dumps(result))
'''


@pytest.fixture(scope="module")
def kedro_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    work = tmp_path_factory.mktemp("kedro_record")
    script, out, project = work / "harness.py", work / "out.pkl", work / "proj"
    script.write_text(textwrap.dedent(_HARNESS))
    done = subprocess.run(
        [sys.executable, str(script), str(project), str(out)],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = pickle.loads(out.read_bytes())
    result["project_path"] = project.resolve().as_posix()
    yield result


@pytest.mark.differential
def test_kedros_second_run_message_is_ours(kedro_run: dict[str, object]) -> None:
    errors = kedro_run["errors"]
    assert isinstance(errors, list)
    # The first run failed in the node; the retry succeeded; only the third was refused.
    assert errors[0] == "first call fails"
    module, name, message = errors[1]
    assert (module.rsplit(".", 1)[0], name) == ("kedro.framework.session", "KedroSessionError")
    assert message == KedroSessionError.KEDRO_ALREADY_RAN_MESSAGE


@pytest.mark.differential
def test_single_mode_records_match_kedro(kedro_run: dict[str, object]) -> None:
    records = kedro_run["records"]
    assert isinstance(records, list) and len(records) == 4
    common = {
        "session_id": kedro_run["session_id"],
        "run_id": kedro_run["session_id"],
        "project_path": kedro_run["project_path"],
        "env": None,
        "kedro_version": "1.7.0",
        "runtime_params": {"x": 5},
        "runner": describe_runner(None),
    }
    failed_then_retried = make_run_params(**common)  # type: ignore[arg-type]
    filtered = make_run_params(
        **common,  # type: ignore[arg-type]
        tags=("t",),
        node_names=("n1",),
        from_nodes=["n1"],
        to_nodes=["n1"],
        from_inputs=["params:x"],
        to_outputs=["y"],
        load_versions={},
        pipeline_names=["other"],
        namespaces=[],
    )
    for ours, theirs in ((failed_then_retried, records[0]), (filtered, records[1])):
        rendered = run_params_dict(ours)
        assert list(rendered.items()) == list(theirs.items())
        assert [type(v) for v in rendered.values()] == [type(v) for v in theirs.values()]


@pytest.mark.differential
def test_multi_mode_records_match_kedros_service_session(kedro_run: dict[str, object]) -> None:
    records = kedro_run["records"]
    assert isinstance(records, list)
    common = {
        "session_id": "svc",
        "project_path": kedro_run["project_path"],
        "env": "local",
        "kedro_version": "1.7.0",
        "mode": RunMode.MULTI,
    }
    run_a = make_run_params(**common, run_id="run-a", runner=records[2]["runner"])  # type: ignore[arg-type]
    run_b = make_run_params(
        **common,  # type: ignore[arg-type]
        run_id="run-b",
        runner=records[3]["runner"],
        pipeline_names=("other",),
        tags=["t"],
        runtime_params={"x": 2},
    )
    for ours, theirs in ((run_a, records[2]), (run_b, records[3])):
        rendered = run_params_dict(ours)
        assert list(rendered.items()) == list(theirs.items())
        assert [type(v) for v in rendered.values()] == [type(v) for v in theirs.values()]
    # Kedro describes the runner instance it used; so does describe_runner.
    assert records[2]["runner"].startswith("<kedro.runner.sequential_runner.SequentialRunner object at 0x")


@pytest.mark.differential
def test_describe_runner_matches_kedro_for_a_runner_instance() -> None:
    from kedro.runner import SequentialRunner

    runner = SequentialRunner()
    assert describe_runner(runner) == getattr(runner, "__name__", str(runner))
    assert describe_runner(SequentialRunner) == "SequentialRunner"
