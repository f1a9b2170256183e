"""``--runner``, ``--runner-params`` and ``--async``: the runner a command line names, built."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import KedroError, RunError, RunErrorReason
from shell.cli.common import parse_params
from shell.project.settings import import_object

# The runners are imported when one is built, so `kedro-pure --help` starts without them.
if TYPE_CHECKING:
    from shell.runners.progress import ProgressEvent
    from shell.runners.runner import AbstractRunner

__all__ = ["RUNNERS", "build_runner"]

#: Runners known by their bare name (``--runner ThreadRunner``).
RUNNERS = {
    "SequentialRunner": "shell.runners.sequential.SequentialRunner",
    "ThreadRunner": "shell.runners.thread.ThreadRunner",
    "ParallelRunner": "shell.runners.parallel.ParallelRunner",
    "DaskRunner": "shell.runners.dask.DaskRunner",
}


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
