"""The credential values this process has seen, and a scrubber that keeps them out of output.

Every time a context loads ``credentials`` (:mod:`shell.context`), their values are added
here; the command line (:mod:`shell.cli`) and the session store pass what they are about to
print or write through :func:`scrub`. The registry is process-wide on purpose: an error
raised deep inside a dataset driver may quote a password, and the code printing it has no
other way to know it is one. Values only ever get added, so nothing once seen can reappear.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import IO, Any

from core.redaction import scrub_with, secret_values, secrets_pattern

__all__ = ["ScrubbingStream", "known_secrets", "register_credentials", "scrub"]

_lock = threading.Lock()
_known: frozenset[str] = frozenset()
_pattern: re.Pattern[str] | None = None


def register_credentials(credentials: Mapping[str, object]) -> None:
    """Remember every value of ``credentials`` worth hiding (see
    :func:`core.redaction.secret_values`)."""
    global _known, _pattern
    found = secret_values(credentials)
    if found <= _known:
        return
    with _lock:
        _known = _known | found
        _pattern = secrets_pattern(_known)


def known_secrets() -> frozenset[str]:
    """The credential values registered so far in this process."""
    return _known


def scrub(text: str) -> str:
    """``text`` with known credential values and URL credentials redacted."""
    return scrub_with(text, _pattern)


class ScrubbingStream:
    """A text stream that scrubs (:func:`scrub`) everything written through it.

    The command line puts one in front of ``sys.stdout`` and ``sys.stderr``, so every
    message, table, JSON document, log line and traceback is scrubbed whoever prints it.
    Everything else (``isatty``, ``fileno``, ``encoding``, ...) is the wrapped stream's.
    """

    def __init__(self, wrapped: IO[str]) -> None:
        self.wrapped = wrapped

    def write(self, text: str) -> int:
        self.wrapped.write(scrub(text))
        # Callers count what *they* wrote; the scrubbed text may be longer or shorter.
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # delegation: Any is the honest type here
        return getattr(self.wrapped, name)
