"""The ``kedro-pure`` console script's entry point: stop signals count from the first moment.

Importing the command line (click, rich, the session) takes a noticeable fraction of a
second; a Ctrl-C or SIGTERM landing then would print a ``KeyboardInterrupt`` traceback or
kill the process without a word. Until :func:`shell.cli.main.main` installs the real
handlers (:mod:`shell.interrupts`), the handlers set here end the process at once, with
the usual message and exit code (130, or 143 for SIGTERM): nothing has been recorded or
written yet, so there is nothing to clean up. Once the command line has returned its exit
code, later signals are ignored: the process is exiting with the outcome it reported.

The process also tunes the cyclic garbage collector, for this process only (the library
leaves it alone): a run allocates millions of short-lived containers (imports, pandas
parsing a spreadsheet), and at the default first-generation threshold of 700 the collector
ran ~1,300 times and took ~10% of the CPU of the Kedro starter's run; at
:data:`FIRST_GENERATION` it runs ~50 times, for ~4%. Reference counting still frees nearly
everything at once; only cyclic garbage waits a little longer. And once the exit code is
decided, everything still alive is frozen (``gc.freeze``): the interpreter's shutdown then
skips its full collections over the whole heap (~0.3 s of CPU after a starter run), while
modules are still torn down, ``atexit`` handlers run and files are flushed and closed as
usual. (An object kept alive only by a reference cycle at exit is then not finalized; the
interpreter never promised that finalization anyway.)
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from types import FrameType

__all__ = ["main"]


#: Set once the command line runs: from then on it handles signals itself, and when it puts
#: this handler back it has decided its exit code, which a late signal must not change.
_command_line_started = False


def _stop_before_main(signum: int, frame: FrameType | None) -> None:
    del frame
    if _command_line_started:
        return
    terminated = signum == signal.SIGTERM
    try:
        sys.stderr.write("Terminated.\n" if terminated else "Interrupted.\n")
        sys.stderr.flush()
    finally:
        os._exit(128 + signum)


signal.signal(signal.SIGINT, _stop_before_main)
signal.signal(signal.SIGTERM, _stop_before_main)

#: The collector's first-generation threshold in a ``kedro-pure`` process (module docstring).
FIRST_GENERATION = 10_000


def main() -> int:
    """Run the command line (see :func:`shell.cli.main.main`) and return its exit code."""
    global _command_line_started
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(FIRST_GENERATION, older, oldest)
    if "--only-changed" in sys.argv:
        # A no-op run or plan the plan cache can answer is served before the command line
        # (click, rich, logging) is even imported (see shell.incremental.fast_entry).
        from shell.incremental.fast_entry import serve

        served = serve(sys.argv[1:])
        if served is not None:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            return served
    from shell.cli.main import main as run_command_line

    _command_line_started = True
    code = run_command_line()
    # The exit code is decided. Python puts default handlers back while it shuts down, so a
    # signal then would kill the process and hide that code: ignore them from here on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    gc.freeze()
    return code
