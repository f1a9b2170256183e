"""The run-params record that pipeline hooks receive (Kedro's ``record_data``).

Kedro builds this dict inside ``KedroSession.run`` from the session store, the context and
the run's arguments, and hands the same dict to ``before_pipeline_run``,
``after_pipeline_run`` and ``on_pipeline_error`` as ``run_params``. Here the record is a
frozen value, :class:`RunParams`, built by :func:`make_run_params` from explicit arguments
only: the shell supplies the ids, the project path, the environment, the version string and
the runner's description. :func:`run_params_dict` renders the value as the dict Kedro passes,
with Kedro's keys, key order and value conventions:

* SINGLE mode (``KedroSession``): the dict starts with ``run_id`` (the session id, by Kedro's
  convention) and has no ``session_id`` key; ``pipeline_names`` is what the caller gave after
  the deprecated ``pipeline_name`` substitution, so ``None`` when the default pipeline is
  meant, not ``["__default__"]``.
* MULTI mode (``KedroServiceSession``): the dict starts with ``session_id`` then ``run_id``,
  and ``pipeline_names`` is defaulted to ``["__default__"]``.
* Filter values (``tags``, ``from_nodes``, ``to_nodes``, ``node_names``, ``from_inputs``,
  ``to_outputs``, ``namespaces``) and ``pipeline_names`` are passed through as the caller
  gave them: ``None`` stays ``None``, an empty collection stays empty. The value keeps them
  as tuples and remembers which ones arrived as lists, so the dict gives back a list where
  the caller gave a list (Kedro's CLI passes tuples for tags and node names, lists for the
  rest). Other iterables come back as tuples.
* ``load_versions`` is ``None`` or a dict; ``runtime_params`` is always a dict (``{}`` when
  none were given); ``runner`` is a string (see :func:`describe_runner`);
  ``only_missing_outputs`` is a bool.
* ``kedro_version`` keeps Kedro's key; its value is whatever version string the shell passes
  (kedro-pure's own version).

Each call of :func:`run_params_dict` returns a new dict, so a hook that mutates its
``run_params`` cannot change the record or what the next hook sees from a fresh rendering.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pyrsistent import freeze, pmap, thaw

from core.session_state import RunMode

__all__ = [
    "PIPELINE_NAME_DEPRECATION_MESSAGE",
    "RunParams",
    "describe_runner",
    "make_run_params",
    "run_params_dict",
]

#: Kedro's WARNING text when the deprecated ``pipeline_name`` argument is used (the shell logs it).
PIPELINE_NAME_DEPRECATION_MESSAGE = (
    "`pipeline_name` is deprecated and will be removed in a future release. "
    "Please use `pipeline_names` instead."
)

_DEFAULT_PIPELINE = "__default__"

Names = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RunParams:
    """Everything the hooks' ``run_params`` record says about one run.

    Attributes:
        session_id: The session's id.
        run_id: The run's id (the session id in SINGLE mode, by Kedro's convention).
        project_path: The project directory as a POSIX string.
        env: The configuration environment the session was created with, or ``None``.
        kedro_version: The version string reported under Kedro's ``kedro_version`` key.
        runner: The runner's description (:func:`describe_runner`).
        mode: SINGLE (``KedroSession``) or MULTI (``KedroServiceSession``) record shape.
        tags: Node tags to keep, as given.
        from_nodes: Start nodes, as given.
        to_nodes: End nodes, as given.
        node_names: Nodes to keep, as given.
        from_inputs: Start datasets, as given.
        to_outputs: End datasets, as given.
        load_versions: ``{dataset: version}`` to load, or ``None``.
        runtime_params: Runtime parameters (deeply frozen; ``{}`` when none).
        pipeline_names: Registered pipelines to combine, as given (MULTI: defaulted).
        namespaces: Namespaces to keep, as given.
        only_missing_outputs: Whether only nodes with missing outputs run.
        given_as_list: Names of the sequence fields the caller passed as lists.
        request_id: The service request that asked for the run (kedro-pure's HTTP service);
            rendered as a last ``request_id`` key only when set, so Kedro's shape is kept.
    """

    session_id: str
    run_id: str
    project_path: str
    env: str | None
    kedro_version: str
    runner: str
    mode: RunMode = RunMode.SINGLE
    tags: Names | None = None
    from_nodes: Names | None = None
    to_nodes: Names | None = None
    node_names: Names | None = None
    from_inputs: Names | None = None
    to_outputs: Names | None = None
    load_versions: Mapping[str, str] | None = None
    runtime_params: Mapping[str, object] = pmap()
    pipeline_names: Names | None = None
    namespaces: Names | None = None
    only_missing_outputs: bool = False
    given_as_list: frozenset[str] = frozenset()
    request_id: str | None = None

    @property
    def requested_pipeline_names(self) -> Names:
        """The registered pipelines the run combines (``("__default__",)`` when none given)."""
        return self.pipeline_names or (_DEFAULT_PIPELINE,)


def describe_runner(runner: object) -> str:
    """Kedro's text for the ``runner`` entry of the record.

    Kedro records the runner *argument* (before defaulting to a ``SequentialRunner``) as its
    ``__name__`` if it has one, else ``str(runner)``. So no runner gives ``"None"`` and a
    runner instance gives its default repr (``"<...SequentialRunner object at 0x...>"``);
    only a class would give its name. ``KedroServiceSession`` applies the rule after
    defaulting, so there the shell passes the runner instance actually used.
    """
    name = getattr(runner, "__name__", None)
    return name if isinstance(name, str) else str(runner)


def _names(value: Iterable[str] | None) -> Names | None:
    return None if value is None else tuple(value)


def make_run_params(
    *,
    session_id: str,
    run_id: str,
    project_path: str,
    env: str | None,
    kedro_version: str,
    runner: str,
    mode: RunMode = RunMode.SINGLE,
    pipeline_name: str | None = None,
    pipeline_names: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    from_nodes: Iterable[str] | None = None,
    to_nodes: Iterable[str] | None = None,
    node_names: Iterable[str] | None = None,
    from_inputs: Iterable[str] | None = None,
    to_outputs: Iterable[str] | None = None,
    load_versions: Mapping[str, str] | None = None,
    namespaces: Iterable[str] | None = None,
    runtime_params: Mapping[str, object] | None = None,
    only_missing_outputs: bool = False,
    request_id: str | None = None,
) -> RunParams:
    """Build the record of one run from the run's arguments, as Kedro does.

    Args:
        session_id: The session's id.
        run_id: The run's id (pass the session id in SINGLE mode for Kedro parity).
        project_path: The project directory as a POSIX string.
        env: The environment the session was created with (``None`` when not set).
        kedro_version: The version string to report.
        runner: The runner's description, from :func:`describe_runner`.
        mode: Which of Kedro's two record shapes to produce.
        pipeline_name: Kedro's deprecated single name; when truthy it replaces
            ``pipeline_names`` with ``[pipeline_name]`` (the shell logs
            :data:`PIPELINE_NAME_DEPRECATION_MESSAGE`).
        pipeline_names: Registered pipelines to combine.
        tags: Node tags to keep.
        from_nodes: Start nodes.
        to_nodes: End nodes.
        node_names: Nodes to keep.
        from_inputs: Start datasets.
        to_outputs: End datasets.
        load_versions: ``{dataset: version}`` to load.
        namespaces: Namespaces to keep.
        runtime_params: Runtime parameters (``None`` and ``{}`` both record ``{}``).
        only_missing_outputs: Whether only nodes with missing outputs run.
        request_id: The service request that asked for the run, if any.

    Returns:
        The record. Iterables are read once here; lists are remembered as lists.
    """
    given: dict[str, Iterable[str] | None] = {
        "tags": tags,
        "from_nodes": from_nodes,
        "to_nodes": to_nodes,
        "node_names": node_names,
        "from_inputs": from_inputs,
        "to_outputs": to_outputs,
        "pipeline_names": [pipeline_name] if pipeline_name else pipeline_names,
        "namespaces": namespaces,
    }
    as_list = {key for key, value in given.items() if isinstance(value, list)}
    names = _names(given["pipeline_names"])
    if mode is RunMode.MULTI and not names:
        # KedroServiceSession records the defaulted list, KedroSession what the caller gave.
        names = (_DEFAULT_PIPELINE,)
        as_list.add("pipeline_names")
    return RunParams(
        session_id=session_id,
        run_id=run_id,
        project_path=project_path,
        env=env,
        kedro_version=kedro_version,
        runner=runner,
        mode=mode,
        tags=_names(given["tags"]),
        from_nodes=_names(given["from_nodes"]),
        to_nodes=_names(given["to_nodes"]),
        node_names=_names(given["node_names"]),
        from_inputs=_names(given["from_inputs"]),
        to_outputs=_names(given["to_outputs"]),
        load_versions=None if load_versions is None else pmap(load_versions),
        runtime_params=freeze(dict(runtime_params or {})),
        pipeline_names=names,
        namespaces=_names(given["namespaces"]),
        only_missing_outputs=only_missing_outputs,
        given_as_list=frozenset(as_list),
        request_id=request_id,
    )


def _render(params: RunParams, key: str, value: Names | None) -> object:
    if value is not None and key in params.given_as_list:
        return list(value)
    return value


def run_params_dict(params: RunParams) -> dict[str, object]:
    """The ``run_params`` dict Kedro passes to the pipeline hooks, freshly built.

    Returns:
        A new dict with Kedro's keys in Kedro's order (see the module docstring).
    """
    head: dict[str, object] = (
        {"session_id": params.session_id, "run_id": params.run_id}
        if params.mode is RunMode.MULTI
        else {"run_id": params.run_id}
    )
    rendered: dict[str, object] = {
        **head,
        "project_path": params.project_path,
        "env": params.env,
        "kedro_version": params.kedro_version,
        "tags": _render(params, "tags", params.tags),
        "from_nodes": _render(params, "from_nodes", params.from_nodes),
        "to_nodes": _render(params, "to_nodes", params.to_nodes),
        "node_names": _render(params, "node_names", params.node_names),
        "from_inputs": _render(params, "from_inputs", params.from_inputs),
        "to_outputs": _render(params, "to_outputs", params.to_outputs),
        "load_versions": None if params.load_versions is None else dict(params.load_versions),
        "runtime_params": dict(thaw(params.runtime_params)),
        "pipeline_names": _render(params, "pipeline_names", params.pipeline_names),
        "namespaces": _render(params, "namespaces", params.namespaces),
        "runner": params.runner,
        "only_missing_outputs": params.only_missing_outputs,
    }
    if params.request_id is not None:
        rendered["request_id"] = params.request_id
    return rendered
