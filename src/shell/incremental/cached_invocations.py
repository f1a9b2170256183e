"""Command lines remembered with plan cache entries (table ``plan_cache_invocations``), so
:mod:`shell.incremental.fast_entry` serves an identical command before it is parsed."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from shell.incremental.cache_database import (
    INVOCATIONS_TABLE,
    KEPT_ENTRIES,
    connect_read_only,
    has_table,
)
from shell.incremental.cache_key_parts import invocation_key
from shell.incremental.cache_request import CacheProbe, CacheRequest, Invocation, default_store_file

__all__ = ["find_invocation", "invocation_row", "remember_invocation", "write_invocation"]

# Logged under the plan cache's name, as the rest of its messages are.
_LOGGER = logging.getLogger("shell.incremental.plan_cache")


def invocation_row(probe_: CacheProbe) -> tuple[str, str] | None:
    invocation = probe_.invocation
    if invocation is None:
        return None
    request = probe_.request
    text = json.dumps(
        {
            "root": str(request.root), "source_dir": str(request.source_dir),
            "conf_source": str(request.conf_source), "options": dict(request.options),
            "command": invocation.command, "as_json": invocation.as_json, "quiet": invocation.quiet,
        },
        sort_keys=True, default=str,
    )
    return probe_.argv_key, text


def write_invocation(connection: sqlite3.Connection, row: tuple[str, str]) -> None:
    connection.execute(INVOCATIONS_TABLE)
    connection.execute(
        "INSERT OR REPLACE INTO plan_cache_invocations (argv_key, invocation, written) VALUES (?, ?, "
        "COALESCE((SELECT MAX(written) FROM plan_cache_invocations), 0) + 1)",
        row,
    )
    connection.execute(
        "DELETE FROM plan_cache_invocations WHERE written <= (SELECT MAX(written) FROM plan_cache_invocations) - ?",
        (KEPT_ENTRIES,),
    )


def remember_invocation(probe_: CacheProbe) -> None:
    """Remember the command line of a probe that hit, so the next identical one is served
    before the command line is parsed. Best effort: a store that cannot take it only loses
    that shortcut."""
    row = invocation_row(probe_)
    if row is None or probe_.hit is None:
        return
    try:
        connection = sqlite3.connect(default_store_file(probe_.request.root), timeout=5.0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            write_invocation(connection, row)
            connection.execute("COMMIT")
        finally:
            connection.close()
    except sqlite3.Error as exc:
        _LOGGER.debug("The plan cache could not remember the command line: %s", exc)


def find_invocation(root: Path, argv: Iterable[str]) -> tuple[CacheRequest, Invocation] | None:
    """The request and output settings remembered for this exact command line, or ``None``."""
    file = default_store_file(root)
    if not file.is_file():
        return None
    words = tuple(argv)
    try:
        connection = connect_read_only(file)
        try:
            if not has_table(connection, "plan_cache_invocations"):
                return None
            row = connection.execute(
                "SELECT invocation FROM plan_cache_invocations WHERE argv_key = ?", (invocation_key(words),)
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    try:
        value = json.loads(str(row[0]))
        request = CacheRequest(Path(value["root"]), Path(value["source_dir"]), Path(value["conf_source"]), dict(value["options"]))
        invocation = Invocation(words, str(value["command"]), bool(value["as_json"]), bool(value["quiet"]))
    except (ValueError, KeyError, TypeError):
        return None
    return request, invocation
