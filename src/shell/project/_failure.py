"""Describing an exception raised by a project's own code: where it happened and what it was."""

from __future__ import annotations

import traceback
from pathlib import Path

__all__ = ["describe", "location"]


def location(exc: BaseException, project_path: Path) -> tuple[str, int]:
    """The file and line an exception from project code points at.

    A ``SyntaxError`` names its own file and line. Otherwise the innermost traceback frame
    inside the project is chosen, else the innermost real frame (importlib's ``<frozen ...>``
    frames say nothing useful).

    Returns:
        ``(file, line)``; ``("?", 0)`` when the traceback has no usable frame.
    """
    if isinstance(exc, SyntaxError) and exc.filename:
        return exc.filename, exc.lineno or 0
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("<")]
    in_project = [f for f in frames if Path(f.filename).is_relative_to(project_path)]
    chosen = in_project or frames
    if not chosen:
        return "?", 0
    return chosen[-1].filename, chosen[-1].lineno or 0


def describe(exc: BaseException, project_path: Path) -> str:
    """``"'<file>', line <n>: <Type>: <message>"`` for an exception from project code."""
    file, line = location(exc, project_path)
    return f"'{file}', line {line}: {type(exc).__name__}: {exc}"
