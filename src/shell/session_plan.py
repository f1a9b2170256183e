"""What an incremental run of a :class:`~shell.session.KedroSession` would run, and why
(``session.plan_changes``): the run journal's plan for the selected pipeline, over a fresh
catalog, without running anything."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from returns.pipeline import is_successful
from returns.result import Failure, Result

from core.errors import KedroError
from shell.io.timestamp import generate_timestamp
from shell.project.settings import resolve_class

if TYPE_CHECKING:
    from core.incremental import ChangePlan
    from shell.incremental.code import CodeScope
    from shell.session import KedroSession

__all__ = ["plan_changes"]


def plan_changes(
    session: KedroSession,
    *,
    pipeline_names: Iterable[str] | None,
    tags: Iterable[str] | None,
    node_names: Iterable[str] | None,
    from_nodes: Iterable[str] | None,
    to_nodes: Iterable[str] | None,
    from_inputs: Iterable[str] | None,
    to_outputs: Iterable[str] | None,
    namespaces: Iterable[str] | None,
    load_versions: Mapping[str, str] | None,
    code_scope: CodeScope,
    resume: str | bool | None,
) -> Result[ChangePlan, KedroError]:
    """``session.plan_changes(...)`` (see there)."""
    from core.incremental import PlanMode
    from shell.incremental.planning import journal_of, unavailable
    from shell.incremental.planning import plan_changes as plan_journal_changes
    from shell.incremental.resume import incremental_options
    from shell.io.catalog import DataCatalog

    journal = journal_of(session._store)
    if journal is None:
        return Failure(unavailable(session._store, "--resume" if resume else "--only-changed"))
    options = incremental_options(session._store, True, resume, False, code_scope)
    if not is_successful(options):
        return Failure(options.failure())
    chosen, resumed = options.unwrap()
    if resumed is not None and not any(
        (pipeline_names, tags, node_names, from_nodes, to_nodes, from_inputs, to_outputs, namespaces)
    ):
        selection = resumed.selection
        pipeline_names, tags = selection.get("pipeline_names"), selection.get("tags")
        node_names, from_nodes = selection.get("node_names"), selection.get("from_nodes")
        to_nodes, from_inputs = selection.get("to_nodes"), selection.get("from_inputs")
        to_outputs, namespaces = selection.get("to_outputs"), selection.get("namespaces")
        load_versions = load_versions or dict(resumed.load_versions) or None
    context = session.load_context_result()
    if not is_successful(context):
        return Failure(context.failure())
    selected = session.select_pipeline(
        pipeline_names=pipeline_names, tags=tags, node_names=node_names, from_nodes=from_nodes,
        to_nodes=to_nodes, from_inputs=from_inputs, to_outputs=to_outputs, namespaces=namespaces,
    )
    if not is_successful(selected):
        return Failure(selected.failure())
    catalog_class = resolve_class(session._settings, "DATA_CATALOG_CLASS", DataCatalog)
    if not is_successful(catalog_class):
        return Failure(catalog_class.failure())
    catalog = context.unwrap().load_catalog(
        catalog_class=catalog_class.unwrap(), save_version=generate_timestamp(), load_versions=load_versions
    )
    if not is_successful(catalog):
        return Failure(catalog.failure())
    mode = PlanMode.RESUME if chosen.resume_run is not None else PlanMode.ONLY_CHANGED
    planned = plan_journal_changes(
        selected.unwrap(), catalog.unwrap(), journal, mode=mode, run_id=chosen.resume_run or "", code_scope=code_scope
    )
    journal.close()
    return planned.map(lambda made: made[0])
