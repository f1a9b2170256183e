"""The pipeline registry: loading, selective imports, unknown names, and ``find_pipelines``."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from returns.result import Failure, Result, Success

from core.errors import KedroSessionError, SessionErrorReason
from core.namespacing import close_matches
from core.pipeline import Pipeline
from core.project import registry_entries, select_pipelines, unknown_pipeline_error
from shell.project import (
    ProjectMetadata,
    ProjectPipelines,
    bootstrap_project,
    find_pipelines,
    load_pipelines,
    load_registry,
)
from tests.unit.test_project_support import (
    SELECTIVE_REGISTRY,
    TEMPLATE_REGISTRY,
    Projects,
    pipeline_module,
    project_sandbox,
)

_RAISES_ON_IMPORT = 'raise RuntimeError("this pipeline module must not be imported")\n'


@pytest.fixture
def projects(tmp_path: Path) -> Iterator[Projects]:
    with project_sandbox(tmp_path) as made:
        yield made


def _project(
    projects: Projects,
    registry: str | None,
    pipelines: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
) -> ProjectMetadata:
    root, _ = projects.make(registry=registry, pipelines=pipelines, files=files)
    return bootstrap_project(root).unwrap()


def _error(result: Result[object, KedroSessionError]) -> KedroSessionError:
    assert isinstance(result, Failure), result
    error = result.failure()
    assert isinstance(error, KedroSessionError)
    return error


def _node_names(p: Pipeline) -> list[str]:
    return sorted(n.name for n in p.nodes)


_TWO = {"data_processing": pipeline_module("dp"), "data_science": pipeline_module("ds")}


# -- loading -----------------------------------------------------------------------------------


def test_template_registry_registers_every_pipeline_and_default(projects: Projects) -> None:
    metadata = _project(projects, TEMPLATE_REGISTRY, _TWO)
    registry = load_registry(metadata).unwrap()
    assert set(registry.names()) == {"__default__", "data_processing", "data_science"}
    default = load_pipelines(metadata).unwrap()
    assert list(default) == ["__default__"]
    assert _node_names(default["__default__"]) == ["dp_node", "ds_node"]


def test_named_pipelines_come_back_in_the_order_asked(projects: Projects) -> None:
    metadata = _project(projects, TEMPLATE_REGISTRY, _TWO)
    chosen = load_pipelines(metadata, ["data_science", "data_processing"]).unwrap()
    assert list(chosen) == ["data_science", "data_processing"]
    assert _node_names(chosen["data_science"]) == ["ds_node"]


def test_only_the_requested_pipeline_modules_are_imported(projects: Projects) -> None:
    metadata = _project(
        projects, SELECTIVE_REGISTRY, {**_TWO, "broken": _RAISES_ON_IMPORT}
    )
    chosen = load_pipelines(metadata, ["data_processing"]).unwrap()
    assert list(chosen) == ["data_processing"]
    package = metadata.package_name
    assert f"{package}.pipelines.data_processing" in sys.modules
    assert f"{package}.pipelines.data_science" not in sys.modules
    assert f"{package}.pipelines.broken" not in sys.modules


def test_loading_everything_imports_every_module(projects: Projects) -> None:
    metadata = _project(projects, SELECTIVE_REGISTRY, {**_TWO, "broken": _RAISES_ON_IMPORT})
    error = _error(load_pipelines(metadata))
    assert error.reason is SessionErrorReason.PROJECT
    assert f"An error occurred while importing the '{metadata.package_name}.pipelines.broken' module" in error.message
    assert "this pipeline module must not be imported" in error.message


def test_registry_is_called_once_per_set_of_names(projects: Projects) -> None:
    counting = """
    from shell.project import find_pipelines

    CALLS = []


    def register_pipelines(names=None):
        CALLS.append(names)
        found = find_pipelines(__package__, names=names).unwrap()
        found["__default__"] = sum(found.values())
        return found
    """
    metadata = _project(projects, counting, _TWO)
    cache = ProjectPipelines(metadata)
    assert isinstance(cache.select(["data_science"]), Success)
    assert isinstance(cache.select(["data_science"]), Success)
    calls = sys.modules[f"{metadata.package_name}.pipeline_registry"].CALLS
    assert calls == [("data_science",)]
    assert isinstance(cache.select(None), Success)
    assert calls == [("data_science",), None]
    cache.clear()
    assert isinstance(cache.select(None), Success)
    assert len(calls) == 3


# -- unknown names ---------------------------------------------------------------------------


def test_unknown_name_suggests_close_matches(projects: Projects) -> None:
    metadata = _project(projects, TEMPLATE_REGISTRY, _TWO)
    error = _error(load_pipelines(metadata, ["data_procesing"]))
    assert error.reason is SessionErrorReason.UNKNOWN_PIPELINE
    assert error.message == (
        "Failed to find the pipeline named 'data_procesing'. It needs to be generated and "
        "returned by the 'register_pipelines' function. Did you mean one of these instead?\n"
        "    data_processing"
    )


def test_selective_registry_still_suggests_from_every_pipeline(projects: Projects) -> None:
    # Asked for one unknown name, the registry loaded nothing; suggestions need all names.
    metadata = _project(projects, SELECTIVE_REGISTRY, _TWO)
    error = _error(load_pipelines(metadata, ["data_sciense"]))
    assert error.reason is SessionErrorReason.UNKNOWN_PIPELINE
    assert error.message.endswith("Did you mean one of these instead?\n    data_science")


def test_unknown_name_without_matches_keeps_kedros_trailing_space(projects: Projects) -> None:
    metadata = _project(projects, TEMPLATE_REGISTRY, _TWO)
    error = _error(load_pipelines(metadata, ["zzz"]))
    assert error.message == (
        "Failed to find the pipeline named 'zzz'. It needs to be generated and returned by "
        "the 'register_pipelines' function. "
    )


def test_first_unknown_name_is_reported(projects: Projects) -> None:
    metadata = _project(projects, TEMPLATE_REGISTRY, _TWO)
    error = _error(load_pipelines(metadata, ["data_science", "nope", "other"]))
    assert "'nope'" in error.message


@pytest.mark.differential
@pytest.mark.parametrize("name", ["data_procesing", "ds", "data", "__defualt__", "zzz", "science"])
def test_suggestions_match_kedros(name: str) -> None:
    from kedro.utils import get_close_matches

    known = ["__default__", "data_processing", "data_science", "reporting", "science_v2"]
    assert list(close_matches([name], known)) == get_close_matches(name, known)


# -- what register_pipelines returns ---------------------------------------------------------


def test_registry_values_may_be_results() -> None:
    good = Success(_pipeline("a"))
    entries = registry_entries({"a": good}).unwrap()
    assert select_pipelines(entries, ["a"]) == Success({"a": good.unwrap()})


def test_a_bad_entry_only_fails_the_run_that_asks_for_it(projects: Projects) -> None:
    registry = """
    from core.node import node
    from core.pipeline import pipeline


    def f(x):
        return x


    def register_pipelines():
        good = pipeline([node(f, "a", "b", name="n")])
        clash = pipeline([node(f, "a", "b", name="m"), node(f, "c", "d", name="m")])
        return {"__default__": good, "good": good, "clash": clash, "junk": 42}
    """
    metadata = _project(projects, registry)
    assert list(load_pipelines(metadata, ["good"]).unwrap()) == ["good"]
    clash = _error(load_pipelines(metadata, ["clash"]))
    assert clash.reason is SessionErrorReason.PROJECT
    assert clash.message.startswith("The pipeline 'clash' could not be built: ")
    junk = _error(load_pipelines(metadata, ["junk"]))
    assert junk.message == (
        "The value registered for the pipeline 'junk' by 'register_pipelines' is a 'int', "
        "not a 'Pipeline'."
    )


def test_registry_must_return_a_mapping(projects: Projects) -> None:
    metadata = _project(projects, "def register_pipelines():\n    return [1, 2]\n")
    error = _error(load_registry(metadata))
    assert error.message == (
        "'register_pipelines' must return a mapping from pipeline names to pipelines, got 'list'."
    )


def test_missing_registry_module_says_what_to_create(projects: Projects) -> None:
    metadata = _project(projects, None)
    error = _error(load_registry(metadata))
    assert error.reason is SessionErrorReason.PROJECT
    assert "pipeline_registry.py' with a 'register_pipelines()' function" in error.message


def test_registry_without_the_function(projects: Projects) -> None:
    metadata = _project(projects, "PIPELINES = {}\n")
    assert "has no 'register_pipelines' function" in _error(load_registry(metadata)).message


def test_registry_that_raises_points_at_the_line(projects: Projects) -> None:
    metadata = _project(projects, "def register_pipelines():\n    return {}['missing']\n")
    error = _error(load_registry(metadata))
    registry_file = metadata.source_dir / metadata.package_name / "pipeline_registry.py"
    assert error.message.startswith(f"'register_pipelines' raised '{registry_file}', line 2: KeyError")
    assert isinstance(error.__cause__, KeyError)


def test_unwrapped_find_pipelines_failure_is_reported_as_is(projects: Projects) -> None:
    metadata = _project(projects, TEMPLATE_REGISTRY, {**_TWO, "broken": _RAISES_ON_IMPORT})
    error = _error(load_registry(metadata))
    assert error.message.startswith(
        f"An error occurred while importing the '{metadata.package_name}.pipelines.broken' module"
    )


def test_registry_import_error_is_reported(projects: Projects) -> None:
    metadata = _project(projects, "import kp_not_a_module_anywhere\n")
    error = _error(load_registry(metadata))
    assert "No module named 'kp_not_a_module_anywhere'" in error.message
    assert "pipeline_registry.py', line 1" in error.message


# -- find_pipelines ----------------------------------------------------------------------------


def test_find_pipelines_without_pipelines_package(projects: Projects) -> None:
    metadata = _project(projects, None)
    found = find_pipelines(metadata.package_name).unwrap()
    assert list(found) == ["__default__"]
    assert len(found["__default__"]) == 0
    assert find_pipelines(metadata.package_name, names=["x"]) == Success({})


def test_find_pipelines_uses_the_simplified_layout_for_default(projects: Projects) -> None:
    metadata = _project(projects, None, files={"src/{pkg}/pipeline.py": pipeline_module("solo")})
    found = find_pipelines(metadata.package_name).unwrap()
    assert _node_names(found["__default__"]) == ["solo_node"]


def test_find_pipelines_skips_hidden_cache_and_plain_files(projects: Projects) -> None:
    metadata = _project(
        projects,
        None,
        {"a": pipeline_module("a")},
        files={
            "src/{pkg}/pipelines/.hidden/__init__.py": _RAISES_ON_IMPORT,
            "src/{pkg}/pipelines/__pycache__/x.txt": "",
            "src/{pkg}/pipelines/helpers.py": _RAISES_ON_IMPORT,
        },
    )
    assert set(find_pipelines(metadata.package_name, raise_errors=True).unwrap()) == {"__default__", "a"}


def test_find_pipelines_warns_and_skips_without_raise_errors(projects: Projects) -> None:
    metadata = _project(
        projects,
        None,
        {
            "a": pipeline_module("a"),
            "no_create": "X = 1\n",
            "wrong_type": "def create_pipeline():\n    return 3\n",
            "broken": _RAISES_ON_IMPORT,
        },
    )
    with pytest.warns(UserWarning) as caught:
        found = find_pipelines(metadata.package_name).unwrap()
    assert set(found) == {"__default__", "a"}
    messages = [str(w.message) for w in caught]
    package = metadata.package_name
    assert any(
        m.startswith(f"An error occurred while importing the '{package}.pipelines.broken' module. Nothing")
        and "this pipeline module must not be imported" in m
        for m in messages
    )
    assert f"The '{package}.pipelines.no_create' module does not expose a 'create_pipeline' function, so no pipelines defined therein will be returned by 'find_pipelines'." in messages
    assert (
        f"Expected the 'create_pipeline' function in the '{package}.pipelines.wrong_type' module to "
        "return a 'Pipeline' object, got 'int' instead. Nothing defined therein will be returned by "
        "'find_pipelines'."
    ) in messages


def test_find_pipelines_raise_errors_fails_on_missing_create_pipeline(projects: Projects) -> None:
    metadata = _project(projects, None, {"no_create": "X = 1\n"})
    error = _error(find_pipelines(metadata.package_name, raise_errors=True))
    assert error.reason is SessionErrorReason.PROJECT
    assert "does not expose a 'create_pipeline' function" in error.message


def test_create_pipeline_failure_is_always_reported(projects: Projects) -> None:
    clash = """
    from core.node import node
    from core.pipeline import pipeline


    def f(x):
        return x


    def create_pipeline():
        return pipeline([node(f, "a", "b", name="m"), node(f, "c", "d", name="m")])
    """
    metadata = _project(projects, None, {"clash": clash})
    error = _error(find_pipelines(metadata.package_name))
    assert error.message.startswith(
        f"'create_pipeline' of the '{metadata.package_name}.pipelines.clash' module failed: "
    )


def test_requested_name_without_module_is_not_an_error(projects: Projects) -> None:
    metadata = _project(projects, None, _TWO)
    found = find_pipelines(metadata.package_name, names=["data_science", "composed"], raise_errors=True)
    assert set(found.unwrap()) == {"data_science"}


def test_default_among_names_loads_everything(projects: Projects) -> None:
    metadata = _project(projects, None, _TWO)
    found = find_pipelines(metadata.package_name, names=["__default__"]).unwrap()
    assert set(found) == {"__default__", "data_processing", "data_science"}


def _pipeline(prefix: str) -> Pipeline:
    from core.node import node
    from core.pipeline import pipeline

    return pipeline([node(str, f"{prefix}_in", f"{prefix}_out", name=f"{prefix}_node")]).unwrap()


def test_unknown_pipeline_error_is_pure() -> None:
    assert unknown_pipeline_error("a", ["b"]) == unknown_pipeline_error("a", ["c"])


def test_a_kedro_pipeline_in_the_registry_is_explained() -> None:
    # Only the type's module matters; a stand-in avoids importing Kedro into this process.
    stand_in = type("Pipeline", (), {"__module__": "kedro.pipeline.pipeline"})()
    entries = registry_entries({"__default__": stand_in}).unwrap()
    error = select_pipelines(entries, ["__default__"]).failure()
    assert "It is a Kedro pipeline: build it with kedro-pure's 'core.node.node'" in error.message
