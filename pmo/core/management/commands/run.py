"""`pmo run`: serve Portfolio Office with gunicorn, a production-grade WSGI server.

Static files are served by WhiteNoise (in the settings). Beside gunicorn it starts the background
worker (`pmo worker`, reminders and other periodic work) as a child process and stops it on exit,
so this one command is all a small PMO needs. Before serving it prints the address and the demo
logins (when the demo is loaded).
"""

import errno
import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from io import StringIO
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from gunicorn.app.base import BaseApplication

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4

BAD_PORT = "The port must be a whole number from 1 to 65535, not {value!r} (from {source})."
BAD_WORKERS = "The number of workers must be a whole number from 1 to 64, not {value!r} (from {source})."
PORT_IN_USE = (
    "{host}:{port} is already in use: stop the program using it, or choose another port "
    "(pmo run --port N, or PORT=N make run)."
)
OTHER_MACHINES = (
    "Other computers reach it only by the host names in DJANGO_ALLOWED_HOSTS (now: {hosts})."
)
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
CANNOT_BIND = "Cannot listen on {host}:{port}: {reason}."
WORKER_STARTED = "Background worker started (process {pid}): reminders and periodic tasks run."
WORKER_NOT_NEEDED = "No background worker: the task backend ({backend}) runs tasks as they are queued."
WORKER_SKIPPED = "No background worker started (--no-worker): run `pmo worker` separately."
WORKER_STOP_TIMEOUT = 15


def _whole_number(raw: Any, *, low: int, high: int, message: str, source: str) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise CommandError(message.format(value=raw, source=source))
    return value


def gunicorn_options(
    *,
    host: str | None = None,
    port: int | str | None = None,
    workers: int | str | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Gunicorn settings from the command's options, else the environment (HOST, PORT,
    WEB_CONCURRENCY), else the defaults: 127.0.0.1:8000 with two workers of four threads."""
    environ = os.environ if environ is None else environ
    host = host or environ.get("HOST") or DEFAULT_HOST
    if port not in (None, ""):
        port_number = _whole_number(port, low=1, high=65535, message=BAD_PORT, source="--port")
    elif environ.get("PORT"):
        port_number = _whole_number(environ["PORT"], low=1, high=65535, message=BAD_PORT, source="PORT")
    else:
        port_number = DEFAULT_PORT
    if workers not in (None, ""):
        worker_count = _whole_number(workers, low=1, high=64, message=BAD_WORKERS, source="--workers")
    elif environ.get("WEB_CONCURRENCY"):
        worker_count = _whole_number(
            environ["WEB_CONCURRENCY"], low=1, high=64, message=BAD_WORKERS, source="WEB_CONCURRENCY"
        )
    else:
        worker_count = DEFAULT_WORKERS
    bind_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    options: dict[str, Any] = {
        "bind": [f"{bind_host}:{port_number}"],
        "workers": worker_count,
        "worker_class": "gthread",
        "threads": DEFAULT_THREADS,
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        "max_requests": 2000,
        "max_requests_jitter": 200,
        # The app is loaded once, in the master, so a broken configuration fails at start-up.
        "preload_app": True,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "pmo",
        # No runtime control socket: one is not needed, and two servers would share its path.
        "control_socket_disable": True,
    }
    return options


def public_url(options: Mapping[str, Any]) -> str:
    """The address to open in a browser for the first ``bind`` of ``options``."""
    host, _, port = options["bind"][0].rpartition(":")
    if host in ("0.0.0.0", ""):  # noqa: S104 - naming the wildcard, not binding to it
        host = "127.0.0.1"
    elif host in ("[::]", "::"):
        host = "[::1]"
    return f"http://{host}:{port}/"


def ensure_port_free(options: Mapping[str, Any]) -> None:
    """Fail early, with a clear message, when the address is taken (gunicorn would retry for
    several seconds and then print a terse error)."""
    host, _, port = options["bind"][0].rpartition(":")
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        try:
            probe.bind((host, int(port)))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(PORT_IN_USE.format(host=host, port=port)) from exc
            raise CommandError(CANNOT_BIND.format(host=host, port=port, reason=exc.strerror)) from exc


class PortfolioOfficeServer(BaseApplication):
    """Gunicorn running ``config.wsgi`` with the given settings (no config file, no argv)."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from config.wsgi import application

        return application


def worker_command() -> list[str]:
    """`pmo worker` with this interpreter (the `pmo` script may not be on PATH), told to stop when
    this process is gone: killed outright, it cannot stop the worker itself."""
    pmo = [sys.executable, "-c", "from pmo.cli import main; main()"]
    return [*pmo, "worker", "--parent-pid", str(os.getpid())]


def worker_start() -> subprocess.Popen[bytes] | None:
    """Start `pmo worker` as a child process when tasks are queued in the database (they are not
    with the immediate backend tests use)."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return None
    # Its own session: Ctrl-C reaches gunicorn only, and the worker is then stopped once, by
    # worker_stop, letting the task it is running finish.
    return subprocess.Popen(worker_command(), cwd=settings.BASE_DIR, start_new_session=True)


def worker_stop(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to stop (it finishes the task it is running), then make sure it has."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=WORKER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


class Command(BaseCommand):
    help = (
        "Serve Portfolio Office with gunicorn on HOST:PORT (default 127.0.0.1:8000; the HOST, "
        "PORT and WEB_CONCURRENCY environment variables are honoured). Ctrl-C stops it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", help="Address to listen on (default: $HOST or 127.0.0.1).")
        parser.add_argument("--port", help="Port to listen on (default: $PORT or 8000).")
        parser.add_argument(
            "--workers",
            help=f"Worker processes, each with {DEFAULT_THREADS} threads "
            f"(default: $WEB_CONCURRENCY or {DEFAULT_WORKERS}).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background worker (when `pmo worker` runs as its own service).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        server_options = gunicorn_options(
            host=options["host"], port=options["port"], workers=options["workers"]
        )
        ensure_port_free(server_options)
        self.check_migrations()
        self.stdout.write(self.banner(server_options))
        self.stdout.flush()
        # The workers are forked from this process: they must not share its connections.
        connections.close_all()
        worker = None
        if options["no_worker"]:
            self.stdout.write(WORKER_SKIPPED)
        else:
            worker = worker_start()
            if worker is None:
                backend = type(task_backends["default"]).__name__
                self.stdout.write(WORKER_NOT_NEEDED.format(backend=backend))
            else:
                self.stdout.write(WORKER_STARTED.format(pid=worker.pid))
        self.stdout.flush()
        try:
            PortfolioOfficeServer(server_options).run()
        finally:
            if worker is not None:
                worker_stop(worker)

    def banner(self, server_options: Mapping[str, Any]) -> str:
        logins = StringIO()
        try:  # the demo command, where installed, knows the demo logins
            call_command("demo", logins=True, stdout=logins)
        except CommandError:
            logins = StringIO()
        lines = [
            "",
            f"Portfolio Office is starting on {public_url(server_options)}  (Ctrl-C to stop)",
            "",
        ]
        host = server_options["bind"][0].rpartition(":")[0].strip("[]")
        if host not in LOOPBACK:
            lines += [OTHER_MACHINES.format(hosts=", ".join(settings.ALLOWED_HOSTS) or "none"), ""]
        if logins.getvalue().startswith("Demo logins"):
            lines += [logins.getvalue().rstrip(), ""]
        return "\n".join(lines)
