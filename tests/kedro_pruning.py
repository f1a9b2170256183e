"""Kedro-side doubles shared by the pruning tests: the same pipeline and catalog in Kedro 1.7.0."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kedro.io import AbstractDataset, DataCatalog, MemoryDataset
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node

from core import Pipeline
from core.catalog.snapshot import CatalogSnapshot

__all__ = ["Probe", "kedro_catalog", "kedro_pipeline"]


class Probe(AbstractDataset[Any, Any]):
    """A persistent dataset whose ``exists()`` answer is fixed; loads 0, saves nothing."""

    def __init__(self, present: bool) -> None:
        self._present = present

    def load(self) -> Any:
        return 0

    def save(self, data: Any) -> None:
        return None

    def _exists(self) -> bool:
        return self._present

    def _describe(self) -> dict[str, Any]:
        return {"present": self._present}


def kedro_pipeline(p: Pipeline, func: Callable[..., Any]) -> Any:
    """Kedro's pipeline with ``p``'s names, declarations and construction order, running ``func``."""
    return KedroPipeline(
        [kedro_node(func, n.declared_inputs, n.declared_outputs, name=n.name) for n in p.construction_order]
    )


def kedro_catalog(snapshot: CatalogSnapshot, *, memory: Callable[[], Any] = MemoryDataset) -> Any:
    """A Kedro catalog holding what ``snapshot`` says: ``memory()`` for every ephemeral name and
    a :class:`Probe` for every other declared one (undeclared names are left out)."""
    return DataCatalog(
        datasets={
            name: memory() if snapshot.is_ephemeral(name) else Probe(snapshot.exists(name))
            for name in snapshot.registered
        }
    )
