"""PMO standards compliance read for many projects at once: the enabled rules and each project's
facts, read through the owning apps' selectors (a fixed number of queries whatever the number of
projects, and only those the enabled rules need), judged and scored by ``pmo.engine.compliance``
(ADR 0062)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from pmo.assurance.models import ComplianceRule
from pmo.engine import compliance as engine
from pmo.finance import selectors as finance_selectors
from pmo.governance import selectors as governance_selectors
from pmo.portfolio.models import Project
from pmo.raid import selectors as raid_selectors
from pmo.reporting import selectors as reporting_selectors
from pmo.schedule import selectors as schedule_selectors

# What a project must have loaded with it to be judged and shown (``Project`` rows read with
# these relations, and only these columns: thousands of projects are read at once).
PROJECT_RELATIONS = ("stage", "sponsor", "project_manager", "department")
PROJECT_COLUMNS = (
    "code", "name", "status", "size_tier", "methodology", "confidential", "version",
    "stage__name", "sponsor__name", "sponsor__user_id", "project_manager__name",
    "project_manager__user_id", "department__name", "planned_start", "planned_finish",
)  # fmt: skip


def to_rule(row: ComplianceRule) -> engine.Rule:
    return engine.Rule(
        key=str(row.pk),
        kind=engine.Kind(row.kind),
        name=row.name,
        weight=row.weight,
        days=row.days,
        size_tiers=tuple(row.size_tiers),
        methodologies=tuple(row.methodologies),
        stages=tuple(row.stages),
    )


def enabled_rules() -> list[engine.Rule]:
    """The rules projects are judged against (one query)."""
    return [to_rule(row) for row in ComplianceRule.objects.filter(enabled=True)]


@dataclass(frozen=True)
class ProjectCompliance:
    """A project with its compliance (the rules that apply, judged, and its score)."""

    project: Project
    compliance: engine.Compliance

    @property
    def score(self) -> int:
        return self.compliance.score


def facts_of(
    projects: Sequence[Project], rules: Sequence[engine.Rule], today: date
) -> dict[int, engine.Facts]:
    """Each project's facts, by id, reading only what ``rules`` judge: at most one or two queries
    per kind of rule, whatever the number of projects."""
    ids = [project.pk for project in projects]
    kinds = {rule.kind: rule for rule in rules}
    period = None
    handed_in: dict[int, date | None] = {}
    if engine.Kind.REPORT_ON_TIME in kinds:
        period = reporting_selectors.period_last_due(today)
        if period is not None:
            handed_in = reporting_selectors.handed_in_on(period, ids)
    baselines = {}
    if engine.Kind.BASELINE_APPROVED in kinds:
        baselines = {
            pk: (number, timezone.localdate(approved))
            for pk, (number, approved) in reporting_selectors.baselines_approved(ids).items()
        }
    plans = schedule_selectors.plans_updated(ids) if engine.Kind.PLAN_CURRENT in kinds else {}
    stale: dict[int, raid_selectors.StaleItems] = {}
    if engine.Kind.RAID_REVIEWED in kinds:
        days = kinds[engine.Kind.RAID_REVIEWED].days
        stale = raid_selectors.stale_by_project(ids, stale_before=today - timedelta(days=days))
    overdue = {}
    if engine.Kind.ACTIONS_NOT_OVERDUE in kinds:
        overdue = raid_selectors.overdue_actions_by_project(ids, today=today)
    budgets = {}
    if engine.Kind.BUDGET_APPROVED in kinds:
        budgets = finance_selectors.approved_budget_numbers(ids)
    forecasts = {}
    if engine.Kind.FORECAST_CURRENT in kinds:
        forecasts = {
            pk: timezone.localdate(made) for pk, made in finance_selectors.forecasts_made(ids, today).items()
        }
    gates = {}
    if engine.Kind.GATE_EVIDENCE in kinds:  # the evidence of the gates due within the rule's days
        due_by = today + timedelta(days=kinds[engine.Kind.GATE_EVIDENCE].days)
        gates = {
            due.project.pk: (str(due.gate), due.due, tuple(due.missing))
            for due in governance_selectors.due_gates(projects, today, due_by=due_by)
        }
    found = {}
    for project in projects:
        late = stale.get(project.pk)
        found[project.pk] = engine.Facts(
            size_tier=project.size_tier,
            methodology=project.methodology,
            stage=project.stage.name,
            period=str(period) if period is not None else None,
            period_due=period.due if period is not None else None,
            report_handed_in=project.pk in handed_in,
            report_handed_in_on=handed_in.get(project.pk),
            baseline=baselines.get(project.pk),
            plan_updated=plans.get(project.pk),
            stale_raid=late.count if late else 0,
            stale_raid_oldest=(today - late.oldest).days if late else None,
            overdue_actions=overdue.get(project.pk, 0),
            sponsor=project.sponsor.name if project.sponsor_id else None,
            manager=project.project_manager.name if project.project_manager_id else None,
            sponsor_can_sign_in=project.sponsor.user_id is not None if project.sponsor_id else False,
            manager_can_sign_in=(
                project.project_manager.user_id is not None if project.project_manager_id else False
            ),
            budget=budgets.get(project.pk),
            forecast_made=forecasts.get(project.pk),
            next_gate=gates.get(project.pk),
        )
    return found


def evaluate(
    projects: Sequence[Project], today: date, rules: Sequence[engine.Rule] | None = None
) -> list[ProjectCompliance]:
    """Each project (read with ``PROJECT_RELATIONS``) judged against the enabled rules, in the
    order given."""
    rules = enabled_rules() if rules is None else rules
    facts = facts_of(projects, rules, today)
    return [
        ProjectCompliance(project, engine.evaluate(rules, facts[project.pk], today)) for project in projects
    ]
