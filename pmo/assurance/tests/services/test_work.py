"""Assurance in the work queues: the assessor's checks, the PM's responses, the PMO's projects
with no check for too long."""

import datetime as dt

from pmo.assurance import services
from pmo.assurance.tests.checks import scored_check
from pmo.assurance.work import assurance_work


def _titles(user, today=dt.date(2026, 12, 4)):
    return [item.title for item in assurance_work(user, today)]


def test_the_assessor_the_pm_and_the_pmo_each_see_their_part(cast, questionnaire):
    planned = services.health_check_plan(
        actor=cast.officer,
        project=cast.project,
        questionnaire=questionnaire,
        planned_on=dt.date(2026, 12, 10),
    )
    submitted = scored_check(cast.other_project, questionnaire, findings=0)

    assert _titles(cast.officer) == [f"Carry out health check {planned}"]
    assert _titles(cast.other_pm) == [f"Respond to the findings of health check {submitted}"]
    assert _titles(cast.pm) == []
    # WEB has a check planned, HR one held: no project goes unchecked
    assert [t for t in _titles(cast.head) if t.startswith("Plan")] == []


def test_the_pmo_is_told_of_projects_with_no_recent_check(cast, questionnaire):
    scored_check(cast.project, questionnaire, planned_on=dt.date(2026, 1, 5), findings=0)
    services.assurance_settings_update(
        actor=cast.head,
        settings_row=services.selectors.assurance_settings(),
        fields={"months_between_checks": 6},
        expected_version=None,
    )

    items = [i for i in assurance_work(cast.analyst, dt.date(2026, 12, 4)) if i.kind == "health-check-none"]

    assert sorted(i.project for i in items) == ["HR", "WEB"]
    assert items[0].reason == "No health check planned or held in the last 6 months."
