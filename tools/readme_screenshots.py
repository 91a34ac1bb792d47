"""Take the README's screenshots from the demo: ``make screenshots`` (or run this file).

Builds the demo portfolio into a fresh SQLite database in a temporary directory, serves it on a
free local port, and signs in through Debian's Chromium (as the browser tests do) to take:

- ``cockpit.png``: the head of PMO's dashboard at 1280 × 800;
- ``work-queue.png``: the project manager's home page, their work queue, at 1280 × 800;
- ``register.png``: the project register at 1280 × 800;
- ``phone.png``: the register on a phone, 390 × 844, its rows as cards;
- ``project.png``: a project's page (its health summary) at 1280 × 800.

into ``docs/screenshots/``. Nothing is written to the database you use day to day.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHECKOUT = Path(__file__).resolve().parents[1]
OUT = CHECKOUT / "docs" / "screenshots"
PMO = str(Path(sys.executable).with_name("pmo"))
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "demo-pass-2026"  # pmo.portfolio.demo.DEMO_PASSWORD, published in the README
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PROJECT = "IT-130"  # a demo project beyond tolerance: its health summary has something to say


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit(f"The server stopped (exit {server.returncode}).")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own local server)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The server did not answer at {url}.")


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def shoot(page: Page, base: str, path: str, name: str, size: dict[str, int]) -> None:
    page.set_viewport_size(size)
    page.goto(f"{base}{path}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}.png"))
    print(f"  {name}.png  {path}  {size['width']} × {size['height']}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pmo-screenshots-") as work:
        env = {
            **os.environ,
            "DJANGO_ENV": "development",
            "DATABASE_URL": f"sqlite:///{work}/demo.sqlite3",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        print("Building the demo…")
        subprocess.run([PMO, "migrate", "--noinput", "-v0"], env=env, check=True)
        subprocess.run([PMO, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [PMO, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(f"{base}/accounts/login/", server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
                )
                page = browser.new_page(color_scheme="light")
                sign_in(page, base, "head")
                shoot(page, base, "/dashboard/", "cockpit", DESKTOP)
                shoot(page, base, "/projects/", "register", DESKTOP)
                shoot(page, base, f"/projects/{PROJECT}/", "project", DESKTOP)
                shoot(page, base, "/projects/", "phone", PHONE)
                sign_in(page, base, "pm")
                shoot(page, base, "/", "work-queue", DESKTOP)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"Screenshots written to {OUT.relative_to(CHECKOUT)}/")


if __name__ == "__main__":
    main()
