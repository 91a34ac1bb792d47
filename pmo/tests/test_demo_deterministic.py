"""`pmo demo` gives the same portfolio on every run on the same day, and a week later the same
portfolio a week on: the one place the suite builds the whole demo itself.

The first build is the run's demo template (pmo/core/tests/demo_database.py, built by whichever
test process asked first). It is compared with a second build of the same code on the same day:
the other database's, where a run on it built one (each database's template keeps its values
beside it: pmo/tests/demo_values.py), else ``pmo demo`` run here, rolled back. Two builds, in two
processes, on two databases, must give the same demo; CI builds PostgreSQL's template in its first
stage (the browser tests) and SQLite's before PostgreSQL's unit tests, so neither database's unit
tests build the demo a second time. A week later the demo is
built without the steps that write no project (the register is compared), rolled back."""

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from pmo.assurance.demo import health_checks
from pmo.core import demo as core_demo
from pmo.core.tests.demo_database import DEMO_TODAY, DemoDatabase
from pmo.finance.demo import finance_records
from pmo.governance.demo import boards_and_meetings
from pmo.portfolio.demo import demo_build
from pmo.portfolio.tests.demo.conftest import FINGERPRINT_FINISH, FINGERPRINT_START
from pmo.raid.demo import raid_logs
from pmo.reporting.demo import reporting_history
from pmo.tests.demo_values import Fingerprints, fingerprints, the_other_databases

# Not marked first, as a long module is: in CI the other database's values were written a stage
# earlier, and there is no second build here (on one database alone there is).
pytestmark = pytest.mark.django_db


def build_and_undo(build: Callable[[], object], django_db_blocker: Any) -> Fingerprints:
    """Build the demo into the empty register, take its fingerprints, and roll it back."""
    with django_db_blocker.unblock(), transaction.atomic():
        build()
        result = fingerprints()
        transaction.set_rollback(True)
    return result


@pytest.fixture(scope="module")
def first(demo_database: DemoDatabase, django_db_blocker: Any) -> Fingerprints:
    """The run's demo, built as of ``DEMO_TODAY``."""
    with django_db_blocker.unblock(), demo_database.use():
        return fingerprints()


@pytest.fixture(scope="module")
def second(first: Fingerprints, demo_database: DemoDatabase, django_db_blocker: Any) -> Fingerprints:
    """The same code's demo as the other database built it, if a run on it did; else ``pmo demo``
    run on ``DEMO_TODAY`` into the empty register."""
    other = the_other_databases(demo_database.directory, demo_database.fingerprint)
    if other is not None:
        return other
    on_the_day = timezone.make_aware(dt.datetime.combine(DEMO_TODAY, dt.time(10)))
    with time_machine.travel(on_the_day, tick=False):
        return build_and_undo(lambda: call_command("demo", stdout=StringIO()), django_db_blocker)


# The demo's steps that write no project (so leave the register compared a week on as it was):
# its year of highlight reports, the boards' year of meetings, the health checks, the RAID logs and
# the money, four fifths of a build.
WRITE_NO_PROJECT = (reporting_history, boards_and_meetings, health_checks, raid_logs, finance_records)


@pytest.fixture(scope="module")
def week_later(django_db_setup: None, django_db_blocker: Any) -> Fingerprints:
    """The demo built a week after ``DEMO_TODAY``, but for the steps that write no project."""
    with pytest.MonkeyPatch.context() as patch:
        for step in WRITE_NO_PROJECT:
            patch.delitem(core_demo._STEPS, f"{step.__module__}.{step.__qualname__}")
        return build_and_undo(lambda: demo_build(today=DEMO_TODAY + dt.timedelta(days=7)), django_db_blocker)


def test_two_runs_on_the_same_day_give_identical_projects_down_to_their_history(
    first: Fingerprints, second: Fingerprints
) -> None:
    assert len(first["register"]) > 60
    assert first["register"] == second["register"]


def test_a_week_later_every_planned_date_has_moved_on_a_week_and_nothing_else_changed(
    first: Fingerprints, week_later: Fingerprints
) -> None:
    start, finish = FINGERPRINT_START, FINGERPRINT_FINISH
    for old, new in zip(first["register"], week_later["register"], strict=True):
        assert (new[start] - old[start], new[finish] - old[finish]) == (dt.timedelta(days=7),) * 2
        assert old[:start] + old[finish + 1 :] == new[:start] + new[finish + 1 :]


def test_two_runs_on_the_same_day_give_the_same_reporting_year(
    first: Fingerprints, second: Fingerprints
) -> None:
    assert len(first["reporting year"]) > 400
    assert first["reporting year"] == second["reporting year"]


def test_two_runs_on_the_same_day_give_the_same_money(first: Fingerprints, second: Fingerprints) -> None:
    assert len(first["money"]) > 300
    assert first["money"] == second["money"]


def test_two_runs_on_the_same_day_give_the_same_registers_and_change_log(
    first: Fingerprints, second: Fingerprints
) -> None:
    assert len(first["registers and change log"]) > 500
    assert first["registers and change log"] == second["registers and change log"]
