"""Forecasts: one per project and reporting period, made by the project's manager (or finance,
or the PMO), from the period's month on; EAC = actuals before that month + the forecast.
Run on 4 December 2026 (financial year 2026/27)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.services import ConflictError
from pmo.finance import selectors, services
from pmo.finance.models import ForecastLine, ForecastVersion
from pmo.finance.services import LedgerRow
from pmo.finance.tests.conftest import line
from pmo.reporting.choices import PeriodStatus
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db

OCT, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)
JAN, APR = date(2027, 1, 1), date(2027, 4, 1)


@pytest.fixture
def december():
    return PeriodFactory(start=DEC)


def test_the_pm_forecasts_their_project_and_the_eac_adds_the_actuals_to_date(books, december):
    project = books.cast.project
    draft = services.budget_draft(
        actor=books.finance,
        project=project,
        reason="v1",
        lines=[line(m, books.software, 10_000) for m in (OCT, NOV, DEC, JAN)],
    )
    services.budget_approve(actor=books.finance, version=draft, expected_version=1)
    services.actuals_load(
        actor=books.finance,
        rows=[LedgerRow("C1001", OCT, Decimal(12_000)), LedgerRow("C1001", NOV, Decimal(9_000))],
        reference="Ledger",
        year=2026,
    )
    forecast = services.forecast_make(
        actor=books.cast.pm,
        project=project,
        period=december,
        lines=[
            line(DEC, books.software, 11_000),
            line(JAN, books.software, 9_500),
            line(APR, books.staff, 500),
        ],
        note="Licences renewed early",
    )
    assert forecast.made_by == books.cast.pm
    figures = selectors.project_finance(project=project)
    assert figures.forecast_version == forecast
    assert figures.whole_life.budget == Decimal(40_000)
    assert figures.whole_life.actual_to_date == Decimal(21_000)
    assert figures.whole_life.eac == Decimal(42_000)
    assert figures.whole_life.variance == Decimal(-2_000)
    assert figures.this_year.eac == Decimal(41_500)  # April 2027 is next year's
    assert figures.profile_to_date == Decimal(20_000)


def test_with_no_forecast_the_rest_of_the_budget_stands(books):
    project = books.cast.project
    draft = services.budget_draft(
        actor=books.finance,
        project=project,
        reason="v1",
        lines=[line(m, books.staff, 1_000) for m in (NOV, DEC, JAN)],
    )
    services.budget_approve(actor=books.finance, version=draft, expected_version=1)
    services.actuals_load(
        actor=books.finance, rows=[LedgerRow("C1001", NOV, Decimal(1_500))], reference="L", year=2026
    )
    figures = selectors.project_finance(project=project)
    assert (figures.whole_life.actual_to_date, figures.whole_life.eac) == (Decimal(1_500), Decimal(3_500))


def test_making_the_forecast_again_in_the_period_replaces_it(books, december):
    project = books.cast.project
    first = services.forecast_make(
        actor=books.cast.pm, project=project, period=december, lines=[line(DEC, books.staff, 100)]
    )
    again = services.forecast_make(
        actor=books.finance,
        project=project,
        period=december,
        lines=[line(JAN, books.staff, 250)],
        expected_version=1,
    )
    assert again.pk == first.pk and again.version == 2
    assert [(f.month, f.amount) for f in ForecastLine.objects.all()] == [(JAN, Decimal(250))]
    assert ForecastVersion.objects.count() == 1
    assert [h.history_change_reason for h in again.history.order_by("history_id")] == [
        "Forecast made: 1 lines, £100",
        "Forecast made again: 1 lines, £250",
    ]
    # The same maker again at the same moment (the clock stands still): still a new version,
    # so a write naming the one before is a conflict
    third = services.forecast_make(
        actor=books.finance,
        project=project,
        period=december,
        lines=[line(JAN, books.staff, 300)],
        expected_version=2,
    )
    assert third.version == 3
    with pytest.raises(ConflictError):
        services.forecast_make(
            actor=books.cast.pm,
            project=project,
            period=december,
            lines=[line(JAN, books.staff, 1)],
            expected_version=2,
        )
    assert [f.amount for f in ForecastLine.objects.all()] == [Decimal(300)]


def test_a_closed_period_s_forecast_stays_as_made(books):
    closed = PeriodFactory(start=NOV, status=PeriodStatus.CLOSED)
    with pytest.raises(ValidationError) as refused:
        services.forecast_make(actor=books.cast.pm, project=books.cast.project, period=closed, lines=[])
    assert refused.value.message_dict == {
        "period": ["The period November 2026 is closed: its forecasts can no longer change."]
    }


def test_a_forecast_starts_at_its_period_s_month_and_skips_closed_months(books, december):
    services.month_lock(actor=books.finance, month=DEC)
    lines = [line(NOV, books.staff, 1), line(DEC, books.staff, 1), line(JAN, books.staff, -1)]
    with pytest.raises(services.LineProblems) as refused:
        services.forecast_make(actor=books.cast.pm, project=books.cast.project, period=december, lines=lines)
    assert refused.value.messages == [
        "Row 3, column 'amount': A forecast cannot be negative (got \N{MINUS SIGN}£1).",
        "Row 1, column 'month': November 2026 is before the period December 2026: its actuals count, "
        "a forecast starts at December 2026.",
        "Row 2, column 'month': December 2026 is closed by finance: its forecast can no longer change.",
    ]
    assert not ForecastVersion.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("pm", True),
        ("finance", True),
        ("analyst", True),
        ("other_pm", False),
        ("sponsor", False),
        ("executive", False),
    ],
)
def test_who_may_forecast_a_project(books, december, who, allowed):
    make = lambda: services.forecast_make(  # noqa: E731
        actor=books.by_name(who),
        project=books.cast.project,
        period=december,
        lines=[line(DEC, books.staff, 1)],
    )
    if allowed:
        assert make().made_by == books.by_name(who)
    else:
        with pytest.raises(PermissionDenied, match="forecast WEB"):
            make()
        assert not ForecastVersion.objects.exists()


def test_a_closed_month_s_actuals_replace_what_an_older_forecast_said_of_it(books, django_assert_num_queries):
    project = books.cast.project
    budget = services.budget_draft(
        actor=books.finance,
        project=project,
        reason="v1",
        lines=[line(m, books.staff, 1_000) for m in (OCT, NOV, DEC, JAN)],
    )
    services.budget_approve(actor=books.finance, version=budget, expected_version=1)
    october = PeriodFactory(start=OCT)
    services.forecast_make(
        actor=books.cast.pm,
        project=project,
        period=october,
        lines=[line(m, books.staff, 1_000) for m in (OCT, NOV, DEC, JAN)],
    )
    services.actuals_load(
        actor=books.finance,
        rows=[LedgerRow("C1001", OCT, Decimal(1_200)), LedgerRow("C1001", NOV, Decimal(700))],
        reference="Ledger",
        year=2026,
    )
    assert selectors.project_finance(project=project).whole_life.eac == Decimal(4_000)  # October's forecast
    services.month_lock(actor=books.finance, month=OCT)
    services.month_lock(actor=books.finance, month=NOV)
    with django_assert_num_queries(7):
        figures = selectors.project_finance(project=project)
    assert figures.whole_life.split == DEC
    assert (figures.whole_life.actual_to_date, figures.whole_life.eac) == (Decimal(1_900), Decimal(3_900))
    assert figures.whole_life.variance == Decimal(100)
