"""The pure part of kedro-pure's HTTP service (``kedro-pure server start``).

* :mod:`core.service.models`: request and response bodies (Kedro 1.7's server shapes, plus
  ours), validated by pydantic;
* :mod:`core.service.admission`: the bounded pool's admission state machine (429/503 and
  ``Retry-After``);
* :mod:`core.service.outcomes`: a run's outcome as a response body, credentials redacted.

The shell (:mod:`shell.server`) does the I/O: HTTP, threads, the session and its store.
"""
