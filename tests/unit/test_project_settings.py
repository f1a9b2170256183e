"""Project settings: importing ``settings.py``, its errors as values, and class settings."""

from __future__ import annotations

import importlib
import json
import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from returns.result import Failure, Result, Success

from core.errors import ConfigError, ConfigErrorReason
from core.project import (
    DEFAULT_CONFIG_LOADER_ARGS,
    HOOK_CLASS_MESSAGE,
    ClassRef,
    ProjectSettings,
    settings_from_namespace,
)
from shell.config import OmegaConfigLoader
from shell.io import DataCatalog
from shell.project import (
    ProjectMetadata,
    bootstrap_project,
    import_object,
    load_settings,
    resolve_class,
    validate_settings,
)
from shell.store.base import BaseSessionStore
from shell.store.sqlite import SQLiteStore
from tests.unit.test_project_support import Projects, project_sandbox


@pytest.fixture
def projects(tmp_path: Path) -> Iterator[Projects]:
    with project_sandbox(tmp_path) as made:
        yield made


def _bootstrapped(projects: Projects, settings: str | None, **files: str) -> ProjectMetadata:
    root, _ = projects.make(settings=settings, files=files)
    metadata: ProjectMetadata = bootstrap_project(root).unwrap()
    return metadata


def _error(result: Result[object, ConfigError]) -> ConfigError:
    assert isinstance(result, Failure), result
    error = result.failure()
    assert isinstance(error, ConfigError)
    return error


def _settings_file(metadata: ProjectMetadata) -> str:
    return str(metadata.source_dir / metadata.package_name / "settings.py")


# -- loading ----------------------------------------------------------------------------------


def test_missing_settings_py_means_defaults_with_kedros_warning(
    projects: Projects, caplog: pytest.LogCaptureFixture
) -> None:
    metadata = _bootstrapped(projects, settings=None)
    with caplog.at_level(logging.WARNING, logger="kedro.framework.project"):
        result = validate_settings(metadata)
    assert result == Success(ProjectSettings())
    assert "No 'settings.py' found, defaults will be used." in caplog.messages


def test_defaults_are_kedros_with_our_classes() -> None:
    defaults = ProjectSettings()
    assert defaults.CONF_SOURCE == "conf"
    assert defaults.HOOKS == ()
    assert defaults.DISABLE_HOOKS_FOR_PLUGINS == ()
    assert dict(defaults.CONFIG_LOADER_ARGS) == dict(DEFAULT_CONFIG_LOADER_ARGS)
    assert dict(defaults.SESSION_STORE_ARGS) == {}
    assert ClassRef("shell.config.OmegaConfigLoader") == defaults.CONFIG_LOADER_CLASS
    assert ClassRef("shell.context.KedroContext") == defaults.CONTEXT_CLASS
    assert ClassRef("shell.io.DataCatalog") == defaults.DATA_CATALOG_CLASS
    assert ClassRef("shell.store.sqlite.SQLiteStore") == defaults.SESSION_STORE_CLASS


def test_minimal_settings_are_read(projects: Projects) -> None:
    metadata = _bootstrapped(
        projects,
        settings="""
        CONF_SOURCE = "configuration"
        DISABLE_HOOKS_FOR_PLUGINS = ("kedro-viz",)
        SESSION_STORE_ARGS = {"path": "./sessions"}
        CONFIG_LOADER_ARGS = {"base_env": "base", "default_run_env": "dev"}
        MY_OWN_SETTING = 42
        lower_case_is_ignored = 1
        """,
    )
    settings = validate_settings(metadata).unwrap()
    assert settings.CONF_SOURCE == "configuration"
    assert settings.DISABLE_HOOKS_FOR_PLUGINS == ("kedro-viz",)
    assert dict(settings.SESSION_STORE_ARGS) == {"path": "./sessions"}
    assert dict(settings.CONFIG_LOADER_ARGS) == {"base_env": "base", "default_run_env": "dev"}
    assert dict(settings.extras) == {"MY_OWN_SETTING": 42}
    assert settings.source == _settings_file(metadata)


def test_config_loader_args_replace_the_default_whole() -> None:
    # Kedro parity: a project's dict replaces the default, it is not merged into it.
    settings = settings_from_namespace({"CONFIG_LOADER_ARGS": {"config_patterns": {}}}).unwrap()
    assert dict(settings.CONFIG_LOADER_ARGS) == {"config_patterns": {}}


def test_settings_value_is_read_only() -> None:
    settings = settings_from_namespace({"SESSION_STORE_ARGS": {"path": "x"}}).unwrap()
    with pytest.raises(TypeError):
        settings.SESSION_STORE_ARGS["path"] = "y"  # type: ignore[index]
    with pytest.raises(ValueError, match="frozen"):
        settings.CONF_SOURCE = "elsewhere"  # type: ignore[misc]


def test_a_bare_plugin_name_is_one_name() -> None:
    settings = settings_from_namespace({"DISABLE_HOOKS_FOR_PLUGINS": "kedro-viz"}).unwrap()
    assert settings.DISABLE_HOOKS_FOR_PLUGINS == ("kedro-viz",)


def test_conf_source_may_be_a_path() -> None:
    settings = settings_from_namespace({"CONF_SOURCE": Path("some/conf")}).unwrap()
    assert str(Path("some/conf")) == settings.CONF_SOURCE


# -- errors in settings.py -----------------------------------------------------------------------


def test_syntax_error_names_file_and_line(projects: Projects) -> None:
    metadata = _bootstrapped(projects, settings='CONF_SOURCE = "conf"\nHOOKS = (\n')
    error = _error(validate_settings(metadata))
    assert error.reason is ConfigErrorReason.SETTINGS
    assert error.path == _settings_file(metadata)
    assert f"'{_settings_file(metadata)}', line 2" in error.message
    assert "invalid syntax" in error.message
    assert "Fix the syntax" in error.message


def test_import_error_names_file_line_and_module(projects: Projects) -> None:
    metadata = _bootstrapped(
        projects, settings='"""Settings."""\nfrom kp_not_installed_anywhere import Hooks\n'
    )
    error = _error(load_settings(metadata))
    assert error.reason is ConfigErrorReason.SETTINGS
    assert f"'{_settings_file(metadata)}', line 2" in error.message
    assert "No module named 'kp_not_installed_anywhere'" in error.message
    assert "Install the missing package" in error.message
    assert isinstance(error.__cause__, ModuleNotFoundError)


def test_missing_kedro_module_explains_the_alternative(projects: Projects) -> None:
    metadata = _bootstrapped(projects, settings="from kedro.no_such_module import Thing\n")
    error = _error(load_settings(metadata))
    assert "needs Kedro installed" in error.message
    assert "'shell.config.OmegaConfigLoader'" in error.message


def test_cannot_import_name_points_at_the_line(projects: Projects) -> None:
    metadata = _bootstrapped(projects, settings="import json\n\nfrom json import no_such_name\n")
    error = _error(load_settings(metadata))
    assert f"'{_settings_file(metadata)}', line 3" in error.message
    assert "no_such_name" in error.message


def test_error_in_a_module_settings_imports_points_there(projects: Projects) -> None:
    metadata = _bootstrapped(
        projects,
        settings="from .hooks import ProjectHooks\nHOOKS = (ProjectHooks(),)\n",
        **{"src/{pkg}/hooks.py": "import math\nimport kp_missing_dependency\n"},
    )
    error = _error(load_settings(metadata))
    hooks_file = str(metadata.source_dir / metadata.package_name / "hooks.py")
    assert f"'{hooks_file}', line 2" in error.message


def test_other_exceptions_in_settings_are_reported(projects: Projects) -> None:
    metadata = _bootstrapped(projects, settings="CONF_SOURCE = undefined_name\n")
    error = _error(load_settings(metadata))
    assert "NameError" in error.message
    assert f"'{_settings_file(metadata)}', line 1" in error.message


def test_a_fixed_settings_file_loads_next_time(projects: Projects) -> None:
    metadata = _bootstrapped(projects, settings="HOOKS = (\n")
    assert isinstance(load_settings(metadata), Failure)
    Path(_settings_file(metadata)).write_text('CONF_SOURCE = "fixed"\n')
    importlib.invalidate_caches()
    assert load_settings(metadata).unwrap().CONF_SOURCE == "fixed"


def test_hook_class_instead_of_instance(projects: Projects) -> None:
    metadata = _bootstrapped(
        projects,
        settings='''
        class ProjectHooks:
            pass


        HOOKS = (ProjectHooks,)
        ''',
    )
    error = _error(validate_settings(metadata))
    assert error.reason is ConfigErrorReason.SETTINGS
    assert HOOK_CLASS_MESSAGE in error.message
    assert "'ProjectHooks()'" in error.message
    assert "setting 'HOOKS', line 6" in error.message
    assert _settings_file(metadata) in error.message


def test_wrong_shapes_are_all_reported() -> None:
    error = _error(
        settings_from_namespace(
            {"HOOKS": "not hooks", "CONF_SOURCE": 3, "CONTEXT_CLASS": object()},
            source="settings.py",
            lines={"CONF_SOURCE": 7},
        )
    )
    assert error.message.startswith("Invalid project settings in 'settings.py': ")
    assert "setting 'HOOKS': expected a tuple of hook instances" in error.message
    assert "setting 'CONF_SOURCE', line 7: Input should be a valid string" in error.message
    assert "setting 'CONTEXT_CLASS': expected a class or a dotted class path" in error.message


def test_missing_package_is_reported(projects: Projects) -> None:
    metadata = _bootstrapped(projects, settings=None)
    wrong = ProjectMetadata(
        config_file=metadata.config_file,
        package_name="kp_no_such_package_anywhere",
        project_name=metadata.project_name,
        project_path=metadata.project_path,
        source_dir=metadata.source_dir,
    )
    error = _error(load_settings(wrong))
    assert error.reason is ConfigErrorReason.MISSING
    assert "'kp_no_such_package_anywhere'" in error.message


# -- class settings ---------------------------------------------------------------------------


def test_default_classes_resolve_to_ours() -> None:
    defaults = ProjectSettings()
    assert resolve_class(defaults, "CONFIG_LOADER_CLASS", OmegaConfigLoader) == Success(OmegaConfigLoader)
    assert resolve_class(defaults, "SESSION_STORE_CLASS", BaseSessionStore) == Success(SQLiteStore)
    assert resolve_class(defaults, "DATA_CATALOG_CLASS", object) == Success(DataCatalog)


def test_kedro_dotted_names_map_onto_ours() -> None:
    settings = settings_from_namespace(
        {
            "SESSION_STORE_CLASS": "kedro.framework.session.store.BaseSessionStore",
            "CONFIG_LOADER_CLASS": "kedro.config.OmegaConfigLoader",
            "CONTEXT_CLASS": "kedro.framework.context.KedroContext",
            "DATA_CATALOG_CLASS": "kedro.io.SharedMemoryDataCatalog",
        }
    ).unwrap()
    assert resolve_class(settings, "SESSION_STORE_CLASS", BaseSessionStore) == Success(BaseSessionStore)
    assert ClassRef("shell.context.KedroContext") == settings.CONTEXT_CLASS
    assert settings.is_default("CONTEXT_CLASS")
    assert ClassRef("shell.io.SharedMemoryDataCatalog") == settings.DATA_CATALOG_CLASS


def test_class_objects_and_strings_both_work(projects: Projects) -> None:
    package = projects.new_package()
    root, _ = projects.make(
        package=package,
        settings=f"""
        from shell.store.base import BaseSessionStore
        from shell.config import AbstractConfigLoader


        class Loader(AbstractConfigLoader):
            pass


        SESSION_STORE_CLASS = BaseSessionStore
        CONFIG_LOADER_CLASS = "{package}.settings.Loader"
        """,
    )
    settings = bootstrap_project(root).bind(validate_settings).unwrap()
    loader = resolve_class(settings, "CONFIG_LOADER_CLASS", object).unwrap()
    assert (loader.__module__, loader.__name__) == (f"{package}.settings", "Loader")
    assert resolve_class(settings, "SESSION_STORE_CLASS", BaseSessionStore) == Success(BaseSessionStore)


def test_wrong_base_class_is_kedros_message(projects: Projects) -> None:
    metadata = _bootstrapped(projects, settings="SESSION_STORE_CLASS = dict\n")
    error = _error(validate_settings(metadata))
    assert error.message == (
        "Invalid value 'builtins.dict' received for setting 'SESSION_STORE_CLASS'. "
        "It must be a subclass of 'shell.store.base.BaseSessionStore'."
    )
    assert error.reason is ConfigErrorReason.SETTINGS


def test_config_loader_must_share_the_abstract_parent() -> None:
    settings = settings_from_namespace({"CONFIG_LOADER_CLASS": "collections.UserDict"}).unwrap()
    error = _error(resolve_class(settings, "CONFIG_LOADER_CLASS", object))
    assert error.message == (
        "Invalid value 'collections.UserDict' received for setting 'CONFIG_LOADER_CLASS'. "
        "It must be a subclass of 'shell.config.abstract.AbstractConfigLoader'."
    )


def test_unimportable_class_path_is_explained() -> None:
    settings = settings_from_namespace({"SESSION_STORE_CLASS": "kp_nowhere.stores.Store"}).unwrap()
    error = _error(resolve_class(settings, "SESSION_STORE_CLASS", BaseSessionStore))
    assert error.message == (
        "Cannot import 'kp_nowhere.stores.Store' for setting 'SESSION_STORE_CLASS': "
        "No module named 'kp_nowhere'."
    )


def test_missing_attribute_is_explained() -> None:
    settings = settings_from_namespace({"SESSION_STORE_CLASS": "shell.store.base.NoSuchStore"}).unwrap()
    error = _error(resolve_class(settings, "SESSION_STORE_CLASS", BaseSessionStore))
    assert "'shell.store.base' has no attribute 'NoSuchStore'" in error.message


def test_non_class_value_is_refused() -> None:
    settings = settings_from_namespace({"SESSION_STORE_CLASS": "shell.store.base.logger"}).unwrap()
    error = _error(resolve_class(settings, "SESSION_STORE_CLASS", BaseSessionStore))
    assert error.message.endswith("It must be a class.")


def test_expected_type_is_checked() -> None:
    settings = settings_from_namespace({"SESSION_STORE_CLASS": BaseSessionStore}).unwrap()
    error = _error(resolve_class(settings, "SESSION_STORE_CLASS", SQLiteStore))
    assert "It must be a subclass of 'shell.store.sqlite.SQLiteStore'." in error.message


class _DuckCatalog:
    """Has every method of Kedro's catalog protocol without deriving from our catalog."""

    def __contains__(self, name: object) -> bool:
        return False

    def __getitem__(self, name: str) -> None:
        return None

    def __setitem__(self, name: str, value: object) -> None:
        return None

    def __iter__(self) -> Iterator[str]:
        return iter(())

    @classmethod
    def from_config(cls, catalog: object) -> _DuckCatalog:
        return cls()

    def keys(self) -> list[str]:
        return []

    def values(self) -> list[object]:
        return []

    def items(self) -> list[tuple[str, object]]:
        return []

    def get(self, key: str) -> None:
        return None

    def save(self, name: str, data: object) -> None:
        return None

    def load(self, name: str) -> None:
        return None

    def release(self, name: str) -> None:
        return None

    def confirm(self, name: str) -> None:
        return None

    def exists(self, name: str) -> bool:
        return False


def test_catalog_class_may_implement_the_protocol() -> None:
    settings = settings_from_namespace({"DATA_CATALOG_CLASS": _DuckCatalog}).unwrap()
    assert resolve_class(settings, "DATA_CATALOG_CLASS", object) == Success(_DuckCatalog)


def test_catalog_class_missing_methods_are_listed() -> None:
    settings = settings_from_namespace({"DATA_CATALOG_CLASS": dict}).unwrap()
    error = _error(resolve_class(settings, "DATA_CATALOG_CLASS", object))
    assert "It must implement the catalog protocol" in error.message
    assert "confirm, exists, from_config" in error.message


def test_import_object_finds_nested_names() -> None:
    assert import_object("shell.store.base.BaseSessionStore.read") == Success(BaseSessionStore.read)
    assert isinstance(import_object("nodots"), Failure)


# -- a settings.py written for Kedro (run in a subprocess: Kedro's imports configure logging) --

_KEDRO_SETTINGS = '''
"""Project settings, as Kedro's template writes them once uncommented."""
from kedro.config import OmegaConfigLoader
from kedro.framework.context import KedroContext
from kedro.framework.session.store import BaseSessionStore
from kedro.io import DataCatalog

from .hooks import ProjectHooks

HOOKS = (ProjectHooks(),)
DISABLE_HOOKS_FOR_PLUGINS = ("kedro-viz",)
SESSION_STORE_CLASS = BaseSessionStore
SESSION_STORE_ARGS = {"path": "./sessions"}
CONF_SOURCE = "conf"
CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    "config_patterns": {"spark": ["spark*/"]},
}
CONTEXT_CLASS = KedroContext
DATA_CATALOG_CLASS = DataCatalog
'''

_KEDRO_SUBCLASS_SETTINGS = '''
from kedro.framework.session.store import BaseSessionStore

class MyStore(BaseSessionStore):
    pass

SESSION_STORE_CLASS = MyStore
'''

_HARNESS = '''
import json, sys
from pathlib import Path

root, subclass_root = Path(sys.argv[1]), Path(sys.argv[2])
from shell.project import bootstrap_project, resolve_class, validate_settings

out = {}
metadata = bootstrap_project(root).unwrap()
settings = validate_settings(metadata).unwrap()
out["ours"] = {
    "classes": {name: getattr(settings, name).path for name in
                ("SESSION_STORE_CLASS", "CONFIG_LOADER_CLASS", "CONTEXT_CLASS", "DATA_CATALOG_CLASS")},
    "resolved_store": resolve_class(settings, "SESSION_STORE_CLASS", object).map(
        lambda c: f"{c.__module__}.{c.__qualname__}").value_or("failed"),
    "CONF_SOURCE": settings.CONF_SOURCE,
    "HOOKS": [type(h).__name__ for h in settings.HOOKS],
    "DISABLE_HOOKS_FOR_PLUGINS": list(settings.DISABLE_HOOKS_FOR_PLUGINS),
    "SESSION_STORE_ARGS": dict(settings.SESSION_STORE_ARGS),
    "CONFIG_LOADER_ARGS": dict(settings.CONFIG_LOADER_ARGS),
}

from kedro.framework.project import settings as kedro_settings
from kedro.framework.startup import bootstrap_project as kedro_bootstrap
kedro_bootstrap(root)
out["kedro"] = {
    "CONF_SOURCE": kedro_settings.CONF_SOURCE,
    "HOOKS": [type(h).__name__ for h in kedro_settings.HOOKS],
    "DISABLE_HOOKS_FOR_PLUGINS": list(kedro_settings.DISABLE_HOOKS_FOR_PLUGINS),
    "SESSION_STORE_ARGS": dict(kedro_settings.SESSION_STORE_ARGS),
    "CONFIG_LOADER_ARGS": kedro_settings.CONFIG_LOADER_ARGS.to_dict()
        if hasattr(kedro_settings.CONFIG_LOADER_ARGS, "to_dict") else dict(kedro_settings.CONFIG_LOADER_ARGS),
}

sub = bootstrap_project(subclass_root).unwrap()
out["subclass_error"] = validate_settings(sub).failure().message
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def kedro_style(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    work = tmp_path_factory.mktemp("kedro_style")
    with project_sandbox(work) as made:
        root, _ = made.make(
            settings=_KEDRO_SETTINGS,
            files={"src/{pkg}/hooks.py": "class ProjectHooks:\n    pass\n"},
        )
        subclass_root, _ = made.make(settings=_KEDRO_SUBCLASS_SETTINGS)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_HARNESS), str(root), str(subclass_root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=work,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, dict[str, object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_kedro_settings_map_onto_our_classes(kedro_style: dict[str, dict[str, object]]) -> None:
    ours = kedro_style["ours"]
    assert ours["classes"] == {
        "SESSION_STORE_CLASS": "shell.store.base.BaseSessionStore",
        "CONFIG_LOADER_CLASS": "shell.config.OmegaConfigLoader",
        "CONTEXT_CLASS": "shell.context.KedroContext",
        "DATA_CATALOG_CLASS": "shell.io.DataCatalog",
    }
    assert ours["resolved_store"] == "shell.store.base.BaseSessionStore"


@pytest.mark.differential
def test_kedro_settings_values_match_kedro(kedro_style: dict[str, dict[str, object]]) -> None:
    ours, theirs = kedro_style["ours"], kedro_style["kedro"]
    for name in ("CONF_SOURCE", "HOOKS", "DISABLE_HOOKS_FOR_PLUGINS", "SESSION_STORE_ARGS", "CONFIG_LOADER_ARGS"):
        assert ours[name] == theirs[name], name


def test_subclass_of_a_kedro_class_explains_what_to_derive_from(
    kedro_style: dict[str, dict[str, object]],
) -> None:
    message = str(kedro_style["subclass_error"])
    assert message.startswith("Invalid value '")
    assert ".settings.MyStore' received for setting 'SESSION_STORE_CLASS'." in message
    assert "derive it from 'shell.store.base.BaseSessionStore' instead" in message
