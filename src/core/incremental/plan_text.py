"""How ``plan --only-changed`` shows a :class:`~core.incremental.ChangePlan` (text and JSON).

Pure, and without the pipeline: the caller passes the groups of the nodes that run (empty for
a plan that runs nothing), so a plan served from the plan cache renders without the project.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.incremental.decide import ChangePlan, PlanMode

__all__ = ["change_plan_json", "change_plan_text"]


def change_plan_json(plan: ChangePlan, groups: Sequence[Sequence[str]]) -> dict[str, object]:
    """The plan as ``plan --json`` prints it."""
    return {"groups": [list(group) for group in groups], **plan.to_json()}


def change_plan_text(plan: ChangePlan, groups: Sequence[Sequence[str]]) -> str:
    """The plan as ``plan`` prints it: what runs, in which groups, every node's reason, and
    what the fingerprints (or the plan cache) cover."""
    flag = "--resume" if plan.mode is PlanMode.RESUME else "--only-changed"
    lines = [f"{len(plan.to_run)} of {len(plan.decisions)} node(s) would run ({flag}), in {len(groups)} group(s):"]
    lines.extend(f"  group {index}: {', '.join(group)}" for index, group in enumerate(groups, start=1))
    lines.append("Why:")
    lines.extend(f"  {d.node}: {'runs' if d.runs else 'skipped'} ({d.explanation})" for d in plan.decisions)
    if plan.stale:
        lines.append("The resume would be refused: outputs these nodes saved are stale:")
        lines.extend(f"  {d.node}: {d.explanation}" for d in plan.stale)
    lines.append(f"Note: {plan.coverage}")
    return "\n".join(lines)
