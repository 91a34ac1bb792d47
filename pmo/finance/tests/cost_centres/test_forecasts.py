"""A cost centre's forecast of the rest of its year (ADR 0053, addendum), on 4 December 2026
(financial year 2026/27; nothing closed yet, so December is the first month forecast). The PMO's
budget is £10,000 of staff and £4,000 of training a month, October to January, with a £50,000
non-staff limit; October's training cost £5,500 and November's £4,000.

Its budget holder, finance or the PMO make one forecast a month, kept as versions; the year
lands at the actuals to date plus the latest forecast (at budget until one is made), against the
budget and the non-staff limit; a forecast landing over the limit puts the one over-limit item
in the work queues before the spend or the budget would; the page's grid, its export, its
history and the API say the same."""

import html
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from pmo.core.services import ConflictError
from pmo.engine.finance import FinancialYear
from pmo.finance import cost_centres, services
from pmo.finance.models import CostCentreForecast, CostCentreForecastLine
from pmo.finance.services import LedgerRow, LineProblems
from pmo.finance.tests.conftest import line
from pmo.finance.tests.cost_centres.conftest import DEC, JAN, NOV, OCT
from pmo.finance.tests.views.conftest import client_for
from pmo.finance.work import finance_work

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04 10:00", tick=True)]
YEAR = FinancialYear(2026, 4)
TODAY = date(2026, 12, 4)
FEB, MAR = date(2027, 2, 1), date(2027, 3, 1)
PAGE = "/finance/cost-centres/PMO/"


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def spent(pmo_centre) -> None:
    services.actuals_load(
        actor=pmo_centre.books.finance,
        rows=[
            LedgerRow("PMO-STF", OCT, Decimal(10_000)),
            LedgerRow("PMO-TRN", OCT, Decimal(5_500)),
            LedgerRow("PMO-STF", NOV, Decimal(10_000)),
            LedgerRow("PMO-TRN", NOV, Decimal(4_000)),
        ],
        reference="Ledger",
        year=2026,
    )


def dearer(pmo_centre) -> list:
    """Training booked for the whole team: £20,000 in December, £25,000 in January, £3,000 in
    February (which had no budget); staff as budgeted."""
    books, services_ = pmo_centre.books, pmo_centre.services
    return [
        line(DEC, books.staff, 10_000),
        line(JAN, books.staff, 10_000),
        line(DEC, services_, 20_000),
        line(JAN, services_, 25_000),
        line(FEB, services_, 3_000),
    ]


def year_of(pmo_centre, day: date = TODAY) -> cost_centres.CostCentreYear:
    return cost_centres.cost_centre_year(cost_centre=pmo_centre.centre, year=YEAR, day=day)


def test_until_a_forecast_is_made_the_year_lands_at_budget(pmo_centre):
    spent(pmo_centre)

    year = year_of(pmo_centre)

    assert year.forecast is None
    assert year.forecast_source == "no forecast made: the budget stands as the forecast"
    assert (year.non_staff.actual_to_date, year.non_staff.eac) == (Decimal(9_500), Decimal(17_500))


def test_the_year_lands_at_actuals_to_date_plus_the_forecast_against_budget_and_limit(pmo_centre):
    spent(pmo_centre)

    made = cost_centres.cost_centre_forecast_make(
        actor=pmo_centre.books.cast.head,  # the budget holder
        cost_centre=pmo_centre.centre,
        year=2026,
        lines=dearer(pmo_centre),
        note="Training for the whole team",
    )
    year = year_of(pmo_centre)

    assert (made.month, made.year, made.made_by) == (DEC, 2026, pmo_centre.books.cast.head)
    assert year.forecast == made
    assert year.forecast_source == "the forecast made for December 2026"
    # non-staff: £9,500 spent + £48,000 forecast = £57,500, £7,500 over the £50,000 limit; at
    # budget it would have landed at £17,500
    assert (year.non_staff.eac, year.limit_headroom, year.over_limit) == (
        Decimal(57_500),
        Decimal(-7_500),
        True,
    )
    assert year.non_staff_at_budget.eac == Decimal(17_500) and not year.over_limit_at_budget
    assert not year.spent_over_limit
    # all costs: £29,500 spent + £68,000 forecast against a £56,000 budget
    assert (year.total.budget, year.total.eac, year.total.variance) == (
        Decimal(56_000),
        Decimal(97_500),
        Decimal(-41_500),
    )
    months = {row.month: (row.budget, row.actual, row.forecast) for row in year.months}
    assert months[NOV] == (Decimal(14_000), Decimal(14_000), None)
    assert months[DEC] == (Decimal(14_000), None, Decimal(30_000))
    assert months[FEB] == (Decimal(0), None, Decimal(3_000))
    assert months[MAR] == (Decimal(0), None, Decimal(0))


def test_each_months_forecast_is_a_version_and_made_again_in_the_month_it_is_replaced(pmo_centre):
    centre, head, finance = pmo_centre.centre, pmo_centre.books.cast.head, pmo_centre.books.finance
    december = cost_centres.cost_centre_forecast_make(
        actor=head, cost_centre=centre, year=2026, lines=dearer(pmo_centre)
    )
    with pytest.raises(ConflictError):  # "none made this month yet", but there is one
        cost_centres.cost_centre_forecast_make(
            actor=finance, cost_centre=centre, year=2026, lines=[], expected_version=0
        )
    with pytest.raises(ConflictError):  # a stale version
        cost_centres.cost_centre_forecast_make(
            actor=finance, cost_centre=centre, year=2026, lines=[], expected_version=7
        )

    again = cost_centres.cost_centre_forecast_make(
        actor=finance,
        cost_centre=centre,
        year=2026,
        lines=[line(DEC, pmo_centre.services, 1_000)],
        expected_version=december.version,
    )
    january = cost_centres.cost_centre_forecast_make(
        actor=head,
        cost_centre=centre,
        year=2026,
        lines=[line(JAN, pmo_centre.services, 2_000)],
        day=date(2027, 1, 6),
    )

    assert again.pk == december.pk and again.version == december.version + 1
    assert list(
        CostCentreForecastLine.objects.filter(forecast=december).values_list("amount", flat=True)
    ) == [Decimal(1_000)]
    reasons = list(
        CostCentreForecast.history.filter(id=december.pk)
        .order_by("history_date")
        .values_list("history_change_reason", flat=True)
    )
    assert reasons == [
        "Forecast for 2026/27 from December 2026 made: 5 lines, £68,000",
        "Forecast for 2026/27 from December 2026 made: 1 lines, £1,000",
    ]
    assert january.month == JAN and january.pk != december.pk
    assert CostCentreForecast.objects.filter(cost_centre=centre).count() == 2  # December's kept
    # in January the latest is January's: December is actual then, the rest as January said
    assert year_of(pmo_centre, date(2027, 1, 6)).forecast == january
    assert year_of(pmo_centre, date(2027, 1, 6)).non_staff.forecast_remaining == Decimal(2_000)


def test_lines_before_the_forecasts_month_outside_the_year_or_negative_are_refused_by_row(pmo_centre):
    services_ = pmo_centre.services
    with pytest.raises(LineProblems) as refused:
        cost_centres.cost_centre_forecast_make(
            actor=pmo_centre.books.finance,
            cost_centre=pmo_centre.centre,
            year=2026,
            lines=[
                line(NOV, services_, 100),
                line(date(2027, 4, 1), services_, 100),
                line(JAN, services_, -5),
                line(JAN, services_, 5),
            ],
        )

    assert [str(issue) for issue in refused.value.issues] == [
        "Row 3, column 'amount': A forecast cannot be negative (got \N{MINUS SIGN}£5).",
        "Row 4: repeats row 3 (January 2027, Services, Revenue (opex), no funding source): give each month, "
        "category, spend type and funding source once.",
        "Row 1, column 'month': November 2026 is before the forecast's first month (December 2026): "
        "that month is actual, from the ledger.",
        "Row 2, column 'month': April 2027 is not in 2026/27 (April 2026 to March 2027).",
    ]
    assert not CostCentreForecast.objects.exists()


def test_a_year_gone_by_cannot_be_forecast_and_next_year_is_forecast_from_its_start(pmo_centre):
    finance, centre = pmo_centre.books.finance, pmo_centre.centre
    with pytest.raises(ValidationError) as over:
        cost_centres.cost_centre_forecast_make(actor=finance, cost_centre=centre, year=2025, lines=[])
    assert over.value.message_dict["year"] == [
        "2025/26 is over: its months are actual from the ledger (December 2026 is the first month "
        "not yet closed or passed), so there is nothing left of it to forecast."
    ]

    next_year = cost_centres.cost_centre_forecast_make(
        actor=finance,
        cost_centre=centre,
        year=2027,
        lines=[line(date(2027, 4, 1), pmo_centre.services, 900)],
    )
    assert (next_year.year, next_year.month) == (2027, date(2027, 4, 1))


def test_a_closed_month_moves_the_forecasts_first_month_on(pmo_centre):
    finance = pmo_centre.books.finance
    services.month_lock(actor=finance, month=NOV)
    services.month_lock(actor=finance, month=DEC)  # finance closed December early

    with pytest.raises(LineProblems, match="December 2026 is before the forecast's first month"):
        cost_centres.cost_centre_forecast_make(
            actor=finance,
            cost_centre=pmo_centre.centre,
            year=2026,
            lines=[line(DEC, pmo_centre.services, 100)],
        )
    made = cost_centres.cost_centre_forecast_make(
        actor=finance, cost_centre=pmo_centre.centre, year=2026, lines=[line(JAN, pmo_centre.services, 100)]
    )
    assert made.month == JAN


def test_who_may_forecast_a_cost_centre(pmo_centre):
    cast = pmo_centre.books.cast
    for name in ("executive", "pm"):  # reads it (an executive) or not even that
        with pytest.raises(PermissionDenied):
            cost_centres.cost_centre_forecast_make(
                actor=getattr(cast, name), cost_centre=pmo_centre.centre, year=2026, lines=[]
            )
    for user in (cast.head, cast.officer, pmo_centre.books.finance):
        cost_centres.cost_centre_forecast_make(
            actor=user, cost_centre=pmo_centre.centre, year=2026, lines=[], expected_version=None
        )
    assert CostCentreForecast.objects.get().version == 3


# The work queues ---------------------------------------------------------------------------


def over_limit(user) -> list[str]:
    return [item.reason for item in finance_work(user, TODAY) if item.kind == "centre-over-limit"]


def test_a_forecast_landing_over_the_limit_warns_before_the_spend_or_the_budget_would(pmo_centre):
    spent(pmo_centre)
    head, finance = pmo_centre.books.cast.head, pmo_centre.books.finance
    assert over_limit(head) == over_limit(finance) == []  # at budget: £17,500 of £50,000

    cost_centres.cost_centre_forecast_make(
        actor=head, cost_centre=pmo_centre.centre, year=2026, lines=dearer(pmo_centre)
    )

    expected = (
        "Cost centre PMO's spend outside staff costs is forecast to land at £57,500 for 2026/27 "
        "(£9,500 spent, the rest as forecast for December 2026): £7,500 over the limit. At budget "
        "it would land at £17,500, within the limit: the forecast warns first."
    )
    assert over_limit(head) == over_limit(finance) == [expected]
    assert over_limit(pmo_centre.books.cast.executive) == over_limit(pmo_centre.books.cast.pm) == []

    # a forecast back within the limit: the item goes
    cost_centres.cost_centre_forecast_make(
        actor=head,
        cost_centre=pmo_centre.centre,
        year=2026,
        lines=[line(DEC, pmo_centre.services, 4_000)],
        expected_version=CostCentreForecast.objects.get().version,
    )
    assert over_limit(head) == []


def test_spend_already_over_the_limit_is_the_same_one_item_saying_so(pmo_centre):
    services.actuals_load(
        actor=pmo_centre.books.finance,
        rows=[LedgerRow("PMO-TRN", OCT, Decimal(51_000))],
        reference="Ledger",
        year=2026,
    )
    cost_centres.cost_centre_forecast_make(
        actor=pmo_centre.books.cast.head, cost_centre=pmo_centre.centre, year=2026, lines=[]
    )

    [item] = [i for i in finance_work(pmo_centre.books.finance, TODAY) if i.kind == "centre-over-limit"]

    assert item.key == f"centre-over-limit:{pmo_centre.centre.pk}:2026"
    assert item.reason == (
        "Cost centre PMO has spent £51,000 outside staff costs in 2026/27, at or over its £50,000 "
        "limit already; with the rest as forecast for December 2026 the year lands at £51,000."
    )


# The page ---------------------------------------------------------------------------------


def cells(response, month: str) -> dict[str, str]:
    """The forecast grid's inputs of ``month`` ("2026-12") by their column's label."""
    page = response.content.decode()
    found = re.findall(
        rf'<label class="visually-hidden" for="(f-\d+-{month})">[^,]+, ([^<]+), £</label>', page
    )
    return {label: name for name, label in found}


def test_the_budget_holder_forecasts_the_rest_of_the_year_on_its_page(pmo_centre):
    spent(pmo_centre)
    client = client_for(pmo_centre.books.cast.head)
    page = client.get(PAGE)
    shown = text(page)
    assert "Forecast the rest of 2026/27" in shown
    assert "Shown: the 2026/27 budget, £28,000." in shown  # December and January's budget
    december, january = cells(page, "2026-12"), cells(page, "2027-01")
    assert set(december) == {"Staff (revenue)", "Services (revenue)"}
    assert not cells(page, "2026-11")  # November is actual

    response = client.post(
        f"{PAGE}?year=2026",
        {
            "version": "0",
            "note": "Training for the whole team",
            december["Staff (revenue)"]: "10,000",
            december["Services (revenue)"]: "£20,000",
            january["Staff (revenue)"]: "10000",
            january["Services (revenue)"]: "25000",
            cells(page, "2027-02")["Services (revenue)"]: "3000",
        },
    )

    assert response.status_code == 302 and response["Location"] == f"{PAGE}?year=2026"
    after = text(client.get(response["Location"]))
    assert "Forecast of PMO for 2026/27 from December 2026 saved: £68,000, landing at £97,500." in after
    assert (
        "Spend outside staff costs is forecast to land at £57,500 against a limit of £50,000 : "
        "\N{MINUS SIGN}£7,500, over the limit (£9,500 spent so far; at budget it would land at £17,500)."
        in after
    )
    assert "from it on, the forecast made for December 2026." in after
    assert "Dec 2026 £14,000 — £30,000" in after
    assert "Dec 2026 in use" in after and "Training for the whole team" in after  # the versions
    assert "Saving replaces this month's forecast (version 1)" in after
    history = text(client.get("/finance/cost-centres/PMO/history/"))
    assert "Forecast of 2026/27, from December 2026" in history
    assert "Forecast for 2026/27 from December 2026 made: 5 lines, £68,000" in history


def test_a_bad_cell_or_a_stale_grid_saves_nothing_and_says_where(pmo_centre):
    client = client_for(pmo_centre.books.finance)
    december = cells(client.get(PAGE), "2026-12")

    bad = client.post(PAGE, {"version": "0", december["Services (revenue)"]: "lots"})
    assert bad.status_code == 400
    assert (
        "Dec 2026, Services (revenue): “lots” is not an amount of money (give pounds, and pence if any)."
        in text(bad)
    )
    negative = client.post(PAGE, {"version": "0", december["Services (revenue)"]: "-5"})
    assert negative.status_code == 400
    assert "Dec 2026, Services (revenue): A forecast cannot be negative (got \N{MINUS SIGN}£5)." in text(
        negative
    )
    assert not CostCentreForecast.objects.exists()

    assert client.post(PAGE, {"version": "0", december["Services (revenue)"]: "5"}).status_code == 302
    stale = client.post(PAGE, {"version": "0", december["Services (revenue)"]: "6"})
    assert stale.status_code == 409
    assert "Not saved: this month's forecast changed while you were editing" in text(stale)


def test_who_sees_the_grid_and_a_year_gone_by_has_none(pmo_centre):
    executive = client_for(pmo_centre.books.cast.executive)
    assert "Forecast the rest of" not in text(executive.get(PAGE))  # reads, may not forecast
    assert executive.post(PAGE, {"version": "0"}).status_code == 403
    assert client_for(pmo_centre.books.cast.pm).post(PAGE, {"version": "0"}).status_code == 404
    finance = client_for(pmo_centre.books.finance)
    assert "Forecast the rest of" not in text(finance.get(PAGE, {"year": "2025"}))
    gone = finance.post(f"{PAGE}?year=2025", {"version": "0"})
    assert gone.status_code == 400 and "2025/26 is over" in text(gone)


def test_the_export_says_where_the_rest_of_the_year_comes_from(pmo_centre):
    cost_centres.cost_centre_forecast_make(
        actor=pmo_centre.books.finance, cost_centre=pmo_centre.centre, year=2026, lines=dearer(pmo_centre)
    )

    response = client_for(pmo_centre.books.finance).get(PAGE, {"year": "2026", "export": "xlsx"})
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]

    assert ["Dec 2026", 14000, None, 30000, "No"] in rows
    assert ["Non-staff", "Forecast outturn", 48000, None, None] in rows  # nothing spent here
    assert ["Non-staff", "Outturn were the rest at budget", 8000, None, None] in rows
    assert [
        "All costs",
        "The rest of the year from",
        "the forecast made for December 2026",
        None,
        None,
    ] in rows
    # the forecasts made, each with where it said the year would land
    assert rows[-2:] == [
        ["Forecast made for", "Made by", "Forecast", "Non-staff", "Said the year lands at"],
        ["Dec 2026", str(pmo_centre.books.finance), 68000, 48000, 68000],  # nothing spent before
    ]
