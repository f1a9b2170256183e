"""``kedro-pure run``: Kedro's ``kedro run`` options, a progress bar, a summary, exit codes."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.cli_args import split_csv, split_load_versions, split_node_names
from core.errors import ConfigError, ConfigErrorReason, KedroError, RunError, RunErrorReason
from shell.cli.common import (
    CliState,
    emit_json,
    error_record,
    fail,
    parse_params,
    project_root,
    stderr,
)
from shell.cli.exit_codes import exit_code_for
from shell.project.bootstrap import bootstrap_project
from shell.project.settings import import_object

# The session, the runners, PyYAML and rich's progress bar are imported by the commands that
# use them, so `kedro-pure --help` (and every other command) starts without them.
if TYPE_CHECKING:
    from rich.progress import Progress

    from shell.incremental.plan_cache import CacheProbe
    from shell.runners.progress import ProgressEvent
    from shell.runners.runner import AbstractRunner

__all__ = [
    "LAST_RUN",
    "incremental_options",
    "plan_cache_probe",
    "plan_key_options",
    "resumed_options",
    "run_command",
    "selection_options",
]

#: Runners known by their bare name (``--runner ThreadRunner``).
RUNNERS = {
    "SequentialRunner": "shell.runners.sequential.SequentialRunner",
    "ThreadRunner": "shell.runners.thread.ThreadRunner",
    "ParallelRunner": "shell.runners.parallel.ParallelRunner",
    "DaskRunner": "shell.runners.dask.DaskRunner",
}

_RUN_OPTION_NAMES = frozenset(
    {
        "from_inputs", "to_outputs", "from_nodes", "to_nodes", "nodes", "node_names", "runner",
        "is_async", "async", "runner_params", "env", "tags", "load_versions", "pipeline",
        "pipelines", "namespaces", "conf_source", "params", "only_missing_outputs",
    }
)
#: kedro-pure's own run settings a ``--config`` file may give too (Kedro has no equivalent).
_OWN_CONFIG_KEYS = frozenset({"node_timeout"})


def selection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that choose what runs (shared by ``run`` and ``plan``)."""
    options = [
        click.option("--pipelines", default="", help="Registered pipelines to combine, comma-separated (default: __default__)."),
        click.option("--pipeline", "-p", default=None, help="Deprecated: one pipeline name; use --pipelines."),
        click.option("--tags", "-t", default="", help="Run only nodes with any of these tags (comma-separated)."),
        click.option("--nodes", "-n", "node_names", default="", help="Run only these nodes (comma-separated)."),
        click.option("--from-nodes", default="", help="Run from these nodes onwards."),
        click.option("--to-nodes", default="", help="Run up to these nodes."),
        click.option("--from-inputs", default="", help="Run from the consumers of these datasets onwards."),
        click.option("--to-outputs", default="", help="Run up to the producers of these datasets."),
        click.option("--namespaces", "-ns", default="", help="Run only nodes in these namespaces (or their children)."),
        click.option("--only-missing-outputs", is_flag=True, default=False, help="Skip nodes whose persisted outputs already exist."),
        click.option("--env", "-e", default=None, help="Configuration environment (default: KEDRO_ENV or 'local')."),
        click.option("--conf-source", default=None, help="Configuration folder or archive (default: <project>/conf)."),
        # UNPROCESSED: a --config file's `params:` mapping reaches parse_params as a mapping.
        click.option("--params", type=click.UNPROCESSED, default="", help="Runtime parameters: key=value,a.b=1 (YAML-typed values)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True, slots=True)
class Selection:
    """The parsed selection options."""

    pipeline_names: list[str]
    tags: list[str]
    node_names: list[str]
    from_nodes: list[str]
    to_nodes: list[str]
    from_inputs: list[str]
    to_outputs: list[str]
    namespaces: list[str]
    only_missing_outputs: bool
    env: str | None
    conf_source: str | None
    params: dict[str, object] = field(default_factory=dict)

    def run_arguments(self) -> dict[str, Any]:
        return {
            "pipeline_names": self.pipeline_names,
            "tags": tuple(self.tags),
            "node_names": tuple(self.node_names),
            "from_nodes": self.from_nodes,
            "to_nodes": self.to_nodes,
            "from_inputs": self.from_inputs,
            "to_outputs": self.to_outputs,
            "namespaces": self.namespaces,
        }


def parse_selection(options: Mapping[str, Any]) -> Result[Selection, KedroError]:
    """Turn the raw option strings into a :class:`Selection` (Kedro's parsing rules)."""
    if options.get("pipeline") and options.get("pipelines"):
        return Failure(ConfigError(ConfigErrorReason.INVALID, "Options '--pipeline' and '--pipelines' cannot be used together"))
    names = [options["pipeline"]] if options.get("pipeline") else list(dict.fromkeys(split_csv(options.get("pipelines"))))
    params = parse_params("params", options.get("params"))
    if not is_successful(params):
        return Failure(params.failure())
    conf_source = options.get("conf_source") or None
    if conf_source and not ("://" in conf_source and not conf_source.startswith("file://")):
        path = Path(conf_source).expanduser()
        if not path.exists():
            return Failure(ConfigError(ConfigErrorReason.MISSING, f"Path '{conf_source}' does not exist.", path=conf_source))
        conf_source = str(path.resolve())
    return Success(
        Selection(
            pipeline_names=names,
            tags=split_csv(options.get("tags")),
            node_names=split_node_names(options.get("node_names")),
            from_nodes=split_node_names(options.get("from_nodes")),
            to_nodes=split_node_names(options.get("to_nodes")),
            from_inputs=split_csv(options.get("from_inputs")),
            to_outputs=split_csv(options.get("to_outputs")),
            namespaces=split_node_names(options.get("namespaces")),
            only_missing_outputs=bool(options.get("only_missing_outputs")),
            env=options.get("env") or None,
            conf_source=conf_source,
            params=params.unwrap(),
        )
    )


def build_runner(
    name: str | None, runner_params: str | Mapping[str, object] | None, is_async: bool, progress: Callable[[ProgressEvent], None]
) -> Result[AbstractRunner, KedroError]:
    """The runner named ``name`` (a bare name of ours, Kedro's ``kedro.runner.X``, or a dotted
    path), built with ``--runner-params`` and ``--async``."""
    from shell.runners.runner import AbstractRunner

    chosen = name or "SequentialRunner"
    bare = chosen.removeprefix("kedro.runner.")
    path = RUNNERS.get(bare, chosen)
    found = import_object(path)
    if not is_successful(found):
        return Failure(_invalid_runner(f"Cannot find runner '{chosen}': {found.failure()}. Known runners: {', '.join(RUNNERS)}."))
    runner_class = found.unwrap()
    kwargs = parse_params("runner_params", runner_params)
    if not is_successful(kwargs):
        return Failure(kwargs.failure())
    arguments = dict(kwargs.unwrap())
    if is_async:
        # Kedro refuses any explicitly falsy is_async (False, 0, null) next to --async.
        if "is_async" in arguments and not arguments["is_async"]:
            return Failure(_invalid_runner("Options '--async' and '--runner-params=is_async=False' cannot be used together."))
        arguments["is_async"] = True
    if not (isinstance(runner_class, type) and issubclass(runner_class, AbstractRunner)):
        return Failure(_invalid_runner(f"'{chosen}' is not a kedro-pure runner class (a subclass of shell.runners.AbstractRunner)."))
    factory: Callable[..., AbstractRunner] = runner_class
    try:
        return Success(factory(progress=progress, **arguments))
    except (TypeError, ValueError, ImportError) as exc:
        return Failure(_invalid_runner(f"Cannot build runner '{chosen}' with {arguments}: {exc}"))


def _invalid_runner(message: str) -> RunError:
    return RunError(RunErrorReason.INVALID_RUNNER, message)


def load_config_defaults(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--config FILE``: the file's ``run:`` section becomes the defaults of ``run``'s options."""
    del param
    if not value:
        return value
    import yaml

    try:
        loaded = yaml.safe_load(Path(value).read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise click.BadParameter(f"Cannot read {value}: {exc}") from exc
    section = (loaded or {}).get("run", {}) if isinstance(loaded, dict) else {}
    if not isinstance(section, dict):
        raise click.BadParameter(f"The 'run' section of {value} must be a mapping.")
    for key in section:
        if key not in _RUN_OPTION_NAMES | _OWN_CONFIG_KEYS:
            raise click.BadParameter(f"Key `{key}` in provided configuration is not valid.")
    renamed = {"nodes" if k == "node_names" else k: v for k, v in section.items()}
    ctx.default_map = {**(ctx.default_map or {}), **{("node_names" if k == "nodes" else k): _as_option_text(v) for k, v in renamed.items()}}
    return value


def _as_option_text(value: object) -> object:
    # Lists become the comma-separated text the options take; mappings (`params`,
    # `runner_params`) stay mappings, used as they are (Kedro's rule).
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return value


#: ``--resume`` given without a run id
LAST_RUN = "__last__"


def incremental_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--only-changed`` and ``--code-scope`` (shared by ``run`` and ``plan``)."""
    options = [
        click.option("--only-changed", is_flag=True, default=False,
                     help="Run only nodes that are new or whose code, parameters, inputs or outputs changed since their last run, and what depends on them."),
        click.option("--code-scope", type=click.Choice(["function", "module"]), default="function", show_default=True,
                     help="What a node's code fingerprint covers: its function, or the whole module defining it."),
        click.option("--no-plan-cache", is_flag=True, default=False,
                     help="With --only-changed: always plan in full, even when a cached plan says nothing changed."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def resumed_options(
    root: Path, resume: str | None, chosen: Selection, versions: Mapping[str, str]
) -> Result[tuple[Selection, dict[str, Any], dict[str, str], str | None], KedroError]:
    """The selection, run arguments, load versions and resumed run id of a command given
    ``--resume`` (``None``: no resume, the command's own options): the resumed run's
    selection, versions, parameters and environment, the command's own parameters on top."""
    if resume is None:
        return Success((chosen, chosen.run_arguments(), dict(versions), None))
    from shell.incremental.resume import find_resume

    found = find_resume(root / "sessions", None if resume == LAST_RUN else resume)
    if not is_successful(found):
        return Failure(found.failure())
    previous = found.unwrap()
    arguments: dict[str, Any] = {key: list(value) for key, value in previous.selection.items()}
    merged = replace(chosen, env=chosen.env or previous.env, params={**previous.runtime_params, **chosen.params})
    return Success((merged, arguments, dict(previous.load_versions), previous.run_id))


def _incremental_conflict(*, only_changed: bool, resume: bool, only_missing: bool) -> KedroError | None:
    given = [name for name, on in (("--only-changed", only_changed), ("--resume", resume),
                                   ("--only-missing-outputs", only_missing)) if on]
    if len(given) > 1:
        return ConfigError(ConfigErrorReason.INVALID, f"Options {' and '.join(repr(g) for g in given)} cannot be used together.")
    return None


class ProgressView:
    """Counts node events and, on a terminal, draws a progress bar."""

    def __init__(self, *, show_bar: bool) -> None:
        self.completed = 0
        self.failed = 0
        self.skipped = 0
        self.started = 0
        self._bar: Progress | None = None
        self._task: Any = None
        if show_bar:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[node]}"),
                console=stderr,
                transient=True,
            )

    def __enter__(self) -> ProgressView:
        # The bar (and rich's refresh thread) starts at the first event, not here: a
        # ParallelRunner forks its workers before any node event, and forks only while this
        # process has a single thread (see shell.runners.parallel._start_method).
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.stop()

    def __call__(self, event: ProgressEvent) -> None:
        from shell.runners.progress import ProgressKind

        if event.kind is ProgressKind.STARTED:
            self.started += 1
        elif event.kind is ProgressKind.COMPLETED:
            self.completed += 1
        elif event.kind is ProgressKind.FAILED:
            self.failed += 1
        elif event.kind is ProgressKind.SKIPPED:
            self.skipped += 1
        if self._bar is not None:
            if self._task is None:
                self._bar.start()
                self._task = self._bar.add_task("Running", total=None, node="")
            self._bar.update(self._task, total=event.total, completed=self.completed, node=event.node)


@click.command("run")
@selection_options
@click.option("--runner", "-r", default=None, help="SequentialRunner, ThreadRunner, ParallelRunner, DaskRunner, or a dotted path.")
@click.option("--async", "is_async", is_flag=True, default=False, help="Load and save node data asynchronously.")
@click.option("--runner-params", type=click.UNPROCESSED, default="", help="Runner constructor arguments: key=value,... (e.g. max_workers=4).")
@click.option("--load-versions", "-lv", default="", help="Dataset versions to load: name:version,...")
@click.option("--config", "-c", default=None, callback=load_config_defaults, is_eager=True, expose_value=False,
              help="A YAML file whose 'run:' section gives defaults for these options.")
@click.option("--json", "as_json", is_flag=True, default=False, help="Print a JSON summary on stdout.")
@incremental_options
@click.option("--resume", "resume", is_flag=False, flag_value=LAST_RUN, default=None, metavar="[RUN_ID]",
              help="Continue the last failed or interrupted run (or RUN_ID): only the nodes it did not complete, with its options.")
@click.option("--keep-going", is_flag=True, default=False,
              help="After a node fails, keep running every node that does not depend on a failed one.")
@click.option("--node-timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Stop a node running longer than this (a node's timeout-SECONDS tag overrides it).")
@click.pass_obj
def run_command(state: CliState, /, as_json: bool, runner: str | None, is_async: bool, runner_params: str | Mapping[str, object],
                load_versions: str, only_changed: bool, code_scope: str, no_plan_cache: bool, resume: str | None,
                keep_going: bool, node_timeout: float | None, **options: Any) -> None:
    """Run the project's pipelines (Kedro's `kedro run`)."""
    root = project_root(state)
    selection = parse_selection(options)
    if not is_successful(selection):
        fail(selection.failure(), verbose=state.verbose, as_json=as_json, usage=True)
    chosen = selection.unwrap()
    versions = split_load_versions(load_versions)
    if not is_successful(versions):
        fail(versions.failure(), verbose=state.verbose, as_json=as_json, usage=True)
    conflict = _incremental_conflict(only_changed=only_changed, resume=resume is not None,
                                     only_missing=chosen.only_missing_outputs)
    if conflict is not None:
        fail(conflict, verbose=state.verbose, as_json=as_json, usage=True)
    resumed = resumed_options(root, resume, chosen, versions.unwrap())
    if not is_successful(resumed):
        fail(resumed.failure(), verbose=state.verbose, as_json=as_json)
    chosen, run_arguments, chosen_versions, resume_id = resumed.unwrap()
    probe: CacheProbe | None = None
    if only_changed and not no_plan_cache:
        key_options = plan_key_options(run_arguments, chosen_versions, code_scope, runner, runner_params, is_async)
        probe = plan_cache_probe(root, chosen, key_options, state=state, command="run", as_json=as_json)
        if probe is not None and probe.hit is not None:
            _serve_cached_run(state, root, probe, chosen, as_json=as_json)
            return
    from shell.session import KedroSession

    # Kedro bootstraps the project before it builds the runner, so `--runner my_pkg.MyRunner`
    # can name a class inside the project's own package.
    booted = bootstrap_project(root)
    if not is_successful(booted):
        fail(booted.failure(), verbose=state.verbose, as_json=as_json)
    view = ProgressView(show_bar=stderr.is_terminal and not state.quiet and not as_json)
    built = build_runner(runner, runner_params, is_async, view)
    if not is_successful(built):
        fail(built.failure(), verbose=state.verbose, as_json=as_json, usage=True)
    if node_timeout is not None:
        built.unwrap().node_timeout = node_timeout
    created = KedroSession.create(root, env=chosen.env, conf_source=chosen.conf_source, runtime_params=chosen.params or None)
    if not is_successful(created):
        fail(created.failure(), verbose=state.verbose, as_json=as_json)
    began = time.perf_counter()
    if probe is not None and Path(created.unwrap().conf_source).resolve() != probe.request.conf_source:
        probe = None  # settings.py names another configuration folder than the probe read
    with created.unwrap() as session, view:
        outcome = session.run(
            runner=built.unwrap(),
            load_versions=chosen_versions,
            only_missing_outputs=chosen.only_missing_outputs,
            only_changed=only_changed,
            resume=resume_id,
            keep_going=keep_going,
            code_scope="module" if code_scope == "module" else "function",
            plan_cache=probe,
            **run_arguments,
        )
    seconds = time.perf_counter() - began
    summary = {
        "nodes_run": view.completed,
        "skipped": view.skipped,
        "failed": view.failed,
        "seconds": round(seconds, 3),
        "session_id": session.session_id,
        "from_cache": False,
    }
    if not is_successful(outcome):
        if not as_json and not state.quiet and isinstance(outcome.failure(), RunError):
            stderr.print(_summary_line(summary, failed=True, interrupted=outcome.failure().reason is RunErrorReason.INTERRUPTED))
        if as_json:
            code = exit_code_for(outcome.failure())
            emit_json({"status": "failed", "exit_code": int(code), **summary, **error_record(outcome.failure())})
            raise SystemExit(int(code))
        fail(outcome.failure(), verbose=state.verbose)
    outputs = sorted(outcome.unwrap())
    if as_json:
        emit_json({"status": "success", "exit_code": 0, **summary, "outputs": outputs})
    elif not state.quiet:
        stderr.print(_summary_line(summary, failed=False))


def plan_key_options(
    run_arguments: Mapping[str, object], versions: Mapping[str, str], code_scope: str,
    runner: str | None = None, runner_params: str | Mapping[str, object] = "", is_async: bool = False,
) -> dict[str, object]:
    """The options a plan depends on (``plan`` passes a default run's runner options, so a
    plan and the run it previews share a cache entry)."""
    return {
        "selection": dict(run_arguments), "load_versions": dict(versions), "code_scope": code_scope,
        "runner": runner or "SequentialRunner", "runner_params": runner_params or "", "async": is_async,
    }


def plan_cache_probe(
    root: Path, chosen: Selection, key_options: Mapping[str, object], *, state: CliState, command: str, as_json: bool
) -> CacheProbe | None:
    """Look the command up in the plan cache (``None``: the project cannot use it, e.g. a
    remote configuration source). A miss is logged (``--verbose``) with its reason; a hit
    remembers the command line, so the next identical one is served before it is parsed
    (:mod:`shell.incremental.fast_entry`)."""
    import logging

    from shell.incremental.plan_cache import CacheRequest, Invocation, probe, remember_invocation
    from shell.project.bootstrap import read_metadata

    if chosen.conf_source is not None and "://" in chosen.conf_source:
        return None
    metadata = read_metadata(root)
    if not is_successful(metadata):
        return None
    conf = Path(chosen.conf_source) if chosen.conf_source else root / "conf"
    options = {**key_options, "env": chosen.env, "conf_source": chosen.conf_source, "params": chosen.params}
    invocation = Invocation(state.argv, command, as_json, state.quiet) if state.argv else None
    looked = probe(CacheRequest(root.resolve(), metadata.unwrap().source_dir, conf.resolve(), options), invocation)
    if looked.hit is None:
        logging.getLogger("shell.incremental.plan_cache").info("Planning in full (plan cache: %s).", looked.why)
    else:
        remember_invocation(looked)
    return looked


def _serve_cached_run(state: CliState, root: Path, probe: CacheProbe, chosen: Selection, *, as_json: bool) -> None:
    """Record and report a run whose cached plan runs nothing (nothing of the project is imported)."""
    import logging

    from shell.incremental.cached_run import record_cached_run

    assert probe.hit is not None
    began = time.perf_counter()
    recorded = record_cached_run(root, probe.hit, env=chosen.env, runtime_params=chosen.params or None)
    if not is_successful(recorded):
        fail(recorded.failure(), verbose=state.verbose, as_json=as_json)
    session_id, plan = recorded.unwrap()
    logging.getLogger("shell.incremental.plan_cache").info(
        "Nothing changed since the cached plan: 0 of %d node(s) run (--only-changed; --no-plan-cache plans in full).",
        len(plan.decisions),
    )
    summary = {
        "nodes_run": 0, "skipped": len(plan.decisions), "failed": 0,
        "seconds": round(time.perf_counter() - began, 3), "session_id": session_id, "from_cache": True,
    }
    if as_json:
        emit_json({"status": "success", "exit_code": 0, **summary, "outputs": []})
    elif not state.quiet:
        stderr.print(_summary_line(summary, failed=False))


def _summary_line(summary: Mapping[str, object], *, failed: bool, interrupted: bool = False) -> str:
    if interrupted:
        status = "[bold yellow]Run interrupted[/]"
    else:
        status = "[bold red]Run failed[/]" if failed else "[bold green]Run completed[/]"
    return (
        f"{status}: {summary['nodes_run']} node(s) run, {summary['skipped']} skipped, "
        f"{summary['failed']} failed in {summary['seconds']:.2f} s (session {summary['session_id']})."
    )
