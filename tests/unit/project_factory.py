"""Real temporary projects for the session tests, in two flavours from one description.

A :class:`ProjectSpec` describes a project once: its node functions, its nodes, which
registered pipelines hold which nodes, its ``conf/`` files and extra ``settings.py`` lines.
:func:`write_project` writes it either for kedro-pure (``flavour="pure"``: the registry builds
the pipelines with :func:`core.node.node` and :func:`core.pipeline.pipeline`) or for Kedro 1.7.0
(``flavour="kedro"``: the same registry with ``kedro.pipeline``'s ``node``/``pipeline``). Both
flavours register the same recording hook class (decorated with Kedro's ``hook_impl``, which our
manager accepts unchanged) through ``settings.HOOKS``.

Differential checks run a *plan* of operations (:func:`config_op`, :func:`run_op`) twice: in
this process against kedro-pure (:func:`run_pure_plan`) and in a subprocess against Kedro
(:func:`run_kedro_plan`; Kedro's settings and pipeline registry are process globals, so it gets
a process of its own, as in ``tests/unit/test_run_record.py``). Both return the same JSON shape.

Package names must be unique within one process (``settings.py`` and the registry stay in
``sys.modules``): :func:`unique_package` makes them.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Flavour = Literal["pure", "kedro"]

#: The telemetry plugin installed next to Kedro is not part of what we compare.
_NO_TELEMETRY = 'DISABLE_HOOKS_FOR_PLUGINS = ("kedro-telemetry",)\n'


def unique_package(prefix: str) -> str:
    """A package name no other project of this process uses."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@dataclass(frozen=True)
class NodeSpec:
    """One node: ``func`` is the name of a function in the project's ``nodes.py``."""

    func: str
    inputs: str | Sequence[str] | Mapping[str, str] | None
    outputs: str | Sequence[str] | Mapping[str, str] | None
    name: str
    tags: tuple[str, ...] = ()
    namespace: str | None = None

    @property
    def full_name(self) -> str:
        """The node's name once its namespace is applied."""
        return f"{self.namespace}.{self.name}" if self.namespace else self.name


@dataclass(frozen=True)
class ProjectSpec:
    """A project, independent of flavour.

    Attributes:
        package: The package name.
        functions: Source of ``nodes.py``.
        nodes: The nodes.
        pipelines: Registered name -> the node names (``full_name``) it holds. ``__default__``
            (all nodes) is added unless given.
        conf: ``conf/``-relative path -> file text. Environment folders listed in
            ``env_dirs`` are created even when empty.
        settings: Extra ``settings.py`` lines (after ``HOOKS``).
        hooks: Register the recording hook.
        env_dirs: Environment folders to create under ``conf/``.
    """

    package: str
    functions: str
    nodes: tuple[NodeSpec, ...]
    pipelines: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    conf: Mapping[str, str] = field(default_factory=dict)
    settings: str = ""
    hooks: bool = True
    env_dirs: tuple[str, ...] = ("base", "local")


# --- the recording hook (same text in both flavours) -------------------------------------

RECORDER = '''
"""Records every hook call as (hook name, key arguments), JSON-friendly."""
import copy

from kedro.framework.hooks import hook_impl

EVENTS = []
RUN_PARAMS = []
CONF_CATALOG = []


def _data(value):
    return value if isinstance(value, (int, float, str, bool, type(None))) else type(value).__name__


def _nodes(pipeline):
    return sorted(n.name for n in pipeline.nodes)


def _error(error):
    return [type(error).__name__, str(error)]


class Recorder:
    @hook_impl
    def after_context_created(self, context):
        EVENTS.append(["after_context_created", context.env])

    @hook_impl
    def after_catalog_created(self, catalog, conf_catalog, conf_creds, parameters, save_version, load_versions):
        CONF_CATALOG.append(copy.deepcopy(conf_catalog))
        EVENTS.append(["after_catalog_created", sorted(conf_catalog), sorted(conf_creds),
                       sorted(parameters), save_version is not None, load_versions])

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog):
        RUN_PARAMS.append(dict(run_params))
        EVENTS.append(["before_pipeline_run", _nodes(pipeline)])

    @hook_impl
    def after_pipeline_run(self, run_params, run_result, pipeline, catalog):
        EVENTS.append(["after_pipeline_run", sorted(run_result), _nodes(pipeline)])

    @hook_impl
    def on_pipeline_error(self, error, run_params, pipeline, catalog):
        EVENTS.append(["on_pipeline_error", *_error(error), _nodes(pipeline)])

    @hook_impl
    def before_node_run(self, node, catalog, inputs, is_async, run_id):
        EVENTS.append(["before_node_run", node.name, sorted(inputs), is_async])

    @hook_impl
    def after_node_run(self, node, catalog, inputs, outputs, is_async, run_id):
        EVENTS.append(["after_node_run", node.name, sorted(outputs), is_async])

    @hook_impl
    def on_node_error(self, error, node, catalog, inputs, is_async, run_id):
        EVENTS.append(["on_node_error", node.name, *_error(error)])

    @hook_impl
    def before_dataset_loaded(self, dataset_name, node):
        EVENTS.append(["before_dataset_loaded", dataset_name, node.name])

    @hook_impl
    def after_dataset_loaded(self, dataset_name, data, node):
        EVENTS.append(["after_dataset_loaded", dataset_name, _data(data), node.name])

    @hook_impl
    def before_dataset_saved(self, dataset_name, data, node):
        EVENTS.append(["before_dataset_saved", dataset_name, _data(data), node.name])

    @hook_impl
    def after_dataset_saved(self, dataset_name, data, node):
        EVENTS.append(["after_dataset_saved", dataset_name, _data(data), node.name])


def take():
    """Everything recorded so far, and forget it."""
    taken = {"events": list(EVENTS), "run_params": list(RUN_PARAMS), "conf_catalog": list(CONF_CATALOG)}
    EVENTS.clear(); RUN_PARAMS.clear(); CONF_CATALOG.clear()
    return taken
'''


def _registry(spec: ProjectSpec, flavour: Flavour) -> str:
    source = (
        "from kedro.pipeline import node, pipeline\n"
        if flavour == "kedro"
        else "from core.node import node\nfrom core.pipeline import pipeline\n"
    )
    source += f"from {spec.package} import nodes as _functions\n\n"
    source += "NODES = {}\n"
    for n in spec.nodes:
        source += (
            f"NODES[{n.full_name!r}] = node(_functions.{n.func}, {n.inputs!r}, {n.outputs!r}, "
            f"name={n.name!r}, tags={list(n.tags)!r}, namespace={n.namespace!r})\n"
        )
    pipelines = dict(spec.pipelines)
    pipelines.setdefault("__default__", tuple(n.full_name for n in spec.nodes))
    source += "\n\ndef register_pipelines():\n    return {\n"
    for name, members in pipelines.items():
        source += f"        {name!r}: pipeline([NODES[n] for n in {list(members)!r}]),\n"
    source += "    }\n"
    return source


def _settings(spec: ProjectSpec) -> str:
    text = ""
    if spec.hooks:
        text += f"from {spec.package}.hooks import Recorder\n\nHOOKS = (Recorder(),)\n"
    return text + _NO_TELEMETRY + spec.settings


def write_project(root: Path, spec: ProjectSpec, flavour: Flavour = "pure") -> Path:
    """Write the project at ``root`` (created) and return ``root`` resolved."""
    package = root / "src" / spec.package
    package.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        "[tool.kedro]\n"
        f'package_name = "{spec.package}"\n'
        f'project_name = "{spec.package}"\n'
        'kedro_init_version = "1.7.0"\n'
        'source_dir = "src"\n'
    )
    (package / "__init__.py").write_text("")
    (package / "nodes.py").write_text(textwrap.dedent(spec.functions))
    (package / "pipeline_registry.py").write_text(_registry(spec, flavour))
    if spec.hooks:
        (package / "hooks.py").write_text(RECORDER)
    (package / "settings.py").write_text(_settings(spec))
    for env in spec.env_dirs:
        (root / "conf" / env).mkdir(parents=True, exist_ok=True)
    for relative, text in spec.conf.items():
        target = root / "conf" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    return root.resolve()


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` (with a fixed identity) and return its output."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def init_git(root: Path, *, branch: str = "main") -> str:
    """Make ``root`` a git repository with everything committed; return the short sha."""
    git(root, "init", "-q", "-b", branch)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    return git(root, "rev-parse", "--short", "HEAD")


# --- the standard projects ---------------------------------------------------------------

FUNCTIONS = """
def double(x):
    return 2 * x

def add(a, b):
    return a + b

def check(x, fail):
    if fail:
        raise ValueError(f"node refused {x}")
    return x
"""

#: Six nodes over parameters and memory datasets (Kedro 1.7 ships no file datasets).
RUN_NODES = (
    NodeSpec("double", "params:alpha", "a", "n_a", tags=("t1",)),
    NodeSpec("add", ["a", "params:model.depth"], "b", "n_b", tags=("t1",)),
    NodeSpec("double", "b", "c", "n_c", tags=("t2",)),
    NodeSpec("double", "a", "ns.d", "n_d", tags=("t2",), namespace="ns"),
    NodeSpec("add", ["c", "ns.d"], "e", "n_e"),
    NodeSpec("check", ["e", "params:fail"], "f", "n_f"),
)

RUN_CONF = {
    "base/parameters.yml": """\
        alpha: 1
        fail: false
        model:
          depth: 3
        """,
    "base/catalog.yml": """\
        c:
          type: MemoryDataset
        unused:
          type: MemoryDataset
          metadata:
            filepath: data/unused.csv
        """,
    "prod/parameters.yml": "alpha: 10\n",
}


def run_project(package: str) -> ProjectSpec:
    """The project the run tests use (6 nodes, pipelines ``first``/``second``)."""
    return ProjectSpec(
        package=package,
        functions=FUNCTIONS,
        nodes=RUN_NODES,
        pipelines={"first": ("n_a", "n_b"), "second": ("n_c", "ns.n_d", "n_e", "n_f")},
        conf=RUN_CONF,
        env_dirs=("base", "local", "prod"),
    )


CONFIG_CONF = {
    "base/globals.yml": """\
        shared:
          value: 42
          folder: data
        """,
    "base/parameters.yml": """\
        alpha: 1
        model:
          depth: 3
          rate: 0.1
          layers: [1, 2]
        derived: ${model.depth}
        from_globals: ${globals:shared.value}
        rt: ${runtime_params:rt_key, 7}
        _private: 9
        """,
    "base/parameters/extra.yml": """\
        extra:
          k: v
        """,
    "base/catalog.yml": """\
        _base: &base
          type: pickle.PickleDataset
        raw:
          <<: *base
          filepath: ${globals:shared.folder}/raw.pkl
        model_out:
          type: pickle.PickleDataset
          filepath: data/${runtime_params:out_dir, default}/model.pkl
          credentials: db
        """,
    "base/credentials.yml": """\
        db:
          user: ${oc.env:SESSION_TEST_DB_USER}
          password: secret
        """,
    "local/parameters.yml": """\
        model:
          depth: 5
        """,
    "local/credentials.yml": """\
        other:
          token: abc
        """,
    "prod/parameters.yml": """\
        alpha: 2
        model:
          rate: 0.9
        """,
    "prod/catalog.yml": """\
        raw:
          type: pickle.PickleDataset
          filepath: s3://bucket/raw.pkl
        """,
}


def config_project(package: str, *, settings: str = "") -> ProjectSpec:
    """A project for configuration layering (globals, runtime params, envs, credentials)."""
    return ProjectSpec(
        package=package,
        functions=FUNCTIONS,
        nodes=(NodeSpec("double", "params:alpha", "a", "n_a"),),
        conf=CONFIG_CONF,
        settings=settings,
        env_dirs=("base", "local", "prod"),
    )


# --- plans: the same operations against kedro-pure and Kedro ----------------------------


def config_op(
    root: Path, env: str | None = None, runtime_params: Mapping[str, object] | None = None
) -> dict[str, object]:
    """Load the context's parameters, catalog config and credentials."""
    return {"op": "config", "root": str(root), "env": env, "runtime_params": runtime_params}


def run_op(
    root: Path,
    package: str,
    runs: Sequence[Mapping[str, object]],
    *,
    env: str | None = None,
    runtime_params: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Create one session and run it once per entry of ``runs`` (``run`` keyword arguments)."""
    return {
        "op": "run",
        "root": str(root),
        "package": package,
        "env": env,
        "runtime_params": runtime_params,
        "runs": [dict(r) for r in runs],
    }


KEDRO_HARNESS = r'''
import importlib, json, sys
from pathlib import Path

from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

plan = json.loads(Path(sys.argv[1]).read_text())
results = []
for op in plan:
    root = Path(op["root"])
    bootstrap_project(root)
    kwargs = {"project_path": root, "env": op["env"], "runtime_params": op["runtime_params"]}
    if op["op"] == "config":
        with KedroSession.create(**kwargs) as session:
            context = session.load_context()
            results.append({
                "params": context.params,
                "catalog": context.config_loader["catalog"],
                "credentials": context.config_loader["credentials"],
            })
        continue
    recorder = importlib.import_module(op["package"] + ".hooks")
    recorder.take()
    runs = []
    with KedroSession.create(**kwargs) as session:
        for run in op["runs"]:
            error, outputs = None, None
            try:
                outputs = sorted(session.run(**run))
            except Exception as exc:
                error = [type(exc).__name__, str(exc)]
            runs.append({"error": error, "outputs": outputs, **recorder.take()})
        runs_session_id = session.session_id
    results.append({"session_id": runs_session_id, "runs": runs})
Path(sys.argv[2]).write_text(json.dumps(results, default=repr))
'''


def run_kedro_plan(plan: Sequence[Mapping[str, object]], work: Path) -> list[dict[str, object]]:
    """Run ``plan`` against Kedro 1.7.0 in a subprocess; one result per operation."""
    script, plan_file, out = work / "kedro_harness.py", work / "plan.json", work / "out.json"
    script.write_text(KEDRO_HARNESS)
    plan_file.write_text(json.dumps(list(plan)))
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1"}
    env.pop("KEDRO_ENV", None)
    done = subprocess.run(
        [sys.executable, str(script), str(plan_file), str(out)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"Kedro harness failed:\n{done.stderr[-4000:]}")
    results: list[dict[str, object]] = json.loads(out.read_text())
    return results


def _jsonable(value: object) -> object:
    return json.loads(json.dumps(value, default=repr))


def run_pure_plan(plan: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """Run ``plan`` against kedro-pure in this process; same shape as :func:`run_kedro_plan`."""
    from returns.pipeline import is_successful

    from shell.session import KedroSession

    results: list[dict[str, object]] = []
    for op in plan:
        created = KedroSession.create(
            project_path=str(op["root"]),
            env=op["env"],  # type: ignore[arg-type]
            runtime_params=op["runtime_params"],  # type: ignore[arg-type]
        )
        session = created.unwrap()
        if op["op"] == "config":
            with session:
                context = session.load_context()
                results.append(
                    _jsonable(
                        {
                            "params": context.load_params().unwrap(),
                            "catalog": context.config_loader["catalog"],
                            "credentials": context.config_loader["credentials"],
                        }
                    )  # type: ignore[arg-type]
                )
            continue
        recorder = importlib.import_module(f"{op['package']}.hooks")
        recorder.take()
        runs = []
        with session:
            for run in op["runs"]:  # type: ignore[attr-defined]
                outcome = session.run(**run)
                error = None if is_successful(outcome) else [type(outcome.failure()).__name__, outcome.failure().message]
                outputs = sorted(outcome.unwrap()) if is_successful(outcome) else None
                runs.append({"error": error, "outputs": outputs, **recorder.take()})
        results.append(_jsonable({"session_id": session.session_id, "runs": runs}))  # type: ignore[arg-type]
    return results


# --- kedro-pure only: persisted intermediates -------------------------------------------

PERSISTED_CATALOG = """\
    a:
      type: pickle.PickleDataset
      filepath: data/a.pkl
    b:
      type: pickle.PickleDataset
      filepath: data/b.pkl
    c:
      type: pickle.PickleDataset
      filepath: data/c.pkl
    ns.d:
      type: pickle.PickleDataset
      filepath: data/d.pkl
    e:
      type: json.JSONDataset
      filepath: data/e.json
    """


def persisted_project(package: str, **conf: str) -> ProjectSpec:
    """:func:`run_project` with its intermediates in pickle/JSON files under ``data/``, so
    any filter can start from the middle once a full run has written them. ``conf`` adds or
    replaces ``conf/`` files (keys use ``__`` for ``/``: ``base__parameters_yml``)."""
    spec = run_project(package)
    files = {**spec.conf, "base/catalog.yml": PERSISTED_CATALOG}
    files.update({key.replace("__", "/").replace("_yml", ".yml"): text for key, text in conf.items()})
    return ProjectSpec(
        package=package,
        functions=spec.functions,
        nodes=spec.nodes,
        pipelines=spec.pipelines,
        conf=files,
        env_dirs=spec.env_dirs,
    )


def recorder(package: str) -> object:
    """The project's recording hook module (after the session imported ``settings.py``)."""
    return importlib.import_module(f"{package}.hooks")


def take_events(package: str) -> list[list[object]]:
    """The hook calls recorded since the last take, and forget them."""
    taken: dict[str, list[list[object]]] = recorder(package).take()  # type: ignore[attr-defined]
    return taken["events"]


def nodes_run(events: Sequence[Sequence[object]]) -> set[str]:
    """The nodes that ran to completion, from recorded events."""
    return {str(e[1]) for e in events if e[0] == "after_node_run"}


def hooks_fired(events: Sequence[Sequence[object]]) -> list[str]:
    """The hook names, in order."""
    return [str(e[0]) for e in events]
