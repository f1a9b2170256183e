"""The command line's side of the plan cache: look a command up before the project is
imported, and serve a ``run`` whose cached plan runs nothing (:mod:`shell.incremental.plan_cache`)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from returns.pipeline import is_successful

from shell.cli.common import CliState, emit_json, fail, stderr
from shell.cli.run_report import summary_line
from shell.cli.selection import Selection

if TYPE_CHECKING:
    from shell.incremental.plan_cache import CacheProbe

__all__ = ["plan_cache_probe", "plan_key_options", "serve_cached_run"]


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
    root: Path, chosen: Selection, key_options: Mapping[str, object], *, state: CliState, command: str, as_json: bool,
    lookup: bool = True,
) -> CacheProbe | None:
    """Look the command up in the plan cache (``None``: the project cannot use it, e.g. a
    remote configuration source). A miss is logged (``--verbose``) with its reason; a hit
    remembers the command line, so the next identical one is served before it is parsed
    (:mod:`shell.incremental.fast_entry`). Without ``lookup`` (a plain ``run``) only the
    key is observed, for the entry the run writes at its end; nothing is logged."""
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
    request = CacheRequest(root.resolve(), metadata.unwrap().source_dir, conf.resolve(), options)
    if not lookup:
        # No invocation: this command line is not an --only-changed one, never to be served.
        return probe(request, None, lookup=False)
    invocation = Invocation(state.argv, command, as_json, state.quiet) if state.argv else None
    looked = probe(request, invocation)
    if looked.hit is None:
        logging.getLogger("shell.incremental.plan_cache").info("Planning in full (plan cache: %s).", looked.why)
    else:
        remember_invocation(looked)
    return looked


def serve_cached_run(state: CliState, root: Path, probe: CacheProbe, chosen: Selection, *, as_json: bool) -> None:
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
        stderr.print(summary_line(summary, failed=False))
