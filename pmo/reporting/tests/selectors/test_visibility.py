"""Who sees which reports, baselines, tolerances, exceptions and actions: a confidential
project's are seen by the PMO, its manager and its sponsor only."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.tests.factories import ActionFactory
from pmo.reporting import selectors
from pmo.reporting.models import ProjectException, Tolerance
from pmo.reporting.tests.factories import BaselineFactory, PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db

LISTS = {
    "reports": selectors.report_list,
    "current reports": selectors.current_reports,
    "baselines": selectors.baseline_list,
    "tolerances": selectors.tolerance_list,
    "exceptions": selectors.exception_list,
    "corrective actions": selectors.corrective_actions,
}


@pytest.fixture
def people(make_user):
    return {
        "secret_pm": make_user(Role.PROJECT_MANAGER),
        "secret_sponsor": make_user(Role.SPONSOR),
        "other_pm": make_user(Role.PROJECT_MANAGER),
        "executive": make_user(Role.EXECUTIVE),
        "finance": make_user(Role.FINANCE_PARTNER),
        "head": make_user(Role.PMO_HEAD),
        "analyst": make_user(Role.PMO_ANALYST),
        "officer": make_user(Role.PMO_OFFICER),
    }


@pytest.fixture
def records(people):
    """The same records on an open project and on a confidential one."""
    open_project = ProjectFactory(code="OPEN")
    secret = ProjectFactory(
        code="SECRET",
        confidential=True,
        project_manager=PersonFactory(user=people["secret_pm"]),
        sponsor=PersonFactory(user=people["secret_sponsor"]),
    )
    ProjectFactory(code="MINE", project_manager=PersonFactory(user=people["other_pm"]))
    period = PeriodFactory()
    for project in (open_project, secret):
        ReportFactory(project=project, period=period)
        BaselineFactory(project=project)
        Tolerance.objects.create(project=project, dimension="time", absolute=10)
        exception = ProjectException.objects.create(
            project=project, dimensions="time", breach_summary="late", raised_at=timezone.now()
        )
        ActionFactory(
            project=project,
            title="Recover",
            owner=project.project_manager,
            due=dt.date(2027, 1, 8),
            source="exception",
            source_reference=exception.reference,
        )
    return {"open": open_project, "secret": secret}


def codes(rows):
    return sorted(row.project.code for row in rows)


@pytest.mark.parametrize("who", ["secret_pm", "secret_sponsor", "head", "analyst", "officer"])
@pytest.mark.parametrize("listing", LISTS)
def test_the_pmo_and_the_projects_own_people_see_a_confidential_projects_records(
    people, records, who, listing
):
    assert codes(LISTS[listing](user=people[who])) == ["OPEN", "SECRET"]


@pytest.mark.parametrize("who", ["other_pm", "executive", "finance"])
@pytest.mark.parametrize("listing", LISTS)
def test_everybody_else_sees_only_the_open_projects_records(people, records, who, listing):
    assert codes(LISTS[listing](user=people[who])) == ["OPEN"]


@pytest.mark.parametrize("listing", LISTS)
def test_nobody_signed_out_sees_anything(records, listing):
    assert list(LISTS[listing](user=AnonymousUser())) == []


def test_a_hidden_report_cannot_be_fetched_by_id(people, records):
    secret_report = records["secret"].highlight_reports.get()

    with pytest.raises(secret_report.DoesNotExist):
        selectors.report_list(user=people["executive"]).get(pk=secret_report.pk)
    assert selectors.report_list(user=people["secret_sponsor"]).get(pk=secret_report.pk) == secret_report


def test_periods_and_default_tolerances_are_for_everyone_signed_in(people, records):
    assert selectors.period_list(user=people["finance"]).count() == 1
    assert selectors.tolerance_default_list(user=people["finance"]).count() == 24
    assert not selectors.period_list(user=AnonymousUser()).exists()
    assert not selectors.tolerance_default_list(user=AnonymousUser()).exists()


def test_an_inactive_login_sees_nothing(people, records):
    user = people["head"]
    user.is_active = False
    user.save()

    assert not selectors.report_list(user=user).exists()
    assert not selectors.period_list(user=user).exists()
