"""What finance gives the project register (ADR 0055): each project's forecast cost is the EAC
its Finance tab shows (``project_finance``'s whole life, as ``feeds.finance_eac`` gives it to
the highlight report and the cost tolerance), read for a page of projects in one query; a project
without an approved budget has none (not 0). Run on 4 December 2026."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.register_figures import figures, load_register_figures
from pmo.finance import selectors, services
from pmo.finance.feeds import finance_eac
from pmo.finance.register_figures import finance_figures
from pmo.finance.tests.conftest import line
from pmo.finance.tests.selectors.test_roll_up_sums import tricky  # noqa: F401  (a fixture)
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.reporting.models import ReportingPeriod

pytestmark = pytest.mark.django_db
OCT, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)
NOV_END, DEC_END = date(2026, 11, 30), date(2026, 12, 31)


def expected(project, day=None):
    figures_ = selectors.project_finance(project=project, day=day)
    whole = figures_.whole_life
    eac = finance_eac(project, day)
    assert eac is not None and eac.eac == whole.eac
    return {"forecast_cost": eac.eac, "spent_to_date": whole.actual_to_date, "finance_as_of": eac.as_of}


def test_the_register_s_figures_are_the_finance_tab_s(money):
    web, hr = money.cast.project, money.cast.other_project
    found = finance_figures([web.pk, hr.pk])
    # WEB: £1,200 spent in October, then its December forecast (£1,500 + £500): £3,200
    assert found[web.pk] == {
        "forecast_cost": Decimal(3_200),
        "spent_to_date": Decimal(1_200),
        "finance_as_of": NOV_END,
    }
    assert found[web.pk] == expected(web)
    # HR: no forecast, so its budget from December stands (none: its £1,000 was November's)
    assert (
        found[hr.pk]
        == expected(hr)
        == {
            "forecast_cost": Decimal(300),
            "spent_to_date": Decimal(300),
            "finance_as_of": NOV_END,
        }
    )


def test_tricky_books_agree_with_the_finance_tab(tricky):  # noqa: F811
    # a superseded budget and a newer draft, an older forecast, ledger lines on and after the
    # split, October closed, and LIB with ledger lines but no budget
    projects = list(Project.objects.order_by("code"))
    found = finance_figures([p.pk for p in projects])
    budgeted = {p.pk for p in projects if p.code in ("HR", "WEB")}
    assert set(found) == budgeted  # LIB has no approved budget: no figures, not zeros
    for project in projects:
        if project.pk in budgeted:
            assert found[project.pk] == expected(project), project.code
    # WEB: October's £1,200 and November's £400.10 before its December split, to the penny
    assert str(found[projects[-1].pk]["spent_to_date"]) == "1600.10"


def test_a_closed_month_moves_the_split_past_the_forecast(tricky):  # noqa: F811
    hr = tricky.cast.other_project
    services.forecast_make(
        actor=tricky.finance,
        project=hr,
        period=ReportingPeriod.objects.get(start=OCT),
        lines=[line(NOV, tricky.staff, 600), line(DEC, tricky.staff, 50)],
    )
    assert finance_figures([hr.pk])[hr.pk] == expected(hr)
    services.month_lock(actor=tricky.finance, month=NOV)
    services.month_lock(actor=tricky.finance, month=DEC)
    # closed to December: every project's actuals to December count, its forecast from January
    for project in Project.objects.filter(code__in=("HR", "WEB")):
        found = finance_figures([project.pk])[project.pk]
        assert found == expected(project)
        assert found["finance_as_of"] == DEC_END


def test_a_past_day_reads_the_forecast_there_was_then(money):
    web = money.cast.project
    day = date(2026, 11, 20)  # before December's forecast was made: the budget from November stands
    assert finance_figures([web.pk], day)[web.pk] == expected(web, day)
    assert finance_figures([web.pk], day)[web.pk]["forecast_cost"] == Decimal(3_200)


def test_one_query_for_any_number_of_projects(money):
    others = [ProjectFactory() for _ in range(5)]
    ids = [money.cast.project.pk, money.cast.other_project.pk]
    finance_figures(ids)  # compiled on its first use
    with CaptureQueriesContext(connection) as few:
        finance_figures(ids[:1])
    with CaptureQueriesContext(connection) as many:
        found = finance_figures([*ids, *(p.pk for p in others)])
    assert len(few.captured_queries) == len(many.captured_queries) == 1
    assert set(found) == set(ids)


def test_finance_s_figures_are_the_register_s():
    keys = [figure.key for figure in figures()]
    assert keys == ["forecast_cost", "spent_to_date", "finance_as_of"]
    assert [f.key for f in figures() if f.default] == ["forecast_cost"]


def test_projects_are_given_their_figures_and_none_where_there_are_none(money):
    bare = ProjectFactory()
    web = Project.objects.get(pk=money.cast.project.pk)
    load_register_figures([web, bare], keys=["forecast_cost"])
    assert web.register_figures["forecast_cost"] == Decimal(3_200)
    assert bare.register_figures == {}
