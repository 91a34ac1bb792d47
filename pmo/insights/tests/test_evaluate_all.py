"""Re-evaluating every project's tolerances at once (``tolerances_evaluate_all``), which feeds
the dashboard's tolerance and evidence columns: verdicts stored in bulk, exceptions raised once,
and a fixed number of queries however many projects are judged again."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core import clock
from pmo.engine.tolerance import Status
from pmo.insights.tests.conftest import days, hand_in, make_periods
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.reporting.choices import ToleranceState
from pmo.reporting.models import ProjectException, ToleranceCheck
from pmo.reporting.services import tolerances_evaluate_all
from pmo.reporting.tests.factories import BaselineFactory

pytestmark = pytest.mark.django_db


def project_with(periods, *, late_by: int, code: str):
    project = ProjectFactory(code=code, planned_start=days(-300))
    BaselineFactory(project=project, finish=days(60))
    report = hand_in(project, periods[-2])
    report.forecast_finish = days(60 + late_by)
    report.save()
    return project


def statuses() -> dict[tuple[str, str], str]:
    return {(c.project.code, c.dimension): c.status for c in ToleranceCheck.objects.select_related("project")}


def test_verdicts_are_stored_and_exceptions_raised_once(make_user, time_machine):
    periods = make_periods()
    late = project_with(periods, late_by=40, code="LATE-1")  # medium tier: 28 days allowed
    near = project_with(periods, late_by=25, code="NEAR-1")
    fine = project_with(periods, late_by=0, code="FINE-1")
    ProjectFactory(code="NONE-1")  # no baseline, no report: not judged

    results = tolerances_evaluate_all()

    assert results == {late.pk: Status.BREACHED, near.pk: Status.FORECAST_TO_BREACH, fine.pk: Status.WITHIN}
    found = statuses()
    assert found[("LATE-1", "time")] == ToleranceState.BREACHED
    assert found[("NEAR-1", "time")] == ToleranceState.FORECAST_TO_BREACH
    assert found[("FINE-1", "time")] == ToleranceState.WITHIN
    assert found[("FINE-1", "cost")] == ToleranceState.WITHIN
    assert "+40 days" in ToleranceCheck.objects.get(project=late, dimension="time").explanation
    assert list(ProjectException.objects.values_list("project__code", "dimensions")) == [("LATE-1", "time")]

    # When it runs again an hour later with nothing changed: the same verdicts, stamped again,
    # no new exception
    before = {c.pk: c.assessed_at for c in ToleranceCheck.objects.all()}
    time_machine.move_to(clock.now() + dt.timedelta(hours=1), tick=False)
    tolerances_evaluate_all()
    after = {c.pk: c.assessed_at for c in ToleranceCheck.objects.all()}
    assert set(after) == set(before) and all(after[pk] > before[pk] for pk in before)
    assert statuses() == found
    assert ProjectException.objects.count() == 1

    # When a later report moves NEAR-1 past its tolerance and drops FINE-1's benefits forecast
    for project, late_by in ((near, 45), (fine, 0)):
        report = hand_in(project, periods[-1], forecast_benefits=None)
        report.forecast_finish = days(60 + late_by)
        report.save()
    tolerances_evaluate_all()

    found = statuses()
    assert found[("NEAR-1", "time")] == ToleranceState.BREACHED
    assert ("FINE-1", "benefits") not in found and ("FINE-1", "cost") in found
    assert sorted(ProjectException.objects.values_list("project__code", flat=True)) == ["LATE-1", "NEAR-1"]


def test_judging_again_costs_the_same_queries_for_3_or_12_projects():
    periods = make_periods()

    def again() -> int:
        tolerances_evaluate_all()  # first time: checks made, exceptions raised
        with CaptureQueriesContext(connection) as captured:
            tolerances_evaluate_all()
        return len(captured.captured_queries)

    for n in range(3):
        project_with(periods, late_by=40 if n % 2 else 0, code=f"A-{n}")
    few = again()
    for n in range(9):
        project_with(periods, late_by=40 if n % 2 else 0, code=f"B-{n}")
    # 11, and finance's settings and which of the projects have an approved budget (none here,
    # so no EAC is summed; with some, five more, as many for any number of projects)
    assert again() == few == 13
