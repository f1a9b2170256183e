"""The plan cache: reusing a no-op ``--only-changed`` decision without importing the project.

A no-op ``kedro-pure run --only-changed`` (nothing changed) spends almost all its time
starting: the interpreter, the project's imports (pandas, scikit-learn...), the
configuration and the catalog. When every input of the decision is provably what it was
when a full plan decided "nothing runs", that decision is still the answer, so the shell
reuses it (:mod:`shell.incremental.plan_cache`). This module holds the pure half: what an
entry is, its key, and its JSON form.

An entry is keyed on a digest of (:func:`cache_key`): the kedro-pure version and the
Python interpreter, every installed-package directory's modification time, the whole
process environment, the command's options (selection, ``--params``, ``--env``,
``--conf-source``, runner options, load versions, code scope), the bytes of every file
under the project's source directory and configuration folder and of ``pyproject.toml``,
the bytes of every file defining a node function, and the journal's last ``completed``
entry. It stores the plan (every node skipped, with its fingerprint) and the content digest
of every file dataset the plan observed: those are checked again (size and modification
time, and the bytes when they changed) before the entry is used. Anything that differs is a
miss, and the full path plans (and refreshes the entry).

Only plans that run nothing, in ``--only-changed`` mode, over file datasets without
versions (or memory datasets) are cached: the shell decides which (it knows the datasets).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace

from returns.result import Failure, Result, Success

from core.errors import StoreError, StoreErrorReason
from core.incremental.decide import ChangeDecision, ChangePlan, PlanMode
from core.incremental.journal import fingerprint_from_json
from core.incremental.model import COVERAGE

__all__ = [
    "CACHE_COVERAGE",
    "CachedPlan",
    "cache_key",
    "cached_from_json",
    "is_cacheable",
    "served_from_cache",
]

#: What a plan served from the cache was checked against (shown by ``plan``).
CACHE_COVERAGE = (
    "This plan came from the plan cache: it is the last full plan's decision (nothing runs), "
    "reused because nothing it depends on changed: the bytes of every file under the "
    "project's source directory and configuration folder, pyproject.toml and each node "
    "function's file, the command's options and parameters, the environment variables, "
    "kedro-pure's version, the Python interpreter and installed packages, the run journal, "
    "and the content digest of every dataset file. Code that reads other files, the clock "
    "or the network while the pipelines are built is not seen: --no-plan-cache plans in full. "
    "Nothing of the project was started, so no hook was called (a run served this way calls "
    "none either, not even before_pipeline_run/after_pipeline_run); --no-plan-cache starts "
    "the project and calls them."
)


def cache_key(parts: Mapping[str, str]) -> str:
    """The key of an entry: a SHA-256 of the parts' canonical JSON (keys sorted)."""
    text = json.dumps(dict(parts), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def is_cacheable(plan: ChangePlan) -> bool:
    """Whether ``plan`` may be cached: an ``--only-changed`` plan that runs nothing."""
    return plan.mode is PlanMode.ONLY_CHANGED and not plan.to_run and not plan.stale


@dataclass(frozen=True, slots=True)
class CachedPlan:
    """One plan cache entry.

    Attributes:
        key: :func:`cache_key` of what the plan depends on.
        plan: the cached decision (every node skipped).
        files: each dataset file the plan observed (absolute path) to its content digest.
        versions: each versioned dataset's folder to the versions saved in it (as listed
            by the shell), which decide the version a load reads.
        record: the run parameters of the run that made the plan (its ``session_id`` and
            ``run_id`` are replaced by those of a run served from the cache).
    """

    key: str
    plan: ChangePlan
    files: Mapping[str, str]
    versions: Mapping[str, str]
    record: Mapping[str, object]

    def to_json(self) -> dict[str, object]:
        """The entry as stored (JSON)."""
        return {
            "plan": [
                {"node": d.node, "fingerprint": d.fingerprint.to_json(), "outputs": dict(sorted(d.outputs.items()))}
                for d in self.plan.decisions
            ],
            "files": dict(sorted(self.files.items())),
            "versions": dict(sorted(self.versions.items())),
            "record": dict(self.record),
        }


def served_from_cache(plan: ChangePlan) -> ChangePlan:
    """``plan`` as ``plan`` shows it when served from the cache (its coverage says so)."""
    return replace(plan, coverage=f"{COVERAGE} {CACHE_COVERAGE}", from_cache=True)


def _corrupt(message: str) -> StoreError:
    return StoreError(StoreErrorReason.CORRUPT, f"The plan cache entry is damaged: {message}")


def cached_from_json(key: str, text: str) -> Result[CachedPlan, StoreError]:
    """An entry from its stored JSON; a damaged one is ``CORRUPT`` (the shell then plans in full)."""
    try:
        value: object = json.loads(text)
    except ValueError as exc:
        return Failure(_corrupt(f"not JSON ({exc})"))
    if not isinstance(value, dict):
        return Failure(_corrupt("not a JSON object"))
    decisions_json, record = value.get("plan"), value.get("record")
    files, versions = value.get("files"), value.get("versions")
    if not (isinstance(decisions_json, list) and isinstance(record, dict)):
        return Failure(_corrupt("'plan' or 'record' is missing"))
    for name, mapping in (("files", files), ("versions", versions)):
        if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
            return Failure(_corrupt(f"'{name}' is not a mapping of strings"))
    assert isinstance(files, dict) and isinstance(versions, dict)
    decisions: list[ChangeDecision] = []
    for item in decisions_json:
        if not isinstance(item, dict) or not isinstance(item.get("node"), str):
            return Failure(_corrupt("a decision has no node"))
        fingerprint = fingerprint_from_json(
            json.dumps(item.get("fingerprint")), what=f"the plan cache entry is damaged: the fingerprint of '{item['node']}'"
        )
        if isinstance(fingerprint, Failure):
            return Failure(fingerprint.failure())
        outputs = item.get("outputs", {})
        if not isinstance(outputs, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in outputs.items()):
            return Failure(_corrupt(f"the outputs of '{item['node']}' are not a mapping of strings"))
        decisions.append(ChangeDecision(str(item["node"]), (), fingerprint.unwrap(), dict(outputs)))
    plan = ChangePlan(PlanMode.ONLY_CHANGED, tuple(decisions))
    return Success(CachedPlan(key, plan, dict(files), dict(versions), dict(record)))
