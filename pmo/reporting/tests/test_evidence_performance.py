"""The evidence-based status counts earned value (issue 12 item 5): a project with an approved
budget whose CPI or SPI(t) is below the thresholds finance sets is amber in cost or schedule,
with the figure as its reason; read for a page of projects in a fixed number of queries.

On 4 December 2026, measured at the end of November: a budget of £62,500 a month from October to
January (BAC £250,000), a plan 40% complete (EV £100,000) and £90,000 spent in each of October
and November (AC £180,000): CPI 100,000 / 180,000 = 0.56; ES 1.6 months of 2: SPI(t) 0.80."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.choices import Role
from pmo.core.project_status import evidence_statuses
from pmo.engine.evidence import Area, Rating
from pmo.finance.models import FinanceSettings
from pmo.finance.selectors import finance_settings
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.reporting.evidence import project_evidence
from pmo.reporting.tests.finance_money import budget, plan, spend

pytestmark = pytest.mark.django_db

OCT, NOV, DEC, JAN = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)
PHASED = dict.fromkeys((OCT, NOV, DEC, JAN), 62_500)


@pytest.fixture
def finance(make_user):
    return make_user(Role.FINANCE_PARTNER, username="finance", email="finance@council.example")


def measured(finance, *, spent, percent):
    project = ProjectFactory()
    budget(finance, project, PHASED)
    spend(finance, project, {OCT: spent, NOV: spent})
    plan(project, percent)
    return project


def evidence_of(*projects):
    return project_evidence(Project.objects.filter(pk__in=[p.pk for p in projects]))


def test_cpi_and_spi_t_below_the_thresholds_turn_cost_and_schedule_amber(finance):
    late = measured(finance, spent=90_000, percent=40)

    found = evidence_of(late)[late.pk]

    assert (found.evidence.cpi.quantize(Decimal("0.01")), found.evidence.spi_t) == (
        Decimal("0.56"),
        Decimal("0.8"),
    )
    assert found.areas[Area.COST].rating is Rating.AMBER
    assert found.areas[Area.COST].reasons == ("CPI 0.56 below 0.95",)
    assert found.areas[Area.SCHEDULE].rating is Rating.AMBER
    assert "SPI(t) 0.80 below 0.95" in found.areas[Area.SCHEDULE].reasons
    assert "CPI 0.56 below 0.95" in found.overall.reasons


def test_a_project_on_track_or_without_finance_data_has_no_such_reason(finance):
    on_track = measured(finance, spent=62_500, percent=50)  # EV = AC = PV: CPI 1, SPI(t) 1
    no_money = ProjectFactory()

    found = evidence_of(on_track, no_money)

    assert (found[on_track.pk].evidence.cpi, found[on_track.pk].evidence.spi_t) == (Decimal(1), Decimal(1))
    assert (found[no_money.pk].evidence.cpi, found[no_money.pk].evidence.spi_t) == (None, None)
    for each in found.values():
        assert not [r for r in each.overall.reasons if "CPI" in r or "SPI(t)" in r]


def test_the_thresholds_are_finance_s_settings(finance):
    late = measured(finance, spent=90_000, percent=40)
    FinanceSettings.objects.filter(pk=finance_settings().pk).update(
        cpi_threshold=Decimal("0.5"), spi_t_threshold=Decimal("0.9")
    )

    found = evidence_of(late)[late.pk]

    assert found.areas[Area.COST].rating is Rating.GREEN
    assert "SPI(t) 0.80 below 0.90" in found.areas[Area.SCHEDULE].reasons


def queries(projects):
    with CaptureQueriesContext(connection) as captured:
        evidence_statuses(list(Project.objects.filter(pk__in=[p.pk for p in projects])))
    return len(captured.captured_queries)


def test_a_page_s_earned_value_costs_the_same_queries_for_few_projects_as_for_many(finance):
    few = [measured(finance, spent=90_000, percent=40)]
    many = [*few, *(measured(finance, spent=62_500, percent=p) for p in (10, 30, 50, 70))]
    without = [ProjectFactory() for _ in range(3)]
    queries(few)  # the first read builds what later ones share (settings rows, cached querysets)

    assert queries(few) == queries(many) == queries([*many, *without])
    # Without any budget on the page, the earned value costs one query (which has a budget).
    assert queries(without) < queries(few)
