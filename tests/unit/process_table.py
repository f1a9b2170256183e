"""Reading the Linux process table (``/proc``) in tests and benchmarks: whether a process
still runs, and which processes a process started (its workers, theirs, ...)."""

from __future__ import annotations

from pathlib import Path


def _stat_fields(stat: str) -> list[str]:
    """The fields of a ``/proc/<pid>/stat`` line after the command name (which may hold
    spaces and parentheses): state first, then the parent's pid."""
    return stat[stat.rfind(")") + 2 :].split()


def is_alive(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie (an exited process nobody reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return _stat_fields(stat)[0] != "Z"


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``, found by walking parent links (no recursion)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(_stat_fields(stat)[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found
