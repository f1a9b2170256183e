"""The log records of a run against Kedro 1.7.0's: same loggers, levels and texts.

Random pipelines from :func:`core.strategies.pipelines` run under kedro-pure and under Kedro
with the same free inputs; every record under the ``kedro`` logger is compared (the one
duration is normalised). Sequential runs must match record for record, in order; a thread
runner's interleaving is free, so its records are compared as a multiset. A failing node
adds Kedro's ERROR record and its resume WARNING.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kedro.io import DataCatalog as KedroCatalog
from kedro.io import MemoryDataset as KedroMemoryDataset
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node
from kedro.runner import SequentialRunner as KedroSequentialRunner
from kedro.runner import ThreadRunner as KedroThreadRunner

from core import Pipeline
from core.strategies import pipelines
from shell.io import DataCatalog, MemoryDataset
from shell.runners import AbstractRunner, ParallelRunner, SequentialRunner, ThreadRunner

pytestmark = pytest.mark.differential

Record = tuple[str, str, str]

_DURATION = re.compile(r"in \d+\.\d sec\.$")


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[Record] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("kedro.") and not record.name.startswith("kedro.framework"):
            message = _DURATION.sub("in X sec.", record.getMessage())
            self.records.append((record.name, record.levelname, message))


@contextmanager
def recording(level: int = logging.INFO) -> Iterator[Recorder]:
    recorder = Recorder()
    kedro = logging.getLogger("kedro")
    saved = (kedro.level, kedro.propagate)
    kedro.setLevel(level)
    kedro.propagate = False
    kedro.addHandler(recorder)
    try:
        yield recorder
    finally:
        kedro.removeHandler(recorder)
        kedro.setLevel(saved[0])
        kedro.propagate = saved[1]


class Failing:
    """A node function that raises, named and bound as the function it replaces (so node
    names, strings and input orders are unchanged)."""

    def __init__(self, original: object) -> None:
        self.__name__ = getattr(original, "__name__", "combine")
        self.__signature__ = inspect.signature(original)  # type: ignore[arg-type]

    def __call__(self, *args: object, **kwargs: object) -> object:
        raise ValueError("boom: the node failed")


def free_inputs(p: Pipeline) -> dict[str, str]:
    return {name: f"free:{name}" for name in sorted(p.inputs())}


def ours(p: Pipeline, runner: AbstractRunner, failing: str | None = None) -> list[Record]:
    if failing is not None:
        p = replace_func(p, failing)
    catalog = DataCatalog({name: MemoryDataset(data=value) for name, value in free_inputs(p).items()})
    with recording() as recorder:
        runner.run(p, catalog)
    return recorder.records


def kedros(p: Pipeline, runner: Any, failing: str | None = None) -> list[Record]:
    kp = KedroPipeline(
        [
            kedro_node(
                Failing(n.func) if n.name == failing else n.func,
                n.declared_inputs,
                n.declared_outputs,
                name=n.explicit_name,
                tags=sorted(n.tags) or None,
                namespace=n.namespace,
            )
            for n in p.construction_order
        ]
    )
    catalog = KedroCatalog({name: KedroMemoryDataset(data=value) for name, value in free_inputs(p).items()})
    with recording() as recorder:
        try:
            runner.run(kp, catalog)
        except ValueError as exc:
            assert "boom" in str(exc)
    return recorder.records


def replace_func(p: Pipeline, failing: str) -> Pipeline:
    from core import node, pipeline

    return pipeline(
        [
            node(
                Failing(n.func),
                n.declared_inputs,
                n.declared_outputs,
                name=n.explicit_name,
                tags=n.tags,
                namespace=n.namespace,
            )
            if n.name == failing
            else n
            for n in p.construction_order
        ]
    ).unwrap()


@settings(max_examples=30, deadline=None)
@given(pipelines(transcoding=False))
def test_a_sequential_run_logs_kedros_records_in_kedros_order(p: Pipeline) -> None:
    assert ours(p, SequentialRunner()) == kedros(p, KedroSequentialRunner())


@settings(max_examples=20, deadline=None)
@given(pipelines(transcoding=False, min_size=1), st.data())
def test_a_failing_node_logs_kedros_error_and_resume_warning(p: Pipeline, data: st.DataObject) -> None:
    failing = data.draw(st.sampled_from([n.name for n in p.nodes]))
    mine = ours(p, SequentialRunner(), failing)
    theirs = kedros(p, KedroSequentialRunner(), failing)
    assert mine == theirs
    assert [r for r in mine if r[1] == "ERROR"] == [
        ("kedro.pipeline.node", "ERROR", f"Node {p.graph.by_name[failing]} failed with error: \nboom: the node failed")
    ]
    assert mine[-1][1] == "WARNING"


@settings(max_examples=20, deadline=None)
@given(pipelines(transcoding=False), st.integers(1, 3))
def test_a_thread_run_logs_kedros_records(p: Pipeline, workers: int) -> None:
    mine = ours(p, ThreadRunner(max_workers=workers))
    theirs = kedros(p, KedroThreadRunner(max_workers=workers))
    assert Counter(mine) == Counter(theirs)


def test_a_parallel_run_logs_the_sync_note_and_node_records_as_kedros_sequential_run() -> None:
    from core import node, pipeline
    from core.strategies import SyntheticFunction

    p = pipeline(
        [node(SyntheticFunction("0", "b"), "a", "b", name="first"), node(SyntheticFunction("1", "c"), "b", "c", name="second")]
    ).unwrap()
    mine = ours(p, ParallelRunner(max_workers=2))
    sequential = [
        (name.replace("sequential_runner", "parallel_runner"), level, text)
        for name, level, text in kedros(p, KedroSequentialRunner())
    ]
    assert mine == sequential


@settings(max_examples=150, deadline=None)
@given(pipelines())
def test_interrupted_namespaces_are_the_ones_kedro_warns_about(p: Pipeline) -> None:
    import warnings

    from core.namespace_check import interrupted_namespaces

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        KedroPipeline(
            [
                kedro_node(n.func, n.declared_inputs, n.declared_outputs, name=n.explicit_name, namespace=n.namespace)
                for n in p.construction_order
            ]
        )
    theirs = [str(w.message) for w in caught if "is interrupted by nodes" in str(w.message)]
    ours = interrupted_namespaces(p)

    def namespaces(messages: Iterable[str]) -> Counter[str]:
        return Counter(m.split("'")[1] for m in messages)

    # Which nodes Kedro prints depends on set order; the interrupted namespaces do not.
    assert namespaces(ours) == namespaces(theirs)


@settings(max_examples=5, deadline=None)
@given(pipelines(transcoding=False, min_size=1))
def test_a_parallel_run_logs_the_records_of_kedros_sequential_run(p: Pipeline) -> None:
    """Kedro's ParallelRunner needs a shared-memory catalog; its records are its sequential
    runner's, under its own logger name, in a completion order of its choosing."""
    mine = ours(p, ParallelRunner(max_workers=2))
    theirs = [
        (name.replace("sequential_runner", "parallel_runner"), level, text)
        for name, level, text in kedros(p, KedroSequentialRunner())
    ]
    assert Counter(mine) == Counter(theirs)
