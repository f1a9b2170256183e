"""Finding the run ``--resume`` continues, in the project's session store, and turning a
session's ``run`` arguments into :class:`~shell.incremental.planning.IncrementalOptions`."""

from __future__ import annotations

from pathlib import Path

from returns.result import Failure, Result, Success

from core.errors import KedroError
from core.incremental.resuming import ResumeOptions, pick_resumable, resume_options
from shell.api import to_result
from shell.incremental.code import CodeScope
from shell.incremental.planning import IncrementalOptions, journal_of, unavailable
from shell.store.history import list_sessions

__all__ = ["find_resume", "incremental_options"]


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


def incremental_options(
    store: object, only_changed: bool, resume: str | bool | None, keep_going: bool, code_scope: CodeScope
) -> Result[tuple[IncrementalOptions, ResumeOptions | None], KedroError]:
    """The options of a session run, and the resumed run's options when ``resume`` is given
    (``True``: the last run that did not succeed; a string: that run id).

    Returns:
        ``Failure(KedroSessionError)`` when resuming with a store that keeps no journal;
        the failures of :func:`find_resume`.
    """
    if resume is None or resume is False:
        return Success((IncrementalOptions(only_changed, None, keep_going, code_scope), None))
    journal = journal_of(store)
    if journal is None:
        return Failure(unavailable(store, "--resume"))
    found = find_resume(journal.file.parent, None if resume is True else str(resume))
    if isinstance(found, Failure):
        return Failure(found.failure())
    previous = found.unwrap()
    return Success((IncrementalOptions(only_changed, previous.run_id, keep_going, code_scope), previous))
