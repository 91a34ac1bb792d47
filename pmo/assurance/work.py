"""Assurance's part of everyone's work queue (``pmo.core.work``): the assessor's planned checks
falling due and those in progress; the project manager's submitted checks to respond to; and,
for the PMO, the active projects with no health check in the months the settings ask (one item
standing for them all beyond ``NAMED``). A fixed number of queries."""

from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from pmo.assurance import compliance, selectors
from pmo.assurance.choices import HealthCheckStatus
from pmo.assurance.models import HealthCheck
from pmo.core.permissions import is_pmo
from pmo.core.work import WorkItem, day, one_by_one, response_due, work_provider
from pmo.portfolio.selectors import person_id_of

DAYS_A_MONTH = 30
NAMED = 5  # projects with no recent check named one by one in the PMO's queue, before one item for all


@work_provider
def assurance_work(user: Any, today: date) -> list[WorkItem]:
    """What assurance asks of ``user`` now."""
    checks = selectors.health_check_list(user=user)
    items = []
    assessing = checks.filter(
        assessor=user, status__in=(HealthCheckStatus.PLANNED, HealthCheckStatus.IN_PROGRESS)
    ).order_by("pk")
    for check in assessing:
        if check.status == HealthCheckStatus.PLANNED:
            items.append(
                _item(
                    check,
                    "health-check-due",
                    f"Carry out health check {check}",
                    check.planned_on,
                    f"Planned for {day(check.planned_on)} against {check.questionnaire}.",
                )
            )
            continue
        started = check.started_on or check.planned_on
        items.append(
            _item(
                check,
                "health-check-finish",
                f"Finish and submit health check {check}",
                response_due(started),
                f"Started {day(started)}: answer every question, record the findings, submit.",
            )
        )
    mine = person_id_of(user)
    if mine is not None:
        waiting = checks.filter(status=HealthCheckStatus.SUBMITTED, project__project_manager_id=mine)
        for check in waiting.order_by("pk"):
            submitted = timezone.localdate(check.submitted_at) if check.submitted_at else today
            items.append(
                _item(
                    check,
                    "health-check-respond",
                    f"Respond to the findings of health check {check}",
                    response_due(submitted),
                    f"Submitted {day(submitted)}, overall score {check.overall} %.",
                )
            )
    if is_pmo(user):
        items += _unchecked(user, today)
    return items


def _unchecked(user: Any, today: date) -> list[WorkItem]:
    """The active projects with no check planned or held within the settings' months: each by
    name up to ``NAMED``, else one item for them all, linking to the portfolio view that lists
    them."""
    months = selectors.months_between_checks()
    projects = list(
        selectors.projects_unchecked_since(user=user, since=unchecked_since(today, months)).values_list(
            "code", "name"
        )[: NAMED + 1]
    )
    why = f"No health check planned or held in the last {months} months."
    if len(projects) <= NAMED:
        return [
            WorkItem(
                key=f"health-check-none:{code}",
                kind="health-check-none",
                title=f"Plan a health check of {code}",
                due=today,
                url=reverse("assurance:check_plan", args=[code]),
                reason=why,
                project=code,
                project_name=name,
            )
            for code, name in projects
        ]
    return [
        WorkItem(
            key="health-check-none:many",
            kind="health-check-none",
            title=f"Plan health checks: more than {NAMED} active projects have had none",
            due=today,
            url=reverse("assurance:portfolio"),
            reason=f"{why} The weakest-areas page lists them.",
        )
    ]


def unchecked_since(today: date, months: int) -> date:
    return today - timedelta(days=months * DAYS_A_MONTH)


def _item(check: HealthCheck, kind: str, title: str, due: date, reason: str) -> WorkItem:
    return WorkItem(
        key=f"{kind}:{check.pk}",
        kind=kind,
        title=title,
        due=due,
        url=check.get_absolute_url(),
        reason=reason,
        project=check.project.code,
        project_name=check.project.name,
    )


@work_provider
def compliance_work(user: Any, today: date) -> list[WorkItem]:
    """A project manager's "what to fix": each PMO standard one of their active projects does not
    meet, with why (ADR 0062); beyond ``one_by_one``, one item for them all, linking to the
    portfolio compliance page showing their projects. One query for someone managing no
    project; a fixed few more for one who does, whatever the number of projects and rules."""
    mine = person_id_of(user)
    if mine is None:
        return []
    projects = list(selectors.compliance_projects(user=user, manager=mine))
    if not projects:
        return []
    failing = [
        (found.project, result)
        for found in compliance.evaluate(projects, today)
        for result in found.compliance.failing
    ]
    if not one_by_one(len(failing)):
        return [
            WorkItem(
                key="compliance:many",
                kind="compliance-fix",
                title=f"Meet the PMO standards: {len(failing)} rules not met on your projects",
                due=today,
                url=f"{reverse('assurance:compliance')}?manager={mine}",
                reason="The compliance page lists each project's rules not met and why.",
            )
        ]
    return [
        WorkItem(
            key=f"compliance:{project.code}:{result.rule.kind}",
            kind="compliance-fix",
            title=f"Meet the standard: {result.rule.name}",
            due=today,
            url=reverse("assurance:project_compliance", args=[project.code]),
            reason=result.reason,
            project=project.code,
            project_name=project.name,
        )
        for project, result in failing
    ]
