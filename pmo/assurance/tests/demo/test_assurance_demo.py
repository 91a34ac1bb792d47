"""The demo's health checks: a year of checks with trends both ways, findings whose
recommendations are RAID actions, and work waiting for the demo logins."""

import pytest

from pmo.assurance.choices import HealthCheckStatus
from pmo.assurance.demo import CHECKED, PM_PROJECT
from pmo.assurance.models import Finding, HealthCheck
from pmo.assurance.selectors import portfolio_weakest
from pmo.assurance.work import assurance_work
from pmo.core import clock
from pmo.core.models import User
from pmo.raid.choices import ActionSource

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_a_dozen_projects_have_three_checks_each_some_improving_some_worsening():
    scored = HealthCheck.objects.filter(overall__isnull=False).order_by("submitted_at")
    by_project: dict[str, list[float]] = {}
    for check in scored.select_related("project"):
        by_project.setdefault(check.project.code, []).append(float(check.overall))

    assert len(by_project) == CHECKED
    assert all(len(trend) == 3 for trend in by_project.values())
    assert any(t[0] < t[1] < t[2] for t in by_project.values())
    assert any(t[0] > t[1] > t[2] for t in by_project.values())


def test_findings_became_raid_actions_and_work_waits_for_the_logins():
    finding = Finding.objects.select_related("action", "health_check").first()
    assert finding.action.source == ActionSource.HEALTH_CHECK
    assert finding.action.source_reference == finding.health_check.reference
    assert HealthCheck.objects.get(project__name=PM_PROJECT, status=HealthCheckStatus.SUBMITTED)
    today = clock.today()
    kinds = {
        u: {i.kind for i in assurance_work(User.objects.get(username=u), today)}
        for u in ("pm", "officer", "analyst")
    }
    assert kinds["pm"] == {"health-check-respond"}
    assert "health-check-due" in kinds["officer"] and "health-check-finish" in kinds["analyst"]
    assert portfolio_weakest(user=User.objects.get(username="head"))[0].projects == CHECKED
