"""The one clock: what now and today are, held "as at" a moment, per thread, nested."""

import datetime as dt
import re
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pmo.conftest import TESTS_RUN_AT, frozen_moment
from pmo.core import clock

LONDON = ZoneInfo("Europe/London")


def test_the_clock_reads_the_stated_date_of_the_test():
    assert clock.now() == frozen_moment(TESTS_RUN_AT)
    assert clock.today() == dt.date(2026, 12, 4)


@pytest.mark.today("2027-07-01 00:30")
def test_today_is_the_date_in_the_site_time_zone_not_utc():
    """Half past midnight in London in summer is still the day before in UTC."""
    assert clock.now().astimezone(dt.UTC).date() == dt.date(2027, 6, 30)
    assert clock.today() == dt.date(2027, 7, 1)


@pytest.mark.today("2028-02-29")
def test_a_marker_moves_the_date_a_test_runs_on():
    assert clock.today() == dt.date(2028, 2, 29)


def test_as_at_holds_the_clock_and_lets_go_after():
    moment = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)

    with clock.as_at(moment):
        first, second = clock.now(), clock.now()
        today = clock.today()

    assert first == moment
    assert second > first, "each read moves on, so the records one call writes keep their order"
    assert second - first < dt.timedelta(milliseconds=1)
    assert today == dt.date(2026, 3, 2)
    assert clock.now() == frozen_moment(TESTS_RUN_AT)


def test_as_at_nests_and_the_inner_moment_wins_until_it_ends():
    outer = dt.datetime(2026, 1, 5, 9, 0, tzinfo=LONDON)
    inner = dt.datetime(2026, 2, 9, 9, 0, tzinfo=LONDON)

    with clock.as_at(outer):
        with clock.as_at(inner):
            inside = clock.today()
        after = clock.today()

    assert (inside, after) == (dt.date(2026, 2, 9), dt.date(2026, 1, 5))


def test_as_at_lets_go_when_the_code_inside_fails():
    with pytest.raises(RuntimeError), clock.as_at(dt.datetime(2026, 1, 5, 9, 0, tzinfo=LONDON)):
        raise RuntimeError

    assert clock.today() == dt.date(2026, 12, 4)


def test_a_held_clock_is_held_only_for_the_thread_holding_it():
    seen: list[dt.date] = []
    holding, read = threading.Event(), threading.Event()

    def other_thread() -> None:
        holding.wait(5)
        seen.append(clock.today())
        read.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    with clock.as_at(dt.datetime(2026, 1, 5, 9, 0, tzinfo=LONDON)):
        holding.set()
        read.wait(5)
        mine = clock.today()
    thread.join(5)

    assert mine == dt.date(2026, 1, 5)
    assert seen == [dt.date(2026, 12, 4)]


def test_the_clock_refuses_a_moment_without_a_time_zone():
    naive = dt.datetime(2026, 1, 5, 9, 0)

    with pytest.raises(ValueError, match="aware datetime") as refused, clock.as_at(naive):
        pass

    assert str(refused.value) == clock.NAIVE_MOMENT.format(moment=naive)


OTHER_CLOCKS = re.compile(
    r"timezone\.now\(|timezone\.localdate\(\)|timezone\.localtime\(\)|date\.today\b|datetime\.now\b"
    r"|datetime\.today\b|\bNow\(\)|CURRENT_DATE|CURRENT_TIMESTAMP"
)
PMO = Path(__file__).resolve().parents[2]


def test_the_product_reads_no_clock_but_the_one_clock():
    """Outside tests and migrations, nothing in pmo/ reads Django's, Python's or the database's
    clock: a held clock (the demo) and a test's date would not reach it."""
    readers = [
        f"{path.relative_to(PMO.parent)}:{number}: {line.strip()}"
        for path in sorted(PMO.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(PMO).parts) and path.name != "clock.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if OTHER_CLOCKS.search(line.split("#")[0])
    ]

    assert readers == []
