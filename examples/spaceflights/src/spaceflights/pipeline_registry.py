"""The project's pipelines, by name (Kedro's ``register_pipelines``)."""

from __future__ import annotations

from collections.abc import Iterable

from core import Pipeline, pipeline
from shell.project import find_pipelines


def register_pipelines(names: Iterable[str] | None = None) -> dict[str, Pipeline]:
    """Register every pipeline under ``spaceflights.pipelines``, and ``__default__``.

    ``find_pipelines`` finds ``data_processing``, ``feature_engineering``, ``data_science``
    and ``reporting`` (one sub-package each, with a ``create_pipeline()``). kedro-pure passes
    the names a run asks for in ``names``, so ``kedro-pure run --pipeline reporting`` imports
    only the ``reporting`` package; ``None`` or ``__default__`` loads them all.

    Returns:
        ``{name: pipeline}``, with ``__default__`` the sum of all of them.
    """
    found = find_pipelines(__package__ or "spaceflights", names=names, raise_errors=True).unwrap()
    # find_pipelines' own ``__default__`` is empty in this layout: the default is everything.
    found.pop("__default__", None)
    found["__default__"] = sum(found.values(), pipeline([]).unwrap())
    return found
