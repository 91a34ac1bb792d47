"""Earned value by milestones where a project has no plan: the budget phased October to January
(£1,000 a month, BAC £4,000), £2,200 spent by November, measured at the end of November on
4 December 2026. The baseline's key milestones are Design (31 October: weighing October's
£1,000), Build (30 November: November's £1,000) and Live (31 January: the rest, £2,000); the
latest handed-in report marks Design achieved on 20 October. A later draft marking Build achieved
counts for nothing until it is handed in."""

from datetime import date
from decimal import Decimal

import pytest

from pmo.finance import services
from pmo.finance.evm import EV_FROM_MILESTONES, EV_FROM_PLAN, project_evms
from pmo.finance.services import LedgerRow
from pmo.finance.tests.api.test_evm import evm_of, plan_of
from pmo.finance.tests.conftest import line
from pmo.reporting.choices import ReportStatus
from pmo.reporting.models import BaselineMilestone, ReportMilestone
from pmo.reporting.tests.factories import BaselineFactory, PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db
OCT, NOV, DEC, JAN = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)
MILESTONES = (("Design", date(2026, 10, 31)), ("Build", date(2026, 11, 30)), ("Live", date(2027, 1, 31)))


def report(project, start, status, achieved):
    made = ReportFactory(project=project, period=PeriodFactory(start=start), status=status)
    for name, due in MILESTONES:
        ReportMilestone.objects.create(report=made, name=name, forecast=due, achieved_on=achieved.get(name))
    return made


@pytest.fixture
def milestones(books):
    project = books.cast.project
    draft = services.budget_draft(
        actor=books.finance,
        project=project,
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
    baseline = BaselineFactory(project=project, finish=date(2027, 1, 31), budget_at_completion=4_000)
    for name, due in MILESTONES:
        BaselineMilestone.objects.create(baseline=baseline, name=name, due=due)
    report(project, OCT, ReportStatus.ACCEPTED, {})
    report(project, NOV, ReportStatus.SUBMITTED, {"Design": date(2026, 10, 20)})
    report(project, DEC, ReportStatus.DRAFT, {"Design": date(2026, 10, 20), "Build": date(2026, 11, 28)})
    return books


def test_without_a_plan_ev_is_the_weight_of_the_milestones_the_latest_handed_in_report_marks(
    client_for, milestones
):
    web = evm_of(client_for(milestones.cast.pm), "?project=WEB")["WEB"]
    assert (web["ev_method"], web["milestones_achieved"], web["milestones"]) == (EV_FROM_MILESTONES, 1, 3)
    assert web["milestones_overdue"] == 1  # Build, due 30 November
    assert "1 of 3 key milestones achieved (the November 2026 highlight report)" in web["ev_basis"]
    assert [web[k] for k in ("pv", "ev", "ac", "sv")] == ["2000.00", "1000.00", "2200.00", "-1000.00"]
    # ES: October's 1,000 reached exactly, none of November's: 1 month of 2.
    assert [web[k] for k in ("spi", "es", "spi_t", "ieac_t")] == ["0.5000", "1.0000", "0.5000", "8.0000"]
    assert web["forecast_finish"] == "2027-05-31"
    assert web["percent_complete"] is None and "ev" not in web["undefined"]


def test_a_plan_wins_over_the_milestones_and_the_method_says_so(client_for, milestones):
    plan_of(milestones.cast.project, (60, 100), (90, 0))  # 40 %
    web = evm_of(client_for(milestones.cast.pm), "?project=WEB")["WEB"]
    assert (web["ev_method"], web["ev"], web["milestones"]) == (EV_FROM_PLAN, "1600.00", None)


def test_the_last_milestone_achieved_earns_the_whole_budget(client_for, milestones):
    ReportMilestone.objects.filter(report__period__start=NOV).update(achieved_on=date(2026, 11, 20))
    web = evm_of(client_for(milestones.cast.pm), "?project=WEB")["WEB"]
    assert (web["ev"], web["milestones_achieved"], web["es"], web["spi_t"]) == (
        "4000.00",
        3,
        "4.0000",
        "2.0000",
    )


def test_the_trend_is_each_month_end_earned_by_the_milestones_achieved_by_then(milestones):
    found = project_evms([milestones.cast.project], date(2026, 12, 4), trends=True)[0]
    assert [(p.day, p.pv, p.ev, p.ac) for p in found.trend] == [
        (date(2026, 10, 31), 1000, 1000, 900),
        (date(2026, 11, 30), 2000, 1000, 2200),
    ]
    assert [(p.spi, p.spi_t) for p in found.trend] == [(1, 1), (Decimal("0.5"), Decimal("0.5"))]
    assert round(found.trend[0].cpi, 4) == Decimal("1.1111")


def test_by_the_plan_the_trend_has_earned_value_at_the_status_date_only(milestones):
    plan_of(milestones.cast.project, (60, 100), (90, 0))
    found = project_evms([milestones.cast.project], date(2026, 12, 4), trends=True)[0]
    assert [(p.pv, p.ev, p.ac) for p in found.trend] == [(1000, None, 900), (2000, 1600, 2200)]


def test_with_neither_plan_nor_baseline_milestones_ev_says_why(client_for, milestones):
    BaselineMilestone.objects.all().delete()
    web = evm_of(client_for(milestones.cast.pm), "?project=WEB")["WEB"]
    assert web["ev_method"] is None and web["ev"] is None
    assert "no plan" in web["undefined"]["ev"] and "no key milestones" in web["undefined"]["ev"]
