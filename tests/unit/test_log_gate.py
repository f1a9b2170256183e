"""``shell.log_gate``: a hot path skips exactly the log calls logging itself would drop."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from returns.pipeline import is_successful

from core import node, pipeline
from shell.hooks import _create_hook_manager, hook_impl
from shell.io import DataCatalog, MemoryDataset
from shell.log_gate import enabled_cache
from shell.runners import SequentialRunner, ThreadRunner


@pytest.fixture
def fresh_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("kedro_pure_tests.log_gate")
    logger.setLevel(logging.INFO)
    yield logger
    logger.setLevel(logging.NOTSET)


def test_the_gate_says_false_only_after_logging_decided_to_drop(fresh_logger: logging.Logger) -> None:
    gate = enabled_cache(fresh_logger)
    assert gate.get(logging.INFO) is None  # nothing decided yet: the call is made

    fresh_logger.setLevel(logging.WARNING)
    fresh_logger.info("dropped")
    assert gate.get(logging.INFO) is False

    fresh_logger.setLevel(logging.INFO)  # logging clears its cache: the gate forgets too
    assert gate.get(logging.INFO) is None
    fresh_logger.info("kept")
    assert gate.get(logging.INFO) is True


def test_a_logger_class_with_its_own_decision_gets_no_shortcut() -> None:
    class Always(logging.Logger):
        def isEnabledFor(self, level: int) -> bool:
            return True

    gate = enabled_cache(Always("always"))

    assert gate.get(logging.INFO) is None


def _same(x: object) -> object:
    return x


class QuietAfterFirst:
    """Raises the node logger's level once the first node has run."""

    @hook_impl
    def after_node_run(self, node: object) -> None:
        logging.getLogger("kedro.pipeline.node").setLevel(logging.WARNING)


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.mark.parametrize("make", [SequentialRunner, lambda: ThreadRunner(max_workers=2)])
def test_a_level_changed_during_a_run_takes_effect_at_once(make: type[SequentialRunner]) -> None:
    from kedro.framework.hooks.manager import _create_hook_manager as kedro_hook_manager
    from kedro.io import DataCatalog as KedroCatalog
    from kedro.io import MemoryDataset as KedroMemoryDataset
    from kedro.pipeline import Pipeline as KedroPipeline
    from kedro.pipeline import node as kedro_node
    from kedro.runner import SequentialRunner as KedroSequentialRunner

    node_logger = logging.getLogger("kedro.pipeline.node")
    collect = Collect()

    def running_records() -> list[str]:
        found = [m for m in collect.messages if m.startswith("Running node")]
        collect.messages.clear()
        return found

    node_logger.addHandler(collect)
    try:
        node_logger.setLevel(logging.INFO)
        kedro_hooks = kedro_hook_manager()
        kedro_hooks.register(QuietAfterFirst())
        kedro_nodes = [kedro_node(_same, "a", "b", name="first"), kedro_node(_same, "b", "c", name="second")]
        KedroSequentialRunner().run(KedroPipeline(kedro_nodes), KedroCatalog({"a": KedroMemoryDataset(1)}), kedro_hooks)
        theirs = running_records()

        node_logger.setLevel(logging.INFO)
        hooks = _create_hook_manager()
        hooks.register(QuietAfterFirst())
        ours_p = pipeline([node(_same, "a", "b", name="first"), node(_same, "b", "c", name="second")]).unwrap()
        assert is_successful(make().run(ours_p, DataCatalog({"a": MemoryDataset(data=1)}), hooks))
        ours = running_records()
    finally:
        node_logger.removeHandler(collect)
        node_logger.setLevel(logging.NOTSET)

    assert len(theirs) == 1 and theirs[0].startswith("Running node: first")
    assert len(ours) == 1 and ours[0].startswith("Running node: first")
