"""Production settings: secure by default, and refused when half-configured."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from config.env import DEBUG_IN_PRODUCTION

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist_with_no_warning(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="pmo.council.example",
        PMO_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage("check", DJANGO_ENV="production", PMO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_with_debug_on(tmp_path):
    # given a production configuration that is complete but for DJANGO_DEBUG=true
    result = run_manage(
        "check",
        DJANGO_ENV="production",
        DJANGO_DEBUG="true",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="pmo.council.example",
        PMO_VAR_DIR=str(tmp_path),
    )

    # then it does not start, and says why and what to do
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert DEBUG_IN_PRODUCTION in result.stderr


def test_debug_stays_available_on_a_developers_machine(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DJANGO_ENV="development",
        DJANGO_DEBUG="true",
        PMO_VAR_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "True"
