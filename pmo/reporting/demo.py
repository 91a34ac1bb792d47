"""The demo's reporting cycle: twelve months of highlight reports, baselines, tolerances,
exceptions and corrective actions (RAID actions) for the demo portfolio's active projects.

The story, told through the services so history, tolerance checks, exceptions and
notifications come out as they would in real use:

- every active project has an approved baseline with milestones (a few have a second version)
  and two have tolerances of their own;
- most projects report steadily; three slip month by month and say so (amber, then red, with
  corrective actions, some overdue); one declares green while its forecasts are close to
  tolerance and its milestones are overdue; four report late and have not reported this period;
- one exception has gone through its whole workflow (raised, report requested, exception
  report, the sponsor's decision with a new baseline); one waits for the ``pm`` login's
  exception report and one for the ``sponsor`` login's decision;
- old periods are published and closed; the current period (the month holding today) has
  reports accepted, submitted, returned, in draft and missing.

The demo replays the year: each event runs with the product's clock (``pmo.core.clock``) held
at the moment it happened (``pmo.core.demo.demo_run``), so everything the services stamp
(submission and review times, history dates, when an exception was raised and when its report
is due, notifications) carries that date. Holding the clock affects only the thread building
the demo; Django's own clock is never touched. Every
random choice comes from ``ctx.rng``, so the demo is the same on every run on the same day. The
year's notifications count as e-mailed when they happened: loading the demo sends no e-mail.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pmo.core import clock
from pmo.core.demo import demo_moment, demo_run, demo_step
from pmo.core.models import Notification, User
from pmo.engine.periods import previous_periods
from pmo.portfolio.choices import Methodology, ProjectStatus
from pmo.portfolio.demo import DemoContext
from pmo.portfolio.models import Project
from pmo.raid.choices import ActionSource
from pmo.raid.choices import ActionStatus as RaidActionStatus
from pmo.raid.models import Action
from pmo.raid.services import raid_item_create, raid_item_update
from pmo.reporting import selectors, services
from pmo.reporting.adapters import to_engine
from pmo.reporting.choices import (
    ExceptionDecision,
    Rating,
    ToleranceDimension,
)
from pmo.reporting.models import Baseline, HighlightReport, ReportingPeriod

HISTORY_PERIODS = 12
"""The demo reports over the twelve monthly periods ending with the current month."""

DECIDED_EXCEPTION = "Replace Adults' social care case management system"
"""Breached time four periods ago; exception report, then a new baseline from its sponsor."""
AWAITING_REPORT = "Cyber incident remediation"
"""Breached cost this period: the ``pm`` login owes the exception report."""
AWAITING_DECISION = "Technology-enabled care: digital alarm switchover"
"""Breached cost last period; exception report in: the ``sponsor`` login decides."""
OVER_OPTIMISTIC = "Migrate data centre to Azure"
"""Declares green throughout while its forecasts near tolerance and milestones pass unmet."""
SLIPPING = (
    "Windows 11 rollout",
    "Contact centre telephony replacement",
    "Council tax online self-service",
)
LATE_REPORTERS = (
    "Highways asset management system upgrade",
    "Parking permits and enforcement system",
    "Library management system re-procurement",
    "Homelessness case management system",
)
REBASELINED = {
    "SharePoint Online migration of network file shares": (
        35, Decimal(40_000),
        "Change request CR-021 approved at the IT Portfolio Board: two more departments' file "
        "shares added to scope.",
    ),
    "Corporate data platform": (
        28, Decimal(60_000),
        "Re-planned after discovery (IT Portfolio Board): the social care data feeds move to "
        "release 2.",
    ),
}
OWN_TOLERANCES = {
    # name: (dimension, absolute, percent)
    "Payments platform re-procurement (PCI DSS)": (ToleranceDimension.TIME, Decimal(10), None),
    "Replace Children's social care case management system": (
        ToleranceDimension.COST, Decimal(100_000), Decimal(3),
    ),
}

STEADY, SLIPPING_PATTERN, OPTIMISTIC, LATE = "steady", "slipping", "optimistic", "late"
DECIDED, AWAITING_REPORT_PATTERN = "decided", "awaiting_report"
AWAITING_DECISION_PATTERN = "awaiting_decision"

MILESTONES = {
    Methodology.WATERFALL: (
        "Requirements signed off", "Supplier contract awarded", "Design approved",
        "User acceptance testing complete", "Go-live",
    ),
    Methodology.AGILE: (
        "Discovery complete", "Alpha complete", "Private beta live", "Public beta live", "Live service",
    ),
    Methodology.HYBRID: (
        "Discovery complete", "Supplier contract awarded", "Build complete",
        "User acceptance testing complete", "Go-live",
    ),
}
WORK_DONE = (
    "Supplier progress meetings held weekly; actions up to date.",
    "Test scripts written and reviewed with the business owner.",
    "Risk workshop held with the service; register refreshed.",
    "Data mapping for the next release agreed.",
    "Training needs analysis completed with service leads.",
    "Sprint reviews held with the service every fortnight.",
    "Technical design reviewed by the Design Authority.",
    "Communications plan agreed with the service.",
)
RISKS_STEADY = (
    "Key staff leave over the holiday period; cover arranged.",
    "Supplier resourcing: named team confirmed until go-live.",
    "Service capacity to test in a busy period; testing dates agreed in advance.",
)
RISKS_AT_RISK = (
    "Supplier delivery is behind plan; the recovery plan is not yet proven.",
    "Testing found more defects than expected; fixes compete with new work.",
    "Key specialist leaving; replacement not yet recruited.",
)
SUPPORT_NEEDED = "Sponsor to confirm the recovery plan at the next board."
RETURN_COMMENTS = (
    "The forecast cost does not match the finance ledger: reconcile and resubmit.",
    "Milestone dates differ from the plan agreed at the board: explain or correct them.",
    "The summary says 'on track' but the schedule is amber: make them agree.",
)


@dataclass
class _Story:
    """One active project's year: its pattern, current baseline and what it has achieved."""

    project: Project
    pattern: str
    actor: User  # the project manager's user, who writes and submits its reports
    original_finish: dt.date
    original_budget: Decimal
    baseline: Baseline | None = None
    milestones: list[tuple[str, dt.date]] = field(default_factory=list)
    achieved: dict[str, dt.date] = field(default_factory=dict)
    level: tuple[float, float] = (0.0, 0.0)
    periods: list[ReportingPeriod] = field(default_factory=list)
    tolerances: dict[str, Any] = field(default_factory=dict)

    @property
    def current(self) -> Baseline:
        """The current baseline (every story has one once its first is approved)."""
        assert self.baseline is not None
        return self.baseline

    def allowance(self, dimension: ToleranceDimension, base: Decimal) -> Decimal:
        if not self.tolerances:
            self.tolerances = selectors.effective_tolerances([self.project])[self.project.pk]
        row = self.tolerances.get(dimension.value)
        baseline = self.current
        baseline.project = self.project
        tolerance = to_engine(row, baseline=baseline) if row is not None else None
        return tolerance.allowance(base) if tolerance is not None else Decimal(0)


@dataclass
class _Cycle:
    """What the reporting steps share: the demo users, the periods and each project's story."""

    ctx: DemoContext
    periods: list[ReportingPeriod] = field(default_factory=list)
    stories: dict[str, _Story] = field(default_factory=dict)

    def user(self, username: str) -> User:
        return self.ctx.users[username]

    @property
    def today(self) -> dt.date:
        return self.ctx.today


_CYCLE: dict[int, _Cycle] = {}


def _cycle(ctx: DemoContext, *, fresh: bool = False) -> _Cycle:
    """The reporting state of this build (a new one for a new build)."""
    cycle = _CYCLE.get(id(ctx))
    if fresh or cycle is None or cycle.ctx is not ctx:
        cycle = _CYCLE[id(ctx)] = _Cycle(ctx)
    return cycle


# --- the clock (pmo.core.demo's, shared by every app's demo steps) ----------------------

_moment = demo_moment
_run = demo_run


# --- periods --------------------------------------------------------------------------------


@demo_step(order=200)
def reporting_periods(ctx: DemoContext) -> None:
    """The twelve monthly periods ending with the current month, each opened on its first day
    by the periodic run."""
    cycle = _cycle(ctx, fresh=True)
    cadence = selectors.reporting_settings().cadence
    for start, _end in previous_periods(ctx.today, cadence, HISTORY_PERIODS):
        cycle.periods.append(_run(_moment(start, 6), services.reporting_period_open, actor=None, start=start))


# --- baselines and tolerances ---------------------------------------------------------------


def _pattern(name: str) -> str:
    if name == DECIDED_EXCEPTION:
        return DECIDED
    if name == AWAITING_REPORT:
        return AWAITING_REPORT_PATTERN
    if name == AWAITING_DECISION:
        return AWAITING_DECISION_PATTERN
    if name == OVER_OPTIMISTIC:
        return OPTIMISTIC
    if name in SLIPPING:
        return SLIPPING_PATTERN
    if name in LATE_REPORTERS:
        return LATE
    return STEADY


def _start(project: Project) -> dt.date:
    """The planned start (every demo project has one)."""
    assert project.planned_start is not None
    return project.planned_start


def _milestone_plan(project: Project, finish: dt.date) -> list[tuple[str, dt.date]]:
    names = MILESTONES[Methodology(project.methodology)]
    span = (finish - _start(project)).days
    return [
        (name, _start(project) + dt.timedelta(days=round(span * (i + 1) / len(names))))
        for i, name in enumerate(names)
    ]


def _benefits(ctx: DemoContext, project: Project) -> Decimal:
    if project.category in ("mandatory", "technical"):
        return Decimal(0)
    return Decimal(round(float(project.budget) * ctx.rng.uniform(1.2, 3.0), -4))


@demo_step(order=210)
def reporting_baselines(ctx: DemoContext) -> None:
    """A first baseline for every active project, approved by the PMO head as the project
    started (its plan as first registered), and the two projects' own tolerances."""
    cycle = _cycle(ctx)
    head = cycle.user("head")
    active = sorted(
        (p for p in ctx.projects.values() if p.status == ProjectStatus.ACTIVE), key=lambda p: p.code
    )
    originals = {
        row["id"]: row
        for row in Project.history.filter(history_type="+", id__in=[p.pk for p in active]).values(
            "id", "planned_finish", "budget"
        )
    }
    pm_users = {person.pk: person.user for person in ctx.people.values() if person.user_id}
    for project in active:
        project.refresh_from_db()
        original = originals[project.pk]
        story = _Story(
            project=project,
            pattern=_pattern(project.name),
            actor=pm_users[project.project_manager_id],
            original_finish=original["planned_finish"],
            original_budget=original["budget"],
        )
        story.level = (ctx.rng.uniform(-0.15, 0.35), ctx.rng.uniform(-0.1, 0.3))
        story.periods = [p for p in cycle.periods if p.end >= _start(project)]
        approved = _moment(_start(project) - dt.timedelta(days=4), 11)
        if project.name in OWN_TOLERANCES:
            dimension, absolute, percent = OWN_TOLERANCES[project.name]
            _run(
                approved - dt.timedelta(hours=1), services.tolerance_set, actor=head, project=project,
                dimension=dimension, absolute=absolute, percent=percent,
            )
        milestones = _milestone_plan(project, story.original_finish)
        story.baseline = _run(
            approved, services.baseline_approve, actor=head, project=project,
            finish=story.original_finish, budget_at_completion=story.original_budget,
            reason="Business case and project plan approved at the start of delivery.",
            scope_summary=project.description, benefits_value=_benefits(ctx, project),
            milestones=milestones,
        )
        story.milestones = milestones
        cycle.stories[project.name] = story


# --- the reports ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """How one report goes: how much tolerance its forecasts use and what happens to it."""

    time: float  # share of the time tolerance the forecast finish uses (> 1 breaches)
    cost: float
    declared: dict[str, str]
    fate: str  # none, draft, submitted, returned, accepted, published
    submit: dt.datetime | None = None
    late: bool = False
    revise: bool = False  # returned once and corrected before acceptance


def _rating(used: float) -> str:
    if used >= 0.8:
        return Rating.RED
    if used >= 0.45:
        return Rating.AMBER
    return Rating.GREEN


def _declared(time: float, cost: float, *, honest: bool, rng: Any) -> dict[str, str]:
    if not honest:
        return dict.fromkeys(services.STATUS_FIELDS, Rating.GREEN)
    schedule, cost_rating = _rating(time), _rating(cost)
    ratings = {
        "schedule_status": schedule,
        "cost_status": cost_rating,
        "scope_status": Rating.GREEN,
        "risks_status": Rating.AMBER if rng.random() < 0.2 else Rating.GREEN,
        "resources_status": Rating.AMBER if rng.random() < 0.15 else Rating.GREEN,
        "benefits_status": Rating.GREEN,
    }
    worst = max(ratings.values(), key=lambda r: list(Rating.values).index(r))
    return {"overall_status": worst, **ratings}


def _shares(
    cycle: _Cycle, story: _Story, index: int, count: int, period: ReportingPeriod
) -> tuple[float, float]:
    """The share of time and cost tolerance the project's forecasts use in its ``index``-th
    report of ``count``."""
    rng = cycle.ctx.rng
    progress = (index + 1) / count
    periods = cycle.periods
    if story.pattern == SLIPPING_PATTERN:
        return 0.05 + 0.85 * progress ** 1.3, 0.6 * progress
    if story.pattern == OPTIMISTIC:
        return 0.1 + 0.82 * progress ** 1.5, 0.05 + 0.8 * progress ** 2
    if story.pattern == DECIDED:
        breach = periods[-5]
        if period.start < breach.start:
            return 0.2 + 0.5 * progress, 0.1 + 0.2 * progress
        if period == breach:
            return 1.15, 0.3
        return rng.uniform(0.3, 0.4), rng.uniform(0.05, 0.2)
    if story.pattern == AWAITING_REPORT_PATTERN:
        if period == periods[-1]:
            return 1.0, 1.7
        return rng.uniform(0.1, 0.3), 0.2 + 0.4 * progress
    if story.pattern == AWAITING_DECISION_PATTERN:
        if period.start >= periods[-2].start:
            return 0.4, 1.5
        return rng.uniform(0.1, 0.3), 0.1 + 0.4 * progress
    time_level, cost_level = story.level
    return time_level + rng.uniform(-0.1, 0.1), cost_level + rng.uniform(-0.08, 0.08)


def _submit_moment(cycle: _Cycle, story: _Story, period: ReportingPeriod) -> tuple[dt.datetime, bool]:
    """When a past period's report is handed in, and whether that is late."""
    rng = cycle.ctx.rng
    late = (story.pattern == LATE and rng.random() < 0.6) or rng.random() < 0.06
    if story.pattern == LATE and period == cycle.periods[-2]:
        late = True
    day = period.due + dt.timedelta(days=rng.randint(1, 8)) if late else period.due - dt.timedelta(
        days=rng.randint(0, 5)
    )
    return _moment(day, rng.randint(9, 17), rng.choice((0, 15, 30, 45))), late


CURRENT_FATES = {
    DECIDED: "returned",
    AWAITING_REPORT_PATTERN: "submitted",
    AWAITING_DECISION_PATTERN: "draft",
    OPTIMISTIC: "accepted",
    SLIPPING_PATTERN: "submitted",
    LATE: "none",
}
PM_CURRENT_FATES = {
    "Social care data migration": "draft",
    "PSN compliance remediation": "none",
    "Wi-Fi refresh across libraries": "accepted",
}


def _current_fate(cycle: _Cycle, story: _Story) -> str:
    if story.pattern in CURRENT_FATES:
        return CURRENT_FATES[story.pattern]
    if story.project.name in PM_CURRENT_FATES:
        return PM_CURRENT_FATES[story.project.name]
    return cycle.ctx.rng.choices(
        ("accepted", "submitted", "draft", "none"), weights=(30, 20, 25, 25)
    )[0]


def _current_moment(cycle: _Cycle, period: ReportingPeriod, days_ago: int) -> dt.datetime:
    """A moment ``days_ago`` before today, but within the current period and before today."""
    rng = cycle.ctx.rng
    day = max(period.start, cycle.today - dt.timedelta(days=days_ago))
    if day >= cycle.today:
        return _moment(cycle.today, 0, rng.randint(1, 20))
    return _moment(day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)))


def _plan(cycle: _Cycle, story: _Story, period: ReportingPeriod) -> _Plan:
    rng = cycle.ctx.rng
    index = story.periods.index(period)
    time, cost = _shares(cycle, story, index, len(story.periods), period)
    declared = _declared(time, cost, honest=story.pattern != OPTIMISTIC, rng=rng)
    if period == cycle.periods[-1]:
        fate = _current_fate(cycle, story)
        days_ago = 3 if story.pattern == AWAITING_REPORT_PATTERN else rng.randint(2, 12)
        return _Plan(time, cost, declared, fate, _current_moment(cycle, period, days_ago))
    if story.pattern == LATE and rng.random() < 0.1 and period != cycle.periods[-2]:
        return _Plan(time, cost, declared, "draft")  # missed that month altogether
    if story.pattern == LATE and period == cycle.periods[-2] and story.project.name in LATE_REPORTERS[2:]:
        return _Plan(time, cost, declared, "draft")  # not handed in yet, and late
    submit, late = _submit_moment(cycle, story, period)
    if story.pattern == AWAITING_DECISION_PATTERN and period == cycle.periods[-2]:
        submit, late = _moment(max(period.start, period.end - dt.timedelta(days=2)), 10), False
    revise = story.pattern not in (DECIDED, AWAITING_DECISION_PATTERN) and rng.random() < 0.05
    return _Plan(time, cost, declared, "published", submit, late, revise)


def _whole_days(share: float, allowance: Decimal) -> int:
    return math.floor(share * float(allowance))


def _fields(cycle: _Cycle, story: _Story, plan: _Plan, as_of: dt.date) -> tuple[dict[str, Any], list[Any]]:
    rng = cycle.ctx.rng
    baseline = story.current
    project = story.project
    shift = _whole_days(plan.time, story.allowance(ToleranceDimension.TIME, Decimal(0)))
    finish = max(baseline.finish + dt.timedelta(days=shift), _start(project))
    cost_allowance = story.allowance(ToleranceDimension.COST, baseline.budget_at_completion)
    cost = baseline.budget_at_completion + Decimal(
        math.floor(plan.cost * float(cost_allowance) / 1000) * 1000
    )
    risk_allowance = int(story.allowance(ToleranceDimension.RISK, Decimal(0)))
    at_risk = story.pattern in (SLIPPING_PATTERN, OPTIMISTIC)
    high_risks = risk_allowance if at_risk else rng.randint(0, risk_allowance // 2)
    milestones = []
    upcoming = None
    achieved_now = []
    for name, due in story.milestones:
        if name in story.achieved:
            milestones.append(services.MilestoneForecast(name, story.achieved[name], story.achieved[name]))
            continue
        if story.pattern == OPTIMISTIC:
            forecast = due  # never re-forecast: the dates pass unmet
            if due < as_of - dt.timedelta(days=100):
                story.achieved[name] = due
                achieved_now.append(name)
                milestones.append(services.MilestoneForecast(name, due, due))
                continue
        else:
            forecast = max(due + dt.timedelta(days=shift), _start(project))
            if forecast <= as_of:
                story.achieved[name] = forecast
                achieved_now.append(name)
                milestones.append(services.MilestoneForecast(name, forecast, forecast))
                continue
        upcoming = upcoming or (name, forecast)
        milestones.append(services.MilestoneForecast(name, forecast))
    overall = plan.declared["overall_status"]
    progress = (
        f"Next milestone: {upcoming[0]}, forecast {upcoming[1]:%d %b %Y}."
        if upcoming
        else "All milestones achieved; closing the project down."
    )
    summary = {
        Rating.GREEN: "On track against the baseline.",
        Rating.AMBER: "Some slippage against the plan, recoverable within tolerance.",
        Rating.RED: "Behind plan and close to tolerance: recovery actions under way.",
    }[Rating(overall)]
    if plan.time > 1 or plan.cost > 1:
        summary = "Forecast beyond tolerance: exception report to follow."
    achievements = " ".join(
        [f"Milestone achieved: {name}." for name in achieved_now] + [rng.choice(WORK_DONE)]
    )
    fields: dict[str, Any] = {
        **plan.declared,
        "summary": f"{summary} {progress}",
        "achievements": achievements,
        "next_period_plan": f"{progress} {rng.choice(WORK_DONE)}",
        "forecast_finish": finish,
        "forecast_cost": cost,
        "forecast_benefits": baseline.benefits_value or None,
        "scope_change_percent": Decimal(0),
        "quality_criteria_at_risk": 0,
        "high_risks_open": high_risks,
        "key_risks_issues": rng.choice(RISKS_AT_RISK if overall != Rating.GREEN or at_risk else RISKS_STEADY),
        "support_needed": SUPPORT_NEEDED if overall == Rating.RED else "",
        "lessons": "",
    }
    return fields, milestones


def _report(cycle: _Cycle, story: _Story, period: ReportingPeriod, plan: _Plan) -> HighlightReport | None:
    """Write one report through its workflow as far as ``plan`` says, each step at its time."""
    rng = cycle.ctx.rng
    officer, analyst = cycle.user("officer"), cycle.user("analyst")
    actor, project = story.actor, story.project
    if plan.fate == "none":
        return None
    submit = plan.submit or _moment(min(period.end, cycle.today - dt.timedelta(days=1)), 9)
    drafted = max(
        submit - dt.timedelta(days=rng.randint(0, 3), hours=2),
        _moment(period.start, 8),
        story.current.approved_at + dt.timedelta(hours=1),
    )
    drafted = min(drafted, submit - dt.timedelta(minutes=30))
    if drafted.date() >= cycle.today and period != cycle.periods[-1]:
        return None
    fields, milestones = _fields(cycle, story, plan, min(submit.date(), cycle.today))
    report = _run(drafted, services.highlight_report_start, actor=actor, project=project, period=period)
    report = _run(
        drafted + dt.timedelta(minutes=20), services.highlight_report_update, actor=actor, report=report,
        fields=fields, expected_version=report.version, milestones=milestones,
    )
    if plan.fate == "draft" or (submit.date() >= cycle.today and period != cycle.periods[-1]):
        return report
    report = _run(submit, services.highlight_report_submit, actor=actor, report=report,
                  expected_version=report.version)
    if plan.fate == "submitted":
        return report
    current = period == cycle.periods[-1]
    reviewed = submit + dt.timedelta(days=0 if current else rng.randint(1, 3), hours=2)
    if current and reviewed.date() >= cycle.today:
        reviewed = submit + dt.timedelta(minutes=40)
    if reviewed.date() >= cycle.today and not current:
        return report  # the PMO has not looked at it yet
    if plan.fate == "returned" or plan.revise:
        report = _run(
            reviewed, services.highlight_report_return, actor=officer, report=report,
            comments=rng.choice(RETURN_COMMENTS), expected_version=report.version,
        )
        if plan.fate == "returned":
            return report
        revised_at = reviewed + dt.timedelta(days=1)
        if revised_at.date() + dt.timedelta(days=1) >= cycle.today:
            return report
        report = _run(revised_at, services.highlight_report_revise, actor=actor, report=report)
        report = _run(
            revised_at + dt.timedelta(minutes=15), services.highlight_report_update, actor=actor,
            report=report, fields={"summary": fields["summary"] + " (Corrected as the PMO asked.)"},
            expected_version=report.version,
        )
        report = _run(revised_at + dt.timedelta(minutes=30), services.highlight_report_submit,
                      actor=actor, report=report, expected_version=report.version)
        reviewed = revised_at + dt.timedelta(days=1)
    report = _run(reviewed, services.highlight_report_accept, actor=officer, report=report,
                  expected_version=report.version)
    if plan.fate == "accepted":
        return report
    board = _moment(max(period.due + dt.timedelta(days=8), reviewed.date() + dt.timedelta(days=1)), 14)
    if board.date() >= cycle.today:
        return report
    return _run(board, services.highlight_report_publish, actor=analyst, report=report,
                expected_version=report.version)


# --- exceptions, re-baselines and actions ---------------------------------------------------


def _decide_exception(cycle: _Cycle, story: _Story) -> None:
    """The whole exception workflow: the PM's exception report a week after the breach, the
    sponsor's decision at the programme board a week later, with a new baseline."""
    exception = story.project.exceptions.get()
    pm, sponsor = cycle.user("pm"), cycle.user("sponsor")
    raised = exception.raised_at
    exception = _run(
        raised + dt.timedelta(days=6, hours=3), services.exception_report_submit, actor=pm,
        exception=exception,
        cause="Data migration rehearsal 2 failed: 14% of care packages did not reconcile with the "
              "old system, and the supplier needs a third rehearsal to prove the fixes.",
        consequences="Go-live moves nine weeks under the current plan, beyond the time tolerance; "
                     "the old system's contract must be extended for the same period.",
        options="A: go live on the current date with manual workarounds (no delay; high risk to "
                "payments to providers). B: add a third rehearsal and two weeks of parallel running "
                "(go-live six weeks later, +£260,000, risk back within appetite). C: pause until the "
                "supplier's new migration tool is ready (go-live four months later, +£600,000).",
        recommendation="Option B: a third rehearsal and parallel running; rebaseline the finish "
                       "six weeks later and the budget to £3.86m.",
        expected_version=exception.version,
    )
    decided_at = raised + dt.timedelta(days=13, hours=4)
    baseline = story.current
    new_milestones = _moved(story, days=42)
    _run(
        decided_at, services.exception_decide, actor=sponsor, exception=exception,
        decision=ExceptionDecision.NEW_BASELINE,
        notes="Option B approved at the Social Care Systems Programme Board.",
        expected_version=exception.version,
        baseline={
            "finish": story.project.planned_finish,
            "budget_at_completion": story.project.budget,
            "reason": "Exception decision: option B (third migration rehearsal and parallel running).",
            "scope_summary": baseline.scope_summary,
            "benefits_value": baseline.benefits_value,
            "milestones": new_milestones,
        },
    )
    story.baseline = selectors.current_baselines([story.project.pk])[story.project.pk]
    story.milestones = new_milestones
    exception.refresh_from_db()
    person = cycle.ctx.people
    for offset, due_in, text, owner, done in (
        (1, 30, "Run a third data migration rehearsal and reconcile every care package", "pm", True),
        (1, 45, "Supplier to add two data migration consultants until go-live", "pm", False),
        (2, 150, "Agree two weeks of parallel running with Adult Care Assessment", "Rebecca Stone", False),
    ):
        created = decided_at + dt.timedelta(days=offset)
        action = _run(
            created, services.exception_action_add, actor=pm, exception=exception, title=text,
            owner=story.project.project_manager if owner == "pm" else person[owner],
            due=created.date() + dt.timedelta(days=due_in),
        )
        if done:
            _done(created + dt.timedelta(days=due_in - 3), pm, action)


def _done(at: dt.datetime, actor: Any, action: Action) -> None:
    _run(at, raid_item_update, actor=actor, item=action, fields={"status": RaidActionStatus.DONE},
         expected_version=action.version)


def _submit_exception_report(cycle: _Cycle, story: _Story) -> None:
    """The PM's exception report for the switchover's cost breach, waiting for the sponsor."""
    exception = story.project.exceptions.get()
    at = min(
        exception.raised_at + dt.timedelta(days=9),
        _moment(cycle.today - dt.timedelta(days=1), 16),
    )
    at = max(at, exception.raised_at + dt.timedelta(hours=2))
    _run(
        at, services.exception_report_submit, actor=cycle.user("pm"), exception=exception,
        cause="The telephone provider brought the analogue switch-off in our area forward by five "
              "months: 1,900 alarm units must be replaced this winter instead of over two years.",
        consequences="Buying and fitting the units at once costs more (overtime and a second "
                     "installer); the finish date holds.",
        options="A: replace all units before the switch-off (+£95,000; no risk to residents). "
                "B: replace the highest-risk 1,100 units first and the rest on battery back-up "
                "adaptors (+£40,000; residual risk during power cuts).",
        recommendation="Option A: residents' safety outweighs the cost; fund it from the "
                       "Better Care Fund contingency.",
        expected_version=exception.version,
    )
    created = at + dt.timedelta(hours=1)
    _run(
        created, services.exception_action_add, actor=cycle.user("pm"), exception=exception,
        title="Confirm revised alarm unit volumes and delivery dates with the supplier",
        owner=story.project.project_manager, due=created.date() + dt.timedelta(days=14),
    )


def _moved(story: _Story, *, days: int) -> list[tuple[str, dt.date]]:
    """The story's milestones with those not yet achieved moved ``days`` later."""
    return [
        (name, due if name in story.achieved else due + dt.timedelta(days=days))
        for name, due in story.milestones
    ]


def _rebaseline(cycle: _Cycle, story: _Story, at: dt.datetime) -> None:
    days, extra, reason = REBASELINED[story.project.name]
    baseline = story.current
    milestones = _moved(story, days=days)
    story.baseline = _run(
        at, services.baseline_approve, actor=cycle.user("head"), project=story.project,
        finish=baseline.finish + dt.timedelta(days=days),
        budget_at_completion=baseline.budget_at_completion + extra, reason=reason,
        scope_summary=baseline.scope_summary, benefits_value=baseline.benefits_value, milestones=milestones,
    )
    story.milestones = milestones


# (project, description, owner: "pm", "sponsor" or a person, days before today created, days to due, done)
ACTIONS = (
    ("Windows 11 rollout", "Agree weekend deployment slots with the service desk to recover 300 devices",
     "pm", 50, 21, False),
    ("Windows 11 rollout", "Second deployment engineer from the supplier framework", "Mark Jennings",
     20, 30, False),
    ("Windows 11 rollout", "Re-plan the remaining waves and report to the IT Portfolio Board", "pm",
     60, 20, True),
    ("Contact centre telephony replacement", "Escalate the delayed number porting to the supplier's "
     "account director", "sponsor", 40, 14, False),
    ("Contact centre telephony replacement", "Second round of user acceptance testing for call "
     "recording", "pm", 10, 35, False),
    ("Council tax online self-service", "Fix the Direct Debit integration defects before public beta",
     "pm", 45, 28, False),
    ("Council tax online self-service", "Agree a revised go-live with Revenues & Benefits", "Nadia Ali",
     70, 21, True),
    (OVER_OPTIMISTIC, "Independent assurance review of the wave 3 migration plan", "Tom Fletcher",
     35, 21, False),
    (OVER_OPTIMISTIC, "Reconcile the reported milestone dates with the supplier's plan", "pm", 12, 21,
     False),
)


def _actions(cycle: _Cycle) -> None:
    """Recovery plans for the projects at risk, agreed at the IT Portfolio Board and recorded
    by the PMO officer in each project's RAID actions register; some are done, some overdue."""
    officer = cycle.user("officer")
    for name, text, owner, ago, due_in, done in ACTIONS:
        project = cycle.stories[name].project
        named = {"pm": project.project_manager, "sponsor": project.sponsor}
        who = named.get(owner) or cycle.ctx.people[owner]
        created = _moment(cycle.today - dt.timedelta(days=ago), 15)
        fields = {
            "title": text,
            "owner": who,
            "raised_on": created.date(),
            "due": created.date() + dt.timedelta(days=due_in),
            "source": ActionSource.MEETING,
            "source_reference": "IT Portfolio Board",
        }
        action = _run(created, raid_item_create, actor=officer, model=Action, register=project, fields=fields)
        if done:
            _done(created + dt.timedelta(days=due_in - 2), officer, action)


# --- the year, period by period -------------------------------------------------------------


@demo_step(order=220)
def reporting_history(ctx: DemoContext) -> None:
    """Twelve months of reports in order, with the exceptions, re-baselines and corrective
    actions where they fell; old periods are published and closed by the PMO."""
    cycle = _cycle(ctx)
    officer = cycle.user("officer")
    rebaseline_at = dict.fromkeys(REBASELINED, cycle.periods[-8])
    for period in cycle.periods:
        for name, story in cycle.stories.items():
            if period not in story.periods:
                continue
            if rebaseline_at.get(name) == period:
                _rebaseline(cycle, story, _moment(period.start + dt.timedelta(days=3), 12))
            report = _report(cycle, story, period, _plan(cycle, story, period))
            if report is None:
                continue
            if story.pattern == DECIDED and period == cycle.periods[-5]:
                _decide_exception(cycle, story)
            if story.pattern == AWAITING_DECISION_PATTERN and period == cycle.periods[-2]:
                _submit_exception_report(cycle, story)
        closing = period.due + dt.timedelta(days=21)
        if closing < ctx.today:
            period.refresh_from_db()
            _run(_moment(closing, 17), services.reporting_period_close, actor=officer, period=period,
                 expected_version=period.version)
    _actions(cycle)
    # The year's notifications went out by e-mail when they happened: none is sent now. (The
    # periodic run, started by `make run`, flags today's late reports itself.)
    Notification.objects.filter(emailed=False).update(emailed=True)
    Notification.objects.filter(created_at__lt=_moment(cycle.periods[-1].start, 0)).update(
        read_at=clock.now()
    )
    _CYCLE.pop(id(ctx), None)
