"""Small real projects on disk, and a runner of the real ``kedro-pure`` console script, for
the CLI tests (``tests/unit/test_cli_*.py``; no tests here).

:func:`write_cli_project` writes the project every CLI test uses:

========================  =============================  ====================  ==============
node (namespace.name)     inputs                         outputs               tags
========================  =============================  ====================  ==============
``make_raw``              ``params:seed``                ``raw`` (pickle)      prep
``clean``                 ``raw``                        ``clean`` (json)      prep
``alpha.scale``           ``clean``, ``params:alpha.k``  ``alpha.scaled``      scale
``beta.scale``            ``clean``, ``params:beta.k``   ``beta.scaled``       scale
``join``                  ``alpha.scaled``,              ``joined`` (json)     scale
                          ``beta.scaled``
``nap``                   ``clean``                      ``rested`` (pickle)   slow
``summarise``             ``rested``,                    ``summary`` (json)    report
                          ``params:model.factor``
``fit``                   ``clean``,                     ``model`` (pickle,    model
                          ``params:model.factor``        versioned)
``score``                 ``model``                      ``score`` (json)      model
``record_params``         ``parameters``                 ``seen_params``       params
                                                         (json)
========================  =============================  ====================  ==============

Registered pipelines: ``__default__`` (all), ``prep`` (``make_raw``, ``clean``), ``scaling``
(the two ``scale`` nodes and ``join``), ``report`` (``nap``, ``summarise``), ``modelling``
(``fit``, ``score``) and ``params`` (``record_params``).

Environment variables change two nodes, so one project can fail or be interrupted on demand:
``KP_FAIL`` set makes ``summarise`` raise; ``KP_SLEEP_MARKER=<path>`` makes ``nap`` write
``<path>`` and then sleep for a minute (the test waits for the file, then sends SIGINT).

Every node's persisted output is the evidence that it ran: :func:`data_files` lists them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: The console script installed with the project (``[project.scripts]``), run as a user runs it.
KEDRO_PURE = str(Path(sys.executable).with_name("kedro-pure"))

#: Generous: a run of the test project takes about a second; the bound only stops a hang.
TIMEOUT = 120.0

NODES_PY = '''
"""Node functions of the CLI test project."""
import os
import time
from pathlib import Path


def make_raw(seed):
    return list(range(seed, seed + 5))


def clean(raw):
    return [2 * x for x in raw]


def scale(clean, k):
    return [k * x for x in clean]


def join(alpha_scaled, beta_scaled):
    return {"alpha": alpha_scaled, "beta": beta_scaled}


def nap(clean):
    marker = os.environ.get("KP_SLEEP_MARKER")
    if marker:
        Path(marker).write_text("sleeping")
        time.sleep(60)
    return sum(clean)


def summarise(rested, factor):
    if os.environ.get("KP_FAIL"):
        raise RuntimeError("summarise refused to run: KP_FAIL is set")
    return {"total": rested * factor}


def fit(clean, factor):
    return {"weights": [factor * x for x in clean]}


def score(model):
    return {"score": sum(model["weights"])}


def record_params(parameters):
    return parameters
'''

HOOKS_PY = '''
"""Writes what a run did to the file named by ``KP_RAN_LOG``: one ``run_params <json>`` line
before the pipeline runs, then one ``node <name>`` line per node that completed, and a
``pipeline_error <exception type>`` line if the run fails or is interrupted."""
import json
import os
import threading

from shell.hooks.markers import hook_impl


class RanLog:
    def __init__(self):
        self._lock = threading.Lock()

    def _write(self, line):
        path = os.environ.get("KP_RAN_LOG")
        if path:
            with self._lock, open(path, "a") as log:
                log.write(line + "\\n")

    @hook_impl
    def before_pipeline_run(self, run_params):
        self._write("run_params " + json.dumps(dict(run_params), default=str))

    @hook_impl
    def after_node_run(self, node):
        self._write("node " + node.name)

    @hook_impl
    def on_pipeline_error(self, error):
        self._write("pipeline_error " + type(error).__name__)
'''

RUNNERS_PY = '''
"""A runner of the project's own, for ``--runner <package>.runners.ProjectRunner``."""
from shell.runners.sequential import SequentialRunner


class ProjectRunner(SequentialRunner):
    pass
'''

REGISTRY_PY = '''
"""Pipelines of the CLI test project."""
from core.node import node
from core.pipeline import pipeline

from {package} import nodes as f


def _scale(namespace):
    return pipeline(
        [node(f.scale, ["clean", "params:k"], "scaled", name="scale", tags=["scale"])],
        inputs={{"clean": "clean"}},
        namespace=namespace,
    ).unwrap()


def register_pipelines():
    prep = pipeline([
        node(f.make_raw, "params:seed", "raw", name="make_raw", tags=["prep"]),
        node(f.clean, "raw", "clean", name="clean", tags=["prep"]),
    ]).unwrap()
    scaling = pipeline([
        _scale("alpha"),
        _scale("beta"),
        node(f.join, ["alpha.scaled", "beta.scaled"], "joined", name="join", tags=["scale"]),
    ]).unwrap()
    report = pipeline([
        node(f.nap, "clean", "rested", name="nap", tags=["slow"]),
        node(f.summarise, ["rested", "params:model.factor"], "summary", name="summarise",
             tags=["report"]),
    ]).unwrap()
    modelling = pipeline([
        node(f.fit, ["clean", "params:model.factor"], "model", name="fit", tags=["model"]),
        node(f.score, "model", "score", name="score", tags=["model"]),
    ]).unwrap()
    params = pipeline([
        node(f.record_params, "parameters", "seen_params", name="record_params",
             tags=["params"]),
    ]).unwrap()
    return {{
        "__default__": pipeline([prep, scaling, report, modelling, params]).unwrap(),
        "prep": prep,
        "scaling": scaling,
        "report": report,
        "modelling": modelling,
        "params": params,
    }}
'''

PARAMETERS_YML = """\
seed: 1
alpha:
  k: 2
beta:
  k: 3
model:
  factor: 10
  name: base
"""

CATALOG_YML = """\
raw:
  type: pickle.PickleDataset
  filepath: data/raw.pkl
clean:
  type: json.JSONDataset
  filepath: data/clean.json
joined:
  type: json.JSONDataset
  filepath: data/joined.json
rested:
  type: pickle.PickleDataset
  filepath: data/rested.pkl
summary:
  type: json.JSONDataset
  filepath: data/summary.json
model:
  type: pickle.PickleDataset
  filepath: data/model.pkl
  versioned: true
score:
  type: json.JSONDataset
  filepath: data/score.json
seen_params:
  type: json.JSONDataset
  filepath: data/seen_params.json
"""

#: Which file each node writes (the evidence that it ran).
NODE_FILES: Mapping[str, str] = {
    "make_raw": "raw.pkl",
    "clean": "clean.json",
    "join": "joined.json",
    "nap": "rested.pkl",
    "summarise": "summary.json",
    "fit": "model.pkl",
    "score": "score.json",
    "record_params": "seen_params.json",
}

ALL_NODES = (
    "make_raw", "clean", "alpha.scale", "beta.scale", "join", "nap", "summarise", "fit",
    "score", "record_params",
)


def unique_package(prefix: str = "cliproj") -> str:
    """A package name no other project uses (projects run in fresh processes anyway, but a
    unique name keeps ``sys.modules`` of a shared interpreter clean too)."""
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def write_cli_project(
    root: Path,
    *,
    package: str | None = None,
    conf: Mapping[str, str] | None = None,
) -> Path:
    """Write the CLI test project at ``root`` and return ``root`` resolved.

    Args:
        root: The project directory (created).
        package: The package name (default: a unique one).
        conf: Extra or replacing ``conf/``-relative files (``{"local/parameters.yml": ...}``).
    """
    name = package or unique_package()
    source = root / "src" / name
    source.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        "[tool.kedro]\n"
        f'package_name = "{name}"\n'
        f'project_name = "{name}"\n'
        'kedro_init_version = "1.7.0"\n'
        'source_dir = "src"\n'
    )
    (source / "__init__.py").write_text("")
    (source / "nodes.py").write_text(textwrap.dedent(NODES_PY))
    (source / "pipeline_registry.py").write_text(REGISTRY_PY.format(package=name))
    (source / "hooks.py").write_text(HOOKS_PY)
    (source / "runners.py").write_text(RUNNERS_PY)
    (source / "settings.py").write_text(f"from {name}.hooks import RanLog\n\nHOOKS = (RanLog(),)\n")
    files = {
        "base/parameters.yml": PARAMETERS_YML,
        "base/catalog.yml": CATALOG_YML,
        "local/.keep": "",
        "prod/parameters.yml": "seed: 100\n",
        **(conf or {}),
    }
    for relative, text in files.items():
        target = root / "conf" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    (root / "data").mkdir()
    return root.resolve()


def data_files(root: Path) -> set[str]:
    """Every file under ``root/data``, as ``/``-separated relative paths."""
    data = root / "data"
    return {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()}


def nodes_with_files(root: Path) -> set[str]:
    """The nodes whose output file exists (so they ran since the data folder was cleared)."""
    present = {name.split("/")[0] for name in data_files(root)}
    return {node for node, file in NODE_FILES.items() if file in present}


def clear_data(root: Path) -> None:
    """Delete every file under ``root/data`` (keep the folder)."""
    for path in sorted((root / "data").rglob("*"), reverse=True):
        if path.is_dir():
            path.rmdir()
        else:
            path.unlink()


def read_json(root: Path, relative: str) -> object:
    """``root/data/<relative>`` parsed."""
    return json.loads((root / "data" / relative).read_text())


@dataclass(frozen=True)
class Done:
    """A finished ``kedro-pure`` process."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    #: what the project's ``RanLog`` hook wrote (see :data:`HOOKS_PY`)
    log: str = ""

    @property
    def ran(self) -> tuple[str, ...]:
        """The nodes that completed, in completion order."""
        return tuple(line[5:] for line in self.log.splitlines() if line.startswith("node "))

    @property
    def run_params(self) -> dict[str, object]:
        """The ``run_params`` the hooks received (``{}`` when no pipeline started)."""
        for line in self.log.splitlines():
            if line.startswith("run_params "):
                loaded: dict[str, object] = json.loads(line[len("run_params "):])
                return loaded
        return {}

    def json(self) -> object:
        """stdout parsed as JSON (what ``--json`` prints, alone)."""
        return json.loads(self.stdout)

    def __str__(self) -> str:
        return f"kedro-pure {' '.join(self.args)} -> {self.code}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}"


def cli_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a CLI process: no ``KEDRO_ENV`` or test switches leaking in, a
    wide terminal so messages are not wrapped."""
    env = {k: v for k, v in os.environ.items() if k not in {"KEDRO_ENV", "KP_FAIL", "KP_SLEEP_MARKER"}}
    env["COLUMNS"] = "250"
    env["PYTHONUNBUFFERED"] = "1"
    return {**env, **(extra or {})}


@contextmanager
def _ran_log() -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix="kp-ran-", suffix=".log")
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def kedro_pure(
    *args: str,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> Done:
    """Run the real ``kedro-pure`` console script in ``cwd`` and wait for it (at most
    ``timeout`` seconds: a test that passes a shorter bound fails if the run hangs past it)."""
    return _run_logged([KEDRO_PURE, *args], tuple(args), cwd=cwd, env=env, timeout=timeout)


def python_script(
    script: str,
    *args: str,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> Done:
    """Run ``python -c script args`` (this interpreter, the CLI's environment) in ``cwd``."""
    command = [sys.executable, "-c", script, *args]
    return _run_logged(command, ("-c", "<script>", *args), cwd=cwd, env=env, timeout=timeout)


def _run_logged(
    command: list[str],
    shown: tuple[str, ...],
    *,
    cwd: Path,
    env: Mapping[str, str] | None,
    timeout: float,
) -> Done:
    with _ran_log() as log:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=cli_env({**(env or {}), "KP_RAN_LOG": str(log)}),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        written = log.read_text()
    return Done(shown, done.returncode, done.stdout, done.stderr, written)


def kedro_pure_all(
    calls: Sequence[Sequence[str]],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    parallel: int = 3,
) -> list[Done]:
    """Run several ``kedro-pure`` command lines concurrently (``parallel`` at a time) and
    return their results in order. Only for calls that leave the project's data alone (they
    fail before running a node, or only read)."""
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(lambda args: kedro_pure(*args, cwd=cwd, env=env), calls))


def interrupt_when(
    args: Sequence[str],
    *,
    cwd: Path,
    marker: Path,
    env: Mapping[str, str] | None = None,
    whole_group: bool = False,
    sig: int = signal.SIGINT,
    sigint_ignored: bool = False,
) -> Done:
    """Start ``kedro-pure args`` with ``KP_SLEEP_MARKER=marker``, wait until the sleeping
    node wrote ``marker``, send SIGINT (or ``sig``) and wait for the process.

    The signal goes to the ``kedro-pure`` process alone (``proc.send_signal``, what
    ``kill -INT`` or a wrapper script does), or with ``whole_group`` to its whole process
    group, worker processes included (what Ctrl-C in a terminal does). With
    ``sigint_ignored`` the process inherits SIGINT ignored, as a shell's background job does
    (main thread only: the disposition is set around the start)."""
    with _ran_log() as log, _sigint_ignored(sigint_ignored):
        proc = subprocess.Popen(
            [KEDRO_PURE, *args],
            cwd=cwd,
            env=cli_env({**(env or {}), "KP_SLEEP_MARKER": str(marker), "KP_RAN_LOG": str(log)}),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=whole_group,
        )
        out, err = _interrupt(proc, marker, whole_group=whole_group, sig=sig)
        written = log.read_text()
    return Done(tuple(args), proc.returncode, out, err, written)


@contextmanager
def _sigint_ignored(ignored: bool) -> Iterator[None]:
    """SIGINT ignored while a child starts (it inherits the disposition across exec)."""
    if not ignored:
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _interrupt(
    proc: subprocess.Popen[str], marker: Path, *, whole_group: bool, sig: int = signal.SIGINT
) -> tuple[str, str]:
    try:
        deadline = time.monotonic() + TIMEOUT
        while not marker.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                out, err = proc.communicate()
                raise AssertionError(f"the sleeping node never started (exit {proc.returncode}):\n{out}\n{err}")
            time.sleep(0.02)
        if whole_group:
            # The process leads its own session (start_new_session), so its group id is its pid.
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return out, err
