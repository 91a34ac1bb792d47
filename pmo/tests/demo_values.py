"""The demo by value, as the determinism module compares two builds of it: kept beside each
database's demo template when it is built (pmo/core/tests/demo_database.py), so that a run on
the other database compares its own build with it instead of building the demo again."""

import pickle
from pathlib import Path
from typing import Any

from django.db import connection

from pmo.change.tests.demo.conftest import fingerprint as registers_and_change_log
from pmo.core.tests.demo_database import remove_older
from pmo.finance.tests.demo.conftest import fingerprint as money
from pmo.portfolio.tests.demo.conftest import fingerprint as register
from pmo.raid.tests.references import without_ids
from pmo.reporting.tests.demo.conftest import fingerprint as reporting_year

Fingerprints = dict[str, list[tuple[Any, ...]]]

VENDORS = ("sqlite", "postgresql")


def fingerprints() -> Fingerprints:
    """The demo in the database now, by value (item references by shape: ids differ between
    builds on PostgreSQL, which does not reuse them)."""
    return {
        "register": without_ids(register()),
        "reporting year": without_ids(reporting_year()),
        "registers and change log": sorted(without_ids(registers_and_change_log()), key=repr),
        "money": money(),
    }


def values_file(directory: Path, fingerprint: str, vendor: str) -> Path:
    return directory / f"demo-values-{fingerprint}-{vendor}.pickle"


def keep(directory: Path, fingerprint: str) -> None:
    """Keep the demo now in the database as this database's build of the code ``fingerprint``
    (the older builds' values of this database go)."""
    remove_older(directory, f"demo-values-*-{connection.vendor}.pickle")
    values_file(directory, fingerprint, connection.vendor).write_bytes(pickle.dumps(fingerprints()))


def the_other_databases(directory: Path, fingerprint: str) -> Fingerprints | None:
    """The same code's demo as the other database built it, if a run on it did."""
    (other,) = (vendor for vendor in VENDORS if vendor != connection.vendor)
    kept = values_file(directory, fingerprint, other)
    if not kept.exists():
        return None
    found: Fingerprints = pickle.loads(kept.read_bytes())  # noqa: S301 - written by a run of this code
    return found
