"""Session stores: Kedro's in-memory ``BaseSessionStore`` and the persistent ``SQLiteStore``.

Typical use by the session::

    store = SQLiteStore.open(path, session_id)          # IOResult[SQLiteStore, StoreError]
    store.update(session_data); store.save()            # IOResult[None, StoreError]
    key = store.record_run_started(run_id, run_params)  # IOResult[int, StoreError]
    store.record_run_finished(key, RunOutcome.SUCCESS)  # IOResult[None, StoreError]

and to look back: :func:`list_sessions` / :func:`get_session`.
"""

from core.store_records import RunOutcome, StoredRun, StoredSession
from shell.store.base import BaseSessionStore
from shell.store.database import SCHEMA_VERSION
from shell.store.history import get_session, list_sessions
from shell.store.sqlite import DB_FILE_NAME, DEFAULT_BUSY_TIMEOUT, SQLiteStore, store_file

__all__ = [
    "DB_FILE_NAME",
    "DEFAULT_BUSY_TIMEOUT",
    "SCHEMA_VERSION",
    "BaseSessionStore",
    "RunOutcome",
    "SQLiteStore",
    "StoredRun",
    "StoredSession",
    "get_session",
    "list_sessions",
    "store_file",
]
