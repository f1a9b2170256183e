"""How a run's outcome becomes a response body (pure).

Kedro's server answers a failed run with ``{"status": "failure", "error": {"type",
"message"}}``, where ``type`` and ``message`` are those of the exception that escaped the
session: for a failing node, the node's own exception. :func:`error_detail` keeps that
contract (a node's ``ValueError("bad")`` is ``type="ValueError"``, ``message="bad"``) and adds
what kedro-pure's error values know: the ``reason`` code, the failing ``node`` and the
``resume`` plan. Every text goes through the ``scrub`` function the shell passes (credential
values and URL secrets redacted, :mod:`core.redaction`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pydantic import JsonValue

from core.errors import KedroError, RunError
from core.resume import ResumePlan
from core.service.models import ErrorDetail, ResumeDetail
from core.store_records import to_plain_json

__all__ = ["encode_outputs", "error_detail", "resume_detail", "scrub_json"]


def resume_detail(plan: ResumePlan) -> ResumeDetail:
    """The JSON form of a resume plan."""
    return ResumeDetail(
        from_nodes=list(plan.node_names),
        argument=plan.from_nodes_argument,
        nothing_ran=plan.nothing_ran,
    )


def error_detail(error: KedroError, scrub: Callable[[str], str]) -> ErrorDetail:
    """The response's ``error`` for a run that failed with ``error``.

    Args:
        error: The session's failure value.
        scrub: Redacts credentials from a text.

    Returns:
        Kedro's ``type``/``message`` (the node's exception when a node failed, else the error
        value's class and message) with ``reason``, ``node`` and ``resume`` added.
    """
    node = error.node if isinstance(error, RunError) and error.node else None
    cause = error.cause if isinstance(error, RunError) else None
    if node is not None and isinstance(cause, Exception) and not isinstance(cause, KedroError):
        kind, message = type(cause).__qualname__, str(cause)
    else:
        kind, message = type(error).__qualname__, error.message
    plan = error.resume if isinstance(error, RunError) else None
    return ErrorDetail(
        type=kind,
        message=scrub(message),
        reason=error.reason.value if isinstance(error.reason.value, str) else error.reason.name,
        node=node,
        resume=resume_detail(plan) if isinstance(plan, ResumePlan) else None,
    )


def encode_outputs(values: Mapping[str, object]) -> dict[str, JsonValue]:
    """Free outputs' values as JSON: what JSON cannot carry becomes its ``repr``."""
    encoded: dict[str, JsonValue] = {}
    for name, value in values.items():
        plain: JsonValue = to_plain_json(value)
        encoded[name] = plain
    return encoded


def scrub_json(value: JsonValue, scrub: Callable[[str], str]) -> JsonValue:
    """A copy of ``value`` with ``scrub`` applied to every string and key, at any depth.

    Iterative, so a deeply nested body cannot exhaust the stack.
    """
    lists: list[list[JsonValue]] = []
    dicts: list[dict[str, JsonValue]] = []

    def fresh(item: JsonValue) -> JsonValue:
        # Strings are scrubbed now; containers are copied now and filled in later.
        if isinstance(item, str):
            return scrub(item)
        if isinstance(item, dict):
            copied_dict = {scrub(key): inner for key, inner in item.items()}
            dicts.append(copied_dict)
            return copied_dict
        if isinstance(item, list):
            copied_list = list(item)
            lists.append(copied_list)
            return copied_list
        return item

    result = fresh(value)
    while lists or dicts:
        if lists:
            items = lists.pop()
            for index, item in enumerate(items):
                items[index] = fresh(item)
        else:
            mapping = dicts.pop()
            for key, item in mapping.items():
                mapping[key] = fresh(item)
    return result
