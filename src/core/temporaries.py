"""Names of the temporary files atomic saves write, and which of them are litter.

A save writes ``.<basename>.<owner>.<random>.kptmp`` next to its destination, then renames
it (:mod:`shell.io.filesystem`). The owner part names the writing process: a short hash
of its host name, its pid and its start token (see :mod:`core.liveness`), so that a
temporary left behind by a killed process can be recognised and removed, while one that a
live process is still writing is never touched. Files that do not follow this pattern
(including the older ``.<basename>.<hex>.tmp`` names) are never swept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.liveness import ProcessFacts, ProcessId, gone

__all__ = [
    "SUFFIX",
    "Temporary",
    "host_tag",
    "owners",
    "parse_temporary",
    "stale",
    "temporary_name",
]

#: The extension every temporary of an atomic save ends with.
SUFFIX = ".kptmp"

_NAME = re.compile(
    r"^\.(?P<base>.+)\.(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-(?P<start>\d*)\.(?P<token>[0-9a-f]+)"
    + re.escape(SUFFIX)
    + "$",
    re.DOTALL,  # a file name may hold a newline
)


def host_tag(host: str) -> str:
    """8 hexadecimal characters standing for a host name in file names."""
    return hashlib.sha256(host.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def temporary_name(base: str, owner: ProcessId, token: str) -> str:
    """The temporary file name for a save of ``base`` by ``owner`` (``token``: random hex)."""
    return f".{base}.{host_tag(owner.host)}-{owner.pid}-{owner.start}.{token}{SUFFIX}"


@dataclass(frozen=True, slots=True)
class Temporary:
    """A temporary file name taken apart."""

    name: str
    base: str
    host_tag: str
    pid: int
    start: str


def parse_temporary(name: str) -> Temporary | None:
    """The parts of a temporary's file name, or ``None`` for any other file."""
    found = _NAME.fullmatch(name)
    if found is None:
        return None
    return Temporary(name, found["base"], found["host"], int(found["pid"]), found["start"])


def stale(names: Iterable[str], facts: ProcessFacts) -> list[str]:
    """The temporaries among ``names`` whose writer is certainly gone (same host; the pid
    free or reused), in the order given. Temporaries of other hosts are kept."""
    mine = host_tag(facts.host)
    found: list[str] = []
    for name in names:
        parsed = parse_temporary(name)
        if parsed is None or parsed.host_tag != mine:
            continue
        if gone(ProcessId(facts.host, parsed.pid, parsed.start), facts):
            found.append(name)
    return found


def owners(names: Iterable[str]) -> frozenset[int]:
    """The pids named by the temporaries among ``names`` (what the shell must observe)."""
    return frozenset(p.pid for n in names if (p := parse_temporary(n)) is not None)

