"""`pmo` as a new process runs it, on a SQLite database of its own."""

import os
import sys
from pathlib import Path


def pmo_command(*args: str) -> list[str]:
    """``pmo ARGS`` as a new process runs it."""
    return [sys.executable, "-c", "from pmo.cli import main; main()", *args]


def process_environment(var: Path, **extra: str) -> dict[str, str]:
    """The environment of a `pmo` process on the SQLite database ``var/pmo.sqlite3``."""
    return {
        **os.environ,
        "DJANGO_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{var / 'pmo.sqlite3'}",
        "PMO_VAR_DIR": str(var),
        "WEB_CONCURRENCY": "1",
        **extra,
    }
