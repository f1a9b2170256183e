"""The project layer's rules: ``[tool.kedro]`` metadata, settings shape, pipeline registry values.

Everything here works on values the shell has already read or imported: the parsed
``pyproject.toml`` document, the upper-case names of a ``settings.py`` module, and whatever a
project's ``register_pipelines()`` returned. The shell (:mod:`shell.project`) does the file
reading, the ``sys.path`` change and the imports.

Deliberate differences from Kedro 1.7 (each kept small):

* ``kedro_init_version`` is optional (a project made by ``kedro-pure new`` may carry
  ``kedro_pure_version`` instead); when present, its major version must still be Kedro's.
* Setting classes may be dotted strings as well as classes, and Kedro's own classes
  (``kedro.config.OmegaConfigLoader``, ...) are mapped onto kedro-pure's equivalents, so a Kedro
  ``settings.py`` works unchanged (it still needs ``kedro`` installed to run its imports).
* Settings are checked when they are loaded: a hook *class* in ``HOOKS`` is refused there,
  rather than when the session registers it.
* The default session store is kedro-pure's SQLite store, not Kedro's in-memory one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from returns.result import Failure, Result, Success

from core._version import __version__
from core.errors import (
    ConfigError,
    ConfigErrorReason,
    KedroError,
    KedroSessionError,
    SessionErrorReason,
)
from core.namespacing import close_matches
from core.pipeline import Pipeline
from core.project_classes import (
    CLASS_SETTING_RULES,
    CLASS_SETTINGS,
    DEFAULT_CONFIG_LOADER_ARGS,
    HOOK_CLASS_MESSAGE,
    KEDRO_CLASS_ALIASES,
    ClassRef,
    ClassRule,
    ClassSettingName,
)

if TYPE_CHECKING:
    from core.project_settings import ProjectSettings, settings_from_namespace

__all__ = [
    "CLASS_SETTINGS",
    "CLASS_SETTING_RULES",
    "DEFAULT_CONFIG_LOADER_ARGS",
    "EXPECTED_PROJECT_KEYS",
    "HOOK_CLASS_MESSAGE",
    "KEDRO_CLASS_ALIASES",
    "KEDRO_COMPAT_VERSION",
    "PYPROJECT",
    "ClassRef",
    "ClassRule",
    "ClassSettingName",
    "ProjectSettings",
    "ProjectTable",
    "RegistryEntries",
    "kedro_pipeline_hint",
    "missing_pyproject_error",
    "parse_project_table",
    "pyproject_syntax_error",
    "registry_entries",
    "select_pipelines",
    "settings_from_namespace",
    "unknown_pipeline_error",
]

#: The project file a project root holds.
PYPROJECT: Final = "pyproject.toml"

#: The Kedro release whose project layout and settings kedro-pure reads.
KEDRO_COMPAT_VERSION: Final = "1.7.0"

_REQUIRED_KEYS: Final = ("package_name", "project_name")
#: Every key ``[tool.kedro]`` may hold (Kedro's list, plus ``kedro_pure_version``).
EXPECTED_PROJECT_KEYS: Final = (
    "package_name",
    "project_name",
    "kedro_init_version",
    "source_dir",
    "tools",
    "example_pipeline",
    "kedro_pure_version",
)


# -- [tool.kedro] ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProjectTable:
    """The validated ``[tool.kedro]`` table, as written (paths are not resolved here).

    Attributes:
        package_name: The importable package under ``source_dir``.
        project_name: The human-readable project name.
        source_dir: The source directory, relative to the project root as written (``"src"``).
        kedro_init_version: The Kedro version the project was created with, if recorded.
        kedro_pure_version: The kedro-pure version the project was created with, if recorded.
        tools: Kedro's ``tools`` entry (Kedro's template writes it as one string).
        example_pipeline: Kedro's ``example_pipeline`` entry.
    """

    package_name: str
    project_name: str
    source_dir: str = "src"
    kedro_init_version: str | None = None
    kedro_pure_version: str | None = None
    tools: str | tuple[str, ...] | None = None
    example_pipeline: str | bool | None = None


def missing_pyproject_error(project_path: str) -> ConfigError:
    """Kedro's error for a project root without ``pyproject.toml``."""
    return ConfigError(
        ConfigErrorReason.MISSING,
        f"Could not find the project configuration file '{PYPROJECT}' in {project_path}. "
        "If you have created your project with Kedro version <0.17.0, make sure to update "
        "your project template. See https://github.com/kedro-org/kedro/blob/main/RELEASE.md"
        "#migration-guide-from-kedro-016-to-kedro-0170 for how to migrate your Kedro project.",
        path=project_path,
    )


def pyproject_syntax_error(config_file: str, detail: str) -> ConfigError:
    """Kedro's error for a ``pyproject.toml`` that does not parse, with the parser's detail."""
    return ConfigError(
        ConfigErrorReason.SYNTAX,
        f"Failed to parse '{PYPROJECT}' file. {detail}",
        path=config_file,
    )


def parse_project_table(
    document: Mapping[str, object], *, config_file: str = PYPROJECT
) -> Result[ProjectTable, ConfigError]:
    """Validate the ``[tool.kedro]`` table of a parsed ``pyproject.toml``.

    The checks run in Kedro's order (section, required keys, version, unknown keys), so the
    first problem reported is the one Kedro reports; type checks on each value come last.

    Args:
        document: The whole parsed TOML document.
        config_file: The file's path, named in errors.

    Returns:
        ``Success(ProjectTable)``, or ``Failure(ConfigError)`` (reason ``INVALID``) with
        Kedro's message.
    """
    tool = document.get("tool")
    table = tool.get("kedro") if isinstance(tool, Mapping) else None
    if table is None:
        return _invalid(
            f"There's no '[tool.kedro]' section in the '{PYPROJECT}'. Please add "
            "'[tool.kedro]' section to the file with appropriate configuration parameters.",
            config_file,
        )
    if not isinstance(table, Mapping):
        return _invalid(f"'tool.kedro' in '{PYPROJECT}' must be a table.", config_file)
    missing = [key for key in _REQUIRED_KEYS if key not in table]
    if missing:
        return _invalid(f"Missing required keys {missing} from '{PYPROJECT}'.", config_file)
    version_problem = _version_problem(table)
    if version_problem:
        return _invalid(version_problem, config_file)
    if set(table) - set(EXPECTED_PROJECT_KEYS):
        return _invalid(
            f"Found unexpected keys in '{PYPROJECT}'. Make sure it only contains the "
            f"following keys: {list(EXPECTED_PROJECT_KEYS)}.",
            config_file,
        )
    return _typed_table(table, config_file)


def _version_problem(table: Mapping[str, object]) -> str:
    init_version = table.get("kedro_init_version")
    if init_version is not None:
        if not isinstance(init_version, str):
            return f"'kedro_init_version' in '{PYPROJECT}' must be a string."
        if _major(init_version) != _major(KEDRO_COMPAT_VERSION):
            return (
                f"Your Kedro project version {init_version} does not match Kedro package "
                f"version {KEDRO_COMPAT_VERSION} you are running. Make sure to update your "
                "project template. See https://github.com/kedro-org/kedro/blob/main/RELEASE.md "
                "for how to migrate your Kedro project."
            )
    pure_version = table.get("kedro_pure_version")
    if pure_version is not None:
        if not isinstance(pure_version, str):
            return f"'kedro_pure_version' in '{PYPROJECT}' must be a string."
        if _major(pure_version) != _major(__version__):
            return (
                f"Your kedro-pure project version {pure_version} does not match the "
                f"kedro-pure package version {__version__} you are running."
            )
    return ""


def _major(version: str) -> str:
    return version.split(".")[0]


def _typed_table(table: Mapping[str, object], config_file: str) -> Result[ProjectTable, ConfigError]:
    package_name = table["package_name"]
    if not isinstance(package_name, str) or not all(p.isidentifier() for p in package_name.split(".")):
        return _invalid(
            f"'package_name' in '{PYPROJECT}' must be an importable Python package name "
            f"(letters, digits and underscores), got {package_name!r}.",
            config_file,
        )
    for key in ("project_name", "source_dir"):
        if key in table and not isinstance(table[key], str):
            return _invalid(f"'{key}' in '{PYPROJECT}' must be a string.", config_file)
    tools = table.get("tools")
    if isinstance(tools, list | tuple) and all(isinstance(t, str) for t in tools):
        tools = tuple(tools)
    if tools is not None and not isinstance(tools, str | tuple):
        return _invalid(f"'tools' in '{PYPROJECT}' must be a string or a list of strings.", config_file)
    example = table.get("example_pipeline")
    if example is not None and not isinstance(example, str | bool):
        return _invalid(f"'example_pipeline' in '{PYPROJECT}' must be a string.", config_file)
    return Success(
        ProjectTable(
            package_name=package_name,
            project_name=str(table["project_name"]),
            source_dir=str(table.get("source_dir", "src")),
            kedro_init_version=_optional_str(table.get("kedro_init_version")),
            kedro_pure_version=_optional_str(table.get("kedro_pure_version")),
            tools=tools,
            example_pipeline=example,
        )
    )


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _invalid(message: str, config_file: str) -> Failure[ConfigError]:
    return Failure(ConfigError(ConfigErrorReason.INVALID, message, path=config_file))


# -- settings ------------------------------------------------------------------------------
# The class settings live in core.project_classes (shared with core.project_settings); these
# names are re-exported from here, where callers have always found them.

if not TYPE_CHECKING:  # at runtime only, so mypy still rejects names this module lacks

    def __getattr__(name: str) -> object:
        # ``ProjectSettings`` is a pydantic model, the costliest import of a session: it lives
        # in core.project_settings and is loaded the first time either name is asked for here.
        if name not in ("ProjectSettings", "settings_from_namespace"):
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from core import project_settings

        value = getattr(project_settings, name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})


# -- pipeline registry ------------------------------------------------------------------------

#: What ``register_pipelines()`` returned, entry by entry: a usable pipeline or why not.
RegistryEntries = Mapping[str, Result[Pipeline, KedroSessionError]]


def registry_entries(value: object) -> Result[RegistryEntries, KedroSessionError]:
    """Check what ``register_pipelines()`` returned.

    Accepts a mapping of names to pipelines, or a ``Result`` of one; each value may be a
    ``Pipeline`` or a ``Result`` of one (what :func:`core.pipeline.pipeline` returns). A bad
    *entry* is kept as a ``Failure`` and only reported if a run asks for it, as Kedro only
    fails on the pipelines it uses.

    Returns:
        ``Success(entries)``, or ``Failure(KedroSessionError)`` (reason ``PROJECT``) when the
        value as a whole is unusable.
    """
    if isinstance(value, Success):
        value = value.unwrap()
    elif isinstance(value, Failure):
        return Failure(_project_error("'register_pipelines' failed", value.failure()))
    if not isinstance(value, Mapping):
        return Failure(
            KedroSessionError(
                SessionErrorReason.PROJECT,
                "'register_pipelines' must return a mapping from pipeline names to "
                f"pipelines, got '{type(value).__qualname__}'.",
            )
        )
    bad_keys = [k for k in value if not isinstance(k, str)]
    if bad_keys:
        return Failure(
            KedroSessionError(
                SessionErrorReason.PROJECT,
                f"Pipeline names returned by 'register_pipelines' must be strings, got {bad_keys!r}.",
            )
        )
    return Success(MappingProxyType({str(k): _entry(str(k), v) for k, v in value.items()}))


def _entry(name: str, value: object) -> Result[Pipeline, KedroSessionError]:
    if isinstance(value, Success):
        value = value.unwrap()
    elif isinstance(value, Failure):
        return Failure(_project_error(f"The pipeline '{name}' could not be built", value.failure()))
    if isinstance(value, Pipeline):
        return Success(value)
    return Failure(
        KedroSessionError(
            SessionErrorReason.PROJECT,
            f"The value registered for the pipeline '{name}' by 'register_pipelines' is a "
            f"'{type(value).__qualname__}', not a 'Pipeline'.{kedro_pipeline_hint(value)}",
        )
    )


def kedro_pipeline_hint(value: object) -> str:
    """A sentence for a Kedro ``Pipeline`` given where kedro-pure's is needed (else ``""``)."""
    if type(value).__module__.split(".")[0] != "kedro":
        return ""
    return (
        " It is a Kedro pipeline: build it with kedro-pure's 'core.node.node' and "
        "'core.pipeline.pipeline' instead of 'kedro.pipeline'."
    )


def _project_error(what: str, cause: object) -> KedroSessionError:
    detail = cause.message if isinstance(cause, KedroError) else str(cause)
    error = KedroSessionError(SessionErrorReason.PROJECT, f"{what}: {detail}")
    if isinstance(cause, BaseException):
        # Keeps the original failure (and its type) for a traceback if the shell raises this.
        error.__cause__ = cause
    return error


def unknown_pipeline_error(name: str, known: Iterable[str]) -> KedroSessionError:
    """Kedro's error for a pipeline name that is not registered, with close-match suggestions.

    Args:
        name: The name asked for.
        known: The registered names suggestions are drawn from.
    """
    matches = close_matches([name], known)
    suggestion = (
        "Did you mean one of these instead?\n" + "\n".join(f"    {m}" for m in matches)
        if matches
        else ""
    )
    return KedroSessionError(
        SessionErrorReason.UNKNOWN_PIPELINE,
        f"Failed to find the pipeline named '{name}'. It needs to be generated and returned "
        f"by the 'register_pipelines' function. {suggestion}",
    )


def select_pipelines(
    entries: RegistryEntries, names: Sequence[str], *, known: Iterable[str] | None = None
) -> Result[Mapping[str, Pipeline], KedroSessionError]:
    """The registered pipelines named ``names``, in order; the first problem is the failure.

    Args:
        entries: The registry's entries.
        names: The names a run asks for.
        known: Names to draw suggestions from (default: ``entries``' names); the shell passes
            every registered name when ``entries`` was loaded selectively.

    Returns:
        ``Success({name: pipeline})``, or ``Failure(KedroSessionError)``: ``UNKNOWN_PIPELINE``
        for a name that is not registered, ``PROJECT`` for an entry that is not a pipeline.
    """
    chosen: dict[str, Pipeline] = {}
    for name in names:
        if name not in entries:
            return Failure(unknown_pipeline_error(name, entries if known is None else known))
        entry = entries[name]
        if isinstance(entry, Failure):
            return Failure(entry.failure())
        chosen[name] = entry.unwrap()
    return Success(MappingProxyType(chosen))
