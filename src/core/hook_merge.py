"""How the replacement inputs returned by ``before_node_run`` hooks are combined.

Every ``before_node_run`` implementation may return ``None`` or a dict mapping dataset names to
values that replace the loaded inputs. pluggy hands back the non-``None`` returns in *call*
order, which is the reverse of registration order (the hook registered last is called first).
Kedro folds them with ``dict.update`` in that call order, so on a conflict the value of the hook
that was registered **first** wins. Any other return type is refused with Kedro's message.
"""

from __future__ import annotations

from collections.abc import Iterable

from returns.result import Failure, Result, Success

from core.errors import RunError, RunErrorReason

__all__ = ["before_node_run_type_error", "merge_before_node_run_results"]


def before_node_run_type_error(response: object) -> RunError:
    """The error for a ``before_node_run`` return that is neither ``None`` nor a dict.

    Args:
        response: The offending return value.

    Returns:
        A ``RunError`` with reason ``HOOK`` and Kedro's ``TypeError`` message.
    """
    return RunError(
        RunErrorReason.HOOK,
        "'before_node_run' must return either None or a dictionary mapping dataset names to "
        f"updated values, got '{type(response).__name__}' instead.",
    )


def merge_before_node_run_results(
    results: Iterable[object] | None,
) -> Result[dict[str, object], RunError]:
    """Combine ``before_node_run`` returns into the inputs that replace the loaded ones.

    Args:
        results: The returns in pluggy call order (last registered hook first), as
            ``hook.before_node_run(...)`` gives them; ``None`` (what a null hook manager gives)
            means no replacements.

    Returns:
        ``Success`` of a new dict in which, for each dataset name, the value of the
        earliest-registered hook that returned it wins; ``Failure`` of a ``RunError`` (reason
        ``HOOK``) for the first return in call order that is not ``None`` and not a dict.
    """
    merged: dict[str, object] = {}
    if results is None:
        return Success(merged)
    for response in results:
        if response is None:
            continue
        if not isinstance(response, dict):
            return Failure(before_node_run_type_error(response))
        # Later in call order means registered earlier, and must win: plain update does that.
        merged.update(response)
    return Success(merged)
