"""A project's Finance tab: its whole-life and in-year figures, the budget by year and category,
the month table and earned value, as the selectors give them; who sees it; the Excel export."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pmo.finance.tests.api.test_evm import plan_of
from pmo.finance.tests.views.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/finance/projects/{code}/"


def text(response) -> str:
    """The page's words, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_tab_shows_the_figures_the_selectors_give(money):
    response = client_for(money.cast.pm).get(URL.format(code="WEB"))

    assert response.status_code == 200
    page = text(response)
    # Whole life: BAC £3,000; October's £1,200 spent; December's £1,500 and April's £500 to come.
    assert "Whole life Budget (BAC) £3,000 Actuals to date £1,200 Forecast of the rest (ETC) £2,000" in page
    assert (
        "Estimate at completion (EAC) £3,200 Variance (budget \u2212 EAC) \u2212£200 (\u22127%) overspend"
        in page
    )
    # In 2026/27: April 2027 falls in the next year, so the year lands at £2,700, £300 under.
    assert "In 2026/27 Budget £3,000 Actuals to date £1,200 Forecast of the rest (ETC) £1,500" in page
    assert "Estimate at year end (EAC) £2,700 Variance (budget \u2212 EAC) +£300 (10%)" in page
    assert "Budget profile to date £2,000 planned, £1,200 spent" in page


def test_the_months_and_the_budget_by_year_and_category(money):
    page = text(client_for(money.cast.pm).get(URL.format(code="WEB")))

    assert "Oct 2026 £1,000 £1,200 —" in page
    assert "Nov 2026 £1,000 £0 —" in page
    assert "Dec 2026 £1,000 — £1,500" in page
    assert "Apr 2027 £0 — £500" in page
    assert "Financial year Software Total 2026/27 £3,000 £3,000" in page


def test_without_a_plan_earned_value_says_why_ev_is_missing(money):
    page = text(client_for(money.cast.pm).get(URL.format(code="WEB")))

    # Measured at the end of November (the month before the split): October and November planned.
    assert "Status date 30 Nov 2026" in page
    assert "Planned value (PV) £2,000" in page and "Actual cost (AC) £1,200" in page
    assert "Earned value (EV) Not available: The project has no plan" in page
    assert "Cost performance (CPI) Not available: It needs earned value, and the project has no plan" in page


def test_with_a_plan_the_tab_shows_earned_value_and_earned_schedule(money):
    plan_of(money.cast.project, (60, 100), (90, 0))  # 60 of 150 minutes done: 40 %

    page = text(client_for(money.cast.pm).get(URL.format(code="WEB")))

    # BAC £3,000 (October to December); by 30 November PV £2,000, EV 40 % of £3,000, AC £1,200.
    assert "Percent complete (from the plan) 40%" in page
    assert "Earned value (EV) £1,200 Actual cost (AC) £1,200" in page
    assert "Schedule variance (SV) \u2212£800 Cost variance (CV) £0" in page
    assert "Schedule performance (SPI) 0.6 Cost performance (CPI) 1" in page
    # ES: October's £1,000 reached and £200 of November's: 1.2 months of 2; PD 3, IEAC(t) 3 × 2 / 1.2.
    assert "Earned schedule (ES, months) 1.2 Schedule variance in time (SV(t), months) \u22120.80" in page
    assert "Schedule performance in time (SPI(t)) 0.6 Duration at completion (IEAC(t), months) 5" in page
    assert "Forecast finish 28 Feb 2027" in page
    # The four EACs; the bottom-up one is the finance EAC (AC + the forecast of the rest).
    assert "At budget rate: AC + (BAC - EV) £3,000" in page
    assert "Cost and schedule pressure: AC + (BAC - EV) / (CPI × SPI) £4,200" in page
    assert "Bottom-up: AC + the forecast of the rest £3,200 £2,000 \u2212£200" in page


def test_a_project_without_money_says_so(books):
    response = client_for(books.cast.pm).get(URL.format(code="WEB"))

    assert response.status_code == 200
    assert "No finance data yet" in text(response)


def test_the_tab_is_beside_the_plan_tab(money):
    content = client_for(money.cast.pm).get(reverse("schedule:project", args=["WEB"])).content.decode()

    tabs = re.findall(r'<a class="nav-link[^"]*"[^>]*href="([^"]+)">(\w+)</a>', content)
    names = [name for _, name in tabs]
    assert names[names.index("Plan") + 1] == "Finance"
    assert ("/finance/projects/WEB/", "Finance") in tabs


def test_a_project_the_reader_may_not_see_is_not_found(money):
    # HR is confidential: WEB's project manager may not see it, nor its money.
    response = client_for(money.cast.pm).get(URL.format(code="HR"))

    assert response.status_code == 404
    assert client_for(money.cast.executive).get(URL.format(code="HR")).status_code == 404
    assert client_for(money.cast.other_pm).get(URL.format(code="HR")).status_code == 200
    assert client_for(money.cast.pm).get(URL.format(code="NOPE")).status_code == 404


def test_finance_reads_a_confidential_projects_money(money):
    # Finance partners hold the ledger, which charges every project (ADR 0049).
    response = client_for(money.finance).get(URL.format(code="HR"))

    assert response.status_code == 200
    assert "Whole life Budget (BAC) £1,000 Actuals to date £300" in text(response)


def test_signed_out_is_sent_to_sign_in(money, client):
    response = client.get(URL.format(code="WEB"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_export_opens_with_the_months_and_figures(money):
    response = client_for(money.finance).get(URL.format(code="WEB") + "?export=xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Month", "Budget", "Actual", "Forecast", "Closed"]
    assert rows[1][:4] == ["Oct 2026", 1000, 1200, None]
    assert ["Dec 2026", 1000, None, 1500] in [r[:4] for r in rows]
    assert ["Whole life", "Estimate at completion (EAC)", 3200] in [r[:3] for r in rows]
    assert ["In 2026/27", "Variance (budget - EAC)", 300] in [r[:3] for r in rows]
    assert ["Earned value", "Planned value (PV)", 2000] in [r[:3] for r in rows]
    ev = next(r for r in rows if r[1] == "Earned value (EV)")
    assert ev[2].startswith("The project has no plan")  # why it is missing, in its place


def test_the_budget_versions_and_forecasts_by_period(money):
    page = text(client_for(money.cast.pm).get(URL.format(code="WEB")))

    assert "Budget versions" in page
    assert "v1 current Approved £3,000 v1 4 Dec 2026 by" in page
    forecasts = page.split("Forecasts by period", 1)[1]
    assert "£2,000 4 Dec 2026 by" in forecasts  # December's £1,500 and April's £500


def test_finance_is_led_from_the_tab_to_the_budget_and_the_pm_to_the_forecast(money):
    budget = reverse("finance:budget", args=["WEB"])
    forecast = reverse("finance:forecast", args=["WEB"])

    for_finance = client_for(money.finance).get(URL.format(code="WEB")).content.decode()
    for_pm = client_for(money.cast.pm).get(URL.format(code="WEB")).content.decode()

    assert f'href="{budget}"' in for_finance
    assert f'href="{budget}"' not in for_pm and f'href="{forecast}"' in for_pm
