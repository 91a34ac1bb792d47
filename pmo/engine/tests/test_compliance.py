"""PMO standards compliance: each kind of rule judged with its reason, whom a rule applies to,
the weighted score, and the portfolio summary; properties of the score."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.compliance import Compliance, Facts, Kind, Result, Rule, evaluate, judge, score, summarise

TODAY = dt.date(2026, 12, 6)
GOOD = Facts(
    size_tier="medium",
    methodology="waterfall",
    stage="Delivery",
    period="November 2026",
    period_due=dt.date(2026, 12, 5),
    report_handed_in=True,
    report_handed_in_on=dt.date(2026, 12, 3),
    baseline=(2, dt.date(2026, 3, 1)),
    plan_updated=dt.date(2026, 11, 30),
    sponsor="Sam Sponsor",
    manager="Pat Manager",
    budget=1,
    forecast_made=dt.date(2026, 11, 20),
    next_gate=("Gate 4: Readiness for handover", dt.date(2026, 12, 20), ()),
)


def rule(kind: Kind, **extra) -> Rule:
    return Rule(key=kind.value, kind=kind, name=kind.value, **extra)


def test_every_rule_is_met_by_a_project_in_good_order():
    found = evaluate([rule(kind) for kind in Kind], GOOD, TODAY)
    assert found.score == 100
    assert found.failing == ()
    assert {r.reason for r in found.results} >= {
        "Highlight report for November 2026 handed in on time.",
        "Baseline v2 approved on 1 Mar 2026.",
        "The plan was updated on 30 Nov 2026, within 30 days.",
        "Sponsor Sam Sponsor and project manager Pat Manager named.",
        "Budget version 1 approved.",
        "Every piece of evidence for Gate 4: Readiness for handover (due 20 Dec 2026) is there.",
    }


def test_a_gates_evidence_is_owed_from_its_rules_days_before_it_is_due():
    gate = ("Gate 3: Approval to deliver", dt.date(2027, 2, 1), ("Business case",))
    early = Facts(next_gate=gate)
    assert judge(rule(Kind.GATE_EVIDENCE, days=30), early, TODAY).reason == (
        "Gate 3: Approval to deliver is due on 1 Feb 2027, more than 30 days ahead."
    )
    assert not judge(rule(Kind.GATE_EVIDENCE, days=60), early, TODAY).met
    overdue = Facts(next_gate=("Gate 3: Approval to deliver", dt.date(2026, 11, 1), ("Business case",)))
    assert not judge(rule(Kind.GATE_EVIDENCE, days=30), overdue, TODAY).met
    assert judge(rule(Kind.GATE_EVIDENCE), Facts(), TODAY).reason == "No gate ahead."
    undated = Facts(next_gate=("Gate 2: Approval to plan", None, ("Brief",)))
    assert judge(rule(Kind.GATE_EVIDENCE), undated, TODAY).met


def test_each_rule_says_why_it_is_not_met():
    bad = Facts(
        period="November 2026",
        period_due=dt.date(2026, 12, 5),
        plan_updated=dt.date(2026, 9, 1),
        stale_raid=3,
        stale_raid_oldest=80,
        overdue_actions=2,
        sponsor="Pat",
        manager="Pat",
        next_gate=("Gate 4: Readiness for handover", dt.date(2026, 12, 20), ("Test report", "Handover plan")),
    )
    reasons = {r.rule.kind: r.reason for r in evaluate([rule(kind) for kind in Kind], bad, TODAY).failing}
    assert reasons == {
        Kind.REPORT_ON_TIME: "No highlight report handed in for November 2026 (due 5 Dec 2026).",
        Kind.RAID_REVIEWED: "3 open risk(s) and issue(s) not reviewed within 30 days (oldest 80 days).",
        Kind.BASELINE_APPROVED: "No baseline approved yet.",
        Kind.PLAN_CURRENT: "The plan was last updated on 1 Sep 2026, 96 days ago (more than 30).",
        Kind.ACTIONS_NOT_OVERDUE: "2 open action(s) past their due date.",
        Kind.ROLES_ASSIGNED: "Pat is both sponsor and project manager.",
        Kind.BUDGET_APPROVED: "No budget version approved.",
        Kind.FORECAST_CURRENT: "No finance forecast made.",
        Kind.GATE_EVIDENCE: "Gate 4: Readiness for handover is due on 20 Dec 2026 and 2 piece(s) of its "
        "evidence are missing: Test report, Handover plan.",
    }


def test_a_report_is_not_owed_before_any_period_is_due_and_a_plan_must_exist():
    assert judge(rule(Kind.REPORT_ON_TIME), Facts(), TODAY).reason == "No highlight report was due yet."
    assert judge(rule(Kind.PLAN_CURRENT), Facts(), TODAY).reason == "No plan imported."


def test_a_sponsor_or_manager_who_cannot_sign_in_fails_the_roles_rule():
    found = judge(
        rule(Kind.ROLES_ASSIGNED), Facts(sponsor="Sam", manager="Pat", manager_can_sign_in=False), TODAY
    )
    assert (found.met, found.reason) == (False, "The project manager Pat cannot sign in (no user account).")


def test_the_n_days_are_the_rules_own():
    late = Facts(forecast_made=dt.date(2026, 10, 1))
    assert not judge(rule(Kind.FORECAST_CURRENT, days=45), late, TODAY).met
    assert judge(rule(Kind.FORECAST_CURRENT, days=90), late, TODAY).met


def test_a_rule_applies_only_to_its_tiers_methodologies_and_stages():
    rules = [
        rule(Kind.BASELINE_APPROVED, stages=("Delivery", "Closure")),
        rule(Kind.PLAN_CURRENT, methodologies=("waterfall",)),
        rule(Kind.BUDGET_APPROVED, size_tiers=("large",)),
    ]
    agile_planning = Facts(size_tier="medium", methodology="agile", stage="Planning")
    assert evaluate(rules, agile_planning, TODAY).results == ()
    assert evaluate(rules, agile_planning, TODAY).score == 100
    assert [r.rule.kind for r in evaluate(rules, GOOD, TODAY).results] == [
        Kind.BASELINE_APPROVED,
        Kind.PLAN_CURRENT,
    ]


def test_the_score_is_the_weight_met_of_the_weight_that_applies():
    rules = [rule(Kind.REPORT_ON_TIME, weight=3), rule(Kind.BUDGET_APPROVED, weight=1)]
    due = dt.date(2026, 12, 5)
    assert evaluate(rules, Facts(period="Nov", period_due=due, report_handed_in=True), TODAY).score == 75
    assert evaluate(rules, Facts(period="Nov", period_due=due, budget=1), TODAY).score == 25


def test_a_report_handed_in_after_its_due_day_is_not_on_time():
    late = Facts(period="November 2026", period_due=dt.date(2026, 12, 5), report_handed_in=True,
                 report_handed_in_on=dt.date(2026, 12, 6))  # fmt: skip
    found = judge(rule(Kind.REPORT_ON_TIME), late, TODAY)
    assert not found.met
    assert (
        found.reason
        == "The highlight report for November 2026 was handed in late, on 6 Dec 2026 (due 5 Dec 2026)."
    )


results = st.lists(
    st.builds(Result, st.builds(Rule, st.just("k"), st.sampled_from(Kind), st.just("n"), st.integers(1, 10)),
              st.booleans(), st.just("")),
    max_size=12,
)  # fmt: skip


@given(results)
def test_the_score_is_between_0_and_100_and_100_only_when_every_rule_is_met(found):
    value = score(found)
    assert 0 <= value <= 100
    assert (value == 100) == all(r.met for r in found)


def test_the_summary_counts_the_failing_rules_and_the_fully_compliant():
    failing = Result(rule(Kind.BUDGET_APPROVED), False, "")
    met = Result(rule(Kind.REPORT_ON_TIME), True, "")
    summary = summarise([Compliance((met,), 100), Compliance((met, failing), 50), Compliance((failing,), 0)])
    assert (summary.projects, summary.mean, summary.compliant) == (3, 50.0, 1)
    assert summary.failing_by_rule == {"budget_approved": 2}
    assert summarise([]).mean is None
