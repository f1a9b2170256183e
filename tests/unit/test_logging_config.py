"""Project logging configuration: Kedro's precedence, allowlist and messages, and the CLI.

The checks on a file are compared with Kedro 1.7.0's own (``_ProjectLogging``) on the same
configurations: both refuse the same ones with the same text (ours adds the file's name).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kedro.framework.project import _ProjectLogging
from returns.pipeline import is_successful

from core.errors import ConfigError, ConfigErrorReason
from shell.console_logging import RichHandler
from shell.project.logging_config import (
    DEFAULT_MODULE_ALLOWLIST,
    allowlist_from,
    configure_logging,
    find_logging_config,
    module_allowed,
    prepare_logging_config,
)
from tests.unit.cli_projects import kedro_pure, write_cli_project

KEDRO_ALLOWLIST = ("logging", "kedro.logging")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """dictConfig replaces the root's handlers and levels: put pytest's back afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    loggers = {name: (lg.level, lg.handlers[:], lg.propagate, lg.disabled)
               for name, lg in logging.Logger.manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, (level, handlers, propagate, disabled) in loggers.items():
        lg = logging.getLogger(name)
        lg.setLevel(level)
        lg.handlers[:] = handlers
        lg.propagate = propagate
        lg.disabled = disabled


def kedros_verdict(config: dict[str, Any], allowlist: tuple[str, ...] = KEDRO_ALLOWLIST) -> str | None:
    checker: Any = object.__new__(_ProjectLogging)
    checker._logging_module_allowlist = allowlist
    try:
        checker._prepare_logging_config(checker._validate_logging_config(config, {}), None)
    except ValueError as exc:
        return str(exc)
    return None


def our_verdict(config: dict[str, Any], allowlist: tuple[str, ...] = DEFAULT_MODULE_ALLOWLIST) -> str | None:
    prepared = prepare_logging_config(config, "conf/logging.yml", allowlist)
    if is_successful(prepared):
        return None
    error = prepared.failure()
    assert isinstance(error, ConfigError)
    assert error.reason is ConfigErrorReason.INVALID and error.path == "conf/logging.yml"
    message, _, where = error.message.partition("\nLogging configuration: ")
    assert where == "conf/logging.yml"
    return message


def handler(cls: str) -> dict[str, Any]:
    return {"version": 1, "handlers": {"h": {"class": cls}}, "root": {"handlers": ["h"]}}


CASES: dict[str, dict[str, Any]] = {
    "stream handler": handler("logging.StreamHandler"),
    "rotating file handler": handler("logging.handlers.RotatingFileHandler"),
    "kedro's rich handler": handler("kedro.logging.RichHandler"),
    "bare class name": handler("StreamHandler"),
    "module outside the allowlist": handler("os.system"),
    "allowlist is a prefix rule, not a string prefix": handler("loggingx.Handler"),
    "class missing from an allowed module": handler("logging.NoSuchHandler"),
    "not a logging class": handler("logging.getLogger"),
    "not a class at all": handler("logging.BASIC_FORMAT"),
    "factory key": {"version": 1, "handlers": {"h": {"()": "logging.StreamHandler"}}},
    "factory key in a formatter": {"version": 1, "formatters": {"f": {"()": "x"}}},
    "first fault wins": {
        "version": 1,
        "formatters": {"f": {"class": "json.JSONEncoder"}},
        "handlers": {"h": {"()": "x"}},
    },
    "filter class": {"version": 1, "filters": {"f": {"class": "logging.Filter", "name": "kedro"}}},
    "filter naming a handler": {"version": 1, "filters": {"f": {"class": "logging.StreamHandler"}}},
    "list of handlers with a fault": {"version": 1, "root": {"handlers": [{"class": "os.path"}]}},
}


@pytest.mark.differential
@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_logging_file_is_accepted_or_refused_as_kedro_does(case: str) -> None:
    config = CASES[case]
    assert our_verdict(config, (*KEDRO_ALLOWLIST, "shell.console_logging")) == kedros_verdict(config)


@pytest.mark.differential
def test_the_allowlist_variable_adds_modules_as_kedros_does() -> None:
    config = handler("tests.unit.logging_handlers.Marked")
    extra = allowlist_from({"KEDRO_LOGGING_MODULE_ALLOWLIST": " tests.unit , other "})
    assert extra == (*DEFAULT_MODULE_ALLOWLIST, "tests.unit", "other")
    assert our_verdict(config, extra) is None
    assert kedros_verdict(config, ("logging", "kedro.logging", "tests.unit")) is None


def test_a_class_outside_the_allowlist_is_never_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "sneaky_logging.py").write_text(f"open({str(marker)!r}, 'w').close()\nimport logging\nH = logging.Handler\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    message = our_verdict(handler("sneaky_logging.H"))
    assert message is not None and message.startswith("Module 'sneaky_logging' specified as a logging class is not permitted.")
    assert not marker.exists()
    assert "sneaky_logging" not in sys.modules


def test_kedros_rich_handler_is_kedro_pures() -> None:
    prepared = prepare_logging_config(handler("kedro.logging.RichHandler"), "x.yml", DEFAULT_MODULE_ALLOWLIST).unwrap()
    assert prepared["handlers"]["h"]["class"] == "shell.console_logging.RichHandler"


@pytest.mark.parametrize(
    ("module", "allowed"),
    [("logging", True), ("logging.handlers", True), ("loggingx", False), ("kedro", False), ("kedro.logging.sub", True)],
)
def test_module_allowed_is_a_package_prefix_rule(module: str, allowed: bool) -> None:
    assert module_allowed(module, ("logging", "kedro.logging")) is allowed


def test_the_file_is_chosen_with_kedros_precedence(tmp_path: Path) -> None:
    assert find_logging_config({}, tmp_path) is None
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "logging.yaml").write_text("version: 1\n")
    assert find_logging_config({}, tmp_path) == Path("conf/logging.yaml")
    (tmp_path / "conf" / "logging.yml").write_text("version: 1\n")
    assert find_logging_config({}, tmp_path) == Path("conf/logging.yml")
    assert find_logging_config({"KEDRO_LOGGING_CONFIG": "/x/log.yml"}, tmp_path) == Path("/x/log.yml")


def test_configuring_from_a_file_logs_kedros_message(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "logging.yml").write_text(
        "version: 1\ndisable_existing_loggers: false\nloggers:\n  kedro:\n    level: INFO\n"
    )
    setup = configure_logging(environ={}, cwd=tmp_path).unwrap()
    seen = [r.getMessage() for r in caplog.records if r.name == "kedro.framework.project"]
    assert setup.path == Path("conf/logging.yml")
    assert seen == [
        "Using 'conf/logging.yml' as logging configuration. You can change this by setting the "
        "KEDRO_LOGGING_CONFIG environment variable accordingly."
    ]
    assert logging.getLogger("kedro").level == logging.INFO


@pytest.mark.parametrize(
    ("text", "reason", "fragment"),
    [
        ("version: 1\nhandlers: [\n", ConfigErrorReason.SYNTAX, "(line 3, column 1)"),
        ("version: 1\nroot:\n  handlers: [nope]\n", ConfigErrorReason.INVALID, "cannot be applied"),
        ("- a list\n", ConfigErrorReason.INVALID, "must be a mapping"),
    ],
)
def test_a_broken_file_is_a_configuration_error_naming_it(
    tmp_path: Path, text: str, reason: ConfigErrorReason, fragment: str
) -> None:
    path = tmp_path / "log.yml"
    path.write_text(text)
    error = configure_logging(environ={"KEDRO_LOGGING_CONFIG": str(path)}, cwd=tmp_path).failure()
    assert isinstance(error, ConfigError)
    assert (error.reason, error.path) == (reason, str(path))
    assert fragment in error.message


def test_a_missing_file_is_a_configuration_error(tmp_path: Path) -> None:
    error = configure_logging(environ={"KEDRO_LOGGING_CONFIG": str(tmp_path / "no.yml")}, cwd=tmp_path).failure()
    assert error.reason is ConfigErrorReason.MISSING


def test_the_rich_handler_shows_a_warning_as_one_line() -> None:
    from rich.console import Console

    console = Console(record=True, width=200, file=open("/dev/null", "w"))  # noqa: SIM115
    rich = RichHandler(console=console, show_time=False, show_path=False)
    logger = logging.getLogger("py.warnings")
    logger.addHandler(rich)
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("Something to know.", UserWarning, stacklevel=1)
    finally:
        logger.removeHandler(rich)
        console.file.close()
    shown = console.export_text()
    assert "UserWarning: Something to know." in shown
    assert "warnings.warn(" not in shown and ".py:" not in shown


# -- through the command line ---------------------------------------------------------------

LOGGING_YML = """\
version: 1
disable_existing_loggers: False
formatters:
  simple:
    format: "%(name)s - %(levelname)s - %(message)s"
handlers:
  info_file_handler:
    class: logging.handlers.RotatingFileHandler
    level: INFO
    formatter: simple
    filename: info.log
    delay: True
  rich:
    class: kedro.logging.RichHandler
loggers:
  kedro:
    level: INFO
root:
  handlers: [rich, info_file_handler]
"""


@pytest.mark.slow
def test_the_projects_logging_file_governs_a_run(tmp_path: Path) -> None:
    root = write_cli_project(tmp_path / "p", conf={"logging.yml": LOGGING_YML})
    done = kedro_pure("run", "--pipelines", "prep", cwd=root)
    assert done.code == 0, done
    lines = (root / "info.log").read_text().splitlines()
    assert lines[0] == (
        "kedro.framework.project - INFO - Using 'conf/logging.yml' as logging configuration. "
        "You can change this by setting the KEDRO_LOGGING_CONFIG environment variable accordingly."
    )
    assert "kedro.pipeline.node - INFO - Running node: make_raw: make_raw([params:seed]) -> [raw]" in lines
    assert "kedro.runner.sequential_runner - INFO - Completed 2 out of 2 tasks" in lines


@pytest.mark.slow
def test_a_handler_outside_the_allowlist_is_a_configuration_error(tmp_path: Path) -> None:
    root = write_cli_project(tmp_path / "p", conf={"logging.yml": "version: 1\nhandlers:\n  h:\n    class: os.system\n"})
    done = kedro_pure("run", cwd=root)
    assert done.code == 3, done
    assert "Module 'os' specified as a logging class is not permitted." in done.stderr
    assert "conf/logging.yml" in done.stderr
    assert not (root / "data" / "raw.pkl").exists()


@pytest.mark.slow
def test_the_projects_own_records_show_by_default_and_kedros_info_with_verbose(tmp_path: Path) -> None:
    root = write_cli_project(tmp_path / "p")
    nodes = next((root / "src").glob("*/nodes.py"))
    nodes.write_text(
        nodes.read_text().replace(
            "def clean(raw):\n",
            "def clean(raw):\n    import logging\n    logging.getLogger(__name__).info('the project says %s', 'hello')\n",
        )
    )
    plain, verbose, quiet = (
        kedro_pure("run", "--pipelines", "prep", cwd=root),
        kedro_pure("-v", "run", "--pipelines", "prep", cwd=root),
        kedro_pure("-q", "run", "--pipelines", "prep", cwd=root),
    )
    assert plain.code == verbose.code == quiet.code == 0, plain
    # The project's logger is at INFO (Kedro's rule); Kedro's own INFO records need -v.
    assert "the project says hello" in plain.stderr
    assert "Running node:" not in plain.stderr
    assert "the project says hello" in verbose.stderr and "Running node: clean: clean([raw]) -> [clean]" in verbose.stderr
    assert "the project says hello" not in quiet.stderr


def test_disabling_existing_loggers_does_not_silence_kedros_records(tmp_path: Path) -> None:
    """Kedro creates its loggers when first used, so the option never silences them."""
    logging.getLogger("kedro.io.data_catalog")  # exists, as kedro-pure's module loggers do
    logging.getLogger("someone.else")
    path = tmp_path / "log.yml"
    path.write_text("version: 1\ndisable_existing_loggers: true\nloggers:\n  other:\n    level: INFO\n")
    configure_logging(environ={"KEDRO_LOGGING_CONFIG": str(path)}, cwd=tmp_path).unwrap()
    assert not logging.getLogger("kedro.io.data_catalog").disabled
    assert logging.getLogger("someone.else").disabled
