"""Our hook specifications are Kedro 1.7's: same groups, hook names and argument names."""

from __future__ import annotations

import inspect

import pytest

from shell.hooks import HOOK_NAMESPACE, _create_hook_manager, hook_impl
from shell.hooks.specs import ALL_SPECS

EXPECTED_HOOKS = {
    "after_context_created",
    "after_catalog_created",
    "before_pipeline_run",
    "after_pipeline_run",
    "on_pipeline_error",
    "before_node_run",
    "after_node_run",
    "on_node_error",
    "before_dataset_loaded",
    "after_dataset_loaded",
    "before_dataset_saved",
    "after_dataset_saved",
}


def _specs_of(group: type) -> dict[str, tuple[str, ...]]:
    """Hook name -> argument names (without ``self``) of every spec in a group."""
    return {
        name: tuple(inspect.signature(func).parameters)[1:]
        for name, func in inspect.getmembers(group, inspect.isfunction)
        if hasattr(func, f"{HOOK_NAMESPACE}_spec")
    }


@pytest.mark.differential
def test_spec_groups_hooks_and_arguments_match_kedro() -> None:
    from kedro.framework.hooks import specs as kedro_specs

    ours = {group.__name__: _specs_of(group) for group in ALL_SPECS}
    theirs = {
        name: _specs_of(getattr(kedro_specs, name))
        for name in (
            "NodeSpecs",
            "PipelineSpecs",
            "DataCatalogSpecs",
            "DatasetSpecs",
            "KedroContextSpecs",
        )
    }
    assert ours == theirs


@pytest.mark.differential
def test_no_spec_is_firstresult_or_historic_like_kedro() -> None:
    from kedro.framework.hooks.manager import _create_hook_manager as kedro_manager

    ours, theirs = _create_hook_manager(), kedro_manager()
    for name in EXPECTED_HOOKS:
        our_spec = getattr(ours.hook, name).spec
        their_spec = getattr(theirs.hook, name).spec
        assert our_spec is not None
        assert their_spec is not None
        assert our_spec.opts == their_spec.opts


def test_manager_knows_every_kedro_hook() -> None:
    manager = _create_hook_manager()
    assert manager.project_name == "kedro"
    known = {name for name in vars(manager.hook) if not name.startswith("_")}
    assert known == EXPECTED_HOOKS


@pytest.mark.differential
def test_our_marker_is_recognised_by_kedros_manager() -> None:
    from kedro.framework.hooks.manager import _create_hook_manager as kedro_manager

    seen: list[str] = []

    class Hooks:
        @hook_impl
        def after_context_created(self, context: object) -> None:
            seen.append(str(context))

    manager = kedro_manager()
    manager.register(Hooks())
    manager.hook.after_context_created(context="ctx")
    assert seen == ["ctx"]
