"""``BaseSessionStore``: Kedro's ephemeral, dict-like session store.

The session keeps what it learns about itself (id, project path, CLI context, env, runtime
params, user name, git state, a failure's exception) in its store. This base class keeps it in
memory only: :meth:`BaseSessionStore.read` starts empty and :meth:`BaseSessionStore.save`
persists nothing. Persistent stores override both (see :mod:`shell.store.sqlite`).
"""

from __future__ import annotations

import logging
from collections import UserDict

from returns.io import IOResult, IOSuccess

from core.errors import StoreError
from shell import log_names

__all__ = ["BaseSessionStore"]

logger = logging.getLogger(log_names.STORE)


class BaseSessionStore(UserDict[str, object]):
    """A dict of session data, built from :meth:`read` and persisted by :meth:`save`.

    Args:
        path: Where a persistent store keeps its data (Kedro's default: ``<project>/sessions``).
        session_id: The id of the session whose data this is.
    """

    def __init__(self, path: str, session_id: str) -> None:
        self._path = path
        self._session_id = session_id
        super().__init__(self.read())

    @property
    def path(self) -> str:
        """Where the store keeps its data."""
        return self._path

    @property
    def session_id(self) -> str:
        """The session this store belongs to."""
        return self._session_id

    def read(self) -> dict[str, object]:
        """Read the session's stored data; the base store has none.

        Returns:
            The stored data (here always empty).
        """
        logger.debug(
            "'read()' not implemented for '%s'. Assuming empty store.", type(self).__name__
        )
        return {}

    def save(self) -> IOResult[None, StoreError]:
        """Persist the data; the base store keeps nothing.

        Unlike Kedro's ``save() -> None``, failures come back as a value.

        Returns:
            ``IOSuccess(None)``, or ``IOFailure`` of a ``StoreError`` in persistent stores.
        """
        logger.debug("'save()' not implemented for '%s'. Skipping the step.", type(self).__name__)
        return IOSuccess(None)
