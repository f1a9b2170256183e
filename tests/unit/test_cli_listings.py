"""``registry``, ``catalog``, ``sessions`` and ``plan`` through the real console script.

Every ``--json`` output is parsed back with ``json.loads`` and checked field by field. The
project had only its ``prep`` pipeline run (``raw.pkl`` and ``clean.json`` exist), so
``plan --only-missing-outputs`` has every kind of reason to give. None of these commands
writes data, so they all run concurrently once (:data:`CALLS`), then each test reads its
results.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.cli_projects import Done, data_files, kedro_pure, kedro_pure_all, write_cli_project

#: A pattern for the namespaced outputs, so the catalog listings show a pattern's entry.
PATTERN_CATALOG = """\
"{ns}.scaled":
  type: MemoryDataset
  copy_mode: assign
  metadata:
    owner: "{ns}"
"""

#: Every command line the tests read (``SESSION`` is replaced by the fixture's session id).
CALLS: tuple[tuple[str, ...], ...] = (
    ("registry", "list", "--json"),
    ("registry", "list"),
    ("registry", "describe", "scaling", "--json"),
    ("registry", "describe", "--json"),
    ("registry", "describe", "nope", "--json"),
    ("catalog", "list", "--json"),
    ("catalog", "list", "--pipelines", "prep", "--json"),
    ("catalog", "list"),
    ("catalog", "resolve", "--json"),
    ("catalog", "resolve", "--pipelines", "scaling"),
    ("sessions", "list", "--json"),
    ("sessions", "list"),
    ("sessions", "show", "SESSION", "--json"),
    ("sessions", "show", "SESSION"),
    ("sessions", "show", "no-such-session"),
    ("plan",),
    ("plan", "--format", "json"),
    ("plan", "--pipelines", "prep,modelling", "--format", "mermaid"),
    ("plan", "--pipelines", "prep,modelling", "--format", "dot"),
    ("plan", "--pipelines", "prep,scaling,report", "--only-missing-outputs"),
    ("plan", "--pipelines", "prep,scaling,report", "--only-missing-outputs", "--format", "json"),
    ("plan", "--pipelines", "prep,scaling,report", "--only-missing-outputs", "--format", "mermaid"),
    ("plan", "--pipelines", "prep,scaling,report", "--only-missing-outputs", "--format", "dot"),
    ("plan", "--tags", "model", "--params", "model.factor=2", "--format", "json"),
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The project, after one run of ``prep``; and that run's session id."""
    root = write_cli_project(
        tmp_path_factory.mktemp("cli_listings") / "project", conf={"base/catalog_patterns.yml": PATTERN_CATALOG}
    )
    done = kedro_pure("run", "--pipelines", "prep", "--json", cwd=root)
    assert done.code == 0, done
    summary = done.json()
    assert isinstance(summary, dict)
    return root, str(summary["session_id"])


@pytest.fixture(scope="module")
def results(project: tuple[Path, str]) -> dict[tuple[str, ...], Done]:
    """Every command line of :data:`CALLS`, run once."""
    root, session_id = project
    before = data_files(root)
    calls = [tuple(session_id if arg == "SESSION" else arg for arg in call) for call in CALLS]
    done = kedro_pure_all(calls, cwd=root)
    # Listing and planning never write data.
    assert data_files(root) == before
    return dict(zip(CALLS, done, strict=True))


def _ok(results: dict[tuple[str, ...], Done], *args: str) -> Done:
    done = results[args]
    assert done.code == 0, done
    assert "Traceback" not in done.stderr
    return done


def _json(results: dict[tuple[str, ...], Done], *args: str) -> object:
    return json.loads(_ok(results, *args).stdout)


# --- registry -------------------------------------------------------------------------------


def test_registry_list_gives_every_pipeline_with_its_size(results: dict[tuple[str, ...], Done]) -> None:
    listed = _json(results, "registry", "list", "--json")
    table = _ok(results, "registry", "list").stdout

    assert listed == [
        {"name": "__default__", "nodes": 10},
        {"name": "modelling", "nodes": 2},
        {"name": "params", "nodes": 1},
        {"name": "prep", "nodes": 2},
        {"name": "report", "nodes": 2},
        {"name": "scaling", "nodes": 3},
    ]
    assert isinstance(listed, list)
    for row in listed:
        assert row["name"] in table


def test_registry_describe_gives_nodes_groups_inputs_and_outputs(
    results: dict[tuple[str, ...], Done],
) -> None:
    described = _json(results, "registry", "describe", "scaling", "--json")
    default = _json(results, "registry", "describe", "--json")

    assert described == {
        "name": "scaling",
        "nodes": [
            {"name": "alpha.scale", "inputs": ["clean", "params:alpha.k"], "outputs": ["alpha.scaled"],
             "tags": ["scale"], "namespace": "alpha"},
            {"name": "beta.scale", "inputs": ["clean", "params:beta.k"], "outputs": ["beta.scaled"],
             "tags": ["scale"], "namespace": "beta"},
            {"name": "join", "inputs": ["alpha.scaled", "beta.scaled"], "outputs": ["joined"],
             "tags": ["scale"], "namespace": None},
        ],
        "groups": [["alpha.scale", "beta.scale"], ["join"]],
        "inputs": ["clean", "params:alpha.k", "params:beta.k"],
        "outputs": ["joined"],
    }
    assert isinstance(default, dict)
    assert default["name"] == "__default__"
    assert len(default["nodes"]) == 10
    assert default["groups"][0] == ["make_raw", "record_params"]


def test_registry_describe_of_an_unknown_pipeline_exits_4(results: dict[tuple[str, ...], Done]) -> None:
    done = results["registry", "describe", "nope", "--json"]

    assert done.code == 4, done
    error = json.loads(done.stdout)
    assert (error["status"], error["exit_code"], error["reason"]) == ("error", 4, "unknown_pipeline")
    assert "Failed to find the pipeline named 'nope'" in error["message"]


# --- catalog --------------------------------------------------------------------------------


def test_catalog_list_says_where_each_definition_comes_from(results: dict[tuple[str, ...], Done]) -> None:
    rows = _json(results, "catalog", "list", "--json")
    prep_rows = _json(results, "catalog", "list", "--pipelines", "prep", "--json")
    table = _ok(results, "catalog", "list").stdout

    assert isinstance(rows, list)
    by_name = {row["name"]: row for row in rows}
    assert by_name["raw"] == {"name": "raw", "source": "explicit", "type": "pickle.PickleDataset"}
    assert by_name["model"] == {"name": "model", "source": "explicit", "type": "pickle.PickleDataset"}
    assert by_name["alpha.scaled"] == {"name": "alpha.scaled", "source": "pattern {ns}.scaled", "type": "MemoryDataset"}
    assert by_name["params:seed"] == {"name": "params:seed", "source": "parameters", "type": "MemoryDataset"}
    assert by_name["parameters"]["source"] == "parameters"
    assert [row["name"] for row in rows] == sorted(by_name)
    assert set(by_name) == {
        "raw", "clean", "alpha.scaled", "beta.scaled", "joined", "rested", "summary", "model", "score",
        "seen_params", "parameters", "params:seed", "params:alpha.k", "params:beta.k", "params:model.factor",
    }
    assert prep_rows == [
        {"name": "clean", "source": "explicit", "type": "json.JSONDataset"},
        {"name": "params:seed", "source": "parameters", "type": "MemoryDataset"},
        {"name": "raw", "source": "explicit", "type": "pickle.PickleDataset"},
    ]
    assert "pickle.PickleDataset" in table
    assert "pattern {ns}.scaled" in table


def test_catalog_resolve_fills_in_patterns(
    results: dict[tuple[str, ...], Done], project: tuple[Path, str]
) -> None:
    root, _ = project
    resolved = _json(results, "catalog", "resolve", "--json")
    text = _ok(results, "catalog", "resolve", "--pipelines", "scaling").stdout

    assert isinstance(resolved, dict)
    # Local relative paths are made absolute under the project, as Kedro's context does.
    assert resolved["model"] == {
        "type": "pickle.PickleDataset", "filepath": (root / "data" / "model.pkl").as_posix(), "versioned": True
    }
    assert resolved["beta.scaled"] == {"type": "MemoryDataset", "copy_mode": "assign", "metadata": {"owner": "beta"}}
    assert "params:seed" not in resolved
    assert "owner: alpha" in text
    assert "joined:" in text


# --- sessions -------------------------------------------------------------------------------


def test_sessions_list_shows_the_run_and_its_outcome(
    results: dict[tuple[str, ...], Done], project: tuple[Path, str]
) -> None:
    _, session_id = project
    listed = _json(results, "sessions", "list", "--json")
    table = _ok(results, "sessions", "list").stdout

    assert isinstance(listed, list)
    ours = [s for s in listed if s["session_id"] == session_id]
    assert len(ours) == 1
    assert ours[0]["env"] is None
    assert [run["outcome"] for run in ours[0]["runs"]] == ["success"]
    assert session_id in table
    assert "success" in table


def test_sessions_show_gives_the_runs_parameters(
    results: dict[tuple[str, ...], Done], project: tuple[Path, str]
) -> None:
    root, session_id = project
    shown = _json(results, "sessions", "show", "SESSION", "--json")
    text = _ok(results, "sessions", "show", "SESSION").stdout

    assert isinstance(shown, dict)
    assert shown["session_id"] == session_id
    assert shown["project_path"] == str(root)
    assert shown["cli"]["command_path"] == "kedro-pure run --pipelines prep --json"
    assert shown["cli"]["params"]["pipelines"] == "prep"
    (run,) = shown["runs"]
    assert run["outcome"] == "success"
    assert run["error"] is None
    assert run["parameters"]["pipeline_names"] == ["prep"]
    assert run["parameters"]["runner"] == "SequentialRunner(is_async=False)"
    assert f"session_id: {session_id}" in text


def test_sessions_show_of_an_unknown_session_names_it(results: dict[tuple[str, ...], Done]) -> None:
    done = results["sessions", "show", "no-such-session"]

    assert done.code == 3, done
    assert "no session 'no-such-session'" in done.stderr
    assert "kedro-pure sessions list" in done.stderr
    assert "Traceback" not in done.stderr


# --- plan -----------------------------------------------------------------------------------


def test_plan_text_lists_the_groups_in_order(results: dict[tuple[str, ...], Done]) -> None:
    text = _ok(results, "plan").stdout

    assert text.splitlines() == [
        "10 of 10 node(s) would run, in 4 group(s):",
        "  group 1: make_raw, record_params",
        "  group 2: clean",
        "  group 3: alpha.scale, beta.scale, fit, nap",
        "  group 4: join, score, summarise",
    ]


def test_plan_json_has_the_same_groups_and_every_node(results: dict[tuple[str, ...], Done]) -> None:
    plan = _json(results, "plan", "--format", "json")
    described = _json(results, "registry", "describe", "--json")

    assert isinstance(plan, dict)
    assert isinstance(described, dict)
    assert plan["groups"] == described["groups"]
    assert [n["name"] for n in plan["nodes"]] == [n["name"] for n in described["nodes"]]
    assert all(n["runs"] and n["reason"] == "selected" for n in plan["nodes"])
    assert plan["inputs"] == ["parameters", "params:alpha.k", "params:beta.k", "params:model.factor", "params:seed"]
    assert plan["outputs"] == ["joined", "score", "seen_params", "summary"]


def test_plan_takes_the_selection_options_of_run(results: dict[tuple[str, ...], Done]) -> None:
    plan = _json(results, "plan", "--tags", "model", "--params", "model.factor=2", "--format", "json")

    assert isinstance(plan, dict)
    assert plan["groups"] == [["fit"], ["score"]]


def test_plan_mermaid_and_dot_draw_the_nodes_and_edges(results: dict[tuple[str, ...], Done]) -> None:
    mermaid = _ok(results, "plan", "--pipelines", "prep,modelling", "--format", "mermaid").stdout.splitlines()
    dot = _ok(results, "plan", "--pipelines", "prep,modelling", "--format", "dot").stdout.splitlines()

    assert mermaid[0] == "flowchart TD"
    ids = {line.split('["')[1].split('"]')[0]: line.split("[")[0].strip() for line in mermaid if '["' in line}
    assert set(ids) == {"make_raw", "clean", "fit", "score"}
    edges = {line.strip() for line in mermaid if "-->" in line}
    assert edges == {
        f"{ids['make_raw']} --> {ids['clean']}",
        f"{ids['clean']} --> {ids['fit']}",
        f"{ids['fit']} --> {ids['score']}",
    }
    assert all(":::run" in line for line in mermaid if '["' in line)
    assert dot[0] == "digraph plan {"
    assert dot[-1] == "}"
    assert sum("->" in line for line in dot) == 3
    assert sum('\\nselected", fillcolor="#d4f7d4"' in line for line in dot) == 4


def test_plan_with_only_missing_outputs_gives_each_nodes_reason(results: dict[tuple[str, ...], Done]) -> None:
    args = ("plan", "--pipelines", "prep,scaling,report", "--only-missing-outputs")
    plan = _json(results, *args, "--format", "json")
    text = _ok(results, *args).stdout.splitlines()
    mermaid = _ok(results, *args, "--format", "mermaid").stdout
    dot = _ok(results, *args, "--format", "dot").stdout

    assert isinstance(plan, dict)
    reasons = {n["name"]: (n["runs"], n["reason"]) for n in plan["nodes"]}
    assert reasons == {
        "make_raw": (False, "outputs_exist"),
        "clean": (False, "outputs_exist"),
        # Memory outputs cannot have been kept: a running child needs them produced again.
        "alpha.scale": (True, "needed_by_child"),
        "beta.scale": (True, "needed_by_child"),
        "join": (True, "missing_output"),
        "nap": (True, "missing_output"),
        "summarise": (True, "missing_output"),
    }
    assert plan["groups"] == [["alpha.scale", "beta.scale", "nap"], ["join", "summarise"]]
    assert text[0] == "5 of 7 node(s) would run, in 2 group(s):"
    assert "Why:" in text
    assert "  make_raw: skipped (outputs exist)" in text
    assert "  alpha.scale: runs (needed by child)" in text
    assert "  join: runs (missing output)" in text
    assert '["make_raw"]:::skip' in mermaid
    assert '["join"]:::run' in mermaid
    assert 'label="clean\\noutputs_exist", fillcolor="#eeeeee"' in dot
    assert 'label="nap\\nmissing_output", fillcolor="#d4f7d4"' in dot
