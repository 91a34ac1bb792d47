"""The cockpit's figures on stated days: which period's reports it chases (the one due next or
just past due, not the newest open one), who owes a report for it (not a project not yet
started, nor one on hold), the statuses against last period, the decisions awaited, and that
each figure it links to lands on a list counting the same.

Monthly periods: October (due 5 Nov), November (due 5 Dec) and December (due 5 Jan), all open."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from pmo.change.choices import Authority, ChangeStatus, ChangeType
from pmo.change.models import ChangeRequest
from pmo.insights.selectors import DashboardFilters, cockpit, dashboard
from pmo.insights.tests.conftest import hand_in
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.services import register_entry_update
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.reporting.choices import ExceptionStatus, PeriodStatus, Rating
from pmo.reporting.models import ProjectException
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]
LATER = dt.date(2027, 12, 31)  # a planned finish after any start here


def on(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day} 10:00"))


@pytest.fixture
def periods():
    return {
        "oct": PeriodFactory(start=dt.date(2026, 10, 1)),
        "nov": PeriodFactory(start=dt.date(2026, 11, 1)),
        "dec": PeriodFactory(start=dt.date(2026, 12, 1)),
    }


@pytest.fixture
def projects(periods):
    """REP reported for October (green) and November (amber, on time); MIS started in mid
    November and reported nothing; NEW starts on 10 December; HLD is on hold; OLD is closed."""
    made = {
        "REP": ProjectFactory(code="REP", planned_start=dt.date(2026, 1, 5)),
        "MIS": ProjectFactory(code="MIS", planned_start=dt.date(2026, 11, 16)),
        "NEW": ProjectFactory(code="NEW", planned_start=dt.date(2026, 12, 10), planned_finish=LATER),
        "HLD": ProjectFactory(code="HLD", planned_start=dt.date(2026, 1, 5), status=ProjectStatus.ON_HOLD),
        "OLD": ProjectFactory(code="OLD", planned_start=dt.date(2025, 1, 5), status=ProjectStatus.CLOSED),
    }
    hand_in(made["REP"], periods["oct"], Rating.GREEN, submitted=on("2026-11-03"))
    hand_in(made["REP"], periods["nov"], Rating.AMBER, submitted=on("2026-12-02"))
    return made


def test_compliance_chases_the_period_due_next_not_the_newest_open(pmo_head, projects, periods):
    # On 4 December November has ended and its reports are due tomorrow; December is the newest open
    figures = dashboard(user=pmo_head, filters=DashboardFilters())
    compliance = figures.compliance
    assert compliance is not None
    assert (compliance.period, compliance.due, compliance.past_due) == (
        "November 2026",
        dt.date(2026, 12, 5),
        False,
    )
    # REP handed in on time; MIS started in November, so owes one; NEW (starts 10 Dec), HLD (on
    # hold) and OLD (closed) owe nothing, so are not "missing"
    assert (compliance.owed, compliance.on_time, compliance.late, compliance.draft, compliance.missing) == (
        2,
        1,
        0,
        0,
        1,
    )


@pytest.mark.today("2026-12-09")
def test_after_the_due_date_the_same_period_is_still_chased_and_its_missing_reports_are_missing(
    pmo_head, projects, browser_for
):
    compliance = dashboard(user=pmo_head, filters=DashboardFilters()).compliance
    assert compliance is not None and compliance.period == "November 2026" and compliance.past_due
    page = browser_for(pmo_head).get("/dashboard/").content.decode()
    assert re.search(r"Missing</th><td [^>]*><a [^>]*data-testid=\"count-missing\">1</a>", page)


def test_once_the_chased_period_is_closed_the_current_one_is_shown(pmo_head, projects, periods):
    periods["nov"].status = PeriodStatus.CLOSED
    periods["nov"].save()
    compliance = dashboard(user=pmo_head, filters=DashboardFilters()).compliance
    assert compliance is not None and compliance.period == "December 2026"
    # Nobody has reported for December yet; NEW starts within it, so owes one too
    assert (compliance.owed, compliance.missing) == (3, 3)


def test_a_project_that_has_not_started_is_never_missing(pmo_head, periods):
    ProjectFactory(code="LATER", planned_start=dt.date(2027, 2, 1), planned_finish=LATER)
    compliance = dashboard(user=pmo_head, filters=DashboardFilters()).compliance
    assert compliance is not None and (compliance.owed, compliance.missing) == (0, 0)


def test_statuses_show_the_change_since_last_period(pmo_head, projects):
    found = cockpit(user=pmo_head, filters=DashboardFilters())
    assert found.compared_with == "October 2026"
    by_rating = {s.rating: (s.now, s.before, s.change_text) for s in found.statuses}
    # REP was green as October's report stood and declares amber now; MIS and NEW never reported
    assert by_rating["green"] == (0, 1, "\N{MINUS SIGN}1")
    assert by_rating["amber"] == (1, 0, "+1")
    assert by_rating["red"] == (0, 0, "same")
    assert by_rating["none"] == (2, 2, "same")


def test_decisions_awaited_count_exception_reports_in_and_assessed_changes_by_authority(pmo_head, projects):
    rep = projects["REP"]
    ProjectException.objects.create(
        project=rep,
        status=ExceptionStatus.REPORT_SUBMITTED,
        dimensions="time",
        breach_summary="time +40 days",
        raised_at=on("2026-11-20"),
    )
    for authority in (Authority.BOARD, Authority.BOARD, Authority.SPONSOR, Authority.PROJECT_MANAGER):
        ChangeRequest.objects.create(
            project=rep,
            title=f"A change for the {authority}",
            change_type=ChangeType.TIME,
            status=ChangeStatus.ASSESSED,
            authority=authority,
            raised_on=dt.date(2026, 11, 25),
        )
    ChangeRequest.objects.create(
        project=rep, title="Not assessed yet", change_type=ChangeType.TIME, raised_on=dt.date(2026, 12, 1)
    )
    decisions = cockpit(user=pmo_head, filters=DashboardFilters()).decisions
    assert (decisions.exceptions, decisions.exceptions_oldest_days, decisions.board, decisions.sponsors) == (
        1,
        14,
        2,
        1,
    )


def test_each_figure_lands_on_a_list_counting_the_same(pmo_head, projects, periods, browser_for):
    ProjectException.objects.create(
        project=projects["REP"],
        status=ExceptionStatus.REPORT_SUBMITTED,
        dimensions="cost",
        breach_summary="cost +£40,000",
        raised_at=on("2026-11-20"),
    )
    client = browser_for(pmo_head)
    page = client.get("/dashboard/").content.decode()

    def figure(testid: str) -> tuple[str, int]:
        match = re.search(rf'href="([^"]+)"[^>]*data-testid="{testid}">(\d+)<', page)
        assert match, testid
        return match.group(1).replace("&amp;", "&"), int(match.group(2))

    url, open_exceptions = figure("count-exceptions")
    assert open_exceptions == 1
    assert len(client.get(url).context["rows"]) == 1
    url, awaiting = figure("count-exception-decisions")
    assert awaiting == 1 and url.endswith("?show=awaiting")
    assert len(client.get(url).context["rows"]) == 1
    url, missing = figure("count-missing")
    counts = {state: n for _label, state, n in client.get(url).context["counts"]}
    assert counts["missing"] == missing == 1  # MIS, not NEW (not started), HLD (on hold) or OLD
    match = re.search(r'href="([^"]+)">(\d+)</a></td>', page[page.index('data-status="amber"') :])
    assert match
    heatmap = client.get(match.group(1)).content.decode()
    assert re.findall(r'<tr data-project="([^"]+)">', heatmap) == ["REP"] and match.group(2) == "1"


def test_what_is_kept_for_the_pmo_shows_a_change_on_the_very_next_read(pmo_head, projects, periods):
    # Given the cockpit and the heatmap read once (so kept: the PMO head sees the whole portfolio)
    first = cockpit(user=pmo_head, filters=DashboardFilters())
    assert first.figures.compliance is not None and first.figures.compliance.missing == 1
    assert {r.code: r.project_manager for r in dashboard(user=pmo_head, filters=DashboardFilters()).rows}
    manager = projects["REP"].project_manager

    # When MIS hands in November's report, red, and REP's manager is renamed
    hand_in(projects["MIS"], periods["nov"], Rating.RED, submitted=on("2026-12-03"))
    register_entry_update(
        actor=None, entry=manager, fields={"name": "Renamed Manager"}, expected_version=manager.version
    )

    # Then the next reads show both, without waiting for anything kept to run out
    found = cockpit(user=pmo_head, filters=DashboardFilters())
    compliance = found.figures.compliance
    assert compliance is not None and (compliance.missing, compliance.on_time) == (0, 2)
    assert {s.rating: s.now for s in found.statuses}["red"] == 1
    rows = {r.code: r.project_manager for r in dashboard(user=pmo_head, filters=DashboardFilters()).rows}
    assert rows["REP"] == "Renamed Manager"
