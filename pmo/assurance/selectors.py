"""Reads of assurance, restricted to the projects the user may see."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from pmo.assurance import compliance
from pmo.assurance.choices import HealthCheckStatus, QuestionnaireStatus
from pmo.assurance.models import (
    Answer,
    Area,
    AssuranceSettings,
    ComplianceRule,
    Finding,
    HealthCheck,
    Question,
    Questionnaire,
)
from pmo.core.settings_rows import settings_row
from pmo.engine.health import WeakArea, weakest_areas
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Project

CHECK_RELATIONS = ("project", "project__project_manager", "project__sponsor", "questionnaire", "assessor")
SCORED = (HealthCheckStatus.SUBMITTED, HealthCheckStatus.AGREED, HealthCheckStatus.CLOSED)


def assurance_settings() -> AssuranceSettings:
    """The assurance settings (the one row; made with the defaults if missing)."""
    return settings_row(AssuranceSettings)


def months_between_checks() -> int:
    """How often a project should be checked: the settings row's months, or the default while
    the row has not been made (read without making it, so a work queue writes nothing)."""
    row = AssuranceSettings.objects.order_by("pk").first()
    if row is not None:
        return row.months_between_checks
    return int(AssuranceSettings._meta.get_field("months_between_checks").get_default())


def questionnaire_list(*, user: Any) -> QuerySet[Questionnaire]:
    return Questionnaire.objects.restrict(user, "view")


def published_questionnaires() -> QuerySet[Questionnaire]:
    return Questionnaire.objects.filter(status=QuestionnaireStatus.PUBLISHED)


def questionnaire_get(*, user: Any, pk: int) -> Questionnaire:
    """A questionnaire with its areas and questions, in order (three queries)."""
    return (
        questionnaire_list(user=user)
        .prefetch_related(Prefetch("areas", queryset=Area.objects.prefetch_related("questions")))
        .get(pk=pk)
    )


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return list(Question.objects.filter(area__questionnaire=questionnaire).select_related("area"))


def health_check_list(*, user: Any, project: Project | None = None) -> QuerySet[HealthCheck]:
    """The health checks the user may see (one project's where named)."""
    found = HealthCheck.objects.restrict(user, "view").select_related(*CHECK_RELATIONS)
    return found.filter(project=project) if project is not None else found


def health_check_get(*, user: Any, pk: int) -> HealthCheck:
    """One check, with its answers and findings (and their actions) loaded."""
    return (
        health_check_list(user=user)
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question__area")))
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.select_related("area", "action", "action__owner"))
        )
        .get(pk=pk)
    )


def score_trend(*, user: Any, project: Project) -> list[HealthCheck]:
    """A project's scored checks, oldest first: the trend of its overall and area scores."""
    return list(
        health_check_list(user=user, project=project).filter(status__in=SCORED).order_by("submitted_at", "pk")
    )


def latest_scored(*, user: Any) -> QuerySet[HealthCheck]:
    """The latest scored check of each project the user may see."""
    latest = (
        HealthCheck.objects.filter(project=OuterRef("project"), status__in=SCORED)
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    return health_check_list(user=user).filter(status__in=SCORED, pk=Subquery(latest))


def portfolio_weakest(*, user: Any, lowest: int = 3) -> list[WeakArea]:
    """The weakest areas across the latest check of each project the user may see."""
    latest = {check.project.code: check.scores for check in latest_scored(user=user)}
    return weakest_areas(latest, lowest)


def projects_unchecked_since(*, user: Any, since: date) -> QuerySet[Project]:
    """The active projects the user may see with no check submitted or planned since ``since``."""
    recent = HealthCheck.objects.filter(planned_on__gte=since).values("project")
    return (
        Project.objects.restrict(user, "view")
        .filter(status=ProjectStatus.ACTIVE)
        .exclude(pk__in=recent)
        .order_by("code")
    )


# PMO standards compliance (ADR 0062) ------------------------------------------------------------


def compliance_rule_list(*, user: Any) -> QuerySet[ComplianceRule]:
    """Every compliance rule, enabled or not, in order (anyone signed in reads them)."""
    return ComplianceRule.objects.restrict(user, "view")


def compliance_projects(
    *, user: Any, manager: int | None = None, department: int | None = None, codes: Sequence[str] = ()
) -> QuerySet[Project]:
    """The active projects the user may see that compliance judges (optionally one project
    manager's, one department's, or those with the given codes), with what judging needs."""
    projects = (
        Project.objects.restrict(user, "view")
        .filter(status=ProjectStatus.ACTIVE)
        .select_related(*compliance.PROJECT_RELATIONS)
        .only(*compliance.PROJECT_COLUMNS)
        .order_by("code")
    )
    if manager is not None:
        projects = projects.filter(project_manager_id=manager)
    if department is not None:
        projects = projects.filter(department_id=department)
    if codes:
        projects = projects.filter(code__in=list(codes))
    return projects


def portfolio_compliance(
    *, user: Any, today: date, manager: int | None = None, department: int | None = None
) -> list[compliance.ProjectCompliance]:
    """Each active project the user may see, judged against the enabled rules, lowest score
    first (who to chase), then by code: a fixed number of queries whatever their number."""
    projects = list(compliance_projects(user=user, manager=manager, department=department))
    found = compliance.evaluate(projects, today)
    return sorted(found, key=lambda item: (item.score, item.project.code))


def project_compliance(*, project: Project, today: date) -> compliance.ProjectCompliance:
    """One project judged against the enabled rules (``project`` read with its relations)."""
    return compliance.evaluate([project], today)[0]
