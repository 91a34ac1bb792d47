"""The portfolio's earned value page (/finance/earned-value/): each project's CPI, SPI and SPI(t)
with their last three months, and the early warning where an index is below or heading below its
threshold while the manager's latest report says green. The world of ``api/test_evm_milestones``
(WEB: no plan, Design achieved of three milestones, SPI(t) 0.50 at the end of November, the
November report green), on 4 December 2026."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pmo.core.choices import Role
from pmo.finance.evm import TrendPoint, index_trend
from pmo.finance.selectors import finance_settings
from pmo.finance.tests.api.test_evm_milestones import milestones  # noqa: F401 (the fixture)
from pmo.finance.tests.api.test_query_counts import add_money
from pmo.finance.tests.views.conftest import client_for
from pmo.finance.tests.views.test_project_evm_charts import section, text
from pmo.finance.tests.views.test_query_counts import count
from pmo.reporting.choices import Rating
from pmo.reporting.models import BaselineMilestone, HighlightReport

pytestmark = pytest.mark.django_db
URL = "/finance/earned-value/"
THRESHOLD = Decimal("0.95")


def points(*values):
    return [
        TrendPoint(date(2026, m, 28), Decimal(1), Decimal(1), cpi=Decimal(v), spi_t=Decimal(v))
        for m, v in enumerate(values, 1)
    ]


def test_a_falling_spi_t_warns_before_it_crosses_and_a_steady_one_does_not():
    falling = index_trend(points("1.10", "1.05", "1.00", "0.98"), "spi_t", "SPI(t)", THRESHOLD)
    assert falling.per_month == Decimal("-0.04")
    assert falling.warning == (
        "SPI(t) 0.98 fell from 1.10 over the last 3 months (-0.04 a month): at this rate it is below "
        "the threshold 0.95 within 2 months"
    )
    assert index_trend(points("0.99", "0.98", "0.98", "0.97"), "spi_t", "SPI(t)", THRESHOLD).warning == ""
    assert index_trend(points("0.90", "0.99"), "spi_t", "SPI(t)", THRESHOLD).warning == ""  # rising
    below = index_trend(points("0.40", "0.5", "0.45"), "spi_t", "SPI(t)", THRESHOLD)
    assert below.warning == "SPI(t) 0.45 is below the threshold 0.95"
    only_older = points("2", "2", "2", "2", "1.0")  # only the last four month ends count
    last_four = index_trend(only_older, "spi_t", "SPI(t)", THRESHOLD).values
    assert last_four == tuple(map(Decimal, ("2", "2", "2", "1.0")))
    assert index_trend([], "spi_t", "SPI(t)", THRESHOLD).warning == ""
    just_below = index_trend(points("0.9497"), "cpi", "CPI", THRESHOLD)
    assert just_below.warning == "CPI is just below the threshold 0.95"


def test_the_page_flags_the_project_whose_spi_t_is_below_while_its_report_says_green(milestones):  # noqa: F811
    html = client_for(milestones.finance).get(URL).content.decode()
    warnings = text(section(html, "early-warnings"))
    assert (
        "WEB Website : SPI(t) 0.50 is below the threshold 0.95; CPI 0.45 is below the threshold 0.95 "
        "(1 key milestone overdue), while the November 2026 report says green."
    ) in warnings
    table = text(section(html, "portfolio-evm"))
    assert "WEB Website Green (November 2026) milestones achieved" in table
    assert "1 → 0.5" in table  # SPI(t) at the end of October, then November


def test_by_milestones_no_warning_until_one_is_overdue(milestones):  # noqa: F811
    BaselineMilestone.objects.filter(name="Build").update(due=date(2026, 12, 15))
    html = client_for(milestones.finance).get(URL).content.decode()
    assert "early-warnings-none" in html  # EV waits for Build, due in December: nothing is late yet
    assert "WEB Website Green (November 2026) milestones achieved" in text(section(html, "portfolio-evm"))


def test_no_warning_once_the_manager_reports_amber(milestones):  # noqa: F811
    HighlightReport.objects.filter(period__start=date(2026, 11, 1)).update(overall_status=Rating.AMBER)
    html = client_for(milestones.finance).get(URL).content.decode()
    assert "early-warnings-none" in html
    assert "WEB Website Amber (November 2026)" in text(section(html, "portfolio-evm"))


def test_a_reader_sees_only_the_projects_they_may_see(milestones):  # noqa: F811
    milestones.cast.project.confidential = True
    milestones.cast.project.save()
    html = client_for(milestones.cast.executive).get(URL).content.decode()
    assert "WEB" not in text(section(html, "portfolio-evm"))


def test_the_export_has_the_rows_and_the_warning(milestones):  # noqa: F811
    response = client_for(milestones.finance).get(URL + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Project", "Name", "Latest report", "EV from")
    web = next(r for r in rows if r[0] == "WEB")
    assert web[2:4] == ("Green (November 2026)", "milestones achieved")
    assert web[10] == 0.5 and "below the threshold 0.95" in web[-1]


def test_signed_out_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize(
    ("role", "pinned"),
    [
        # session, user, roles, the settings (the thresholds), the projects, their earned value
        # (ten: budgets, forecasts, their lines, actuals, the last closed month, the settings,
        # the plans' progress, the latest reports' milestones, the baselines' milestones), their
        # latest reports; the page adds unread notices
        (Role.FINANCE_PARTNER, (17, 16)),
        # ... and, for a reader outside finance, their person record (the projects they see)
        (Role.EXECUTIVE, (18, 17)),
    ],
)
def test_the_page_and_its_export_do_not_grow_with_the_projects(make_user, role, pinned):
    finance_settings()
    client = client_for(make_user(role))
    add_money(2)
    few = (count(client, URL), count(client, URL + "?export=xlsx"))
    add_money(12)
    many = (count(client, URL), count(client, URL + "?export=xlsx"))
    assert few == many == pinned
