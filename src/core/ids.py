"""Session and run ids: Kedro's timestamp, made unique across processes and machines.

Kedro's ids are the UTC time to the millisecond (``2026-11-23T18.52.50.168Z``), and
processes starting in the same millisecond got the same id. kedro-pure appends a dash and
8 hexadecimal characters drawn at random by the shell (32 bits: two ids of the same
millisecond collide with probability 1 in 4 billion, and the session store refuses a
duplicate instead of merging it). The id still starts with Kedro's timestamp, so ids sort
by time, and it is still a valid path component (it names dataset versions).
"""

from __future__ import annotations

import re

__all__ = ["ID_PATTERN", "SUFFIX_BYTES", "unique_id"]

#: Random bytes behind the suffix (two hex characters each).
SUFFIX_BYTES = 4

#: What every session and run id looks like.
ID_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}\.\d{3}Z-[0-9a-f]{8}")


def unique_id(timestamp: str, token: bytes) -> str:
    """``timestamp`` (Kedro's format) with the suffix made from ``token``."""
    if len(token) != SUFFIX_BYTES:
        raise ValueError(f"the token must be {SUFFIX_BYTES} bytes, got {len(token)}")
    return f"{timestamp}-{token.hex()}"
