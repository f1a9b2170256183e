"""Plugin hooks come from the ``kedro_pure.hooks`` and ``kedro.hooks`` entry-point groups and can be disabled.

Each test installs real (tiny) distributions: a ``.dist-info`` directory and a module in a
temporary directory put on ``sys.path``, which ``importlib.metadata`` discovers like any other.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from shell import log_names
from shell.hooks import (
    KEDRO_PLUGIN_HOOKS,
    NEVER_REGISTERED,
    PLUGIN_HOOKS,
    EntryPointReport,
    HookManager,
    _create_hook_manager,
    _register_hooks,
    _register_hooks_entry_points,
    hook_impl,
)

PLUGIN_MODULE = """
from kedro.framework.hooks import hook_impl


class Hooks:
    @hook_impl
    def before_pipeline_run(self, run_params):
        run_params["seen"].append({label!r})


hooks = Hooks()
"""


def _install(site: Path, project: str, version: str, module: str, group: str) -> None:
    """Write a distribution ``project`` whose entry point in ``group`` is ``module:hooks``."""
    (site / f"{module}.py").write_text(PLUGIN_MODULE.format(label=project))
    dist_info = site / f"{project.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project}\nVersion: {version}\n"
    )
    (dist_info / "entry_points.txt").write_text(f"[{group}]\n{module} = {module}:hooks\n")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory on ``sys.path`` holding the plugins; their modules are forgotten afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for module in [p.stem for p in tmp_path.glob("*.py")]:
        sys.modules.pop(module, None)


class ProjectHooks:
    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, list[str]]) -> None:
        run_params["seen"].append("project")


def _who_fires(manager: HookManager) -> list[str]:
    run_params: dict[str, list[str]] = {"seen": []}
    manager.hook.before_pipeline_run(run_params=run_params, pipeline=None, catalog=None)
    return sorted(run_params["seen"])


def test_installed_plugins_register_their_hooks(site: Path) -> None:
    _install(site, "kp-plugin-a", "1.2", "kp_plugin_a_hooks", PLUGIN_HOOKS)
    _install(site, "kp-plugin-b", "0.1", "kp_plugin_b_hooks", PLUGIN_HOOKS)
    manager = _create_hook_manager()
    _register_hooks(manager, [ProjectHooks()])

    report = _register_hooks_entry_points(manager, ())

    assert report == EntryPointReport(
        registered=("kp-plugin-a-1.2", "kp-plugin-b-0.1"), disabled=()
    )
    assert _who_fires(manager) == ["kp-plugin-a", "kp-plugin-b", "project"]


def test_disabled_plugins_are_not_active(site: Path) -> None:
    _install(site, "kp-plugin-a", "1.2", "kp_plugin_a_hooks2", PLUGIN_HOOKS)
    _install(site, "kp-plugin-b", "0.1", "kp_plugin_b_hooks2", PLUGIN_HOOKS)
    manager = _create_hook_manager()
    _register_hooks(manager, [ProjectHooks()])

    report = _register_hooks_entry_points(manager, ["kp-plugin-b", "not-installed"])

    assert report == EntryPointReport(
        registered=("kp-plugin-a-1.2",), disabled=("kp-plugin-b-0.1",)
    )
    assert _who_fires(manager) == ["kp-plugin-a", "project"]


def test_loading_twice_registers_nothing_new(site: Path) -> None:
    _install(site, "kp-plugin-a", "1.2", "kp_plugin_a_hooks3", PLUGIN_HOOKS)
    manager = _create_hook_manager()
    _register_hooks_entry_points(manager, ())

    assert _register_hooks_entry_points(manager, ()) == EntryPointReport((), ())
    assert _who_fires(manager) == ["kp-plugin-a"]


def test_plugins_written_for_kedro_register_from_kedros_group(site: Path) -> None:
    _install(site, "kp-kedro-plugin", "1.0", "kp_kedro_group_hooks", KEDRO_PLUGIN_HOOKS)
    manager = _create_hook_manager()

    report = _register_hooks_entry_points(manager, ())

    assert report == EntryPointReport(registered=("kp-kedro-plugin-1.0",), disabled=())
    assert _who_fires(manager) == ["kp-kedro-plugin"]


def test_kedro_group_plugins_honour_disable_hooks_for_plugins_without_being_imported(
    site: Path,
) -> None:
    _install(site, "kp-kedro-plugin", "1.0", "kp_kedro_group_hooks2", KEDRO_PLUGIN_HOOKS)
    manager = _create_hook_manager()

    report = _register_hooks_entry_points(manager, ["kp-kedro-plugin"])

    assert report == EntryPointReport(registered=(), disabled=("kp-kedro-plugin-1.0",))
    assert _who_fires(manager) == []
    assert "kp_kedro_group_hooks2" not in sys.modules


def test_a_disabled_plugin_registered_earlier_is_unregistered(site: Path) -> None:
    _install(site, "kp-kedro-plugin", "1.0", "kp_kedro_group_hooks3", KEDRO_PLUGIN_HOOKS)
    manager = _create_hook_manager()
    _register_hooks_entry_points(manager, ())

    report = _register_hooks_entry_points(manager, ["kp-kedro-plugin"])

    assert report.disabled == ("kp-kedro-plugin-1.0",)
    assert _who_fires(manager) == []


def test_kedro_telemetry_is_never_registered(site: Path) -> None:
    """Divergence: Kedro registers kedro-telemetry's hooks; kedro-pure sends no telemetry."""
    _install(site, "kedro-telemetry", "0.0.1", "kp_fake_telemetry", KEDRO_PLUGIN_HOOKS)
    manager = _create_hook_manager()

    report = _register_hooks_entry_points(manager, ())

    assert "kedro-telemetry" in NEVER_REGISTERED
    assert report == EntryPointReport((), ())
    assert _who_fires(manager) == []
    assert "kp_fake_telemetry" not in sys.modules


def test_the_kedro_log_record_names_each_registered_plugin(
    site: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _install(site, "kp-kedro-plugin", "1.0", "kp_kedro_group_hooks4", KEDRO_PLUGIN_HOOKS)
    _install(site, "kp-plugin-a", "1.2", "kp_plugin_a_hooks4", PLUGIN_HOOKS)
    caplog.set_level(logging.DEBUG, logger=log_names.HOOKS)

    _register_hooks_entry_points(_create_hook_manager(), ())

    assert [r.getMessage() for r in caplog.records if "installed plugin" in r.getMessage()] == [
        "Registered hooks from 2 installed plugin(s): kp-kedro-plugin-1.0, kp-plugin-a-1.2"
    ]
