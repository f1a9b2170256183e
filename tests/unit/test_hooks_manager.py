"""The hook manager: registration rules, Kedro-written hook classes, the null manager."""

from __future__ import annotations

from typing import Any

import pytest
from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason, RunError, RunErrorReason
from shell.hooks import (
    HookManager,
    NullPluginManager,
    _create_hook_manager,
    _register_hooks,
    call_before_node_run,
    hook_impl,
    register_hooks,
)
from shell.hooks.manager import HOOK_CLASS_MESSAGE


class Recorder:
    """Records every call it receives, using only some of each spec's arguments."""

    def __init__(self, label: str, log: list[tuple[str, str]]) -> None:
        self.label = label
        self.log = log

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, object]) -> None:
        self.log.append((self.label, f"before_pipeline_run {run_params['run_id']}"))

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: object) -> None:
        self.log.append((self.label, f"saved {dataset_name}={data}"))


def _before_node_run(
    manager: HookManager, inputs: dict[str, object], *, is_async: bool = False
) -> Result[dict[str, object], RunError]:
    """Fire ``before_node_run`` for a dummy node; hooks here never look at the node."""
    no_node: Any = None
    return call_before_node_run(
        manager, node=no_node, catalog=None, inputs=inputs, is_async=is_async, run_id="r"
    )


def _fire_all_kedro_style_calls(manager: HookManager) -> None:
    hook = manager.hook
    hook.after_context_created(context="ctx")
    hook.after_catalog_created(
        catalog="cat",
        conf_catalog={},
        conf_creds={},
        parameters={},
        save_version="v",
        load_versions={},
    )
    hook.before_pipeline_run(run_params={"run_id": "r"}, pipeline="p", catalog="cat")
    hook.before_dataset_loaded(dataset_name="a", node="n")
    hook.after_dataset_loaded(dataset_name="a", data=1, node="n")
    hook.before_node_run(node="n", catalog="cat", inputs={"a": 1}, is_async=False, run_id="r")
    hook.after_node_run(
        node="n", catalog="cat", inputs={"a": 1}, outputs={"b": 2}, is_async=False, run_id="r"
    )
    hook.on_node_error(
        error=ValueError("x"), node="n", catalog="cat", inputs={}, is_async=False, run_id="r"
    )
    hook.before_dataset_saved(dataset_name="b", data=2, node="n")
    hook.after_dataset_saved(dataset_name="b", data=2, node="n")
    hook.after_pipeline_run(run_params={}, run_result={}, pipeline="p", catalog="cat")
    hook.on_pipeline_error(error=ValueError("x"), run_params={}, pipeline="p", catalog="cat")


@pytest.mark.differential
def test_hooks_written_with_kedros_marker_register_and_fire() -> None:
    from kedro.framework.hooks import hook_impl as kedro_hook_impl

    calls: list[tuple[str, object]] = []

    class KedroWrittenHooks:
        @kedro_hook_impl
        def after_context_created(self, context: object) -> None:
            calls.append(("after_context_created", context))

        @kedro_hook_impl
        def before_node_run(self, inputs: dict[str, int]) -> dict[str, int]:
            calls.append(("before_node_run", dict(inputs)))
            return {"a": inputs["a"] * 10}

        @kedro_hook_impl
        def on_pipeline_error(self, error: BaseException) -> None:
            calls.append(("on_pipeline_error", str(error)))

    manager = _create_hook_manager()
    assert register_hooks(manager, [KedroWrittenHooks()]) == Success(None)
    _fire_all_kedro_style_calls(manager)
    assert calls == [
        ("after_context_created", "ctx"),
        ("before_node_run", {"a": 1}),
        ("on_pipeline_error", "x"),
    ]
    replaced = _before_node_run(manager, {"a": 2, "b": 3})
    assert replaced == Success({"a": 20})


def test_first_registered_hook_wins_through_pluggy() -> None:
    class Override:
        def __init__(self, values: dict[str, object]) -> None:
            self.values = values

        @hook_impl
        def before_node_run(self) -> dict[str, object]:
            return self.values

    manager = _create_hook_manager()
    _register_hooks(
        manager, [Override({"a": "first", "b": "first"}), Override({"a": "second", "c": "second"})]
    )
    replaced = _before_node_run(manager, {})
    assert replaced == Success({"a": "first", "b": "first", "c": "second"})


def test_before_node_run_non_dict_is_an_error_value() -> None:
    class Bad:
        @hook_impl
        def before_node_run(self) -> object:
            return ["not", "a", "dict"]

    manager = _create_hook_manager()
    _register_hooks(manager, [Bad()])
    result = _before_node_run(manager, {})
    assert result == Failure(
        RunError(
            RunErrorReason.HOOK,
            "'before_node_run' must return either None or a dictionary mapping dataset names to "
            "updated values, got 'list' instead.",
        )
    )


def test_hooks_receive_a_copy_of_the_inputs() -> None:
    class Mutator:
        @hook_impl
        def before_node_run(self, inputs: dict[str, object]) -> None:
            inputs["a"] = "changed"

    manager = _create_hook_manager()
    _register_hooks(manager, [Mutator()])
    inputs: dict[str, object] = {"a": 1}
    _before_node_run(manager, inputs)
    assert inputs == {"a": 1}


def test_registration_order_is_kept_and_duplicates_are_harmless() -> None:
    log: list[tuple[str, str]] = []
    first, second = Recorder("first", log), Recorder("second", log)
    manager = _create_hook_manager()
    _register_hooks(manager, [first, second, first])
    _register_hooks(manager, [second])
    manager.hook.before_pipeline_run(run_params={"run_id": "r"}, pipeline=None, catalog=None)
    # pluggy calls the last registered first.
    assert log == [("second", "before_pipeline_run r"), ("first", "before_pipeline_run r")]


def test_a_hook_class_is_refused_with_kedros_message() -> None:
    manager = _create_hook_manager()
    log: list[tuple[str, str]] = []
    result = register_hooks(manager, [Recorder("ok", log), Recorder])
    assert result == Failure(ConfigError(ConfigErrorReason.SETTINGS, HOOK_CLASS_MESSAGE))
    assert manager.get_plugins() == set()
    with pytest.raises(TypeError, match="forgotten the `\\(\\)` when registering a hook class"):
        _register_hooks(manager, [Recorder])


@pytest.mark.differential
def test_class_message_is_kedros() -> None:
    from kedro.framework.hooks.manager import _create_hook_manager as kedro_manager
    from kedro.framework.hooks.manager import _register_hooks as kedro_register

    with pytest.raises(TypeError) as theirs:
        kedro_register(kedro_manager(), [Recorder])
    assert str(theirs.value) == HOOK_CLASS_MESSAGE


def test_null_manager_absorbs_every_call() -> None:
    null = NullPluginManager()
    _fire_all_kedro_style_calls(null)
    assert null.hook.before_node_run(node=None, inputs={}) is None
    assert null.anything.at.all() is None
    assert _before_node_run(null, {"a": 1}, is_async=True) == Success({})


@pytest.mark.differential
def test_null_manager_behaves_like_kedros() -> None:
    from kedro.framework.hooks.manager import _NullPluginManager as KedroNull

    for manager in (NullPluginManager(), KedroNull()):
        assert manager.hook.after_node_run(node=None) is None
        assert manager.hook.before_node_run(node=None, inputs={}) is None
