"""Evidence-based status: ratings from the facts, and when a declared status is optimistic."""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.evidence import (
    AREA_TOLERANCES,
    Area,
    Evidence,
    Rating,
    Thresholds,
    Verdict,
    assess_evidence,
    is_optimistic,
    overall,
)
from pmo.engine.tolerance import Dimension, Status

STATUS_ORDER = [Status.WITHIN, Status.FORECAST_TO_BREACH, Status.BREACHED]

tolerances = st.dictionaries(st.sampled_from(list(Dimension)), st.sampled_from(STATUS_ORDER))
counts = st.integers(min_value=0, max_value=20)
evidence = st.builds(
    Evidence,
    tolerances=tolerances,
    overdue_milestones=counts,
    open_high_risks=counts,
    missing_reports=counts,
    days_since_report=st.none() | st.integers(min_value=0, max_value=400),
    stale_raid_items=counts,
    past_due_raid_items=counts,
)
ratings = st.sampled_from(list(Rating))


def ratings_of(facts: Evidence) -> tuple[dict[Area, Rating], Rating]:
    verdicts = assess_evidence(facts)
    return {area: v.rating for area, v in verdicts.items()}, overall(facts, verdicts).rating


@st.composite
def worse(draw: st.DrawFn, facts: Evidence) -> Evidence:
    """``facts`` with more wrong: tolerances worse or added, and higher counts."""
    tolerance = dict(facts.tolerances)
    for dimension in draw(st.sets(st.sampled_from(list(Dimension)))):
        now = STATUS_ORDER.index(tolerance.get(dimension, Status.WITHIN))
        tolerance[dimension] = STATUS_ORDER[draw(st.integers(min_value=now, max_value=2))]
    days = facts.days_since_report
    if days is not None and draw(st.booleans()):
        days = draw(st.none() | st.integers(min_value=days, max_value=500))
    return replace(
        facts,
        tolerances=tolerance,
        overdue_milestones=facts.overdue_milestones + draw(counts),
        open_high_risks=facts.open_high_risks + draw(counts),
        missing_reports=facts.missing_reports + draw(counts),
        days_since_report=days,
        stale_raid_items=facts.stale_raid_items + draw(counts),
        past_due_raid_items=facts.past_due_raid_items + draw(counts),
    )


@given(st.data(), evidence)
def test_more_wrong_never_improves_any_rating(data, facts):
    areas, whole = ratings_of(facts)
    more_areas, more_whole = ratings_of(data.draw(worse(facts)))
    assert all(more_areas[area] >= areas[area] for area in Area)
    assert more_whole >= whole


@given(evidence)
def test_overall_is_never_better_than_any_area(facts):
    areas, whole = ratings_of(facts)
    assert whole >= max(areas.values())


@given(evidence)
def test_an_area_is_worse_than_green_exactly_when_it_gives_a_reason(facts):
    for verdict in assess_evidence(facts).values():
        assert (verdict.rating > Rating.GREEN) == bool(verdict.reasons)


@given(evidence)
def test_a_breached_tolerance_makes_its_area_and_the_whole_red(facts):
    verdicts = assess_evidence(facts)
    for area, dimensions in AREA_TOLERANCES.items():
        if any(facts.tolerances.get(d) is Status.BREACHED for d in dimensions):
            assert verdicts[area].rating is Rating.RED
            assert overall(facts, verdicts).rating is Rating.RED


def test_clean_evidence_is_green_with_no_reasons():
    facts = Evidence(tolerances=dict.fromkeys(Dimension, Status.WITHIN), days_since_report=3)
    verdicts = assess_evidence(facts)
    assert {v.rating for v in verdicts.values()} == {Rating.GREEN}
    assert overall(facts, verdicts).reasons == ()


def test_reasons_name_what_is_wrong():
    facts = Evidence(
        tolerances={Dimension.TIME: Status.BREACHED, Dimension.COST: Status.FORECAST_TO_BREACH},
        overdue_milestones=3,
        open_high_risks=2,
        missing_reports=2,
        days_since_report=None,
    )
    verdicts = assess_evidence(facts)
    assert verdicts[Area.SCHEDULE].reasons == ("time tolerance breached", "3 milestone(s) overdue")
    assert verdicts[Area.COST].rating is Rating.AMBER
    assert verdicts[Area.RISKS].reasons == ("2 open high risk(s)",)
    whole = overall(facts, verdicts)
    assert whole.rating is Rating.RED
    assert whole.reasons[-2:] == ("2 report(s) missing", "no highlight report yet")


def test_a_stale_report_counts_only_beyond_the_threshold():
    thresholds = Thresholds(stale_report_days=45)
    on_the_day = Evidence(days_since_report=45)
    after = Evidence(days_since_report=46)
    assert overall(on_the_day, assess_evidence(on_the_day), thresholds).rating is Rating.GREEN
    late = overall(after, assess_evidence(after), thresholds)
    assert late.rating is Rating.AMBER and late.reasons == ("last report 46 days old",)


@given(ratings)
def test_declared_red_is_never_optimistic(found):
    assert not is_optimistic(Rating.RED, found)


@given(ratings, ratings)
def test_optimistic_only_when_declared_is_more_than_one_step_better(declared, found):
    assert is_optimistic(declared, found) == (found - declared >= 2)
    if declared >= found:
        assert not is_optimistic(declared, found)


@given(ratings, ratings, ratings)
def test_worse_evidence_never_clears_an_optimism_flag(declared, found, worse_found):
    if is_optimistic(declared, found) and worse_found >= found:
        assert is_optimistic(declared, worse_found)


def test_one_open_high_risk_alone_is_not_evidence_against_a_green_status():
    """A single high risk being managed is normal; two or more turn the risk area amber."""
    assert assess_evidence(Evidence(open_high_risks=1))[Area.RISKS] == Verdict(Rating.GREEN, ())
    assert assess_evidence(Evidence(open_high_risks=2))[Area.RISKS].rating is Rating.AMBER


def test_stale_raid_items_count_against_the_risks_area_with_the_stale_period_in_the_reason():
    thresholds = Thresholds(stale_raid_days=30, stale_raid_amber=3, stale_raid_red=10)
    assert assess_evidence(Evidence(stale_raid_items=2), thresholds)[Area.RISKS] == Verdict(Rating.GREEN, ())
    four = assess_evidence(Evidence(stale_raid_items=4), thresholds)
    assert four[Area.RISKS] == Verdict(Rating.AMBER, ("4 RAID items not reviewed in 30 days",))
    assert overall(Evidence(stale_raid_items=4), four, thresholds).reasons[0] == (
        "4 RAID items not reviewed in 30 days"
    )
    ten = assess_evidence(Evidence(stale_raid_items=10), Thresholds(stale_raid_days=14))
    assert ten[Area.RISKS] == Verdict(Rating.RED, ("10 RAID items not reviewed in 14 days",))
    assert {area for area, v in four.items() if v.rating > Rating.GREEN} == {Area.RISKS}


def test_past_due_raid_items_count_against_the_risks_area_after_high_risks():
    facts = Evidence(open_high_risks=2, past_due_raid_items=5, stale_raid_items=1)
    verdict = assess_evidence(facts, Thresholds(past_due_raid_amber=2, past_due_raid_red=5))[Area.RISKS]
    assert verdict == Verdict(Rating.RED, ("2 open high risk(s)", "5 RAID items past due"))
    one = Thresholds(past_due_raid_amber=1)
    assert assess_evidence(Evidence(past_due_raid_items=1), one)[Area.RISKS].reasons == (
        "1 RAID item past due",
    )


@given(counts, counts, st.integers(min_value=1, max_value=365))
def test_raid_counts_below_both_thresholds_leave_the_risks_area_green(stale, late, days):
    thresholds = Thresholds(
        stale_raid_days=days,
        stale_raid_amber=stale + 1,
        stale_raid_red=stale + 2,
        past_due_raid_amber=late + 1,
        past_due_raid_red=late + 2,
    )
    facts = Evidence(stale_raid_items=stale, past_due_raid_items=late)
    assert assess_evidence(facts, thresholds)[Area.RISKS] == Verdict(Rating.GREEN, ())


@given(st.integers(min_value=0, max_value=50), st.integers(min_value=1, max_value=365))
def test_stale_raid_rating_follows_its_thresholds(stale, days):
    thresholds = Thresholds(stale_raid_days=days)
    verdict = assess_evidence(Evidence(stale_raid_items=stale), thresholds)[Area.RISKS]
    expected = (
        Rating.RED
        if stale >= thresholds.stale_raid_red
        else Rating.AMBER
        if stale >= thresholds.stale_raid_amber
        else Rating.GREEN
    )
    assert verdict.rating is expected
    assert any(f"not reviewed in {days} days" in reason for reason in verdict.reasons) == (
        expected > Rating.GREEN
    )


def test_cpi_and_spi_t_below_their_thresholds_turn_cost_and_schedule_amber_with_the_figures():
    thresholds = Thresholds(cpi=Decimal("0.95"), spi_t=Decimal("0.95"))
    evidence = Evidence(cpi=Decimal("0.8234"), spi_t=Decimal("0.95"), days_since_report=1)

    verdicts = assess_evidence(evidence, thresholds)

    assert verdicts[Area.COST] == Verdict(Rating.AMBER, ("CPI 0.82 below 0.95",))
    assert verdicts[Area.SCHEDULE] == Verdict(Rating.GREEN, ())  # at the threshold is not below
    below = assess_evidence(replace(evidence, spi_t=Decimal("0.7")), thresholds)
    assert below[Area.SCHEDULE] == Verdict(Rating.AMBER, ("SPI(t) 0.70 below 0.95",))
    just = assess_evidence(replace(evidence, cpi=Decimal("0.9499")), thresholds)
    assert just[Area.COST].reasons == ("CPI just below 0.95",)  # not "0.95 below 0.95"


def test_earned_value_is_not_judged_without_thresholds_or_figures():
    assert assess_evidence(Evidence(cpi=Decimal("0.1")))[Area.COST].rating is Rating.GREEN
    no_figures = assess_evidence(Evidence(), Thresholds(cpi=Decimal("0.95"), spi_t=Decimal("0.95")))
    assert all(v.rating is Rating.GREEN for v in no_figures.values())
