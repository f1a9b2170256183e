"""Recording a run in the journal, from the runner's progress events.

:class:`JournalRecorder` is a progress callback: the runner reports a node ``STARTED``
(in the coordinating thread, once the node's parents have completed and saved), then
``COMPLETED`` (after the node's outputs were saved, atomically) or ``FAILED``. At the start
it computes the node's fingerprint with its inputs as they are; at completion it records
that fingerprint with the versions of the outputs just written. Each event is one
transaction. A journal write that fails is logged and the run goes on: a missing
``completed`` entry can only make the node run again later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from returns.pipeline import is_successful

from core.incremental import Fingerprint
from core.incremental.journal import JournalEntry, NodeEvent
from core.pipeline import Pipeline
from shell.incremental.observe import Observer
from shell.runners.progress import ProgressEvent, ProgressKind
from shell.store.journal import SQLiteJournal

__all__ = ["JournalRecorder"]

_LOGGER = logging.getLogger(__name__)


class JournalRecorder:
    """Writes one run's node events to the journal.

    Args:
        journal: where to write.
        pipeline: the pipeline that runs.
        observer: computes fingerprints and output versions.
        run_id: the run.
        reasons: why each node runs (the plan's explanation; ``selected`` by default).
        clock: the current time as ISO 8601 text.
    """

    def __init__(
        self,
        journal: SQLiteJournal,
        pipeline: Pipeline,
        observer: Observer,
        run_id: str,
        reasons: Mapping[str, str],
        clock: Callable[[], str],
    ) -> None:
        self._journal = journal
        self._pipeline = pipeline
        self._observer = observer
        self._run_id = run_id
        self._reasons = reasons
        self._clock = clock
        self._digests: dict[str, str] = {}
        self._fingerprints: dict[str, Fingerprint] = {}
        self._began: dict[str, float] = {}

    def __call__(self, event: ProgressEvent) -> None:
        if event.kind is ProgressKind.STARTED:
            self._started(event.node)
        elif event.kind is ProgressKind.COMPLETED:
            self._ended(event.node, NodeEvent.COMPLETED)
        elif event.kind is ProgressKind.FAILED:
            self._ended(event.node, NodeEvent.FAILED, error="the node failed (see the run's error)")

    def _write(self, entry: JournalEntry) -> None:
        written = self._journal.append([entry])
        if not is_successful(written):
            _LOGGER.warning("The run journal could not record node '%s': %s", entry.node, written.failure())

    def _started(self, name: str) -> None:
        node = self._pipeline.graph.by_name[name]
        fingerprint = self._observer.fingerprint_value(self._pipeline, node, self._digests)
        if isinstance(fingerprint, Fingerprint):
            self._fingerprints[name] = fingerprint
            self._digests[name] = fingerprint.digest
        self._began[name] = time.perf_counter()
        reason = self._reasons.get(name, "selected")
        self._write(JournalEntry(self._run_id, name, NodeEvent.STARTED, self._clock(), reason=reason))

    def _ended(self, name: str, event: NodeEvent, *, error: str | None = None) -> None:
        began = self._began.pop(name, None)
        duration = None if began is None else round(time.perf_counter() - began, 6)
        fingerprint = self._fingerprints.get(name) if event is NodeEvent.COMPLETED else None
        outputs: dict[str, str] = {}
        if fingerprint is not None:
            outputs = self._observer.output_tokens(self._pipeline.graph.by_name[name])
        if event is NodeEvent.COMPLETED and fingerprint is None:
            # Without a fingerprint the node cannot be skipped later: record it as failed to
            # fingerprint rather than completed.
            event, error = NodeEvent.FAILED, "its fingerprint could not be computed"
        self._write(
            JournalEntry(
                self._run_id, name, event, self._clock(),
                duration=duration, fingerprint=fingerprint, outputs=outputs, error=error,
            )
        )

    def interrupted(self, error: str) -> None:
        """Record every node still running as interrupted (on Ctrl-C)."""
        for name in list(self._began):
            self._ended(name, NodeEvent.INTERRUPTED, error=error)

    def finish(self) -> None:
        """Write the digests computed during the run back to the store's cache, and close
        the journal's connection."""
        changed = self._observer.cache.take_changed()
        stored = self._journal.store_digests(changed)
        if not is_successful(stored):
            _LOGGER.warning("The digest cache could not be saved: %s", stored.failure())
        self._journal.close()
