"""How a dataset's description is shown: its ``repr`` and the errors that quote it.

Kedro 1.7 redacts URL credentials (``user:password@``, queries, fragments) from every value
a dataset's ``repr`` shows (:func:`redact_shown`); :func:`description_secrets` gives the
same parts as text to blank from error messages that quote the filepath some other way.
The rules themselves are :mod:`core.redaction`'s; here paths become text first.
"""

from __future__ import annotations

from pathlib import PurePath

from core.redaction import redact_urls, url_secrets

__all__ = ["description_secrets", "redact_shown"]


def redact_shown(value: object) -> object:
    """``value`` as a dataset's ``repr`` shows it: :func:`core.redaction.redact_urls` on
    every string at any depth of dicts, lists and tuples. A path that needs redacting
    becomes its redacted text; everything else is returned as it is, so the ``repr`` of a
    value without URL credentials does not change."""
    if isinstance(value, PurePath):
        posix = value.as_posix()
        shown = redact_urls(posix)
        return value if shown == posix else shown
    if isinstance(value, str):
        return redact_urls(value)
    if isinstance(value, dict):
        return {key: redact_shown(item) for key, item in value.items()}
    # Plain lists and tuples only: a namedtuple's constructor takes no iterable.
    if type(value) is list:
        return [redact_shown(item) for item in value]
    if type(value) is tuple:
        return tuple(redact_shown(item) for item in value)
    return value


def _as_text(value: object) -> object:
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, dict):
        return {key: _as_text(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_text(item) for item in value]
    return value


def description_secrets(description: object) -> frozenset[str]:
    """The URL credentials in a dataset's description (paths included), as text."""
    return url_secrets(_as_text(description))
