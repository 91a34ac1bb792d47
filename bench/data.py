"""Generated registers for the benchmark: SMALL and LARGE numbers of projects, made in bulk."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from pmo.core.choices import Role
from pmo.core.models import User
from pmo.portfolio.choices import Methodology, Priority, ProjectCategory, ProjectStatus, SizeTier
from pmo.portfolio.models import (
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    Project,
    StrategicObjective,
)

SMALL, LARGE = 50, 5000
rng = random.Random(20261122)


def register_user() -> User:
    user, _ = User.objects.get_or_create(username="bench-analyst")
    user.groups.add(Group.objects.get(name=Role.PMO_ANALYST.label))
    return user


def _reference() -> dict[str, list]:
    portfolio, _ = Portfolio.objects.get_or_create(name="IT Portfolio")
    if not OrgUnit.objects.exists():
        OrgUnit.objects.bulk_create(OrgUnit(name=f"Department {n}") for n in range(12))
        Person.objects.bulk_create(
            Person(name=f"Person {n}", email=f"person{n}@bench.example") for n in range(200)
        )
        Programme.objects.bulk_create(
            Programme(code=f"PRG{n}", name=f"Programme {n}", portfolio=portfolio) for n in range(20)
        )
        StrategicObjective.objects.bulk_create(
            StrategicObjective(code=f"SO{n}", title=f"Objective {n}") for n in range(8)
        )
    return {
        "portfolio": [portfolio],
        "department": list(OrgUnit.objects.all()),
        "person": list(Person.objects.all()),
        "programme": list(Programme.objects.all()),
        "stage": list(LifecycleStage.objects.all()),
        "objective": list(StrategicObjective.objects.all()),
    }


def grow_register(size: int) -> None:
    """Add projects until the register holds ``size`` of them."""
    ref = _reference()
    have = Project.objects.count()
    start = dt.date(2026, 1, 1)
    new = []
    for n in range(have, size):
        begin = start + dt.timedelta(days=rng.randrange(0, 700))
        new.append(
            Project(
                code=f"B-{n:05d}",
                name=f"Benchmark project {n}",
                description="Generated for the benchmark.",
                portfolio=ref["portfolio"][0],
                programme=rng.choice(ref["programme"]),
                department=rng.choice(ref["department"]),
                sponsor=rng.choice(ref["person"]),
                project_manager=rng.choice(ref["person"]),
                business_owner=rng.choice(ref["person"]),
                category=rng.choice(ProjectCategory.values),
                methodology=rng.choice(Methodology.values),
                size_tier=rng.choice(SizeTier.values),
                stage=rng.choice(ref["stage"]),
                status=rng.choice([ProjectStatus.ACTIVE] * 3 + ProjectStatus.values),
                planned_start=begin,
                planned_finish=begin + dt.timedelta(days=rng.randrange(30, 900)),
                budget=Decimal(rng.randrange(20_000, 4_000_000)),
                priority=rng.choice(Priority.values),
                confidential=rng.random() < 0.03,
            )
        )
    created = Project.objects.bulk_create(new, batch_size=1000)
    through = Project.strategic_objectives.through
    through.objects.bulk_create(
        [
            through(project_id=p.pk, strategicobjective_id=o.pk)
            for p in created
            for o in rng.sample(ref["objective"], 2)
        ],
        batch_size=2000,
    )


def grow_baselines() -> None:
    """Give every other project without a baseline two (the second a re-plan: later, dearer), so
    the register's approved plan comes from a baseline on half its rows."""
    from pmo.reporting.models import Baseline

    now = timezone.now()
    projects = Project.objects.filter(baselines__isnull=True).order_by("pk")
    Baseline.objects.bulk_create(
        [
            Baseline(project_id=pk, number=number, finish=finish + dt.timedelta(days=60 * (number - 1)),
                     budget_at_completion=budget * (1 + Decimal(number - 1) / 10), approved_at=now,
                     reason="Business case approved" if number == 1 else "Change approved")
            for pk, finish, budget in projects.values_list("pk", "planned_finish", "budget")[::2]
            for number in (1, 2)
        ],
        batch_size=1000,
    )


# The reporting cycle ----------------------------------------------------------------------------

PERIODS = 12


def _month_start(day: dt.date, back: int) -> dt.date:
    month = day.year * 12 + day.month - 1 - back
    return dt.date(month // 12, month % 12 + 1, 1)


def grow_reporting(size: int, today: dt.date) -> None:
    """A portfolio of ``size`` active projects with twelve monthly periods of reporting history,
    made in bulk: a baseline with three milestones each, a highlight report per project per period
    (steady, slipping, over-optimistic and late-reporting projects; some reports missing, some
    drafts this month), and open (RAID) actions on the slipping ones. Tolerance checks and
    exceptions come from the tolerance evaluation (``tolerances_evaluate_all``)."""
    from pmo.raid.models import Action
    from pmo.reporting.choices import PeriodStatus, Rating, ReportStatus
    from pmo.reporting.models import (
        Baseline,
        BaselineMilestone,
        HighlightReport,
        ReportingPeriod,
        ReportMilestone,
    )

    grow_register(size)
    Project.objects.update(status=ProjectStatus.ACTIVE, planned_start=today - dt.timedelta(days=500))
    projects = list(Project.objects.order_by("pk").values_list("pk", "project_manager_id", "budget"))
    periods = []
    for back in range(PERIODS - 1, -1, -1):
        start = _month_start(today, back)
        end = _month_start(today, back - 1) - dt.timedelta(days=1)
        periods.append(
            ReportingPeriod(
                start=start, end=end, due=end + dt.timedelta(days=5),
                status=PeriodStatus.OPEN if back == 0 else PeriodStatus.CLOSED,
            )
        )
    periods = ReportingPeriod.objects.bulk_create(periods)
    now = timezone.now()
    baselines = Baseline.objects.bulk_create(
        [
            Baseline(project_id=pk, number=1, finish=today + dt.timedelta(days=200),
                     budget_at_completion=budget, benefits_value=budget * 2, approved_at=now,
                     reason="Business case approved")
            for pk, _pm, budget in projects
        ],
        batch_size=1000,
    )
    names = ("Design approved", "Build complete", "Go live")
    offsets = zip(names, (-60, 30, 180), strict=True)
    due = {name: today + dt.timedelta(days=offset) for name, offset in offsets}
    BaselineMilestone.objects.bulk_create(
        [BaselineMilestone(baseline=b, name=name, due=due[name]) for b in baselines for name in names],
        batch_size=2000,
    )

    reports, milestone_rows, actions = [], [], []
    for index, (pk, owner, budget) in enumerate(projects):
        pattern = ("steady", "steady", "slipping", "optimistic", "late")[index % 5]
        for number, period in enumerate(periods):
            current = number == len(periods) - 1
            if pattern == "late" and rng.random() < 0.3:
                continue  # missing
            slip = number * 9 if pattern in ("slipping", "optimistic") else 0
            rating = Rating.GREEN
            if pattern == "slipping":
                rating = (Rating.GREEN, Rating.AMBER, Rating.RED)[min(number // 4, 2)]
            status = ReportStatus.PUBLISHED
            if current:
                status = rng.choice([ReportStatus.SUBMITTED, ReportStatus.SUBMITTED, ReportStatus.DRAFT])
            submitted = None
            if status != ReportStatus.DRAFT:
                late = pattern == "late" or rng.random() < 0.1
                day = period.due + dt.timedelta(days=rng.randrange(1, 9) if late else -rng.randrange(0, 5))
                submitted = timezone.make_aware(dt.datetime.combine(min(day, today), dt.time(10)))
            reports.append(
                HighlightReport(
                    project_id=pk, period=period, status=status, submitted_at=submitted,
                    overall_status=rating, schedule_status=rating, cost_status=rating,
                    scope_status=Rating.GREEN, risks_status=rating, resources_status=Rating.GREEN,
                    benefits_status=Rating.GREEN, summary="Generated for the benchmark.",
                    forecast_finish=today + dt.timedelta(days=200 + slip),
                    forecast_cost=budget * (1 + Decimal(slip) / 1000),
                    forecast_benefits=budget * 2,
                    high_risks_open=rng.randrange(0, 3),
                )
            )
            milestone_rows.append((len(reports) - 1, slip, pattern))
        if pattern == "slipping":
            action_due = today + dt.timedelta(days=rng.randrange(-20, 40))
            actions.append(
                Action(project_id=pk, title="Recovery plan", owner_id=owner, due=action_due, source="meeting")
            )
    reports = HighlightReport.objects.bulk_create(reports, batch_size=2000)
    def milestone(index: int, name: str, slip: int, pattern: str) -> ReportMilestone:
        """Optimistic projects keep forecasting the baseline date and never achieve it."""
        if pattern == "optimistic":
            return ReportMilestone(report=reports[index], name=name, forecast=due[name])
        forecast = due[name] + dt.timedelta(days=slip)
        achieved = forecast if forecast < today else None
        return ReportMilestone(report=reports[index], name=name, forecast=forecast, achieved_on=achieved)

    ReportMilestone.objects.bulk_create(
        [milestone(i, name, slip, pattern) for i, slip, pattern in milestone_rows for name in names],
        batch_size=5000,
    )
    Action.objects.bulk_create(actions, batch_size=2000)


def grow_board_business(today: dt.date) -> None:
    """What brings every project before an IT Portfolio Review (in bulk): an open exception, an
    escalated risk and issue, a change request beyond its tolerances, a gate review the board
    decides and an overdue corrective action."""
    from pmo.change.choices import Authority, ChangeStatus, ChangeType
    from pmo.change.models import ChangeRequest
    from pmo.governance.choices import GateAuthority, ReviewStatus
    from pmo.governance.models import Gate, GateReview
    from pmo.portfolio.models import Project
    from pmo.raid.choices import ActionSource, Level
    from pmo.raid.models import Action, Issue, Risk
    from pmo.reporting.choices import ExceptionStatus
    from pmo.reporting.models import ProjectException

    projects = list(Project.objects.all())
    gate = Gate.objects.order_by("stage__order").last()
    now = timezone.now()
    ProjectException.objects.bulk_create(
        ProjectException(
            project=p, status=ExceptionStatus.REPORT_SUBMITTED, dimensions="time, cost",
            breach_summary="Forecast 45 days late; 20 allowed.", raised_at=now, cause="Supplier late.",
            options="Re-plan or add staff.", recommendation="Re-plan.",
        )
        for p in projects
    )  # fmt: skip
    escalated = {
        "escalated_to": Level.PORTFOLIO,
        "escalated_at": now,
        "escalation_note": "Beyond the project.",
    }
    Risk.objects.bulk_create(
        Risk(
            project=p, title="Supplier may fail", owner_id=p.project_manager_id, category="commercial",
            inherent_probability=4, inherent_impact=4, residual_probability=4, residual_impact=4, **escalated,
        )
        for p in projects
    )  # fmt: skip
    Issue.objects.bulk_create(
        Issue(project=p, title="Key engineer left", owner_id=p.project_manager_id, **escalated)
        for p in projects
    )
    ChangeRequest.objects.bulk_create(
        ChangeRequest(
            project=p, title="Phase 2 delay", change_type=ChangeType.TIME, description="d", reason="r",
            status=ChangeStatus.ASSESSED, raised_on=today, impact_days=120, impact_cost=Decimal(500_000),
            authority=Authority.BOARD,
        )
        for p in projects
    )  # fmt: skip
    GateReview.objects.bulk_create(
        GateReview(
            project=p,
            gate=gate,
            status=ReviewStatus.IN_REVIEW,
            authority=GateAuthority.BOARD,
            opened_on=today,
        )
        for p in projects
    )
    Action.objects.bulk_create(
        Action(
            project=p, title="Re-plan phase 2", owner_id=p.project_manager_id,
            due=today - dt.timedelta(days=7), source=ActionSource.EXCEPTION, source_reference="EXC-1",
        )
        for p in projects
    )  # fmt: skip
