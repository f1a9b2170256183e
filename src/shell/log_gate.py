"""Skipping a per-node log call that logging would drop, at the cost of one dict lookup.

A run logs five INFO records per node (loading, running, saving, two completions). When INFO
is off for those loggers (``logging.disable``, a higher level), each call still costs two
Python calls (``info`` then ``isEnabledFor``) before logging drops it. ``isEnabledFor``
stores its answer per level in the logger's own cache, which logging clears whenever levels
or ``logging.disable`` change. :func:`enabled_cache` hands out that cache, so a hot path can
write::

    if gate.get(logging.INFO) is not False:
        logger.info(...)

and skip exactly the calls logging would drop: a cached ``False`` is logging's own answer;
no answer yet (``None``) or ``True`` makes the call, which logs (or fills the cache) as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["enabled_cache"]

#: For a logger without the standard cache: never says a call would be dropped.
_UNKNOWN: Mapping[int, bool] = MappingProxyType({})


def enabled_cache(logger: logging.Logger) -> Mapping[int, bool]:
    """``logger``'s own cache of ``isEnabledFor`` answers (read it, never write it)."""
    cache = getattr(logger, "_cache", None)
    # A logger class that decides differently (its own isEnabledFor) gets no shortcut.
    if isinstance(cache, dict) and type(logger).isEnabledFor is logging.Logger.isEnabledFor:
        return cache
    return _UNKNOWN
