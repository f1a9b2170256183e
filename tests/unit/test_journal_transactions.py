"""The journal's persistent connection never keeps the database's write lock.

The journal appends through one long-lived connection. If an interrupt ever left its
transaction open (it landed after ``BEGIN`` but before the guard could roll back), that
connection would hold SQLite's write lock, and every other writer (the session store
recording the run's outcome) would wait out its deadline and fail.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from returns.pipeline import is_successful

from core.incremental.journal import JournalEntry, NodeEvent
from shell.store.sqlite import SQLiteStore


def _other_writer_can_write(file: Path) -> bool:
    other = sqlite3.connect(file, timeout=0.0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_an_append_ends_a_transaction_an_interrupt_left_open(tmp_path: Path) -> None:
    journal = SQLiteStore(str(tmp_path / "sessions"), "s1").journal()
    assert is_successful(journal.append([JournalEntry("r1", "a", NodeEvent.STARTED, "t0")]))
    # What an interrupt between BEGIN and its guard would leave behind.
    leftover = journal._connection  # the state under test is internal
    assert leftover is not None
    leftover.execute("BEGIN IMMEDIATE")
    leftover.execute(
        "INSERT INTO node_journal (run_id, node, status, at) VALUES ('r1', 'ghost', 'started', 't')"
    )
    assert not _other_writer_can_write(journal.file)

    assert is_successful(journal.append([JournalEntry("r1", "a", NodeEvent.FAILED, "t1", error="boom")]))

    assert _other_writer_can_write(journal.file)
    nodes = [(e.node, e.event) for e in journal.run_entries("r1").unwrap()]
    # The half-done transaction's row was rolled back, never committed with the next one.
    assert nodes == [("a", NodeEvent.STARTED), ("a", NodeEvent.FAILED)]
    journal.close()
