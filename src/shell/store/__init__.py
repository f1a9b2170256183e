"""Session stores: Kedro's in-memory ``BaseSessionStore`` and the persistent ``SQLiteStore``.

Typical use by the session::

    store = SQLiteStore.open(path, session_id)          # IOResult[SQLiteStore, StoreError]
    store.update(session_data); store.save()            # IOResult[None, StoreError]
    key = store.record_run_started(run_id, run_params)  # IOResult[int, StoreError]
    store.record_run_finished(key, RunOutcome.SUCCESS)  # IOResult[None, StoreError]

and to look back: :func:`list_sessions` / :func:`get_session`.
"""

from typing import TYPE_CHECKING

from shell._lazy import lazy_exports

if TYPE_CHECKING:
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

#: Where each public name is defined. Each is imported on first access: a session imports only
#: the store its settings name (the SQLite store when it opens one).
_DEFINED_IN = {
    "BaseSessionStore": "shell.store.base",
    "DB_FILE_NAME": "shell.store.sqlite",
    "DEFAULT_BUSY_TIMEOUT": "shell.store.sqlite",
    "RunOutcome": "core.store_records",
    "SCHEMA_VERSION": "shell.store.database",
    "SQLiteStore": "shell.store.sqlite",
    "StoredRun": "core.store_records",
    "StoredSession": "core.store_records",
    "get_session": "shell.store.history",
    "list_sessions": "shell.store.history",
    "store_file": "shell.store.sqlite",
}

if not TYPE_CHECKING:  # at runtime only, so mypy still rejects names this package lacks
    __getattr__, __dir__ = lazy_exports(globals(), _DEFINED_IN, __all__)
