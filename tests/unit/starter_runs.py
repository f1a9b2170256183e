"""Running the pristine ``spaceflights-pandas`` starter with Kedro 1.7.0 and with kedro-pure.

The starter (``/work/shared/kedro-projects/spaceflights-pandas``, see its ``SOURCE.md``) is
never touched: every run works on a fresh copy in a temporary directory. A *scenario* is a
sequence of steps on one copy: a command line (the same options for ``kedro run`` and
``kedro-pure run``) or a file to delete between runs. Each run is a real process with the
project as its working directory, as a user would start it.

What a scenario yields (:class:`Outcome`) is what the acceptance tests compare: every file under
``data/`` by content (versioned datasets' timestamp directories replaced by their rank, so two
sides' ``2026-...Z`` folders line up), the nodes each run completed in order, and the records
the project's own ``conf/logging.yml`` wrote to ``info.log``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

STARTER: Final = Path("/work/shared/kedro-projects/spaceflights-pandas")
BIN: Final = Path(sys.executable).parent

#: A step: a command line's options, or ``("delete", relative_path)``.
Step = tuple[str, ...]
Tool = Literal["kedro", "kedro-pure"]

_VERSION = re.compile(r"/\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d\.\d{3}Z(-[0-9a-f]+)?/")
_COMPLETED = re.compile(r" - INFO - Completed node: (\S+)$")
_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - (\S+) - (\w+) - (.*)$")
_SECONDS = re.compile(r"\d+(\.\d+)? sec")

#: Records only Kedro writes, for reasons the README documents: its own config loader uses
#: omegaconf's deprecated resolver API (``py.warnings``), and kedro-pure does not validate
#: typed parameters.
KEDRO_ONLY_LOGGERS: Final = frozenset({"py.warnings", "kedro.validation.parameter_validator"})


@dataclass(frozen=True)
class Outcome:
    """What one scenario produced."""

    files: Mapping[str, bytes]
    #: per run step: the nodes completed, in order
    nodes: tuple[tuple[str, ...], ...]
    #: per run step: ``(logger, level, message)`` records from ``info.log``
    records: tuple[tuple[tuple[str, str, str], ...], ...]
    exit_codes: tuple[int, ...]


def copy_starter(destination: Path) -> Path:
    """A fresh copy of the pristine starter at ``destination``."""
    shutil.copytree(STARTER, destination)
    return destination


def environment() -> dict[str, str]:
    """The environment both tools run in: no telemetry, no inherited logging config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEDRO_")}
    env.update(DO_NOT_TRACK="1", KEDRO_DISABLE_TELEMETRY="1", COLUMNS="200", PYTHONHASHSEED="0")
    return env


def run(tool: Tool, project: Path, options: Sequence[str], *, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """``kedro run OPTIONS`` or ``kedro-pure run OPTIONS`` in ``project``."""
    command = [str(BIN / tool), "run", *options]
    return subprocess.run(
        command, cwd=project, env=environment(), capture_output=True, text=True, timeout=timeout, check=False
    )


def play(tool: Tool, project: Path, steps: Sequence[Step]) -> Outcome:
    """Play ``steps`` on ``project`` (a copy) with ``tool`` and collect the outcome."""
    nodes: list[tuple[str, ...]] = []
    records: list[tuple[tuple[str, str, str], ...]] = []
    codes: list[int] = []
    log = project / "info.log"
    for step in steps:
        if step[:1] == ("delete",):
            (project / step[1]).unlink()
            continue
        seen = log.stat().st_size if log.exists() else 0
        done = run(tool, project, step)
        codes.append(done.returncode)
        assert done.returncode == 0, f"{tool} run {' '.join(step)} failed:\n{done.stdout}\n{done.stderr}"
        text = log.read_text(encoding="utf-8")[seen:] if log.exists() else ""
        nodes.append(tuple(m.group(1) for m in map(_COMPLETED.search, text.splitlines()) if m))
        records.append(_records(text))
    return Outcome(data_files(project), tuple(nodes), tuple(records), tuple(codes))


def data_files(project: Path) -> dict[str, bytes]:
    """Every file under ``data/`` (but ``.gitkeep``), versions replaced by their rank."""
    found = sorted(
        p for p in (project / "data").rglob("*") if p.is_file() and p.name != ".gitkeep"
    )
    ranks: dict[str, list[str]] = {}
    for path in found:
        relative = path.relative_to(project).as_posix()
        match = _VERSION.search(relative)
        if match:
            ranks.setdefault(relative[: match.start()], []).append(match.group(0))
    files: dict[str, bytes] = {}
    for path in found:
        relative = path.relative_to(project).as_posix()
        match = _VERSION.search(relative)
        if match:
            rank = sorted(ranks[relative[: match.start()]]).index(match.group(0))
            relative = f"{relative[: match.start()]}/v{rank}/{relative[match.end():]}"
        files[relative] = path.read_bytes()
    return files


def _records(text: str) -> tuple[tuple[str, str, str], ...]:
    """The records of ``info.log`` text (continuation lines dropped, durations blanked)."""
    out = []
    for line in text.splitlines():
        match = _RECORD.match(line)
        if match and match.group(1) not in KEDRO_ONLY_LOGGERS:
            out.append((match.group(1), match.group(2), _SECONDS.sub("N sec", match.group(3))))
    return tuple(out)


def differing(left: Mapping[str, bytes], right: Mapping[str, bytes]) -> list[str]:
    """The paths whose bytes differ, or that only one side has."""
    return sorted(p for p in left.keys() | right.keys() if left.get(p) != right.get(p))
