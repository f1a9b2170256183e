"""``kedro-pure server start``: serve the project over HTTP (extra ``server``).

The server binds ``127.0.0.1`` unless ``--host`` says otherwise, prints the address it
listens on (``--port 0`` picks a free port) and runs until SIGINT (Ctrl-C) or SIGTERM. On
either signal it stops accepting runs (``503``), lets in-flight runs finish for ``--grace``
seconds, stops those still going before their next node (recorded as interrupted, nothing
half-written) and closes the session.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from types import FrameType

import click
from returns.pipeline import is_successful

from core.errors import ConfigError, ConfigErrorReason
from shell.cli.common import CliState, fail, project_root

__all__ = ["server_group"]

_MISSING_EXTRA = (
    "The HTTP server needs the 'server' extra (FastAPI, uvicorn): "
    "pip install 'kedro-pure[server]'."
)


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket. Made with ``IPPROTO_TCP`` (not 0, as ``socket.create_server``
    does) because asyncio only sets ``TCP_NODELAY`` on connections whose socket says TCP: without
    it, a response written in two parts waits ~40 ms for the client's delayed ACK."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(2048)
    except OSError:
        listener.close()
        raise
    return listener


@click.group("server")
def server_group() -> None:
    """Serve the project over HTTP (Kedro's `kedro server`)."""


@server_group.command("start")
@click.option("--host", "-H", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback exposes the project's runs.")
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to bind (0: a free one, printed at start).")
@click.option("--env", "-e", default=None, help="Configuration environment of every run.")
@click.option("--conf-source", type=click.Path(exists=True, path_type=Path), default=None,
              help="Configuration folder (default: <project>/conf).")
@click.option("--workers-max", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Runs executing at once.")
@click.option("--queue-max", type=click.IntRange(0, 10_000), default=None,
              help="Runs that may wait for a worker before 429 (default: --workers-max).")
@click.option("--grace", type=click.FloatRange(0, 3600), default=30.0, show_default=True,
              help="Seconds in-flight runs get to finish on shutdown.")
@click.option("--access-log/--no-access-log", default=False, show_default=True,
              help="Log every request.")
@click.pass_obj
def start_command(
    state: CliState,
    host: str,
    port: int,
    env: str | None,
    conf_source: Path | None,
    workers_max: int,
    queue_max: int | None,
    grace: float,
    access_log: bool,
) -> None:
    """Start the HTTP server: POST /run, /plan; GET /health, /snapshot, /runs, /runs/{id}."""
    try:
        import uvicorn
    except ImportError:
        fail(ConfigError(ConfigErrorReason.MISSING, _MISSING_EXTRA), verbose=state.verbose)
    from shell.server.app import create_app
    from shell.server.service import ServerConfig, Service

    config = ServerConfig(
        project_path=project_root(state),
        env=env,
        conf_source=str(conf_source) if conf_source else None,
        workers=workers_max,
        queue_limit=queue_max,
        grace=grace,
    )
    opened = Service.open(config)
    if not is_successful(opened):
        fail(opened.failure(), verbose=state.verbose)
    service = opened.unwrap()
    try:
        listener = _listen(host, port)
    except OSError as error:
        service.close()
        fail(ConfigError(ConfigErrorReason.SETTINGS, f"Cannot listen on {host}:{port}: {error}."),
             verbose=state.verbose)
    bound_host, bound_port = listener.getsockname()[:2]

    class _Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            # Refuse new runs at once; in-flight runs get the grace period.
            service.begin_shutdown()
            super().handle_exit(sig, frame)

    server = _Server(
        uvicorn.Config(
            create_app(service),
            log_config=None,
            access_log=access_log,
            timeout_graceful_shutdown=int(grace + config.stop_timeout) + 1,
        )
    )
    print(
        f"kedro-pure server listening on http://{bound_host}:{bound_port} "
        f"(project {config.project_path}, {workers_max} worker(s)); Ctrl-C or SIGTERM stops it.",
        flush=True,
    )
    server.run(sockets=[listener])
    sys.stdout.flush()
