"""MS Project XML: hostile or broken files are refused naming what and where; MS Project's
encodings (durations, lags, link types, calendars, recurring exceptions) read right; a plan
written out and read back schedules the same."""

from datetime import date, datetime
from pathlib import Path

import pytest

from pmo.engine.calendar import DurationUnit, standard_calendar
from pmo.engine.mspdi import (
    DOCTYPE,
    MspdiError,
    parse_duration,
    project_from_plan,
    read_mspdi,
    write_mspdi,
)
from pmo.engine.schedule import Constraint, Link, LinkType, Plan, Task, schedule

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpora" / "mspdi"

CALENDAR = """
<Calendars><Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar>
<BaseCalendarUID>-1</BaseCalendarUID><WeekDays>
<WeekDay><DayType>1</DayType><DayWorking>0</DayWorking></WeekDay>
{weekdays}
<WeekDay><DayType>7</DayType><DayWorking>0</DayWorking></WeekDay>
</WeekDays>{exceptions}</Calendar>
<Calendar><UID>2</UID><Name>Mine</Name><IsBaseCalendar>0</IsBaseCalendar><BaseCalendarUID>1</BaseCalendarUID>
<WeekDays><WeekDay><DayType>6</DayType><DayWorking>0</DayWorking></WeekDay></WeekDays></Calendar>
</Calendars>"""
WEEKDAY = (
    "<WeekDay><DayType>{day}</DayType><DayWorking>1</DayWorking><WorkingTimes>"
    "<WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime></WorkingTime>"
    "<WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime></WorkingTime>"
    "</WorkingTimes></WeekDay>"
)
EXCEPTION = (
    "<Exceptions><Exception><TimePeriod><FromDate>2026-03-01T00:00:00</FromDate>"
    "<ToDate>2026-03-31T23:59:00</ToDate></TimePeriod><Name>Every other Tuesday</Name><Type>6</Type>"
    "<Period>2</Period><DaysOfWeek>4</DaysOfWeek><DayWorking>0</DayWorking></Exception>"
    "<Exception><TimePeriod><FromDate>2026-01-01T00:00:00</FromDate><ToDate>2027-12-31T23:59:00</ToDate>"
    "</TimePeriod><Name>Last Friday</Name><Type>5</Type><Period>1</Period><MonthItem>8</MonthItem>"
    "<MonthPosition>4</MonthPosition><DayWorking>0</DayWorking></Exception></Exceptions>"
)


def project(tasks, calendar=True):
    calendars = CALENDAR.format(
        weekdays="".join(WEEKDAY.format(day=day) for day in range(2, 7)), exceptions=EXCEPTION
    )
    return (
        '<?xml version="1.0"?><Project xmlns="http://schemas.microsoft.com/project">'
        "<Name>t.xml</Name><StartDate>2026-03-02T08:00:00</StartDate><CalendarUID>1</CalendarUID>"
        "<MinutesPerDay>480</MinutesPerDay><MinutesPerWeek>2400</MinutesPerWeek><DaysPerMonth>20</DaysPerMonth>"
        f"{calendars if calendar else ''}<Tasks>{tasks}</Tasks></Project>"
    ).encode()


def task(uid, *extra, duration="PT16H0M0S", level=1):
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>Task {uid}</Name><OutlineLevel>{level}</OutlineLevel>"
        f"<Duration>{duration}</Duration><DurationFormat>7</DurationFormat>{''.join(extra)}</Task>"
    )


def link(predecessor, kind, lag, lag_format=7):
    return (
        f"<PredecessorLink><PredecessorUID>{predecessor}</PredecessorUID><Type>{kind}</Type>"
        f"<LinkLag>{lag}</LinkLag><LagFormat>{lag_format}</LagFormat></PredecessorLink>"
    )


def test_durations_are_read_in_ms_projects_encoding():
    assert parse_duration("PT8H0M0S") == 480
    assert parse_duration("PT0H1M0S") == 1
    assert parse_duration("PT1.5H0M0S") == 90
    assert parse_duration("-PT4H0M0S") == -240
    assert parse_duration("P2DT1H0M0S") == 2 * 1440 + 60


def test_links_lags_constraints_and_hierarchy_are_read():
    data = project(
        task(1, "<Summary>1</Summary>", duration="PT0H0M0S")
        + task(2, level=2)
        + task(3, link(2, 0, 4800), level=2)  # FF, 1 day (tenths of minutes)
        + task(4, link(2, 3, 50, 19))  # SS, 50 % of the predecessor
        + task(5, link(3, 1, 28800, 8))  # FS, 2 elapsed days
        + task(6, "<ConstraintType>4</ConstraintType><ConstraintDate>2026-03-16T08:00:00</ConstraintDate>")
        + task(7, "<CalendarUID>2</CalendarUID>", "<Active>0</Active>")
    )
    imported = read_mspdi(data)
    links = {(item.link.predecessor, item.link.successor): item.link for item in imported.links}
    assert links[2, 3].type is LinkType.FF and links[2, 3].lag == 480
    assert links[2, 4].type is LinkType.SS and links[2, 4].lag_percent == 50
    assert links[3, 5].lag_elapsed and links[3, 5].lag == 2880
    by_uid = {item.uid: item for item in imported.tasks}
    assert by_uid[1].summary and by_uid[2].task.parent == 1 and by_uid[4].task.parent is None
    assert by_uid[6].task.constraint is Constraint.SNET
    assert by_uid[7].task.calendar.week[4] == () and not by_uid[7].active  # Friday off, from its own
    assert by_uid[7].task.calendar.week[0] == imported.calendar.week[0]  # the rest from the base

    result = schedule(imported.plan())
    # Tuesday 3 March is off (the recurring exception): task 2 works Monday and Wednesday
    assert result.tasks[4].early_start == datetime(2026, 3, 4, 8)  # 50 % of 2 days after Monday 08:00
    assert result.tasks[3].early_finish == datetime(2026, 3, 5, 17)  # a day after task 2 finishes
    assert result.tasks[5].early_start == datetime(2026, 3, 9, 8)  # Thursday 17:00 + 48 h, next morning
    assert result.tasks[1].finish == datetime(2026, 3, 5, 17)
    assert 7 not in result.tasks  # inactive tasks are left out of the schedule


def test_a_file_without_wbs_codes_gets_them_from_its_outline_as_ms_project_numbers_them():
    data = project(
        task(1, duration="PT0H0M0S")
        + task(2, level=2)
        + task(3, "<WBS>DES-7</WBS>", level=2)  # a code the file has is kept
        + task(4, level=3)
        + task(5)
        + task(6, level=2)
    )

    tasks = {item.uid: (item.wbs, item.outline_number) for item in read_mspdi(data).tasks}

    assert tasks == {
        1: ("1", "1"),
        2: ("1.1", "1.1"),
        3: ("DES-7", "1.2"),
        4: ("1.2.1", "1.2.1"),
        5: ("2", "2"),
        6: ("2.1", "2.1"),
    }


def test_recurring_exceptions_pick_their_days():
    calendar = read_mspdi(project("")).calendar
    # every other Tuesday from Sunday 1 March: the 3rd, 17th and 31st
    assert [day for day in (3, 10, 17, 24, 31) if not calendar.is_working_day(date(2026, 3, day))] == [
        3,
        17,
        31,
    ]
    assert not calendar.is_working_day(date(2026, 2, 27))  # the last Friday of February
    assert calendar.is_working_day(date(2026, 2, 20))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<Project><Tasks>", "not well-formed"),
        (b'<?xml version="1.0"?><Schedule/>', "root element is <Schedule>, not <Project>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<Project>&b;</Project>",
            DOCTYPE,
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Project>&x;</Project>',
            DOCTYPE,
        ),
        (project("<Task><Name>No id</Name></Task>"), "The task on line 10 has no UID."),
        (project(task(1) + task(1)), "Two tasks have UID 1"),
        (
            project(task(2, link(9, 1, 0))),
            "Task 2 (line 10) has a predecessor with UID 9, which is not in the file.",
        ),
        (
            project(task(3, duration="8 hours")),
            "Task 3 (line 10): Duration '8 hours' is not an MS Project duration",
        ),
        (
            project(task(4, "<ConstraintType>12</ConstraintType>")),
            "ConstraintType '12' is not a constraint type",
        ),
    ],
)
def test_hostile_or_broken_files_are_refused_naming_what_and_where(data, message):
    with pytest.raises(MspdiError) as caught:
        read_mspdi(data)
    assert message in str(caught.value)


def test_a_file_over_the_limit_is_refused_before_parsing():
    with pytest.raises(MspdiError, match="limit is 100"):
        read_mspdi(project(task(1)), limit=100)


def test_written_and_read_back_a_plan_schedules_the_same():
    source = CORPUS / "legacy" / "sample.xml"
    data = source.read_bytes() if source.exists() else project(task(1) + task(2, link(1, 1, 4800)))
    imported = read_mspdi(data)
    before = schedule(imported.plan())
    again = read_mspdi(write_mspdi(imported, before))
    after = schedule(again.plan())
    assert after.tasks == before.tasks
    assert [item.link for item in again.links] == [item.link for item in imported.links]
    assert [item.custom_fields for item in again.tasks] == [item.custom_fields for item in imported.tasks]
    assert [item.baselines for item in again.tasks] == [item.baselines for item in imported.tasks]
    assert again.tasks[0].duration_unit is DurationUnit.DAYS
    # what the writer wrote as MS Project's own results are the engine's
    assert again.tasks[1].stored.early_finish == before.tasks[again.tasks[1].uid].early_finish


def test_a_plan_made_here_exports_with_its_bank_holidays_and_comes_back_the_same():
    plan = Plan(
        tasks=[
            Task("design", 3 * 480),
            Task("build", 5 * 480, parent="phase"),
            Task("phase"),
            Task("go-live"),
        ],
        links=[Link("design", "build"), Link("build", "go-live", LinkType.FS, lag=480)],
        start=datetime(2026, 3, 30, 8),  # Easter: Good Friday 3 April, Easter Monday 6 April
        calendar=standard_calendar(),
    )
    before = schedule(plan)
    again = read_mspdi(write_mspdi(project_from_plan(plan, "Easter"), before))
    after = schedule(again.plan())
    # written in outline order: design 1, phase 2, build 3 (under phase), go-live 4
    assert [after.tasks[uid] for uid in (1, 3, 2, 4)] == [before.tasks[task.id] for task in plan.tasks]
    # build: Thursday 2 April, then Tuesday 7 to Friday 10 (Good Friday and Easter Monday off)
    assert (after.tasks[3].start, after.tasks[3].finish) == (
        datetime(2026, 4, 2, 8),
        datetime(2026, 4, 10, 17),
    )
    assert again.tasks[2].task.parent == 2 and again.tasks[1].summary
