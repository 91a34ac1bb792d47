"""`pmo run`: gunicorn's settings from options and environment, the banner, and a real server."""

import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from pmo.core import demo as demo_framework
from pmo.core.management.commands.run import (
    BAD_PORT,
    BAD_WORKERS,
    OTHER_MACHINES,
    PORT_IN_USE,
    Command,
    ensure_port_free,
    gunicorn_options,
    public_url,
)
from pmo.core.tests.commands.processes import pmo_command, process_environment
from pmo.portfolio import demo


def test_defaults_serve_on_localhost_8000_with_two_threaded_workers() -> None:
    options = gunicorn_options(environ={})

    assert options["bind"] == ["127.0.0.1:8000"]
    assert options["workers"] == 2
    assert options["worker_class"] == "gthread"
    assert options["threads"] == 4
    assert options["preload_app"] is True
    assert options["accesslog"] == "-"
    assert options["control_socket_disable"] is True


def test_host_port_and_workers_come_from_the_environment() -> None:
    options = gunicorn_options(environ={"HOST": "192.0.2.10", "PORT": "8123", "WEB_CONCURRENCY": "5"})

    assert options["bind"] == ["192.0.2.10:8123"]
    assert options["workers"] == 5


def test_options_win_over_the_environment() -> None:
    options = gunicorn_options(
        host="10.0.0.5", port="9000", workers="3", environ={"HOST": "192.0.2.10", "PORT": "8123"}
    )

    assert options["bind"] == ["10.0.0.5:9000"]
    assert options["workers"] == 3


def test_an_ipv6_host_is_bracketed() -> None:
    assert gunicorn_options(host="::1", environ={})["bind"] == ["[::1]:8000"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"port": "http"}, BAD_PORT.format(value="http", source="--port")),
        ({"port": "70000"}, BAD_PORT.format(value="70000", source="--port")),
        ({"environ": {"PORT": "0"}}, BAD_PORT.format(value="0", source="PORT")),
        ({"workers": "0"}, BAD_WORKERS.format(value="0", source="--workers")),
        (
            {"environ": {"WEB_CONCURRENCY": "many"}},
            BAD_WORKERS.format(value="many", source="WEB_CONCURRENCY"),
        ),
    ],
)
def test_bad_numbers_are_refused_naming_where_they_came_from(kwargs: dict, message: str) -> None:
    kwargs.setdefault("environ", {})
    with pytest.raises(CommandError) as error:
        gunicorn_options(**kwargs)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("bind", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("0.0.0.0:8123", "http://127.0.0.1:8123/"),
        ("[::]:8000", "http://[::1]:8000/"),
        ("[::1]:8000", "http://[::1]:8000/"),
    ],
)
def test_the_banner_url_is_one_a_browser_can_open(bind: str, url: str) -> None:
    assert public_url({"bind": [bind]}) == url


def test_a_port_in_use_is_reported_before_starting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(CommandError) as error:
            ensure_port_free({"bind": [f"127.0.0.1:{port}"]})

    assert str(error.value) == PORT_IN_USE.format(host="127.0.0.1", port=port)


@pytest.mark.django_db
def test_the_banner_shows_the_address_and_no_logins_without_the_demo() -> None:
    banner = Command(stdout=StringIO()).banner(gunicorn_options(port=8123, environ={}))

    assert "Portfolio Office is starting on http://127.0.0.1:8123/  (Ctrl-C to stop)" in banner
    assert "Demo logins" not in banner
    assert "DJANGO_ALLOWED_HOSTS" not in banner


@pytest.mark.django_db
def test_listening_beyond_this_computer_the_banner_names_the_allowed_hosts() -> None:
    with override_settings(ALLOWED_HOSTS=["pmo.council.example"]):
        banner = Command(stdout=StringIO()).banner(gunicorn_options(host="192.0.2.10", environ={}))

    assert OTHER_MACHINES.format(hosts="pmo.council.example") in banner


@pytest.mark.django_db
def test_the_banner_lists_one_demo_login_per_role_when_the_demo_is_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the demo loaded as far as its logins (the banner reads nothing else of it)
    demo.demo_steps()  # every app's steps discovered before the registry is narrowed
    logins = next(order for order, step in demo_framework._STEPS.values() if step is demo.logins)
    monkeypatch.setattr(
        demo_framework, "_STEPS", {k: v for k, v in demo_framework._STEPS.items() if v[0] <= logins}
    )
    call_command("demo", stdout=StringIO())

    banner = Command(stdout=StringIO()).banner(gunicorn_options(environ={}))

    assert "Demo logins (password: " in banner
    for username, role in [("head", "PMO head"), ("pm", "Project manager"), ("exec", "Executive")]:
        assert any(line.split()[:1] == [username] and role in line for line in banner.splitlines())


# --- a real server ------------------------------------------------------------------------------

START_TIMEOUT = 60
STOP_TIMEOUT = 15


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local http URL
        return response.status, response.headers.get("Content-Type", ""), response.read()


@pytest.fixture
def server(
    tmp_path: Path, migrated_database: Callable[[Path], None]
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`pmo run` on a free port against a new SQLite database; stopped with Ctrl-C (SIGINT)."""
    env = process_environment(tmp_path)
    cwd = settings.BASE_DIR
    migrated_database(tmp_path)
    port = _free_port()
    process = subprocess.Popen(
        pmo_command("run", "--port", str(port)),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


def test_pmo_run_serves_pages_and_static_files_and_stops_on_ctrl_c(
    server: tuple[str, subprocess.Popen[str]],
) -> None:
    base, process = server
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            status, content_type, body = _get(f"{base}/accounts/login/")
            break
        except OSError:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "the server did not answer in time"
            time.sleep(0.25)

    assert status == 200
    assert content_type.startswith("text/html")
    assert b"<form" in body

    status, content_type, body = _get(f"{base}/static/core/pmo.css")
    assert status == 200
    assert content_type.startswith("text/css")
    assert body == (settings.BASE_DIR / "pmo/core/static/core/pmo.css").read_bytes()

    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=STOP_TIMEOUT)
    assert process.returncode == 0, output
    assert f"Portfolio Office is starting on {base}/" in output
    assert "Shutting down" in output
