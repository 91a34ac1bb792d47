"""Earned value over the API (``/api/v1/evm/``): a project with an approved budget phased
October to January (£1,000 a month), £2,200 spent by November and a plan 40 % complete, measured
at the end of November on 4 December 2026; the figures worked by hand below. A project without a
plan, or without a budget, says why the figures it cannot give are missing."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from pmo.finance import selectors, services
from pmo.finance.evm import NO_BUDGET, NO_DURATIONS, NO_PLAN, project_finances
from pmo.finance.services import LedgerRow
from pmo.finance.tests.conftest import line
from pmo.reporting.tests.factories import PeriodFactory
from pmo.schedule.models import Plan, PlanTask

pytestmark = pytest.mark.django_db
DATES = ("start", "finish", "early_start", "early_finish", "late_start", "late_finish")
OCT, NOV, DEC, JAN = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)


def plan_of(project, *tasks):
    """A plan whose working tasks have these (duration, percent complete), under a summary."""
    moment = timezone.make_aware(datetime(2026, 10, 1, 9))
    plan = Plan.objects.create(
        project=project, document=b"", start=moment, finish=moment, imported_at=moment, status_date=moment
    )
    rows = [(0, 0, True), *((d, p, False) for d, p in tasks)]
    for uid, (duration, percent, summary) in enumerate(rows):
        PlanTask.objects.create(
            plan=plan,
            uid=uid,
            row=uid,
            duration=duration or 480,
            duration_unit="days",
            summary=summary,
            percent_complete=Decimal(percent if not summary else 50),
            **dict.fromkeys(DATES, moment),
            total_float=0,
            free_float=0,
        )
    return plan


@pytest.fixture
def measured(books):
    draft = services.budget_draft(
        actor=books.finance,
        project=books.cast.project,
        reason="v1",
        lines=[line(m, books.software, 1_000) for m in (OCT, NOV, DEC, JAN)],
    )
    services.budget_approve(actor=books.finance, version=draft, expected_version=1)
    services.actuals_load(
        actor=books.finance,
        rows=[LedgerRow("C1001", OCT, Decimal(900)), LedgerRow("C1001", NOV, Decimal(1_300))],
        reference="Ledger",
        year=2026,
    )
    plan_of(books.cast.project, (60, 100), (90, 0))  # 60 of 150 minutes done: 40 %
    return books


def evm_of(client, query=""):
    response = client.get(f"/api/v1/evm/{query}")
    assert response.status_code == 200, response.content
    return {row["project"]: row for row in response.json()["results"]}


def test_a_project_s_earned_value_and_earned_schedule(client_for, measured):
    web = evm_of(client_for(measured.cast.pm), "?project=WEB")["WEB"]
    assert (web["as_of"], web["status_date"], web["percent_complete"]) == (
        "2026-12-04",
        "2026-11-30",
        "40.0000",
    )
    # BAC 4,000; by the end of November PV 2,000, EV 40 % × 4,000, AC 900 + 1,300.
    assert [web[k] for k in ("bac", "pv", "ev", "ac", "sv", "cv")] == [
        "4000.00",
        "2000.00",
        "1600.00",
        "2200.00",
        "-400.00",
        "-600.00",
    ]
    assert [web[k] for k in ("spi", "cpi", "tcpi_bac")] == ["0.8000", "0.7273", "1.3333"]
    # ES: October's 1,000 reached, 600 of November's 1,000: 1.6 months of 2; PD 4, IEAC(t) 4 × 2 / 1.6.
    assert [web[k] for k in ("planned_duration", "actual_time", "es", "sv_t", "spi_t", "ieac_t")] == [
        4,
        "2.0000",
        "1.6000",
        "-0.4000",
        "0.8000",
        "5.0000",
    ]
    assert web["forecast_finish"] == "2027-02-28"
    eacs = {f["method"]: f for f in web["forecasts"]}
    assert (eacs["budget_rate"]["eac"], eacs["cpi"]["eac"], eacs["cpi_spi"]["eac"]) == (
        "4600.00",
        "5500.00",
        "6325.00",
    )
    assert (eacs["cpi"]["etc"], eacs["cpi"]["vac"]) == ("3300.00", "-1500.00")
    assert eacs["bottom_up"]["eac"] is None
    assert web["undefined"] == {"eac_bottom_up": "no bottom-up estimate to complete was given"}


def test_the_forecast_is_the_bottom_up_estimate_and_as_of_moves_the_status_date(client_for, measured):
    client = client_for(measured.cast.pm)
    assert evm_of(client, "?as_of=2026-11-15")["WEB"]["status_date"] == "2026-10-31"
    assert evm_of(client, "?as_of=2026-11-15")["WEB"]["ac"] == "900.00"

    services.forecast_make(
        actor=measured.cast.pm,
        project=measured.cast.project,
        period=PeriodFactory(start=DEC),
        lines=[line(DEC, measured.software, 1_500), line(JAN, measured.software, 1_000)],
    )
    web = evm_of(client, "?project=WEB")["WEB"]
    bottom_up = {f["method"]: f for f in web["forecasts"]}["bottom_up"]
    assert (bottom_up["eac"], bottom_up["etc"], bottom_up["vac"]) == ("4700.00", "2500.00", "-700.00")
    assert web["undefined"] == {}


def test_what_cannot_be_measured_says_why_and_is_never_an_error(client_for, measured):
    client = client_for(measured.finance)
    found = evm_of(client)
    hr = found["HR"]  # no budget, no plan
    assert (hr["bac"], hr["pv"], hr["ev"], hr["spi"]) == (None, None, None, None)
    assert hr["undefined"]["bac"] == NO_BUDGET
    assert hr["undefined"]["eac_cpi"] == NO_BUDGET

    Plan.objects.all().delete()
    web = evm_of(client, "?project=WEB")["WEB"]
    assert (web["pv"], web["ac"], web["ev"], web["cpi"], web["es"]) == (
        "2000.00",
        "2200.00",
        None,
        None,
        None,
    )
    assert web["undefined"]["ev"] == NO_PLAN
    assert NO_PLAN in web["undefined"]["spi_t"]

    plan_of(measured.cast.project)  # a summary task only: nothing to weigh progress by
    assert evm_of(client, "?project=WEB")["WEB"]["undefined"]["ev"] == NO_DURATIONS


def test_credits_beyond_the_spending_are_explained_not_a_server_error(client_for, measured):
    services.actuals_load(
        actor=measured.finance, rows=[LedgerRow("C1001", NOV, Decimal(-5_000))], reference="Refund", year=2026
    )
    web = evm_of(client_for(measured.finance), "?project=WEB")["WEB"]
    assert web["ac"] == "-4100.00"
    assert web["ev"] is None
    assert "cannot be negative" in web["undefined"]["ev"]


def test_evm_follows_project_visibility_and_refuses_a_bad_date(client_for, measured):
    measured.cast.project.confidential = True
    measured.cast.project.save()
    assert set(evm_of(client_for(measured.cast.executive))) == {"HR"}
    assert set(evm_of(client_for(measured.cast.pm))) == {"WEB", "HR"}
    response = client_for(measured.cast.pm).get("/api/v1/evm/?as_of=someday")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"as_of"}
    assert client_for(None).get("/api/v1/evm/").status_code in (401, 403)


def test_the_many_project_figures_are_each_project_s_own(measured):
    services.forecast_make(
        actor=measured.cast.pm,
        project=measured.cast.project,
        period=PeriodFactory(start=DEC),
        lines=[line(DEC, measured.software, 1_500)],
    )
    services.month_lock(actor=measured.finance, month=NOV)
    projects = [measured.cast.project, measured.cast.other_project]
    for day in (date(2026, 12, 4), date(2027, 2, 10)):
        many = project_finances(projects, day)
        for project in projects:
            assert many[project.pk] == selectors.project_finance(project=project, day=day)
