"""The ``kedro-pure`` command line (see :func:`shell.cli.main.main`)."""

from shell.cli.exit_codes import ExitCode, exit_code_for
from shell.cli.main import cli, main

__all__ = ["ExitCode", "cli", "exit_code_for", "main"]
