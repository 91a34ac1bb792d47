"""Reporting settings, default tolerances and periods: who may change them, and compliance."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting import services
from pmo.reporting.choices import PeriodStatus, StatusScale
from pmo.reporting.models import DEFAULT_EXISTS, NEEDS_ALLOWANCE, ReportingSettings, ToleranceDefault
from pmo.reporting.services.periods_reports import SETTINGS_FIELDS
from pmo.reporting.tests.factories import PeriodFactory, ReportFactory
from pmo.reporting.tests.views.helpers import doc, field_error, text_of

pytestmark = pytest.mark.django_db


def settings_data(row, **changes):
    data = {name: getattr(row, name) for name in SETTINGS_FIELDS} | {"version": row.version}
    return {**data, **changes}


def test_the_pmo_head_sets_the_early_warning_thresholds(world):
    row = ReportingSettings.objects.get()
    page = world.client(world.head).get("/reporting/settings/")
    assert "early warning: milestone forecast later in (reports running)" in page.content.decode().lower()

    response = world.client(world.head).post(
        "/reporting/settings/", settings_data(row, early_slip_reports=2, early_slip_share="1.5")
    )
    assert response.status_code == 400  # a share over the whole tolerance is refused
    assert "less than or equal to 1" in response.content.decode()

    response = world.client(world.head).post(
        "/reporting/settings/", settings_data(row, early_slip_reports=2, early_dependency_days=21)
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.early_slip_reports, row.early_dependency_days) == (2, 21)


def test_the_pmo_head_changes_the_status_scale(world):
    row = ReportingSettings.objects.get()

    response = world.client(world.head).post("/reporting/settings/", settings_data(row, status_scale="dca"))

    assert response.status_code == 302
    assert ReportingSettings.objects.get().status_scale == StatusScale.DELIVERY_CONFIDENCE


def test_a_warning_band_above_one_is_refused_on_its_field(world):
    row = ReportingSettings.objects.get()

    response = world.client(world.head).post("/reporting/settings/", settings_data(row, warning_band="1.5"))

    assert field_error(response, "warning_band")
    assert ReportingSettings.objects.get().warning_band == Decimal("0.80")


def test_an_officer_reads_the_settings_but_cannot_change_them(world):
    row = ReportingSettings.objects.get()
    client = world.client(world.officer)

    shown = client.get("/reporting/settings/")
    posted = client.post("/reporting/settings/", settings_data(row, status_scale="dca"))

    assert not doc(shown).xpath("//form[@method='post']//select")
    assert "Red / amber / green" in text_of(shown)
    assert posted.status_code == 403
    assert "You do not have permission to change the reporting settings." in text_of(posted)
    assert ReportingSettings.objects.get().status_scale == StatusScale.RAG


def test_the_pmo_head_edits_a_default_tolerance(world):
    default = ToleranceDefault.objects.get(size_tier="medium", dimension="time")
    client = world.client(world.head)

    form = client.get("/reporting/settings/tolerances/", {"edit": default.pk})
    saved = client.post(
        "/reporting/settings/tolerances/",
        {"pk": default.pk, "absolute": "35", "percent": "", "version": default.version},
    )

    assert doc(form).xpath("//input[@id='id_absolute']")[0].get("value") == "28.00"
    assert saved.status_code == 302
    default.refresh_from_db()
    assert default.absolute == Decimal(35)


def test_a_default_needs_an_allowance(world):
    default = ToleranceDefault.objects.get(size_tier="medium", dimension="time")

    response = world.client(world.head).post(
        "/reporting/settings/tolerances/", {"pk": default.pk, "absolute": "", "percent": "", "version": 1}
    )

    assert NEEDS_ALLOWANCE in text_of(response)
    default.refresh_from_db()
    assert default.absolute == Decimal(28)


def test_an_officer_cannot_edit_a_default(world):
    default = ToleranceDefault.objects.get(size_tier="medium", dimension="time")
    client = world.client(world.officer)

    listing = client.get("/reporting/settings/tolerances/")
    posted = client.post(
        "/reporting/settings/tolerances/", {"pk": default.pk, "absolute": "99", "version": 1}
    )

    assert "Edit" not in [a.text_content() for a in doc(listing).xpath("//table//a")]
    assert posted.status_code == 403
    default.refresh_from_db()
    assert default.absolute == Decimal(28)


def test_period_compliance_shows_on_time_late_draft_and_missing(world):
    period = world.period
    on_time, late, draft, missing = (
        ProjectFactory(code=code, project_manager=PersonFactory(name=f"PM {code}"))
        for code in ("A-1", "B-1", "C-1", "D-1")
    )
    ReportFactory(
        project=on_time,
        period=period,
        status="submitted",
        submitted_at=timezone.make_aware(dt.datetime(2026, 12, 2, 9)),
    )
    ReportFactory(
        project=late,
        period=period,
        status="accepted",
        submitted_at=timezone.make_aware(dt.datetime(2026, 12, 20, 9)),
    )
    ReportFactory(project=draft, period=period)

    response = world.client(world.officer).get(period.get_absolute_url())

    rows = {
        tr.xpath("th")[0].text_content().split()[0]: " ".join(tr.xpath("td")[1].text_content().split())
        for tr in doc(response).xpath("//table[@data-testid='compliance']/tbody/tr")
    }
    assert rows == {
        "A-1": "Handed in on time",
        "B-1": "Handed in late",
        "C-1": "Draft, not handed in",
        "D-1": "Missing",
        "DFD-001": "Missing",
    }
    assert f"PM {missing.code}" in text_of(response)


def test_the_pmo_closes_a_period_and_a_pm_cannot(world):
    pm = world.client(world.pm).post(world.period.get_absolute_url(), {"action": "close", "version": 1})
    closed = world.client(world.officer).post(
        world.period.get_absolute_url(), {"action": "close", "version": 1, "confirm": "yes"}
    )

    assert pm.status_code == 403
    assert closed.status_code == 302
    world.period.refresh_from_db()
    assert world.period.status == PeriodStatus.CLOSED
    with pytest.raises(Exception, match="closed"):
        services.highlight_report_start(actor=world.pm, project=world.project, period=world.period)


def test_closing_before_the_due_date_asks_first_counting_drafts_and_missing_reports(world):
    ReportFactory(project=ProjectFactory(code="C-1"), period=world.period)  # a draft
    ProjectFactory(code="D-1")  # missing, as DFD-001 is
    client = world.client(world.officer)

    asked = client.post(world.period.get_absolute_url(), {"action": "close", "version": 1})

    assert asked.status_code == 200
    world.period.refresh_from_db()
    assert world.period.status == PeriodStatus.OPEN  # nothing done yet
    panel = " ".join(doc(asked).xpath("//*[@data-testid='confirm-close']")[0].text_content().split())
    assert panel.startswith("Close November 2026?")
    assert (
        "Its reports are not due until 5 Dec 2026, and 1 report not handed in yet (a draft) and "
        "2 reports missing." in panel
    )
    confirm = doc(asked).xpath("//*[@data-testid='confirm-close']//form")[0]
    fields = {i.get("name"): i.get("value") for i in confirm.xpath(".//input[@type='hidden']")}
    assert fields["confirm"] == "yes"
    assert fields["version"] == "1"

    closed = client.post(world.period.get_absolute_url(), {**fields, "action": "close"})

    assert closed.status_code == 302
    world.period.refresh_from_db()
    assert world.period.status == PeriodStatus.CLOSED


@pytest.mark.today("2026-12-10")
def test_closing_after_the_due_date_asks_without_the_warning(world):
    asked = world.client(world.officer).post(
        world.period.get_absolute_url(), {"action": "close", "version": 1}
    )

    panel = " ".join(doc(asked).xpath("//*[@data-testid='confirm-close']")[0].text_content().split())
    assert "No report can be started or changed in it afterwards." in panel
    assert "not due" not in panel


def test_a_period_is_not_reopened_while_the_one_after_it_is_closed(world):
    november = services.reporting_period_close(actor=world.head, period=world.period, expected_version=1)
    december = PeriodFactory(start=dt.date(2026, 12, 1))
    december = services.reporting_period_close(
        actor=world.head, period=december, expected_version=december.version
    )

    page = world.client(world.officer).post(
        november.get_absolute_url(), {"action": "reopen", "version": november.version}
    )

    assert page.status_code == 400
    assert (
        "November 2026 cannot be reopened while the period after it, December 2026, is closed: "
        "reopen December 2026 first." in " ".join(text_of(page).split())
    )
    november.refresh_from_db()
    assert november.status == PeriodStatus.CLOSED
    # once December is open again, November can be reopened
    services.reporting_period_reopen(actor=world.head, period=december, expected_version=december.version)
    reopened = services.reporting_period_reopen(
        actor=world.head, period=november, expected_version=november.version
    )
    assert reopened.status == PeriodStatus.OPEN


def test_the_period_list_counts_reports_handed_in(world):
    world.breaching_submission()
    PeriodFactory(start=dt.date(2026, 10, 1))

    response = world.client(world.pm).get("/reporting/periods/")

    rows = [
        [" ".join(c.text_content().split()) for c in tr.xpath("th|td")]
        for tr in doc(response).xpath("//table[@data-testid='periods']/tbody/tr")
    ]
    assert [(r[0], r[-1]) for r in rows] == [("November 2026", "1"), ("October 2026", "0")]


def test_the_pmo_reopens_a_closed_period(world):
    world.period.status = PeriodStatus.CLOSED
    world.period.save()
    client = world.client(world.officer)

    response = client.post(
        world.period.get_absolute_url(), {"action": "reopen", "version": world.period.version}
    )

    assert response.status_code == 302
    world.period.refresh_from_db()
    assert world.period.status == PeriodStatus.OPEN
    assert "November 2026 reopened." in " ".join(text_of(client.get(response["Location"])).split())


def test_a_stale_close_is_a_conflict(world):
    response = world.client(world.officer).post(
        world.period.get_absolute_url(), {"action": "close", "version": 99, "confirm": "yes"}
    )

    assert response.status_code == 409
    assert "while you were editing" in text_of(response)
    world.period.refresh_from_db()
    assert world.period.status == PeriodStatus.OPEN


def test_the_pmo_head_gives_a_portfolio_its_own_default_and_removes_it(world):
    """Given a project forecast 194 days late against a 28-day time tolerance, a portfolio
    default of 250 days brings it within; removing the default makes it breach again."""
    world.breaching_submission()
    client = world.client(world.head)
    portfolio = world.project.portfolio

    added = client.post(
        "/reporting/settings/tolerances/",
        {"action": "add", "new-portfolio": portfolio.pk, "new-dimension": "time", "new-absolute": "250"},
    )

    assert added.status_code == 302
    default = ToleranceDefault.objects.get(portfolio=portfolio, dimension="time")
    listing = client.get("/reporting/settings/tolerances/")
    assert f"{portfolio.name} Time ±250 days" in text_of(listing)
    assert world.project.tolerance_checks.get(dimension="time").status == "within"

    removed = client.post(
        "/reporting/settings/tolerances/", {"action": "remove", "pk": default.pk, "version": default.version}
    )

    assert removed.status_code == 302
    assert not ToleranceDefault.objects.filter(portfolio=portfolio).exists()
    assert world.project.tolerance_checks.get(dimension="time").status == "breached"
    assert default.history.latest().history_type == "-"


def test_a_portfolio_default_needs_an_allowance_and_only_one_per_dimension(world):
    client = world.client(world.head)
    portfolio = world.project.portfolio
    data = {"action": "add", "new-portfolio": portfolio.pk, "new-dimension": "cost"}

    empty = client.post("/reporting/settings/tolerances/", data)
    client.post("/reporting/settings/tolerances/", {**data, "new-percent": "5"})
    twice = client.post("/reporting/settings/tolerances/", {**data, "new-percent": "7"})

    assert NEEDS_ALLOWANCE in text_of(empty)
    assert DEFAULT_EXISTS in text_of(twice)
    assert ToleranceDefault.objects.get(portfolio=portfolio, dimension="cost").percent == Decimal(5)


def test_an_officer_cannot_add_or_remove_a_portfolio_default(world):
    portfolio = world.project.portfolio
    default = services.tolerance_default_create(
        actor=world.head, dimension="time", absolute=Decimal(10), percent=None, portfolio=portfolio
    )
    client = world.client(world.officer)

    listing = client.get("/reporting/settings/tolerances/")
    added = client.post(
        "/reporting/settings/tolerances/",
        {"action": "add", "new-portfolio": portfolio.pk, "new-dimension": "cost", "new-percent": "5"},
    )
    removed = client.post(
        "/reporting/settings/tolerances/", {"action": "remove", "pk": default.pk, "version": default.version}
    )

    assert not doc(listing).xpath("//form[@data-testid='add-default']")
    assert added.status_code == 403
    assert removed.status_code == 403
    assert list(ToleranceDefault.objects.filter(portfolio=portfolio)) == [default]
