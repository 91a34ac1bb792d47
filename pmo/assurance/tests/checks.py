"""Health checks made through the services, for the page and API tests."""

import datetime as dt

from pmo.assurance import services
from pmo.assurance.choices import Severity


def scored_check(
    project, questionnaire, *, score: int = 3, planned_on=dt.date(2026, 11, 2), findings: int = 1
):
    """A submitted check of ``project``: every question scored ``score``, with ``findings``
    findings (each with its RAID action)."""
    check = services.health_check_plan(
        actor=None, project=project, questionnaire=questionnaire, planned_on=planned_on
    )
    check = services.health_check_start(actor=None, check=check, expected_version=None)
    answers = {
        q.pk: {"score": score, "evidence": "Seen"} for q in services.selectors.questions_of(questionnaire)
    }
    check = services.health_check_answer(actor=None, check=check, answers=answers, expected_version=None)
    for _ in range(findings):
        services.finding_add(
            actor=None,
            check=check,
            area=questionnaire.areas.get(name="RAID"),
            severity=Severity.MEDIUM,
            text="Risk reviews lapse.",
            recommendation="Review risks monthly",
            action_owner=project.project_manager,
            action_due=dt.date(2027, 1, 31),
        )
    return services.health_check_submit(actor=None, check=check, summary="Summary", expected_version=None)
