"""Early warning: signals from trends over successive reports, with reasons, before a breach."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.early_warning import (
    SERIOUS,
    WATCH,
    History,
    Kind,
    Rating,
    Report,
    Signal,
    Thresholds,
    WaitsOn,
    early_warnings,
    provider_unnamed,
)

AS_OF = date(2026, 12, 4)
START = date(2026, 1, 5)


def monthly(count: int) -> list[Report]:
    """``count`` reports due a month apart, all handed in on time, ending before AS_OF."""
    first = AS_OF - timedelta(days=30 * count)
    return [
        Report(due=first + timedelta(days=30 * i), handed_in=first + timedelta(days=30 * i))
        for i in range(count)
    ]


def with_milestone(reports: list[Report], offsets: list[int]) -> list[Report]:
    return [
        replace(r, milestones={"Go live": START + timedelta(days=o)})
        for r, o in zip(reports, offsets, strict=True)
    ]


def with_costs(reports: list[Report], costs: list[int]) -> list[Report]:
    return [replace(r, forecast_cost=Decimal(c)) for r, c in zip(reports, costs, strict=True)]


def strongest(signals: list[Signal], kind: Kind) -> int:
    return max((s.weight for s in signals if s.kind is kind), default=0)


series = st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=8)
thresholds = st.builds(
    Thresholds,
    slip_reports=st.integers(1, 5),
    slip_share=st.sampled_from([Decimal("0.25"), Decimal("0.5"), Decimal(1)]),
    creep_reports=st.integers(1, 5),
    creep_share=st.sampled_from([Decimal("0.25"), Decimal("0.5"), Decimal(1)]),
    confidence_falls=st.integers(1, 4),
    late_reports=st.integers(1, 6),
    late_window=st.integers(1, 8),
    dependency_days=st.integers(1, 60),
)
allowances = st.one_of(st.none(), st.integers(1, 200).map(Decimal))


def later_from(values: list[int], index: int, more: int) -> list[int]:
    """The same series slipped ``more`` further from report ``index`` on (and kept slipped)."""
    return [v + more if i >= index else v for i, v in enumerate(values)]


@given(series, st.data(), st.integers(1, 100), thresholds, allowances)
def test_more_slip_never_lowers_the_milestone_signal(offsets, data, more, limits, allowance):
    index = data.draw(st.integers(0, len(offsets) - 1))
    reports = monthly(len(offsets))
    before = History(with_milestone(reports, offsets), time_allowance_days=allowance)
    after = replace(before, reports=with_milestone(reports, later_from(offsets, index, more)))
    assert strongest(early_warnings(after, AS_OF, limits), Kind.MILESTONE_SLIP) >= strongest(
        early_warnings(before, AS_OF, limits), Kind.MILESTONE_SLIP
    )


@given(series, st.data(), st.integers(1, 100_000), thresholds, allowances)
def test_more_creep_never_lowers_the_cost_signal(costs, data, more, limits, allowance):
    index = data.draw(st.integers(0, len(costs) - 1))
    reports = monthly(len(costs))
    before = History(with_costs(reports, costs), cost_allowance=allowance)
    after = replace(before, reports=with_costs(reports, later_from(costs, index, more)))
    assert strongest(early_warnings(after, AS_OF, limits), Kind.COST_CREEP) >= strongest(
        early_warnings(before, AS_OF, limits), Kind.COST_CREEP
    )


@given(st.integers(1, 10), st.integers(0, 400), st.sampled_from(list(Rating)), thresholds, allowances)
def test_a_flat_history_gives_no_signal(count, value, rating, limits, allowance):
    reports = [
        replace(r, forecast_cost=Decimal(value), confidence=rating, milestones={"Go live": START})
        for r in monthly(count)
    ]
    history = History(reports, time_allowance_days=allowance, cost_allowance=allowance)
    assert early_warnings(history, AS_OF, limits) == []


@given(st.integers(1, 8), thresholds)
def test_the_slip_run_threshold_is_respected(run, limits):
    # No tolerance known: only the run counts. A run one short of the threshold is silent.
    offsets = list(range(0, 7 * (run + 1), 7))
    history = History(with_milestone(monthly(len(offsets)), offsets))
    fired = strongest(early_warnings(history, AS_OF, limits), Kind.MILESTONE_SLIP) > 0
    assert fired == (run >= limits.slip_reports)


def test_a_milestone_slipping_report_after_report_is_named_with_its_slip():
    history = History(with_milestone(monthly(4), [0, 14, 28, 42]), time_allowance_days=Decimal(60))
    [signal] = early_warnings(history, AS_OF)
    assert signal.kind is Kind.MILESTONE_SLIP
    assert (
        signal.reason == "Go live forecast later in 3 reports running, 42 days in all (70% of the tolerance)"
    )
    assert signal.subject == "Go live"


def test_a_slip_that_would_use_the_whole_tolerance_is_serious_even_in_one_report():
    history = History(with_milestone(monthly(2), [0, 30]), time_allowance_days=Decimal(30))
    assert strongest(early_warnings(history, AS_OF), Kind.MILESTONE_SLIP) == SERIOUS


def test_a_milestone_pulled_back_breaks_the_run():
    history = History(with_milestone(monthly(5), [0, 7, 14, 7, 14]))
    assert early_warnings(history, AS_OF) == []


def test_cost_creeping_up_period_after_period():
    history = History(
        with_costs(monthly(4), [100_000, 102_000, 104_000, 107_000]), cost_allowance=Decimal(10_000)
    )
    [signal] = early_warnings(history, AS_OF)
    assert signal.kind is Kind.COST_CREEP
    assert signal.reason == "cost forecast up in 3 reports running, £7,000 in all (70% of the tolerance)"


@given(
    st.lists(st.sampled_from(list(Rating)), min_size=1, max_size=8), st.sampled_from(list(Rating)), thresholds
)
def test_another_fall_never_lowers_the_confidence_signal(ratings, worse, limits):
    history = History([replace(r, confidence=c) for r, c in zip(monthly(len(ratings)), ratings, strict=True)])
    if worse <= ratings[-1]:
        return
    longer = replace(
        history, reports=[*history.reports, Report(due=AS_OF, handed_in=AS_OF, confidence=worse)]
    )
    assert strongest(early_warnings(longer, AS_OF, limits), Kind.CONFIDENCE_FALLING) >= strongest(
        early_warnings(history, AS_OF, limits), Kind.CONFIDENCE_FALLING
    )


def test_confidence_that_keeps_falling_is_flagged_and_a_recovery_resets_it():
    ladder = [Rating.GREEN, Rating.AMBER_GREEN, Rating.AMBER]
    falling = History([replace(r, confidence=c) for r, c in zip(monthly(3), ladder, strict=True)])
    [signal] = early_warnings(falling, AS_OF)
    assert signal.reason == "confidence down in 2 reports without recovering, green to amber"
    recovered = [*ladder, Rating.GREEN, Rating.AMBER_GREEN]
    history = History([replace(r, confidence=c) for r, c in zip(monthly(5), recovered, strict=True)])
    assert early_warnings(history, AS_OF) == []


@given(st.lists(st.integers(-5, 20), min_size=1, max_size=10), st.data(), thresholds)
def test_a_later_report_never_lowers_the_lateness_signal(delays, data, limits):
    index = data.draw(st.integers(0, len(delays) - 1))
    reports = [
        replace(r, handed_in=r.due + timedelta(days=d))
        for r, d in zip(monthly(len(delays)), delays, strict=True)
    ]
    later = list(reports)
    later[index] = replace(reports[index], handed_in=None)
    assert strongest(early_warnings(History(later), AS_OF, limits), Kind.LATE_REPORTS) >= strongest(
        early_warnings(History(reports), AS_OF, limits), Kind.LATE_REPORTS
    )


def test_reports_late_again_and_again_but_not_one_not_yet_due():
    reports = [replace(r, handed_in=r.due + timedelta(days=4)) for r in monthly(3)]
    [signal] = early_warnings(History(reports), AS_OF)
    assert (signal.kind, signal.reason) == (Kind.LATE_REPORTS, "3 of the last 3 reports late")
    # The next report, due after today and not in yet, is not late yet.
    pending = [*reports[1:], Report(due=AS_OF + timedelta(days=3))]
    assert early_warnings(History(pending), AS_OF) == []


def test_a_dependency_forecast_after_its_need_by_date_is_inherited_and_named():
    waits = WaitsOn("IT-131", need_by=date(2027, 3, 1), forecast=date(2027, 4, 12))
    [signal] = early_warnings(History(waits_on=[waits]), AS_OF)
    assert (signal.kind, signal.reason, signal.subject) == (
        Kind.DEPENDENCY,
        "waits on IT-131, forecast 6 weeks after need",
        "IT-131",
    )
    on_time = replace(waits, forecast=date(2027, 3, 10))  # 9 days: inside the 14 days allowed
    assert early_warnings(History(waits_on=[on_time]), AS_OF) == []
    # Told to a reader who may not see IT-131: as late and as heavy, the provider unnamed.
    unnamed = provider_unnamed(signal)
    assert (unnamed.reason, unnamed.subject, unnamed.weight) == (
        "waits on a project you cannot see, forecast 6 weeks after need",
        "",
        signal.weight,
    )
    assert provider_unnamed(unnamed) == unnamed


@given(st.integers(-100, 400), st.integers(1, 100), thresholds)
def test_a_later_provider_never_lowers_the_dependency_signal(gap, more, limits):
    need = date(2027, 3, 1)

    def weight(days: int) -> int:
        waits = WaitsOn("IT-1", need_by=need, forecast=need + timedelta(days=days))
        return strongest(early_warnings(History(waits_on=[waits]), AS_OF, limits), Kind.DEPENDENCY)

    assert weight(gap + more) >= weight(gap)
    assert (weight(gap) >= WATCH) == (gap >= limits.dependency_days)


def test_a_report_not_handed_in_does_not_break_a_milestone_run():
    reports = with_milestone(monthly(4), [0, 14, 28, 42])
    reports.insert(2, Report(due=reports[1].due + timedelta(days=15)))
    signals = early_warnings(History(reports), AS_OF)
    assert [s.kind for s in signals] == [Kind.MILESTONE_SLIP]
