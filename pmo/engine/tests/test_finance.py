"""Financial years, months and a project's outturn: which year a day is in, the months of a
year, and EAC, ETC and the variances over the whole life and within a year."""

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.finance import (
    BAD_FIRST_MONTH,
    MONTHS_BACKWARDS,
    NOT_A_MONTH,
    FinancialYear,
    MoneyRow,
    accuracy,
    add_months,
    by_month,
    financial_year,
    financial_years,
    in_year,
    months_between,
    outturn,
    profile_to_date,
    roll_up,
)

D = Decimal


@pytest.mark.parametrize(
    ("day", "first_month", "label", "start", "end"),
    [
        (date(2026, 12, 4), 4, "2026/27", date(2026, 4, 1), date(2027, 3, 31)),
        (date(2027, 3, 31), 4, "2026/27", date(2026, 4, 1), date(2027, 3, 31)),
        (date(2027, 4, 1), 4, "2027/28", date(2027, 4, 1), date(2028, 3, 31)),
        (date(2026, 1, 15), 4, "2025/26", date(2025, 4, 1), date(2026, 3, 31)),
        (date(2026, 6, 30), 7, "2025/26", date(2025, 7, 1), date(2026, 6, 30)),
        (date(2026, 12, 31), 1, "2026", date(2026, 1, 1), date(2026, 12, 31)),
        (date(2099, 12, 1), 4, "2099/00", date(2099, 4, 1), date(2100, 3, 31)),
    ],
)
def test_the_financial_year_of_a_day(day, first_month, label, start, end):
    year = financial_year(day, first_month)
    assert (year.label, year.start, year.end) == (label, start, end)
    assert year.contains(day) and not year.contains(add_months(start, 12))


def test_a_year_has_its_twelve_months_in_order():
    year = FinancialYear(2026)
    assert year.months[0] == date(2026, 4, 1) and year.months[-1] == year.last_month == date(2027, 3, 1)
    assert year.months == months_between(date(2026, 4, 1), date(2027, 3, 31))
    assert len(year.months) == 12


def test_a_leap_february_ends_a_calendar_shifted_year():
    assert FinancialYear(2027, 3).end == date(2028, 2, 29)


def test_a_year_starts_in_a_month_that_exists():
    with pytest.raises(ValueError, match=re.escape(BAD_FIRST_MONTH.format(month=13))):
        FinancialYear(2026, 13)


def test_months_between_and_years_between():
    assert months_between(date(2026, 11, 20), date(2027, 2, 3)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]
    with pytest.raises(ValueError, match="from March 2027 to February 2027"):
        months_between(date(2027, 3, 1), date(2027, 2, 1))
    assert MONTHS_BACKWARDS.startswith("The months run")
    labels = [y.label for y in financial_years(date(2025, 5, 1), date(2027, 4, 1))]
    assert labels == ["2025/26", "2026/27", "2027/28"]


def test_add_months_crosses_years_both_ways():
    assert add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert add_months(date(2026, 2, 1), -3) == date(2025, 11, 1)


# A project over two financial years: £10,000 a month budgeted from January to June 2027.
BUDGET = {add_months(date(2027, 1, 1), n): D(10_000) for n in range(6)}
ACTUALS = {date(2027, 1, 1): D(12_000), date(2027, 2, 1): D(9_000), date(2027, 3, 1): D(11_000)}
FORECAST = {
    date(2027, 3, 1): D(99_999),  # before the split: the actual counts, not this
    date(2027, 4, 1): D(10_000),
    date(2027, 5, 1): D(12_000),
    date(2027, 6, 1): D(8_500),
}


def test_whole_life_eac_is_actuals_to_date_plus_the_forecast_of_the_months_left():
    figures = outturn(budget=BUDGET, actuals=ACTUALS, forecast=FORECAST, split=date(2027, 4, 1))
    assert figures.budget == D(60_000)
    assert figures.actual_to_date == D(32_000)
    assert figures.forecast_remaining == D(30_500)
    assert figures.eac == D(62_500)
    assert figures.etc == D(30_500)
    assert figures.variance == D(-2_500)  # an overspend
    assert figures.variance_percent == D("-4.166666666666666666666666667")
    assert figures.spent_percent == D("53.33333333333333333333333333")


def test_an_actual_of_a_month_not_yet_reached_by_the_split_is_not_counted_twice():
    actuals = {**ACTUALS, date(2027, 4, 1): D(3_000)}  # April's ledger so far: the forecast covers it
    figures = outturn(budget=BUDGET, actuals=actuals, forecast=FORECAST, split=date(2027, 4, 1))
    assert figures.eac == D(62_500)


def test_in_year_views_split_the_life_at_the_year_end():
    year_one, year_two = FinancialYear(2026), FinancialYear(2027)
    split = date(2027, 3, 1)  # March 2027 not yet closed
    first = in_year(year=year_one, budget=BUDGET, actuals=ACTUALS, forecast=FORECAST, split=split)
    assert (first.budget, first.actual_to_date, first.forecast_remaining) == (D(30_000), D(21_000), D(99_999))
    assert first.eac == D(120_999)  # where 2026/27 lands
    second = in_year(year=year_two, budget=BUDGET, actuals=ACTUALS, forecast=FORECAST, split=split)
    assert (second.budget, second.actual_to_date, second.eac) == (D(30_000), D(0), D(30_500))
    whole = outturn(budget=BUDGET, actuals=ACTUALS, forecast=FORECAST, split=split)
    assert first.eac + second.eac == whole.eac
    assert profile_to_date(BUDGET, year_one, split) == D(20_000)


def test_with_no_budget_the_shares_are_undefined_not_infinite():
    figures = outturn(budget={}, actuals=ACTUALS, forecast={}, split=date(2027, 4, 1))
    assert figures.variance == D(-32_000)
    assert figures.variance_percent is None and figures.spent_percent is None


def test_the_split_is_a_month():
    with pytest.raises(ValueError, match=re.escape(NOT_A_MONTH.format(day="2027-04-02"))):
        outturn(budget=BUDGET, actuals=ACTUALS, forecast=FORECAST, split=date(2027, 4, 2))


def test_lines_of_one_month_add_up():
    assert by_month([(date(2027, 1, 1), D(5)), (date(2027, 1, 1), D(-2)), (date(2027, 2, 1), D(1))]) == {
        date(2027, 1, 1): D(3),
        date(2027, 2, 1): D(1),
    }


months = st.integers(min_value=0, max_value=47).map(lambda n: add_months(date(2025, 4, 1), n))
amounts = st.dictionaries(months, st.decimals(min_value=-1000, max_value=100_000, places=2), max_size=20)


@given(budget=amounts, actuals=amounts, forecast=amounts, split=months, first_month=st.integers(1, 12))
def test_the_years_add_up_to_the_whole_life(budget, actuals, forecast, split, first_month):
    whole = outturn(budget=budget, actuals=actuals, forecast=forecast, split=split)
    years = financial_years(date(2025, 4, 1), date(2029, 3, 1), first_month)
    parts = [in_year(year=y, budget=budget, actuals=actuals, forecast=forecast, split=split) for y in years]
    assert sum(p.budget for p in parts) == whole.budget
    assert sum(p.eac for p in parts) == whole.eac
    assert whole.etc + whole.actual_to_date == whole.eac
    assert whole.variance == whole.budget - whole.eac


@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31)), first_month=st.integers(1, 12))
def test_every_day_is_in_exactly_one_year(day, first_month):
    year = financial_year(day, first_month)
    assert year.contains(day)
    assert not year.previous().contains(day) and not year.next().contains(day)
    assert year.start.month == first_month


def test_a_roll_up_splits_each_project_at_its_own_month_and_sums_by_key():
    nov, dec, jan = date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)
    budget = [
        MoneyRow(1, "Digital", nov, D(100)),
        MoneyRow(1, "Digital", jan, D(100)),
        MoneyRow(2, "Digital", dec, D(50)),
        MoneyRow(3, "Corporate", date(2027, 4, 1), D(70)),  # next year
    ]
    actuals = [
        MoneyRow(1, "Digital", nov, D(120)),
        MoneyRow(1, "Digital", dec, D(999)),
        MoneyRow(2, "Digital", nov, D(5)),
    ]
    forecast = [
        MoneyRow(1, "Digital", nov, D(1)),  # before project 1's split: its actual counts
        MoneyRow(1, "Digital", dec, D(80)),
        MoneyRow(1, "Digital", jan, D(90)),
        MoneyRow(2, "Digital", jan, D(60)),  # project 2 splits at January: December's actual is its truth
    ]
    splits = {1: dec, 2: jan}
    whole = roll_up(budget=budget, actuals=actuals, forecast=forecast, splits=splits)
    digital = whole["Digital"]
    assert (digital.budget, digital.actual_to_date, digital.forecast_remaining) == (D(250), D(125), D(230))
    assert (digital.eac, digital.variance, digital.split) == (D(355), D(-105), None)
    assert whole["Corporate"].eac == D(0)  # no split: nothing actual or forecast yet
    in_year_only = roll_up(
        budget=budget, actuals=actuals, forecast=forecast, splits=splits, year=FinancialYear(2026)
    )
    assert "Corporate" not in in_year_only


@given(
    rows=st.lists(
        st.tuples(st.integers(1, 4), st.sampled_from("ab"), months, st.decimals(0, 10_000, places=2)),
        max_size=30,
    ),
    split=months,
)
def test_a_roll_up_of_one_key_per_project_is_each_project_s_outturn(rows, split):
    budget = [MoneyRow(p, p, m, a) for p, _, m, a in rows]
    actuals = [MoneyRow(p, p, m, a) for p, kind, m, a in rows if kind == "a"]
    forecast = [MoneyRow(p, p, m, a) for p, kind, m, a in rows if kind == "b"]
    rolled = roll_up(
        budget=budget, actuals=actuals, forecast=forecast, splits=dict.fromkeys(range(1, 5), split)
    )
    for project, figures in rolled.items():

        def of(found, project=project):
            return by_month((r.month, r.amount) for r in found if r.project == project)

        alone = outturn(budget=of(budget), actuals=of(actuals), forecast=of(forecast), split=split)
        assert (figures.budget, figures.eac) == (alone.budget, alone.eac)


def test_a_forecast_s_accuracy_over_the_months_since_closed():
    nov, dec, jan = date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)
    forecast = {nov: D(1_000), dec: D(2_000), jan: D(5_000)}
    actuals = {nov: D(1_200), dec: D(1_800), date(2026, 10, 1): D(7)}
    found = accuracy(forecast, actuals, [nov, dec])
    assert (found.forecast, found.actual, found.error, found.absolute_error, found.months) == (
        D(3_000),
        D(3_000),
        D(0),
        D(400),
        2,
    )  # right in total, 13.3% out month by month
    assert found.percent_error == D(400) / D(3_000) * 100
    assert accuracy(forecast, {}, [nov]).percent_error is None
    assert (found + accuracy(forecast, actuals, [nov])).months == 3
