"""``get_project_snapshot`` against Kedro 1.7.0's ``kedro.inspection`` on the same projects.

Generated projects are written twice from one description (``tests.unit.project_factory``):
a kedro-pure flavour and a Kedro flavour. The example project (``examples/spaceflights``) is a
kedro-pure project; in the Kedro process its registered pipelines are rebuilt node by node with
``kedro.pipeline`` (same functions, names, tags, namespaces) and handed to Kedro's pipeline
registry, so Kedro's snapshot code reads the same project. Each side runs in a subprocess of
its own (Kedro's settings and pipeline registry are process globals; the example project's
package must be imported from the folder being inspected).

Compared: ``dataclasses.asdict`` of Kedro's snapshot with ``model_dump(mode="json")`` of ours,
the whole value (metadata, pipelines with nodes in order and source spans, datasets resolved
through factory patterns with redacted file paths, parameter keys).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.unit.project_factory import (
    FUNCTIONS,
    NodeSpec,
    ProjectSpec,
    config_project,
    run_project,
    unique_package,
    write_project,
)

pytestmark = pytest.mark.differential

REPO = Path(__file__).resolve().parents[2]

KEDRO_SIDE = r'''
import dataclasses, json, sys
from pathlib import Path

from kedro.framework.project import pipelines
from kedro.framework.startup import bootstrap_project
from kedro.inspection import get_project_snapshot


def rebuilt(root):
    """The kedro-pure project's pipelines, rebuilt with kedro.pipeline."""
    from kedro.pipeline import node, pipeline
    from shell.project import bootstrap_project as pure_bootstrap, load_registry

    registry = load_registry(pure_bootstrap(root).unwrap()).unwrap()
    converted = {}
    for name, entry in registry.entries.items():
        nodes = [
            node(n.func, n.declared_inputs, n.declared_outputs, name=n.explicit_name,
                 tags=sorted(n.tags), namespace=n.namespace)
            for n in entry.unwrap().nodes
        ]
        converted[name] = pipeline(nodes)
    return converted


results = []
for job in json.loads(Path(sys.argv[1]).read_text()):
    root = Path(job["root"])
    metadata = bootstrap_project(root)
    if job["rebuild"]:
        pipelines._content = rebuilt(root)
        pipelines._is_data_loaded = True
    try:
        snapshot = get_project_snapshot(metadata=metadata, env=job["env"], runtime_params=job["runtime_params"])
        results.append({"snapshot": dataclasses.asdict(snapshot)})
    except Exception as exc:
        results.append({"error": [type(exc).__name__, str(exc)]})
Path(sys.argv[2]).write_text(json.dumps(results))
'''

PURE_SIDE = r'''
import json, sys
from pathlib import Path

from shell.inspection import get_project_snapshot

results = []
for job in json.loads(Path(sys.argv[1]).read_text()):
    taken = get_project_snapshot(job["root"], env=job["env"], runtime_params=job["runtime_params"])
    try:
        results.append({"snapshot": taken.unwrap().model_dump(mode="json")})
    except Exception:
        error = taken.failure()
        results.append({"error": [type(error).__name__, error.message]})
Path(sys.argv[2]).write_text(json.dumps(results))
'''


def _run_side(script: str, jobs: Sequence[Mapping[str, object]], work: Path, label: str) -> list[dict[str, object]]:
    source, jobs_file, out = work / f"{label}_side.py", work / f"{label}_jobs.json", work / f"{label}_out.json"
    source.write_text(script)
    jobs_file.write_text(json.dumps(list(jobs)))
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1"}
    env.pop("KEDRO_ENV", None)
    done = subprocess.run(
        [sys.executable, str(source), str(jobs_file), str(out)],
        cwd=work, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"{label} side failed:\n{done.stderr[-4000:]}")
    results: list[dict[str, object]] = json.loads(out.read_text())
    return results


# --- generated projects ------------------------------------------------------------------

GENERATED_FUNCTIONS = FUNCTIONS + '''

def wrapped(x):
    """A decorated function: its source span is the definition's own."""
    return x

passthrough = lambda x: x  # noqa: E731
'''


def generated_project(seed: int) -> ProjectSpec:
    """A random project: chains of nodes across namespaces and pipelines, factory patterns,
    URL file paths with credentials, and parameters."""
    rng = random.Random(seed)
    namespaces = [None, "ns", "ns.inner", "other"]
    nodes: list[NodeSpec] = []
    available = ["raw_csv", "params:alpha"]
    for i in range(rng.randint(4, 12)):
        namespace = rng.choice(namespaces)
        func = rng.choice(["double", "wrapped", "passthrough", "add"])
        prefix = f"{namespace}." if namespace else ""
        if func == "add":
            inputs: str | list[str] = rng.sample(available, 2) if len(available) > 1 else [available[0]] * 2
            if inputs[0] == inputs[1]:
                func = "double"
                inputs = inputs[0]
        else:
            inputs = rng.choice(available)
        output = f"{prefix}d{i}" + rng.choice(["", "_csv", "@pandas"])
        nodes.append(
            NodeSpec(func, inputs, output, f"n{i}", tags=tuple(rng.sample(["a", "b", "c"], rng.randint(0, 2))))
        )
        available.append(output)
    names = [n.full_name for n in nodes]
    half = rng.randint(1, len(names))
    catalog = """\
        raw_csv:
          type: pandas.CSVDataset
          filepath: s3://key:secret@bucket/raw.csv?token=abc
        "{name}_csv":
          type: pandas.CSVDataset
          filepath: data/{name}.csv
        "{namespace}.{name}":
          type: pickle.PickleDataset
          filepath: https://user:pw@host/{namespace}/{name}.pkl#frag
        _anchor:
          type: text.TextDataset
"""
    if seed % 2:
        catalog += """\
        "{default}":
          type: json.JSONDataset
          filepath: data/any/{default}.json
"""
    return ProjectSpec(
        package=unique_package(f"inspect{seed}"),
        functions=GENERATED_FUNCTIONS,
        nodes=tuple(nodes),
        pipelines={"first": tuple(names[:half]), "rest": tuple(names[half:])},
        conf={
            "base/catalog.yml": catalog,
            "base/parameters.yml": "alpha: 1\nbeta:\n  gamma: 2\n",
            "local/parameters.yml": "delta: 3\n",
        },
        hooks=False,
    )


def _job(root: Path, env: str | None = None, runtime_params: Mapping[str, object] | None = None, *, rebuild: bool = False) -> dict[str, object]:
    return {"root": str(root), "env": env, "runtime_params": dict(runtime_params or {}), "rebuild": rebuild}


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict[str, object], dict[str, object]]]:
    work = tmp_path_factory.mktemp("inspection")
    pure_jobs: list[dict[str, object]] = []
    kedro_jobs: list[dict[str, object]] = []
    labels: list[str] = []

    def both(label: str, spec: ProjectSpec, env: str | None = None, runtime: Mapping[str, object] | None = None) -> None:
        pure_root = write_project(work / f"{label}_pure", spec, "pure")
        kedro_root = write_project(work / f"{label}_kedro", spec, "kedro")
        labels.append(label)
        pure_jobs.append(_job(pure_root, env, runtime))
        kedro_jobs.append(_job(kedro_root, env, runtime))

    for seed in range(6):
        both(f"generated{seed}", generated_project(seed))
    both("run_project", run_project(unique_package("inspectrun")))
    both("run_project_prod", run_project(unique_package("inspectprod")), env="prod")
    both("config_runtime", config_project(unique_package("inspectcfg")), runtime={"rt_key": 5, "out_dir": "o"})
    example = shutil.copytree(REPO / "examples" / "spaceflights", work / "spaceflights")
    # Kedro requires kedro_init_version and rejects keys it does not know.
    pyproject = example / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('kedro_pure_version = "0.1.0"', 'kedro_init_version = "1.7.0"'))
    labels.append("example_spaceflights")
    pure_jobs.append(_job(example))
    kedro_jobs.append(_job(example, rebuild=True))
    pure = _run_side(PURE_SIDE, pure_jobs, work, "pure")
    kedro = _run_side(KEDRO_SIDE, kedro_jobs, work, "kedro")
    return list(zip(labels, pure, kedro, strict=True))


CASES = [f"generated{seed}" for seed in range(6)] + ["run_project", "run_project_prod", "config_runtime", "example_spaceflights"]


@pytest.mark.slow
@pytest.mark.parametrize("label", CASES)
def test_snapshot_matches_kedro(compared: list[tuple[str, dict[str, object], dict[str, object]]], label: str) -> None:
    pure, kedro = next((p, k) for name, p, k in compared if name == label)
    assert "error" not in kedro, kedro
    assert "error" not in pure, pure
    assert pure["snapshot"] == kedro["snapshot"]


def test_generated_projects_exercise_patterns_and_redaction(
    compared: list[tuple[str, dict[str, object], dict[str, object]]],
) -> None:
    """The comparison is not vacuous: pattern-resolved datasets, redacted URLs, sources."""
    snapshots: list[Any] = [p["snapshot"] for name, p, _ in compared if name.startswith("generated")]
    datasets = [d for s in snapshots for d in s["datasets"].values()]
    assert any(d["filepath"] and "{" not in d["filepath"] and d["type"] == "pandas.CSVDataset" and d["name"] != "raw_csv" for d in datasets)
    assert any(d["filepath"] == "s3://<redacted>@bucket/raw.csv?<redacted>" for d in datasets)
    assert not any("secret" in json.dumps(s) or "pw@" in json.dumps(s) for s in snapshots)
    sources = [n["source"] for s in snapshots for p in s["pipelines"] for n in p["nodes"]]
    assert None in sources and any(src is not None for src in sources)
