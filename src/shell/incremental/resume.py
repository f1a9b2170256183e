"""Finding the run ``--resume`` continues, in the project's session store."""

from __future__ import annotations

from pathlib import Path

from returns.result import Failure, Result, Success

from core.errors import KedroError
from core.incremental.resuming import ResumeOptions, pick_resumable, resume_options
from shell.api import to_result
from shell.store.history import list_sessions

__all__ = ["find_resume"]


def find_resume(store_path: str | Path, run_id: str | None) -> Result[ResumeOptions, KedroError]:
    """The options of the run to resume: ``run_id``, or the last run that did not succeed.

    Returns:
        ``Failure(StoreError)`` when the store cannot be read; ``Failure(RunError(
        RESUME_REFUSED))`` when there is no such run or it succeeded.
    """
    listed = to_result(list_sessions(store_path))
    if isinstance(listed, Failure):
        return Failure(listed.failure())
    runs = [run for session in listed.unwrap() for run in session.runs]
    picked = pick_resumable(runs, run_id)
    if isinstance(picked, Failure):
        return Failure(picked.failure())
    return Success(resume_options(picked.unwrap()))
