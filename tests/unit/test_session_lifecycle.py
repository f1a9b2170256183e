"""``KedroSession`` end to end on real temporary projects: create, run, filters, close.

Every project is real: a ``pyproject.toml``, a package with ``settings.py`` and a pipeline
registry, YAML configuration, pickle/JSON datasets on disk and the default SQLite store.
A recording hook (registered through ``settings.HOOKS``) shows what ran.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from returns.pipeline import is_successful

from core.errors import (
    DatasetError,
    DatasetErrorReason,
    KedroSessionError,
    PipelineError,
    PipelineErrorReason,
    RunError,
    RunErrorReason,
    SessionErrorReason,
)
from core.session_state import Phase
from shell.api import to_result
from shell.runners.sequential import SequentialRunner
from shell.runners.thread import ThreadRunner
from shell.session import KedroSession, RunMode
from shell.store.history import list_sessions
from tests.unit.project_factory import (
    hooks_fired,
    nodes_run,
    persisted_project,
    recorder,
    take_events,
    unique_package,
    write_project,
)

ALL_NODES = {"n_a", "n_b", "n_c", "ns.n_d", "n_e", "n_f"}


@dataclass(frozen=True)
class Project:
    root: Path
    package: str

    def session(self, **kwargs: object) -> KedroSession:
        created = KedroSession.create(self.root, **kwargs)  # type: ignore[arg-type]
        assert is_successful(created), created
        session: KedroSession = created.unwrap()
        return session

    def events(self) -> list[list[object]]:
        return take_events(self.package)

    def write(self, relative: str, text: str) -> None:
        (self.root / "conf" / relative).write_text(text)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    monkeypatch.delenv("KEDRO_ENV", raising=False)
    package = unique_package("life")
    root = write_project(tmp_path / "proj", persisted_project(package))
    built = Project(root, package)
    yield built


@pytest.fixture
def ran_once(project: Project) -> Project:
    """The project after one full run, so every intermediate is on disk."""
    with project.session() as session:
        assert is_successful(session.run())
    project.events()
    return project


# --- create, run, close ------------------------------------------------------------------


def test_create_run_close(project: Project) -> None:
    session = project.session()
    assert session.state.phase is Phase.CREATED
    with session:
        outcome = session.run()
        assert is_successful(outcome)
        outputs = outcome.unwrap()
        # Kedro's result: the free outputs' dataset objects, not their data.
        assert sorted(outputs) == ["f"]
        assert outputs["f"].load() == 14  # alpha=1: a=2, b=5, c=10, d=4, e=14
    assert session.state.is_closed
    events = project.events()
    assert nodes_run(events) == ALL_NODES
    assert hooks_fired(events)[:3] == ["after_context_created", "after_catalog_created", "before_pipeline_run"]
    assert hooks_fired(events)[-1] == "after_pipeline_run"
    # Real files were written by the pickle and JSON datasets.
    assert (project.root / "data" / "e.json").read_text().strip() == "14"
    assert (project.root / "data" / "d.pkl").is_file()


FILTERS: dict[str, tuple[dict[str, object], set[str], list[str]]] = {
    "tags": ({"tags": ["t2"]}, {"n_c", "ns.n_d"}, ["c", "ns.d"]),
    "node_names": ({"node_names": ["n_e"]}, {"n_e"}, ["e"]),
    "from_nodes": ({"from_nodes": ["n_c"]}, {"n_c", "n_e", "n_f"}, ["f"]),
    "to_nodes": ({"to_nodes": ["n_b"]}, {"n_a", "n_b"}, ["b"]),
    "from_inputs": ({"from_inputs": ["b"]}, {"n_c", "n_e", "n_f"}, ["f"]),
    "to_outputs": ({"to_outputs": ["ns.d"]}, {"n_a", "ns.n_d"}, ["ns.d"]),
    "namespaces": ({"namespaces": ["ns"]}, {"ns.n_d"}, ["ns.d"]),
    "pipeline_names": ({"pipeline_names": ["first"]}, {"n_a", "n_b"}, ["b"]),
    "two_pipelines": ({"pipeline_names": ["second", "first"]}, ALL_NODES, ["f"]),
    "deprecated_pipeline_name": ({"pipeline_name": "second"}, {"n_c", "ns.n_d", "n_e", "n_f"}, ["f"]),
    "intersected": ({"tags": ["t1", "t2"], "to_nodes": ["n_c"]}, {"n_a", "n_b", "n_c"}, ["c"]),
}


@pytest.mark.parametrize("case", list(FILTERS))
def test_each_filter_runs_exactly_its_nodes(ran_once: Project, case: str) -> None:
    arguments, expected_nodes, expected_outputs = FILTERS[case]
    with ran_once.session() as session:
        outcome = session.run(**arguments)  # type: ignore[arg-type]
    assert is_successful(outcome), outcome
    assert sorted(outcome.unwrap()) == expected_outputs
    assert nodes_run(ran_once.events()) == expected_nodes


def test_pipeline_names_is_the_second_positional_argument_as_in_kedro(project: Project) -> None:
    """Regression: ``pipeline_names`` was keyword-only, so ``run(None, ["first"])`` bound the
    list to ``tags``."""
    with project.session() as session:
        outcome = session.run(None, ["first"])
    assert is_successful(outcome), outcome
    assert nodes_run(project.events()) == {"n_a", "n_b"}


def test_other_runners_run_the_same_nodes(ran_once: Project) -> None:
    for runner in (SequentialRunner(), ThreadRunner(max_workers=2)):
        with ran_once.session() as session:
            outcome = session.run(runner=runner)
        assert is_successful(outcome), outcome
        assert outcome.unwrap()["f"].load() == 14
        assert nodes_run(ran_once.events()) == ALL_NODES


# --- the one-run rule, retries, close ----------------------------------------------------


def test_second_run_after_success_is_refused_with_kedros_message(project: Project) -> None:
    session = project.session()
    assert is_successful(session.run())
    project.events()
    before = session.state
    second = session.run()
    assert not is_successful(second)
    error = second.failure()
    assert isinstance(error, KedroSessionError) and error.reason is SessionErrorReason.ALREADY_RAN
    assert error.message == (
        "A run has already been completed as part of the active KedroSession. KedroSession "
        "has a 1-1 mapping with runs, and thus only one run should be executed per session."
    )
    assert session.state == before  # refused: nothing changed
    assert project.events() == []  # refused before any hook
    session.close()


def test_failed_run_may_be_retried_and_reloads_the_configuration(project: Project) -> None:
    params = "alpha: 1\nfail: true\nmodel:\n  depth: 3\n"
    project.write("base/parameters.yml", params)
    with project.session() as session:
        failed = session.run()
        assert not is_successful(failed)
        error = failed.failure()
        assert isinstance(error, RunError) and error.reason is RunErrorReason.NODE_FAILED
        assert error.node == "n_f" and isinstance(error.cause, ValueError)
        assert hooks_fired(project.events())[-2:] == ["on_node_error", "on_pipeline_error"]
        assert session.state.runs_failed == 1 and not session.state.has_run

        # Fix the parameter: the retry loads a fresh context, so it sees the change.
        project.write("base/parameters.yml", params.replace("true", "false"))
        retried = session.run()
        assert is_successful(retried), retried
        assert retried.unwrap()["f"].load() == 14
        assert session.state.runs_succeeded == 1
        # ...and then the one-run rule applies.
        assert second_refused(session)


def second_refused(session: KedroSession) -> bool:
    again = session.run()
    return not is_successful(again) and again.failure().reason is SessionErrorReason.ALREADY_RAN


def test_run_after_close_is_refused(project: Project) -> None:
    session = project.session()
    assert is_successful(session.close())
    assert is_successful(session.close())  # idempotent
    refused = session.run()
    assert not is_successful(refused)
    error = refused.failure()
    assert isinstance(error, KedroSessionError) and error.reason is SessionErrorReason.CLOSED
    assert session.session_id in error.message
    assert project.events() == []
    # The context manager closes too.
    with project.session() as other:
        pass
    assert other.state.is_closed
    assert other.run().failure().reason is SessionErrorReason.CLOSED


def test_with_block_records_an_escaping_exception_and_still_closes(project: Project) -> None:
    session = project.session()
    with pytest.raises(KeyError), session:
        raise KeyError("boom")
    assert session.state.is_closed
    exception = session.store["exception"]
    assert isinstance(exception, dict)
    assert exception["type"] == "KeyError" and exception["value"] == "'boom'"
    assert isinstance(exception["traceback"], list) and exception["traceback"]
    stored = to_result(list_sessions(project.root / "sessions")).unwrap()
    assert [s.session_id for s in stored] == [session.session_id]
    saved = stored[0].exception
    assert isinstance(saved, Mapping) and saved["type"] == "KeyError"


def test_load_context_is_fresh_each_time_and_fires_its_hook(project: Project) -> None:
    session = project.session(runtime_params={"alpha": 5})
    first, second = session.load_context(), session.load_context()
    assert first is not second
    assert hooks_fired(project.events()) == ["after_context_created"] * 2
    assert first.params["alpha"] == 5
    assert first.catalog is not first.catalog  # a new catalog per access, as in Kedro
    assert hooks_fired(project.events()) == ["after_catalog_created"] * 2
    assert session.load_context_result().unwrap().env is None
    session.close()


def test_store_property_is_a_copy(project: Project) -> None:
    session = project.session()
    copy = session.store
    copy["session_id"] = "changed"
    assert session.store["session_id"] == session.session_id
    session.close()


# --- failures are values of the documented types -----------------------------------------


def test_unknown_pipeline_is_a_session_error_with_suggestions(project: Project) -> None:
    with project.session() as session:
        outcome = session.run(pipeline_names=["frist"])
        error = outcome.failure()
        assert isinstance(error, KedroSessionError) and error.reason is SessionErrorReason.UNKNOWN_PIPELINE
        assert error.message.endswith("Did you mean one of these instead?\n    first")
        # after_context_created fires before the lookup (Kedro's order); no pipeline hook.
        assert hooks_fired(project.events()) == ["after_context_created"]
        assert is_successful(session.run(pipeline_names=["first"]))  # not counted as a run


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        ({"node_names": ["nope"]}, PipelineErrorReason.UNKNOWN_NODES),
        ({"from_inputs": ["nope"]}, PipelineErrorReason.UNKNOWN_DATASETS),
        ({"namespaces": ["nope"]}, PipelineErrorReason.UNKNOWN_NAMESPACES),
        ({"tags": ["nope"]}, PipelineErrorReason.EMPTY_AFTER_FILTER),
    ],
)
def test_filter_errors_are_pipeline_errors_without_pipeline_hooks(
    project: Project, arguments: dict[str, object], reason: PipelineErrorReason
) -> None:
    with project.session() as session:
        outcome = session.run(**arguments)  # type: ignore[arg-type]
    error = outcome.failure()
    assert isinstance(error, PipelineError) and error.reason is reason
    assert hooks_fired(project.events()) == ["after_context_created"]


def test_a_runner_class_is_refused_with_kedros_message(project: Project) -> None:
    with project.session() as session:
        outcome = session.run(runner=SequentialRunner)  # type: ignore[arg-type]
    error = outcome.failure()
    assert isinstance(error, KedroSessionError)
    assert error.message.startswith("KedroSession expect an instance of Runner instead of a class.Have")


def test_a_catalog_entry_that_cannot_be_built_is_a_dataset_error(project: Project) -> None:
    """Regression: the runner's ``RunError(DATASET)`` leaked out for a bad catalog entry;
    Kedro raises ``DatasetError`` (and fires ``on_pipeline_error`` with it)."""
    project.write("base/catalog.yml", "c:\n  type: MemoryDataset\n  bogus: 1\n")
    with project.session() as session:
        outcome = session.run()
    error = outcome.failure()
    assert isinstance(error, DatasetError) and error.reason is DatasetErrorReason.CONFIG
    assert "bogus" in error.message and "'c'" in error.message
    events = project.events()
    assert hooks_fired(events)[-2:] == ["before_pipeline_run", "on_pipeline_error"]
    assert events[-1][1] == "DatasetError"
    assert nodes_run(events) == set()


def test_a_load_failure_inside_a_node_stays_a_run_error(ran_once: Project) -> None:
    (ran_once.root / "data" / "b.pkl").write_bytes(b"not a pickle")
    with ran_once.session() as session:
        outcome = session.run(from_nodes=["n_c"])
    error = outcome.failure()
    assert isinstance(error, RunError) and error.reason is RunErrorReason.DATASET
    assert error.node == "n_c" and isinstance(error.cause, DatasetError)
    assert hooks_fired(ran_once.events())[-1] == "on_pipeline_error"


def test_unknown_load_versions_key_is_a_dataset_error(project: Project) -> None:
    with project.session() as session:
        outcome = session.run(load_versions={"zzz": "2020-01-01T00.00.00.000Z"})
    error = outcome.failure()
    assert isinstance(error, DatasetError) and error.reason is DatasetErrorReason.NOT_FOUND
    assert error.message == "'load_versions' keys [zzz] are not found in the catalog."
    assert "before_pipeline_run" not in hooks_fired(project.events())


def test_runtime_params_per_run_need_the_multi_mode(project: Project) -> None:
    with project.session() as session:
        outcome = session.run(runtime_params={"alpha": 2})
        assert isinstance(outcome.failure(), KedroSessionError)
        assert project.events() == []
        assert is_successful(session.run())


# --- multi-run mode ----------------------------------------------------------------------


def test_multi_mode_runs_many_times_each_reloaded_with_its_own_id(project: Project) -> None:
    session = project.session(mode=RunMode.MULTI, runtime_params={"alpha": 2})
    first = session.run(node_names=["n_a"])
    assert first.unwrap()["a"].load() == 4  # the session's runtime params
    second = session.run(node_names=["n_a"], runtime_params={"alpha": 7})
    assert second.unwrap()["a"].load() == 14  # this run's own
    project.write("base/parameters.yml", "alpha: 30\nfail: false\nmodel:\n  depth: 3\n")
    third = session.run(node_names=["n_a"], runtime_params={})
    assert third.unwrap()["a"].load() == 60  # the edited file, reloaded
    assert session.state.runs_succeeded == 3
    events = project.events()
    assert hooks_fired(events).count("after_context_created") == 3
    assert hooks_fired(events).count("after_catalog_created") == 3
    assert session.close() == session.close()
    assert session.run().failure().reason is SessionErrorReason.CLOSED

    (stored,) = to_result(list_sessions(project.root / "sessions")).unwrap()
    run_ids = [run.run_id for run in stored.runs]
    assert len(run_ids) == 3 and len(set(run_ids)) == 3 and session.session_id not in run_ids
    for run, runtime in zip(stored.runs, ({"alpha": 2}, {"alpha": 7}, {}), strict=True):
        parameters = run.parameters
        assert isinstance(parameters, Mapping)
        assert parameters["session_id"] == session.session_id
        assert parameters["run_id"] == run.run_id
        assert parameters["runtime_params"] == runtime


# --- env and runtime-parameter layering --------------------------------------------------


@pytest.mark.parametrize(
    ("env", "runtime_params", "alpha", "depth", "f"),
    [
        (None, None, 1, 3, 14),  # base (local is empty)
        ("prod", None, 10, 3, 86),  # conf/prod/parameters.yml: alpha 10
        ("prod", {"model": {"depth": 7}}, 10, 7, 94),  # runtime params merged over the env
        ("prod", {"alpha": 3}, 3, 3, 30),  # runtime params win over the env's value
        (None, {"alpha": 2, "new": {"x": 1}}, 2, 3, 22),
    ],
)
def test_env_and_runtime_params_layer_as_in_kedro(
    project: Project,
    env: str | None,
    runtime_params: dict[str, object] | None,
    alpha: int,
    depth: int,
    f: int,
) -> None:
    project.write("local/parameters.yml", "fail: false\n")  # a key of its own: no effect above
    with project.session(env=env, runtime_params=runtime_params) as session:
        params = session.load_context().params
        assert (params["alpha"], params["model"]) == (alpha, {"depth": depth})
        outcome = session.run()
    assert outcome.unwrap()["f"].load() == f  # a=2α, b=a+depth, c=2b, d=2a, e=c+d
    run_params = recorder_run_params(project)
    assert run_params["env"] == env and run_params["runtime_params"] == (runtime_params or {})


def recorder_run_params(project: Project) -> dict[str, object]:
    taken: dict[str, list[dict[str, object]]] = recorder(project.package).take()  # type: ignore[attr-defined]
    (params,) = taken["run_params"]
    return params
