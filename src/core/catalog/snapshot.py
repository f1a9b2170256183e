"""What the shell observed about a pipeline's datasets before planning.

The run planner decides which nodes must run from this value alone: it never calls the
catalog. The shell builds it with ``shell.io.snapshot_catalog(catalog, pipeline)``, probing
``exists()`` only for the persistent datasets the pipeline writes.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CatalogSnapshot"]


@dataclass(frozen=True, slots=True)
class CatalogSnapshot:
    """The catalog's view of one pipeline's datasets.

    Attributes:
        registered: names the catalog knows: declared explicitly, or matching a user's
            dataset factory pattern. Names only the default runtime pattern would build
            are *not* registered.
        ephemeral: names whose dataset is ephemeral (memory and cached datasets), i.e.
            whose data does not outlive the run.
        existing: persistent datasets whose ``exists()`` returned True when observed.
    """

    registered: frozenset[str] = frozenset()
    ephemeral: frozenset[str] = frozenset()
    existing: frozenset[str] = frozenset()

    def is_known(self, name: str) -> bool:
        """Whether the catalog declares ``name`` (explicitly or through a user pattern)."""
        return name in self.registered

    def is_ephemeral(self, name: str) -> bool:
        """Whether ``name`` is held by an ephemeral (memory or cached) dataset."""
        return name in self.ephemeral

    def exists(self, name: str) -> bool:
        """Whether ``name`` was observed to exist as a persistent dataset."""
        return name in self.existing
