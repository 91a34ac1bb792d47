"""Earned value and earned schedule: published worked examples reproduced, the edge cases of a
project that has not started, spent nothing, overrun its plan or finished, and the identities
that hold between the figures whatever the numbers."""

import calendar
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pmo.engine.calendar import standard_calendar
from pmo.engine.earned_value import (
    BAD_PERCENT,
    BUDGET_SPENT,
    EMPTY_BASELINE,
    EV_ABOVE_BAC,
    FALLING_BASELINE,
    NO_BOTTOM_UP,
    NO_BUDGET,
    NO_DATES,
    NO_MILESTONES,
    NO_TIME,
    NO_WORK_LEFT,
    NOTHING_EARNED,
    NOTHING_PLANNED,
    NOTHING_SPENT,
    TASK_AFTER_BASELINE,
    Baseline,
    EacMethod,
    EarningMethod,
    Milestone,
    PlannedTask,
    WorkPackage,
    baseline_from_schedule,
    cumulative,
    earned_value,
    measure,
    trend,
)

CENT = Decimal("0.01")
THOUSANDTH = Decimal("0.001")


def d(*values: float | str) -> tuple[Decimal, ...]:
    return tuple(Decimal(str(value)) for value in values)


def month_ends(year: int, first: int = 1, count: int = 12) -> tuple[date, ...]:
    ends = []
    for offset in range(count):
        y, m = year + (first - 1 + offset) // 12, (first - 1 + offset) % 12 + 1
        ends.append(date(y, m, calendar.monthrange(y, m)[1]))
    return tuple(ends)


def close(a: Decimal | None, b: Decimal | None) -> bool:
    """Equal to far beyond any figure a page shows (Decimal division keeps 28 digits)."""
    assert a is not None
    assert b is not None
    return abs(a - b) <= Decimal("1e-18") * max(Decimal(1), abs(a), abs(b))


# -- published worked examples -------------------------------------------------------------------

# Vanhoucke's late project: planned over 9 weeks for 150, finished in week 11.
VANHOUCKE_PV = d(5, 10, 25, 55, 85, 120, 130, 140, 150, 150, 150)
VANHOUCKE_EV = d(3.33, 6.67, 10, 22.5, 70, 82.5, 90, 120, 130, 140, 150)


def test_earned_schedule_reproduces_vanhoucke_weekly_table():
    """Source: Mario Vanhoucke, PM Knowledge Center, "Earned Value Management: Forecasting time"
    (pmknowledgecenter.com/dynamic_scheduling/control/earned-value-management-forecasting-time),
    the table of weekly project data: cumulative PV and EV for weeks 1-11 and the earned schedule
    row, published to two decimals. The copy consulted shows the ES row for weeks 1-6 (0.67, 1.33,
    2.00, 2.83, 4.50, 4.92); those are asserted as published. Weeks 7-11 follow from the same rule
    and are checked as our own derivation (the page's figures for them were not seen)."""
    baseline = Baseline(VANHOUCKE_PV)
    es = [baseline.earned_schedule(ev).quantize(CENT) for ev in VANHOUCKE_EV]

    assert es[:6] == list(d("0.67", "1.33", "2.00", "2.83", "4.50", "4.92"))
    assert es[6:] == list(d("5.14", "6.00", "7.00", "8.00", "9.00"))


def test_vanhoucke_project_at_its_late_finish():
    """Same source and table: the planned value reaches its total of 150 in week 9 and stays there,
    while the earned value reaches 150 only in week 11. The planned duration is 9 weeks, not the 11
    the table runs to; at the finish ES is capped at PD = 9, SV(t) is two weeks late, SPI(t) is 9/11
    (0.82) and IEAC(t), the forecast duration, is the actual 11 weeks. The cost-based SPI says 1.00
    and SV 0: the blind spot earned schedule was invented for."""
    result = measure(Baseline(VANHOUCKE_PV), actual_time=Decimal(11), ev=Decimal(150), ac=Decimal(150))

    assert result.planned_duration == 9
    assert result.es == 9
    assert result.sv_t == -2
    assert result.spi_t is not None
    assert result.spi_t.quantize(CENT) == Decimal("0.82")
    assert result.ieac_t == 11
    assert (result.sv, result.spi) == (0, 1)


def test_vanhoucke_project_week_by_week_spi_t_stays_below_one_until_the_end():
    """Same table, our own trend over it: SPI(t) never reaches 1 on this late project, while the
    cost-based SPI climbs back to 1 at the finish."""
    weeks = trend(Baseline(VANHOUCKE_PV), VANHOUCKE_EV, VANHOUCKE_EV)

    assert all(week.spi_t is not None and week.spi_t < 1 for week in weeks)
    assert weeks[-1].spi == 1
    assert [week.actual_time for week in weeks] == list(range(1, 12))


def test_fence_example_reproduces_the_published_figures():
    """Source: Rita Mulcahy, "PMP Exam Prep", the earned value exercise of the four-sided fence
    (p. 210 in the edition reproduced at studylib.net/doc/5898152/earned-value-exercise). Each side
    takes a day and is budgeted at 1,000; at the end of day 3 sides 1 and 2 are complete (spent
    1,000 and 1,200), side 3 is half done (spent 600), side 4 not started.

    Published: PV 3,000; EV 2,500; AC 2,800; BAC 4,000; CV -300; CPI .893; SV -500; SPI .833;
    EAC 4,479; ETC 1,679; VAC -479. The book divides the BAC by the CPI already rounded to .893;
    unrounded, BAC / CPI is exactly 4,480 (ETC 1,680, VAC -480), which the engine gives. The book's
    three figures are reproduced by doing its arithmetic on the engine's CPI."""
    sides = [
        WorkPackage(budget=Decimal(1000), percent_complete=Decimal(100)),
        WorkPackage(budget=Decimal(1000), percent_complete=Decimal(100)),
        WorkPackage(budget=Decimal(1000), percent_complete=Decimal(50)),
        WorkPackage(budget=Decimal(1000)),
    ]
    baseline = Baseline.from_phasing([Decimal(1000)] * 4)

    result = measure(baseline, actual_time=Decimal(3), ev=earned_value(sides), ac=Decimal(1000 + 1200 + 600))

    assert (result.pv, result.ev, result.ac, result.bac) == (3000, 2500, 2800, 4000)
    assert (result.cv, result.sv) == (-300, -500)
    assert result.cpi is not None
    assert result.spi is not None
    assert (result.cpi.quantize(THOUSANDTH), result.spi.quantize(THOUSANDTH)) == d("0.893", "0.833")
    by_cpi = result.forecast(EacMethod.CPI)
    assert (by_cpi.eac, by_cpi.etc, by_cpi.vac) == (4480, 1680, -480)
    book_eac = (result.bac / result.cpi.quantize(THOUSANDTH)).quantize(Decimal(1))
    assert (book_eac, book_eac - result.ac, result.bac - book_eac) == (4479, 1679, -479)


def test_fence_example_earned_by_other_rules():
    """Same fence, our own figures: 0/100 credits only the two finished sides; 50/50 credits half
    of the side under way, which here happens to equal its 50% complete."""
    progress = [Decimal(100), Decimal(100), Decimal(50), Decimal(0)]

    def fence(method: EarningMethod) -> Decimal:
        return earned_value(WorkPackage(Decimal(1000), method, done) for done in progress)

    assert fence(EarningMethod.ZERO_HUNDRED) == 2000
    assert fence(EarningMethod.FIFTY_FIFTY) == 2500
    assert fence(EarningMethod.PERCENT_COMPLETE) == 2500


# -- planned value -------------------------------------------------------------------------------


def test_a_monthly_phasing_becomes_a_cumulative_baseline():
    baseline = Baseline.from_phasing(
        d(0, 10_000, 25_000, 25_000, 10_000, 0), start=date(2026, 4, 1), period_ends=month_ends(2026, 4, 6)
    )

    assert baseline.cumulative == d(0, 10_000, 35_000, 60_000, 70_000, 70_000)
    assert (baseline.bac, baseline.planned_duration) == (70_000, 5)
    assert baseline.pv_at(Decimal("2.5")) == 22_500
    assert baseline.pv_at(Decimal(9)) == 70_000
    assert baseline.pv_at(Decimal(0)) == 0


def test_status_dates_turn_into_periods_and_back():
    """April to September 2026 in months: mid-month is a fraction of the month's days; past the
    baseline the periods run on as calendar months."""
    baseline = Baseline.from_phasing(
        d(1, 1, 1, 1, 1, 1), start=date(2026, 4, 1), period_ends=month_ends(2026, 4, 6)
    )

    assert baseline.time_at(date(2026, 3, 31)) == 0
    assert baseline.time_at(date(2026, 4, 15)) == Decimal(15) / 30
    assert baseline.time_at(date(2026, 6, 30)) == 3
    assert baseline.time_at(date(2026, 12, 31)) == 9
    assert baseline.date_at(Decimal(3)) == date(2026, 6, 30)
    assert baseline.date_at(Decimal("3.5")) == date(2026, 7, 16)
    assert baseline.date_at(Decimal(9)) == date(2026, 12, 31)
    assert baseline.date_at(Decimal(11)) == date(2027, 2, 28)


def test_a_weekly_baseline_runs_on_in_weeks():
    ends = (date(2026, 3, 6), date(2026, 3, 13))
    baseline = Baseline(d(1, 2), start=date(2026, 3, 2), period_ends=ends)

    assert baseline.date_at(Decimal(4)) == date(2026, 3, 27)
    assert baseline.time_at(date(2026, 3, 20)) == 3


def test_a_baseline_without_dates_cannot_give_dates():
    with pytest.raises(ValueError, match=NO_DATES):
        Baseline(d(1, 2)).date_at(Decimal(1))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((), EMPTY_BASELINE),
        (d(0, 0), NO_BUDGET),
        (d(10, 5), FALLING_BASELINE.format(period=2, value=5, previous=10)),
    ],
)
def test_a_baseline_that_cannot_measure_anything_is_refused(values, message):
    with pytest.raises(ValueError) as error:
        Baseline(values)
    assert str(error.value) == message


def test_period_ends_must_match_the_periods():
    with pytest.raises(ValueError, match="one end date per period"):
        Baseline(d(1, 2), start=date(2026, 1, 1), period_ends=(date(2026, 1, 31),))


def test_pv_from_a_schedule_spreads_each_budget_over_its_working_time():
    """A week's task (Monday 08:00 to Friday 17:00, 5,000) and a two-week one starting the next
    Monday (10,000), on a Monday-to-Friday calendar, reported weekly: by the end of the first
    Wednesday three fifths of the first is planned; each week's end holds whole weeks."""
    work = standard_calendar(holidays=frozenset())
    tasks = [
        PlannedTask("Design", datetime(2026, 3, 2, 8), datetime(2026, 3, 6, 17), Decimal(5000)),
        PlannedTask("Build", datetime(2026, 3, 9, 8), datetime(2026, 3, 20, 17), Decimal(10_000)),
    ]
    ends = (date(2026, 3, 4), date(2026, 3, 8), date(2026, 3, 15), date(2026, 3, 22))

    baseline = baseline_from_schedule(tasks, start=date(2026, 3, 2), period_ends=ends, calendar=work)

    assert baseline.cumulative == d(3000, 5000, 10_000, 15_000)


def test_pv_from_a_schedule_on_elapsed_time_and_a_costed_milestone():
    tasks = [
        PlannedTask("Survey", datetime(2026, 1, 1), datetime(2026, 1, 11), Decimal(1000)),
        PlannedTask("Sign-off", datetime(2026, 1, 20, 12), datetime(2026, 1, 20, 12), Decimal(500)),
    ]
    ends = (date(2026, 1, 5), date(2026, 1, 10), date(2026, 1, 19), date(2026, 1, 31))

    baseline = baseline_from_schedule(tasks, start=date(2026, 1, 1), period_ends=ends)

    assert baseline.cumulative == d(500, 1000, 1000, 1500)


def test_a_task_finishing_after_the_last_period_is_refused():
    task = PlannedTask("Late", datetime(2026, 1, 1), datetime(2026, 2, 2), Decimal(1))
    with pytest.raises(ValueError) as error:
        baseline_from_schedule([task], start=date(2026, 1, 1), period_ends=(date(2026, 1, 31),))
    assert str(error.value) == TASK_AFTER_BASELINE.format(
        name="Late", finish=datetime(2026, 2, 2), end=date(2026, 1, 31)
    )


# -- earned value and actual cost ----------------------------------------------------------------


def test_milestones_earn_their_weights():
    package = WorkPackage(
        budget=Decimal(12_000),
        method=EarningMethod.MILESTONES,
        milestones=(
            Milestone(Decimal(1), achieved=True),
            Milestone(Decimal(2), achieved=True),
            Milestone(Decimal(3)),
        ),
    )

    assert package.earned == 6000


def test_zero_hundred_and_fifty_fifty_read_start_and_finish():
    def earned(method: EarningMethod, done: int) -> Decimal:
        return WorkPackage(Decimal(800), method, Decimal(done)).earned

    assert [earned(EarningMethod.ZERO_HUNDRED, done) for done in (0, 99, 100)] == [0, 0, 800]
    assert [earned(EarningMethod.FIFTY_FIFTY, done) for done in (0, 1, 99, 100)] == [0, 400, 400, 800]


def test_bad_progress_is_refused():
    with pytest.raises(ValueError) as error:
        WorkPackage(Decimal(1), percent_complete=Decimal(101))
    assert str(error.value) == BAD_PERCENT.format(value=101)
    with pytest.raises(ValueError, match=NO_MILESTONES):
        WorkPackage(Decimal(1), EarningMethod.MILESTONES, milestones=(Milestone(Decimal(0)),))


def test_actual_cost_accumulates_monthly_actuals_credits_included():
    assert cumulative(d(100, 250, -50, 0, 75)) == d(100, 350, 300, 300, 375)


# -- measurement and its edge cases --------------------------------------------------------------

TWELVE_MONTHS = Baseline.from_phasing(
    [Decimal(100)] * 12, start=date(2026, 1, 1), period_ends=month_ends(2026)
)


def test_the_four_estimates_at_completion():
    result = measure(
        TWELVE_MONTHS, actual_time=Decimal(6), ev=Decimal(450), ac=Decimal(500), bottom_up_etc=Decimal(900)
    )

    assert (result.spi, result.cpi) == (Decimal("0.75"), Decimal("0.9"))
    eacs = {forecast.method: forecast.eac for forecast in result.forecasts}
    assert eacs[EacMethod.BUDGET_RATE] == 1250
    assert close(eacs[EacMethod.CPI], Decimal(4000) / 3)
    assert close(eacs[EacMethod.CPI_SPI], 500 + Decimal(750) / Decimal("0.675"))
    assert eacs[EacMethod.BOTTOM_UP] == 1400
    bottom_up = result.forecast(EacMethod.BOTTOM_UP)
    assert (bottom_up.etc, bottom_up.vac) == (900, -200)
    assert bottom_up.tcpi == Decimal(750) / 900
    assert result.tcpi_bac == Decimal(750) / 700


def test_earned_schedule_forecasts_the_finish_date():
    """Six months in, work worth four and a half months is done: SPI(t) 0.75, so the twelve-month
    plan takes sixteen: the end of April 2027."""
    result = measure(TWELVE_MONTHS, actual_time=Decimal(6), ev=Decimal(450), ac=Decimal(450))

    assert (result.es, result.sv_t, result.spi_t, result.ieac_t) == (
        Decimal("4.5"),
        Decimal("-1.5"),
        Decimal("0.75"),
        16,
    )
    assert result.forecast_finish == date(2027, 4, 30)


def test_before_anything_is_planned_spent_or_earned_the_ratios_say_why_they_are_missing():
    result = measure(TWELVE_MONTHS, actual_time=Decimal(0), ev=Decimal(0), ac=Decimal(0))

    assert (result.spi, result.cpi, result.spi_t, result.ieac_t, result.forecast_finish) == (None,) * 5
    assert result.undefined["spi"] == NOTHING_PLANNED
    assert result.undefined["cpi"] == NOTHING_SPENT
    assert result.undefined["spi_t"] == NO_TIME
    assert result.undefined["forecast_finish"] == NO_TIME
    assert result.undefined["eac_cpi"] == NOTHING_SPENT
    assert result.forecast(EacMethod.BUDGET_RATE).eac == 1200


def test_spending_without_earning_cannot_forecast_from_performance():
    result = measure(TWELVE_MONTHS, actual_time=Decimal(2), ev=Decimal(0), ac=Decimal(300))

    assert result.cpi == 0
    assert result.spi_t == 0
    assert result.undefined["eac_cpi"] == NOTHING_EARNED
    assert result.undefined["eac_cpi_spi"] == NOTHING_EARNED
    assert result.undefined["ieac_t"] == NOTHING_EARNED
    assert result.undefined["eac_bottom_up"] == NO_BOTTOM_UP


def test_an_overspent_budget_has_no_tcpi_to_bac():
    result = measure(TWELVE_MONTHS, actual_time=Decimal(10), ev=Decimal(900), ac=Decimal(1300))

    assert result.tcpi_bac is None
    assert result.undefined["tcpi_bac"] == BUDGET_SPENT
    assert close(result.forecast(EacMethod.CPI).tcpi, result.cpi)


def test_earned_value_above_the_budget_is_refused():
    with pytest.raises(ValueError) as error:
        measure(TWELVE_MONTHS, actual_time=Decimal(12), ev=Decimal(1201), ac=Decimal(1000))
    assert str(error.value) == EV_ABOVE_BAC.format(ev=1201, bac=1200)


def test_after_the_planned_finish_es_stays_below_pd_until_the_work_is_done():
    late = measure(TWELVE_MONTHS, actual_time=Decimal(15), ev=Decimal(1150), ac=Decimal(1400))
    done = measure(TWELVE_MONTHS, actual_time=Decimal(16), ev=Decimal(1200), ac=Decimal(1450))

    assert late.es == Decimal("11.5")
    assert late.pv == 1200
    assert done.es == 12
    assert done.spi_t == Decimal("0.75")
    assert done.ieac_t == 16
    assert done.forecast_finish == date(2027, 4, 30)
    assert done.undefined["tcpi_bac"] == NO_WORK_LEFT
    assert done.forecast(EacMethod.CPI_SPI).eac == 1450


def test_an_early_finish_has_spi_t_above_one():
    result = measure(TWELVE_MONTHS, actual_time=Decimal(10), ev=Decimal(1200), ac=Decimal(1100))

    assert result.es == 12
    assert result.spi_t == Decimal("1.2")
    assert result.ieac_t == 10


# -- properties ----------------------------------------------------------------------------------

increments = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=24).filter(any)
positive_increments = st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=24)
shares = st.fractions(min_value=0, max_value=1, max_denominator=1000)


def _baseline(steps: list[int]) -> Baseline:
    return Baseline.from_phasing(Decimal(step) for step in steps)


def _share(bac: Decimal, share) -> Decimal:
    return bac * Decimal(share.numerator) / Decimal(share.denominator)


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=100_000),
            st.sampled_from(list(EarningMethod)),
            st.integers(min_value=0, max_value=100),
            st.lists(st.tuples(st.integers(1, 5), st.booleans()), min_size=1, max_size=4),
        ),
        max_size=10,
    )
)
def test_earned_value_never_exceeds_the_budget(packages):
    work = [
        WorkPackage(
            Decimal(budget), method, Decimal(done), tuple(Milestone(Decimal(w), a) for w, a in milestones)
        )
        for budget, method, done, milestones in packages
    ]
    bac = sum((package.budget for package in work), Decimal(0))

    assert 0 <= earned_value(work) <= bac
    assert all(0 <= package.earned <= package.budget for package in work)


@given(increments, shares, shares)
def test_earned_schedule_stays_within_the_plan_and_grows_with_earned_value(steps, first, second):
    baseline = _baseline(steps)
    low, high = sorted((_share(baseline.bac, first), _share(baseline.bac, second)))

    es_low, es_high = baseline.earned_schedule(low), baseline.earned_schedule(high)

    assert 0 <= es_low <= es_high <= baseline.planned_duration
    assert (es_high == baseline.planned_duration) == (high == baseline.bac)


@given(positive_increments, shares, st.fractions(min_value=0, max_value=30, max_denominator=1000))
def test_behind_or_on_plan_earned_schedule_never_passes_actual_time(steps, share, at):
    baseline = _baseline(steps)
    actual_time = Decimal(at.numerator) / Decimal(at.denominator)
    ev = _share(baseline.pv_at(actual_time), share)

    es = baseline.earned_schedule(ev)

    assert es <= actual_time or close(es, actual_time)


@given(positive_increments, shares)
def test_earned_value_following_the_plan_earns_schedule_equal_to_actual_time(steps, share):
    baseline = _baseline(steps)
    actual_time = Decimal(baseline.planned_duration) * Decimal(share.numerator) / Decimal(share.denominator)

    result = measure(baseline, actual_time=actual_time, ev=baseline.pv_at(actual_time), ac=Decimal(1))

    assert close(result.es, actual_time) or result.es == actual_time
    if actual_time:
        assert close(result.spi_t, Decimal(1))
        assert result.spi == 1


@given(increments, st.integers(min_value=0, max_value=24))
def test_a_project_finishing_on_or_after_its_planned_duration_has_spi_t_pd_over_at(steps, delay):
    baseline = _baseline(steps)
    pd = baseline.planned_duration
    finish = Decimal(pd + delay)

    result = measure(baseline, actual_time=finish, ev=baseline.bac, ac=baseline.bac)

    assert result.es == pd
    assert result.ieac_t == finish
    assert close(result.spi_t, Decimal(pd) / finish)
    if delay == 0:
        assert (result.spi_t, result.sv_t) == (1, 0)


@given(
    increments,
    shares,
    st.integers(min_value=1, max_value=10**7),
    st.fractions(min_value=0, max_value=30, max_denominator=1000),
)
def test_identities_between_the_figures(steps, share, ac, at):
    baseline = _baseline(steps)
    bac = baseline.bac
    ev = _share(bac, share)
    assume(0 < ev < bac)
    actual_time = Decimal(at.numerator) / Decimal(at.denominator)

    result = measure(baseline, actual_time=actual_time, ev=ev, ac=Decimal(ac))

    assert result.cv == ev - ac
    assert result.cpi is not None
    assert close(result.cpi * ac, ev)
    by_cpi = result.forecast(EacMethod.CPI)
    budget_rate = result.forecast(EacMethod.BUDGET_RATE)
    assert by_cpi.eac is not None
    assert close(by_cpi.eac, ac + (bac - ev) / result.cpi)
    assert close(by_cpi.eac * result.cpi, bac)
    for forecast in (by_cpi, budget_rate):
        assert forecast.eac is not None
        assert (forecast.etc, forecast.vac) == (forecast.eac - ac, bac - forecast.eac)
    assert close(by_cpi.tcpi, result.cpi)
    assert close(budget_rate.tcpi, Decimal(1))
    assert result.sv_t == result.es - actual_time
    if result.spi is not None and result.spi > 0:
        composite = result.forecast(EacMethod.CPI_SPI).eac
        assert composite is not None
        assert (composite >= by_cpi.eac) == (result.spi <= 1) or close(composite, by_cpi.eac)
    if result.spi_t:
        assert result.ieac_t is not None
        assert close(result.spi_t * actual_time, result.es)
        assert close(result.ieac_t * result.spi_t, Decimal(baseline.planned_duration))
