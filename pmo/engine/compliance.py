"""PMO standards compliance: each rule the PMO configures judged against the facts of one project
(met or not, and why), a weighted score per project (0-100) and the portfolio's summary.

Pure: the facts are read elsewhere, for many projects at once; nothing here reads a database or
the clock (``today`` is given)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    """The catalogue of automatic checks a rule can be."""

    REPORT_ON_TIME = "report_on_time"
    RAID_REVIEWED = "raid_reviewed"
    BASELINE_APPROVED = "baseline_approved"
    PLAN_CURRENT = "plan_current"
    ACTIONS_NOT_OVERDUE = "actions_not_overdue"
    ROLES_ASSIGNED = "roles_assigned"
    BUDGET_APPROVED = "budget_approved"
    FORECAST_CURRENT = "forecast_current"
    GATE_EVIDENCE = "gate_evidence"


@dataclass(frozen=True)
class Rule:
    """A rule as the engine needs it: its kind, its N days, its weight and whom it applies to
    (an empty tuple: every size tier, methodology or stage)."""

    key: str
    kind: Kind
    name: str
    weight: int = 1
    days: int = 30
    size_tiers: tuple[str, ...] = ()
    methodologies: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()

    def applies_to(self, facts: "Facts") -> bool:
        return (
            (not self.size_tiers or facts.size_tier in self.size_tiers)
            and (not self.methodologies or facts.methodology in self.methodologies)
            and (not self.stages or facts.stage in self.stages)
        )


@dataclass(frozen=True)
class Facts:
    """What the records say about one project, as far as the rules need it."""

    size_tier: str = ""
    methodology: str = ""
    stage: str = ""
    # The latest reporting period whose reports were due before today (None: none was yet), its
    # due day, whether the project handed in its report for it and when (None: not recorded).
    period: str | None = None
    period_due: date | None = None
    report_handed_in: bool = False
    report_handed_in_on: date | None = None
    baseline: tuple[int, date] | None = None  # (number, approved on) of the current baseline
    plan_updated: date | None = None  # when the plan was last imported or changed (None: no plan)
    # Open risks and issues not reviewed (nor raised) within the RAID rule's days, and the days
    # since the oldest of them was (None: there is none).
    stale_raid: int = 0
    stale_raid_oldest: int | None = None
    overdue_actions: int = 0  # open RAID actions past their due date
    sponsor: str | None = None  # the sponsor's name; None: none
    manager: str | None = None  # the project manager's name; None: none
    sponsor_can_sign_in: bool = True
    manager_can_sign_in: bool = True
    budget: int | None = None  # the approved budget version's number (None: none approved)
    forecast_made: date | None = None  # when the latest forecast was made (None: never)
    # The project's next gate: its name, when it is due (None: no date to judge by) and the
    # names of the evidence it asks for that is not met yet (None: no gate ahead).
    next_gate: tuple[str, date | None, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Result:
    """One rule judged for one project."""

    rule: Rule
    met: bool
    reason: str


@dataclass(frozen=True)
class Compliance:
    """A project's results and score: the weight of the rules met as a percent of the weight of
    the rules that apply (100 when none applies)."""

    results: tuple[Result, ...]
    score: int

    @property
    def failing(self) -> tuple[Result, ...]:
        return tuple(result for result in self.results if not result.met)


NO_PERIOD = "No highlight report was due yet."
REPORT_MISSING = "No highlight report handed in for {period} (due {due:%-d %b %Y})."
REPORT_LATE = (
    "The highlight report for {period} was handed in late, on {day:%-d %b %Y} (due {due:%-d %b %Y})."
)
REPORT_IN = "Highlight report for {period} handed in on time."
RAID_STALE = "{count} open risk(s) and issue(s) not reviewed within {days} days (oldest {oldest} days)."
RAID_OK = "Every open risk and issue reviewed within {days} days."
NO_BASELINE = "No baseline approved yet."
BASELINE = "Baseline v{number} approved on {day:%-d %b %Y}."
NO_PLAN = "No plan imported."
PLAN_STALE = "The plan was last updated on {day:%-d %b %Y}, {age} days ago (more than {days})."
PLAN_OK = "The plan was updated on {day:%-d %b %Y}, within {days} days."
ACTIONS_OVERDUE = "{count} open action(s) past their due date."
ACTIONS_OK = "No open action is past its due date."
NO_SPONSOR = "No sponsor named."
NO_MANAGER = "No project manager named."
SAME_PERSON = "{name} is both sponsor and project manager."
NO_ACCOUNT = "The {role} {name} cannot sign in (no user account)."
ROLES_OK = "Sponsor {sponsor} and project manager {manager} named."
NO_BUDGET = "No budget version approved."
BUDGET = "Budget version {number} approved."
NO_FORECAST = "No finance forecast made."
FORECAST_STALE = "The finance forecast was last made on {day:%-d %b %Y}, {age} days ago (more than {days})."
FORECAST_OK = "The finance forecast was made on {day:%-d %b %Y}, within {days} days."
NO_GATE = "No gate ahead."
GATE_NOT_DATED = "{gate}: no planned date to judge its evidence by."
GATE_NOT_DUE = "{gate} is due on {due:%-d %b %Y}, more than {days} days ahead."
GATE_MISSING = "{gate} is due on {due:%-d %b %Y} and {count} piece(s) of its evidence are missing: {names}."
GATE_READY = "Every piece of evidence for {gate} (due {due:%-d %b %Y}) is there."


def _report(rule: Rule, facts: Facts, today: date) -> tuple[bool, str]:
    """The report of the latest period already due: handed in, and by its due day."""
    if facts.period is None or facts.period_due is None:
        return True, NO_PERIOD
    if not facts.report_handed_in:
        return False, REPORT_MISSING.format(period=facts.period, due=facts.period_due)
    day = facts.report_handed_in_on
    if day is not None and day > facts.period_due:
        return False, REPORT_LATE.format(period=facts.period, day=day, due=facts.period_due)
    return True, REPORT_IN.format(period=facts.period)


def _raid(rule: Rule, facts: Facts, today: date) -> tuple[bool, str]:
    if facts.stale_raid:
        return False, RAID_STALE.format(
            count=facts.stale_raid, days=rule.days, oldest=facts.stale_raid_oldest
        )
    return True, RAID_OK.format(days=rule.days)


def _baseline(rule: Rule, facts: Facts, today: date) -> tuple[bool, str]:
    if facts.baseline is None:
        return False, NO_BASELINE
    number, day = facts.baseline
    return True, BASELINE.format(number=number, day=day)


def _recent(
    made: date | None, rule: Rule, today: date, missing: str, stale: str, fine: str
) -> tuple[bool, str]:
    if made is None:
        return False, missing
    age = (today - made).days
    if age > rule.days:
        return False, stale.format(day=made, age=age, days=rule.days)
    return True, fine.format(day=made, days=rule.days)


def _plan(rule: Rule, facts: Facts, today: date) -> tuple[bool, str]:
    return _recent(facts.plan_updated, rule, today, NO_PLAN, PLAN_STALE, PLAN_OK)


def _forecast(rule: Rule, facts: Facts, today: date) -> tuple[bool, str]:
    return _recent(facts.forecast_made, rule, today, NO_FORECAST, FORECAST_STALE, FORECAST_OK)


def _actions(rule: Rule, facts: Facts, today: date) -> tuple[bool, str]:
    if facts.overdue_actions:
        return False, ACTIONS_OVERDUE.format(count=facts.overdue_actions)
    return True, ACTIONS_OK


def _roles(rule: Rule, facts: Facts, today: date) -> tuple[bool, str]:
    if not facts.sponsor:
        return False, NO_SPONSOR
    if not facts.manager:
        return False, NO_MANAGER
    if facts.sponsor == facts.manager:
        return False, SAME_PERSON.format(name=facts.sponsor)
    if not facts.sponsor_can_sign_in:
        return False, NO_ACCOUNT.format(role="sponsor", name=facts.sponsor)
    if not facts.manager_can_sign_in:
        return False, NO_ACCOUNT.format(role="project manager", name=facts.manager)
    return True, ROLES_OK.format(sponsor=facts.sponsor, manager=facts.manager)


def _budget(rule: Rule, facts: Facts, today: date) -> tuple[bool, str]:
    if facts.budget is None:
        return False, NO_BUDGET
    return True, BUDGET.format(number=facts.budget)


def _gate(rule: Rule, facts: Facts, today: date) -> tuple[bool, str]:
    """The evidence of the next gate complete once the gate is due within the rule's days (or
    overdue)."""
    if facts.next_gate is None:
        return True, NO_GATE
    gate, due, missing = facts.next_gate
    if due is None:
        return True, GATE_NOT_DATED.format(gate=gate)
    if (due - today).days > rule.days:
        return True, GATE_NOT_DUE.format(gate=gate, due=due, days=rule.days)
    if missing:
        return False, GATE_MISSING.format(gate=gate, due=due, count=len(missing), names=", ".join(missing))
    return True, GATE_READY.format(gate=gate, due=due)


JUDGES = {
    Kind.REPORT_ON_TIME: _report,
    Kind.RAID_REVIEWED: _raid,
    Kind.BASELINE_APPROVED: _baseline,
    Kind.PLAN_CURRENT: _plan,
    Kind.ACTIONS_NOT_OVERDUE: _actions,
    Kind.ROLES_ASSIGNED: _roles,
    Kind.BUDGET_APPROVED: _budget,
    Kind.FORECAST_CURRENT: _forecast,
    Kind.GATE_EVIDENCE: _gate,
}


def judge(rule: Rule, facts: Facts, today: date) -> Result:
    met, reason = JUDGES[rule.kind](rule, facts, today)
    return Result(rule, met, reason)


def score(results: Iterable[Result]) -> int:
    """The weight of the rules met as a whole percent of the weight of all (100 with none, or
    with no weight at all); rounded down, so 100 means every rule met."""
    total = met = 0
    for result in results:
        total += result.rule.weight
        met += result.rule.weight if result.met else 0
    if total == 0:
        return 100
    return met * 100 // total


def evaluate(rules: Sequence[Rule], facts: Facts, today: date) -> Compliance:
    """Every rule that applies to the project, judged, and its score."""
    results = tuple(judge(rule, facts, today) for rule in rules if rule.applies_to(facts))
    return Compliance(results, score(results))


@dataclass(frozen=True)
class Summary:
    """The portfolio's compliance: how many projects, their mean score, how many are fully
    compliant, and how many projects fail each rule (by the rule's key)."""

    projects: int
    mean: float | None
    compliant: int
    failing_by_rule: Mapping[str, int] = field(default_factory=dict)


def summarise(found: Iterable[Compliance]) -> Summary:
    count = total = compliant = 0
    failing: dict[str, int] = {}
    for compliance in found:
        count += 1
        total += compliance.score
        compliant += compliance.score == 100
        for result in compliance.failing:
            failing[result.rule.key] = failing.get(result.rule.key, 0) + 1
    return Summary(count, round(total / count, 1) if count else None, compliant, failing)
