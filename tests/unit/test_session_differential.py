"""``KedroSession`` against Kedro 1.7.0 on the same project files.

Every project is written twice from one description (``tests.unit.project_factory``): a
kedro-pure flavour run in this process and a Kedro flavour run in one subprocess (Kedro's
settings and pipeline registry are process globals). Both register the same recording hook
(Kedro's ``hook_impl``) through ``settings.HOOKS``. Compared:

* the merged configuration seen through the context: parameters with runtime parameters,
  the catalog config and the credentials, across environments and merge strategies;
* the sequence of hook calls with their key arguments, for a plain run, every filter, a
  failing node, refused runs and broken catalogs;
* the ``run_params`` the pipeline hooks receive, key by key;
* the configuration ``after_catalog_created`` receives (relative paths made absolute);
* the errors: same message where Kedro has one.

Values that differ by nature are excepted and listed in :data:`DIFFER_BY_NATURE`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from core._version import __version__
from tests.unit.project_factory import (
    Flavour,
    ProjectSpec,
    config_op,
    config_project,
    run_kedro_plan,
    run_op,
    run_project,
    run_pure_plan,
    unique_package,
    write_project,
)

pytestmark = pytest.mark.differential

FLAVOURS: tuple[Flavour, ...] = ("pure", "kedro")

#: ``run_params`` keys whose values differ by nature: the run id is the session id (a
#: timestamp), each flavour lives in its own folder, and the version is kedro-pure's own.
DIFFER_BY_NATURE = ("run_id", "project_path", "kedro_version")

#: The error types Kedro raises and the ``Failure`` types we return for the same case.
ERROR_TYPES = {
    "KedroSessionError": "KedroSessionError",
    # An unknown pipeline name: Kedro raises ValueError, we return KedroSessionError.
    "ValueError": ("KedroSessionError", "PipelineError", "RunError"),
    "DatasetError": "DatasetError",
    "DatasetNotFoundError": "DatasetError",
}

RUNTIME = {"model": {"rate": 0.5}, "rt_key": "given", "new": {"x": 1}}
SOFT = (
    'CONFIG_LOADER_ARGS = {"base_env": "base", "default_run_env": "local", '
    '"merge_strategy": {"parameters": "soft", "catalog": "soft"}}\n'
)

# --- the scenarios -----------------------------------------------------------------------

CONFIG_CASES: dict[str, tuple[str, str | None, Mapping[str, object] | None]] = {
    "default": ("cfg", None, None),
    "runtime_params": ("cfg", None, RUNTIME),
    "env_prod_runtime_params": ("cfg", "prod", RUNTIME),
    "soft_runtime_params": ("soft", None, RUNTIME),
    "soft_env_prod": ("soft", "prod", None),
}

#: label -> (project, create keyword arguments, the runs of one session)
RUN_CASES: dict[str, tuple[str, dict[str, Any], list[dict[str, Any]]]] = {
    "plain_then_second_run": ("run", {}, [{}, {}]),
    "failing_node_then_retry": ("run", {"runtime_params": {"fail": True}}, [{}, {}]),
    "env_prod_runtime_params": ("run", {"env": "prod", "runtime_params": {"model": {"depth": 7}}}, [{}]),
    "tags": ("run", {}, [{"tags": ["t1"]}]),
    "node_names": ("run", {}, [{"node_names": ["n_a"]}]),
    "from_nodes": ("run", {}, [{"from_nodes": ["n_a"]}]),
    "from_nodes_unsatisfied": ("run", {}, [{"from_nodes": ["ns.n_d"]}]),
    "to_nodes": ("run", {}, [{"to_nodes": ["n_b"]}]),
    "from_inputs": ("run", {}, [{"from_inputs": ["params:alpha"]}]),
    "to_outputs": ("run", {}, [{"to_outputs": ["ns.d"]}]),
    "namespaces_unsatisfied": ("run", {}, [{"namespaces": ["ns"]}]),
    "pipeline_names": ("run", {}, [{"pipeline_names": ["first"]}]),
    "two_pipelines": ("run", {}, [{"pipeline_names": ["second", "first"]}]),
    "deprecated_pipeline_name": ("run", {}, [{"pipeline_name": "first"}]),
    "filters_intersect": ("run", {}, [{"tags": ["t1", "t2"], "to_nodes": ["n_c"], "load_versions": {}}]),
    "only_missing_outputs": ("run", {}, [{"only_missing_outputs": True}]),
    "unknown_pipeline": ("run", {}, [{"pipeline_names": ["frist"]}, {"pipeline_names": ["nothing_alike"]}]),
    "unknown_node": ("run", {}, [{"node_names": ["nope"]}]),
    "empty_after_filters": ("run", {}, [{"tags": ["zzz"]}]),
    "unknown_load_version": ("run", {}, [{"load_versions": {"zzz": "x"}}]),
    "catalog_unknown_type": ("bad_type", {}, [{}]),
    "catalog_bad_argument": ("bad_argument", {}, [{}]),
    "catalog_missing_type": ("missing_type", {}, [{}]),
}

#: Cases whose messages carry texts of their own (dataset-type hints, catalog class names).
OWN_MESSAGES = {"catalog_unknown_type"}


def _with_catalog(spec: ProjectSpec, catalog: str) -> ProjectSpec:
    return replace(spec, conf={**spec.conf, "base/catalog.yml": catalog})


PROJECTS: dict[str, Callable[[str], ProjectSpec]] = {
    "cfg": config_project,
    "soft": lambda package: config_project(package, settings=SOFT),
    "run": run_project,
    "bad_type": lambda package: _with_catalog(run_project(package), "c:\n  type: nosuch.Dataset\n"),
    "bad_argument": lambda package: _with_catalog(
        run_project(package), "c:\n  type: MemoryDataset\n  bogus: 1\n"
    ),
    "missing_type": lambda package: _with_catalog(run_project(package), "c:\n  filepath: c.csv\n"),
}


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Run every scenario against Kedro (one subprocess) and kedro-pure (this process)."""
    work = tmp_path_factory.mktemp("session_differential")
    roots: dict[str, dict[str, Path]] = {"pure": {}, "kedro": {}}
    packages: dict[str, str] = {}
    for name, build in PROJECTS.items():
        packages[name] = unique_package(f"sd_{name}")
        for flavour in FLAVOURS:
            roots[flavour][name] = write_project(
                work / flavour / name, build(packages[name]), flavour
            )

    def plan(flavour: str) -> list[dict[str, object]]:
        ops = [
            config_op(roots[flavour][project], env, runtime)
            for project, env, runtime in CONFIG_CASES.values()
        ]
        ops += [
            run_op(roots[flavour][project], packages[project], runs, **create)
            for project, create, runs in RUN_CASES.values()
        ]
        return ops

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SESSION_TEST_DB_USER", "alice")
        patch.delenv("KEDRO_ENV", raising=False)
        theirs = run_kedro_plan(plan("kedro"), work)
        ours = run_pure_plan(plan("pure"))
    labels = [*(f"config:{c}" for c in CONFIG_CASES), *(f"run:{r}" for r in RUN_CASES)]
    yield {
        "ours": dict(zip(labels, ours, strict=True)),
        "theirs": dict(zip(labels, theirs, strict=True)),
        "roots": roots,
    }


def _swap_root(value: object, root: Path, marker: str = "<root>") -> object:
    if isinstance(value, str):
        return value.replace(root.as_posix(), marker)
    if isinstance(value, list):
        return [_swap_root(v, root, marker) for v in value]
    if isinstance(value, dict):
        return {k: _swap_root(v, root, marker) for k, v in value.items()}
    return value


def _runs(both: dict[str, Any], case: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Path, Path]:
    project = RUN_CASES[case][0]
    ours, theirs = both["ours"][f"run:{case}"], both["theirs"][f"run:{case}"]
    return ours["runs"], theirs["runs"], both["roots"]["pure"][project], both["roots"]["kedro"][project]


# --- configuration -----------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CONFIG_CASES))
def test_merged_configuration_equals_kedros(both: dict[str, Any], case: str) -> None:
    ours, theirs = both["ours"][f"config:{case}"], both["theirs"][f"config:{case}"]
    # Parameters through the context: our load_params() against Kedro's context.params.
    assert ours["params"] == theirs["params"]
    assert ours["catalog"] == theirs["catalog"]
    assert ours["credentials"] == theirs["credentials"]


def test_configuration_cases_are_not_trivially_equal(both: dict[str, Any]) -> None:
    """The layering cases differ from each other, so the comparisons above can fail."""
    default = both["ours"]["config:default"]["params"]
    runtime = both["ours"]["config:runtime_params"]["params"]
    prod = both["ours"]["config:env_prod_runtime_params"]["params"]
    soft = both["ours"]["config:soft_runtime_params"]["params"]
    assert default["model"] == {"depth": 5}  # local replaces base's model (destructive)
    assert runtime["model"] == {"depth": 5, "rate": 0.5} and runtime["rt"] == "given"
    assert prod["alpha"] == 2 and prod["model"] == {"rate": 0.5}
    assert soft["model"] == {"depth": 5, "rate": 0.5, "layers": [1, 2]}
    assert both["ours"]["config:default"]["credentials"]["db"]["user"] == "alice"


# --- runs: hooks, run params, errors -----------------------------------------------------


#: Kedro's class names in messages, and ours (Kedro's catalog class is a composed subclass).
KEDRO_NAMES = {
    "kedro.io.memory_dataset.MemoryDataset": "shell.io.memory.MemoryDataset",
}


def _our_names(text: str) -> str:
    for theirs, ours in KEDRO_NAMES.items():
        text = text.replace(theirs, ours)
    return text


def _normalised_events(events: list[list[Any]]) -> list[list[Any]]:
    out = []
    for event in events:
        out.append([_our_names(e) if isinstance(e, str) else e for e in event])
    return out


@pytest.mark.parametrize("case", list(RUN_CASES))
def test_hook_sequence_equals_kedros(both: dict[str, Any], case: str) -> None:
    ours, theirs, _, _ = _runs(both, case)
    assert len(ours) == len(theirs)
    for our_run, their_run in zip(ours, theirs, strict=True):
        our_events = _normalised_events(our_run["events"])
        their_events = _normalised_events(their_run["events"])
        if case in OWN_MESSAGES:
            # Same hooks and error types; the message texts are our own.
            our_events = [e[:2] if e[0].startswith("on_") else e for e in our_events]
            their_events = [e[:2] if e[0].startswith("on_") else e for e in their_events]
        assert our_events == their_events


@pytest.mark.parametrize("case", list(RUN_CASES))
def test_run_outcome_matches_kedros(both: dict[str, Any], case: str) -> None:
    ours, theirs, _, _ = _runs(both, case)
    for our_run, their_run in zip(ours, theirs, strict=True):
        assert our_run["outputs"] == their_run["outputs"]
        assert (our_run["error"] is None) == (their_run["error"] is None)
        if their_run["error"] is None:
            continue
        (our_type, our_message), (their_type, their_message) = our_run["error"], their_run["error"]
        expected = ERROR_TYPES.get(their_type, their_type)
        assert our_type in (expected if isinstance(expected, tuple) else (expected,))
        if case.startswith("failing_node"):
            # Kedro raises the node's exception, we wrap it with the node's name.
            assert our_message == f"Node 'n_f' failed: ValueError: {their_message}"
        elif case not in OWN_MESSAGES:
            assert our_message == _our_names(their_message)


@pytest.mark.parametrize("case", list(RUN_CASES))
def test_run_params_match_kedros_key_by_key(both: dict[str, Any], case: str) -> None:
    ours, theirs, our_root, their_root = _runs(both, case)
    session_id = both["ours"][f"run:{case}"]["session_id"]
    for our_run, their_run in zip(ours, theirs, strict=True):
        assert len(our_run["run_params"]) == len(their_run["run_params"])
        for our_params, their_params in zip(our_run["run_params"], their_run["run_params"], strict=True):
            assert list(our_params) == list(their_params)
            for key in our_params:
                if key not in DIFFER_BY_NATURE:
                    assert our_params[key] == their_params[key], key
            assert our_params["run_id"] == session_id
            assert our_params["project_path"] == our_root.as_posix()
            assert their_params["project_path"] == their_root.as_posix()
            assert our_params["kedro_version"] == __version__


@pytest.mark.parametrize("case", ["plain_then_second_run", "env_prod_runtime_params", "tags"])
def test_catalog_config_given_to_after_catalog_created_equals_kedros(both: dict[str, Any], case: str) -> None:
    ours, theirs, our_root, their_root = _runs(both, case)
    our_conf: Any = _swap_root(ours[0]["conf_catalog"], our_root)
    their_conf = _swap_root(theirs[0]["conf_catalog"], their_root)
    assert our_conf == their_conf
    # A relative path nested in a dataset's config was made absolute under the project.
    assert our_conf[0]["unused"]["metadata"]["filepath"] == "<root>/data/unused.csv"


def test_failing_node_fires_on_node_error_then_on_pipeline_error(both: dict[str, Any]) -> None:
    ours, _, _, _ = _runs(both, "failing_node_then_retry")
    for run in ours:  # the retry in the same session fails the same way
        tail = [event[:2] for event in run["events"][-3:]]
        assert tail == [["before_node_run", "n_f"], ["on_node_error", "n_f"], ["on_pipeline_error", "ValueError"]]
        assert run["error"][0] == "RunError"


def test_second_run_is_refused_before_any_hook(both: dict[str, Any]) -> None:
    ours, theirs, _, _ = _runs(both, "plain_then_second_run")
    assert ours[1]["events"] == theirs[1]["events"] == []
    assert ours[1]["error"] == theirs[1]["error"]


def test_unknown_pipeline_message_is_kedros_with_suggestions(both: dict[str, Any]) -> None:
    ours, theirs, _, _ = _runs(both, "unknown_pipeline")
    assert ours[0]["error"][1] == theirs[0]["error"][1]
    assert ours[0]["error"][1].endswith("Did you mean one of these instead?\n    first")
    # No close match: the message ends with the space Kedro leaves.
    assert ours[1]["error"][1] == theirs[1]["error"][1]
    assert ours[1]["error"][1].endswith("function. ")
    # after_context_created fired before the lookup, and nothing after it.
    assert [e[0] for e in ours[0]["events"]] == ["after_context_created"]


def test_run_signature_is_kedros() -> None:
    from kedro.framework.session import KedroSession as TheirSession

    from shell.session import KedroSession

    def positional(run: Callable[..., object]) -> list[str]:
        parameters = inspect.signature(run).parameters.values()
        return [p.name for p in parameters if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]

    assert positional(KedroSession.run) == positional(TheirSession.run)
    ours = inspect.signature(KedroSession.create).parameters
    theirs = inspect.signature(TheirSession.create).parameters
    assert [n for n, p in ours.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD] == list(theirs)
