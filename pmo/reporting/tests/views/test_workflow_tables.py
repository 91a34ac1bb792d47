"""The reporting cycle's workflow tables hold everywhere: for a highlight report, an exception
and a reporting period in each state, every role is offered on the record's page exactly the
buttons the table allows, the API lists exactly those as the record's ``actions``, and the
services take exactly those actions (each tried in turn, then undone) and refuse every other."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.choices import Role
from pmo.core.models import User
from pmo.core.tests.workflow_matrix import agreeing, offered_and_accepted
from pmo.reporting import selectors, services, workflows
from pmo.reporting.choices import ExceptionDecision, ExceptionStatus, PeriodStatus, ReportStatus
from pmo.reporting.models import HighlightReport, ProjectException, ReportingPeriod
from pmo.reporting.tests.views.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-20")]

ROLES = ("pm", "sponsor", "officer", "head", "other_pm", "executive")


@pytest.fixture
def users(world: World, make_user: Callable[..., User]) -> dict[str, User]:
    executive = make_user(Role.EXECUTIVE, username="cio")
    return {name: executive if name == "executive" else getattr(world, name) for name in ROLES}


def roles(**given: list[str]) -> dict[str, list[str]]:
    """Every role's actions: those ``given``, none for the others."""
    return {name: given.get(name, []) for name in ROLES}


# Highlight reports -------------------------------------------------------------------------------


def _submitted(world: World) -> HighlightReport:
    report = world.draft()
    return services.highlight_report_submit(actor=world.pm, report=report, expected_version=report.version)


def _returned(world: World) -> HighlightReport:
    report = _submitted(world)
    return services.highlight_report_return(
        actor=world.head, report=report, comments="The forecast is stale.", expected_version=report.version
    )


def _accepted(world: World) -> HighlightReport:
    report = _submitted(world)
    return services.highlight_report_accept(actor=world.head, report=report, expected_version=report.version)


def _published(world: World) -> HighlightReport:
    report = _accepted(world)
    return services.highlight_report_publish(actor=world.head, report=report, expected_version=report.version)


def _superseded(world: World) -> HighlightReport:
    report = _returned(world)
    revision = services.highlight_report_revise(actor=world.pm, report=report)
    services.highlight_report_submit(actor=world.pm, report=revision, expected_version=revision.version)
    return report


def _under_revision(world: World) -> HighlightReport:
    """A returned report whose corrected revision has been started: the revision is revised,
    not this one."""
    report = _returned(world)
    services.highlight_report_revise(actor=world.pm, report=report)
    return report


def _closed(make: Callable[[World], HighlightReport]) -> Callable[[World], HighlightReport]:
    def report_in_a_closed_period(world: World) -> HighlightReport:
        report = make(world)
        ReportingPeriod.objects.filter(pk=report.period_id).update(status=PeriodStatus.CLOSED)
        return report

    return report_in_a_closed_period


MAKERS_AND_EDITORS = ["edit", "submit"]
REPORTS = {
    "draft": (World.draft, roles(pm=MAKERS_AND_EDITORS, officer=MAKERS_AND_EDITORS, head=MAKERS_AND_EDITORS)),
    "submitted": (
        _submitted,
        roles(pm=["revise"], officer=["return", "accept", "revise"], head=["return", "accept", "revise"]),
    ),
    "returned": (_returned, roles(pm=["revise"], officer=["revise"], head=["revise"])),
    "accepted": (_accepted, roles(pm=["revise"], officer=["publish", "revise"], head=["publish", "revise"])),
    "published": (_published, roles(pm=["revise"], officer=["revise"], head=["revise"])),
    "superseded": (_superseded, roles()),
    "returned, its revision started": (_under_revision, roles()),
    "draft in a closed period": (_closed(World.draft), roles()),
    "accepted in a closed period": (_closed(_accepted), roles()),
}


def try_on_report(pk: int) -> Callable[[User, str], Any]:
    def attempt(user: User, action: str) -> Any:
        report = HighlightReport.objects.get(pk=pk)
        version = report.version
        if action == "edit":
            return services.highlight_report_update(
                actor=user, report=report, fields={"summary": "Still on track."}, expected_version=version
            )
        if action == "submit":
            return services.highlight_report_submit(actor=user, report=report, expected_version=version)
        if action == "return":
            return services.highlight_report_return(
                actor=user, report=report, comments="Say why.", expected_version=version
            )
        if action == "accept":
            return services.highlight_report_accept(actor=user, report=report, expected_version=version)
        if action == "publish":
            return services.highlight_report_publish(actor=user, report=report, expected_version=version)
        assert action == "revise", action
        return services.highlight_report_revise(actor=user, report=report)

    return attempt


@pytest.mark.parametrize("state", REPORTS)
def test_a_report_offers_each_role_what_the_services_accept(world, users, state):
    make, expected = REPORTS[state]
    report = make(world)

    seen = offered_and_accepted(
        workflow=workflows.HIGHLIGHT_REPORT,
        users=users,
        record=lambda user: selectors.report_list(user=user).get(pk=report.pk),
        page=f"/reporting/reports/{report.pk}/",
        api=f"/api/v1/highlight-reports/{report.pk}/",
        attempt=try_on_report(report.pk),
    )

    assert seen == agreeing(expected)


def test_the_report_list_in_the_api_gives_each_revision_its_own_actions(world, users):
    report = _under_revision(world)
    client = world.client(world.pm)

    rows = client.get("/api/v1/highlight-reports/?ordering=revision").json()["results"]

    assert [(row["revision"], row["status"], row["actions"]) for row in rows] == [
        (1, ReportStatus.RETURNED, []),  # its revision is the one to correct
        (2, ReportStatus.DRAFT, ["edit", "submit"]),
    ]
    assert rows[0]["id"] == report.pk


def test_a_refusal_names_the_state_or_the_person(world, users):
    report = _accepted(world)

    with pytest.raises(ValidationError) as wrong_state:
        services.highlight_report_accept(actor=world.head, report=report, expected_version=report.version)
    with pytest.raises(PermissionDenied) as not_yours:
        services.highlight_report_publish(actor=world.pm, report=report, expected_version=report.version)

    assert wrong_state.value.messages == [
        workflows.NOT_SUBMITTED.format(action="accepted", status="accepted")
    ]
    assert str(not_yours.value) == "You do not have permission to quality-check highlight reports."


# Exceptions --------------------------------------------------------------------------------------


def _requested(world: World) -> ProjectException:
    return world.breaching_submission().exceptions_raised.get()


def _raised(world: World) -> ProjectException:
    exception = _requested(world)
    ProjectException.objects.filter(pk=exception.pk).update(status=ExceptionStatus.RAISED)
    return exception


def _report_submitted(world: World) -> ProjectException:
    exception = _requested(world)
    return services.exception_report_submit(
        actor=world.pm,
        exception=exception,
        cause="The supplier went into administration.",
        consequences="Seven months late.",
        options="Re-tender, or descope.",
        recommendation="Re-tender.",
        expected_version=exception.version,
    )


def _decided(world: World) -> ProjectException:
    exception = _report_submitted(world)
    return services.exception_decide(
        actor=world.sponsor,
        exception=exception,
        decision=ExceptionDecision.CORRECTIVE_ACTION,
        notes="Recover the plan.",
        expected_version=exception.version,
    )


REPORTERS = roles(pm=["report"], officer=["report"], head=["report"])
EXCEPTIONS = {
    "raised": (_raised, REPORTERS),
    "report requested": (_requested, REPORTERS),
    "report submitted": (_report_submitted, roles(sponsor=["decide"], head=["decide"])),
    "decided": (_decided, roles()),
}


def try_on_exception(pk: int) -> Callable[[User, str], Any]:
    def attempt(user: User, action: str) -> Any:
        exception = ProjectException.objects.get(pk=pk)
        if action == "report":
            return services.exception_report_submit(
                actor=user,
                exception=exception,
                cause="Cause.",
                consequences="Consequences.",
                options="Options.",
                recommendation="Recommendation.",
                expected_version=exception.version,
            )
        assert action == "decide", action
        return services.exception_decide(
            actor=user,
            exception=exception,
            decision=ExceptionDecision.CORRECTIVE_ACTION,
            notes="Recover.",
            expected_version=exception.version,
        )

    return attempt


@pytest.mark.parametrize("state", EXCEPTIONS)
def test_an_exception_offers_each_role_what_the_services_accept(world, users, state):
    make, expected = EXCEPTIONS[state]
    exception = make(world)

    seen = offered_and_accepted(
        workflow=workflows.EXCEPTION,
        users=users,
        record=lambda user: selectors.exception_list(user=user).get(pk=exception.pk),
        page=exception.get_absolute_url(),
        api=f"/api/v1/exceptions/{exception.pk}/",
        attempt=try_on_exception(exception.pk),
    )

    assert seen == agreeing(expected)


# Reporting periods -------------------------------------------------------------------------------


def try_on_period(pk: int) -> Callable[[User, str], Any]:
    def attempt(user: User, action: str) -> Any:
        period = ReportingPeriod.objects.get(pk=pk)
        service = services.reporting_period_close if action == "close" else services.reporting_period_reopen
        return service(actor=user, period=period, expected_version=period.version)

    return attempt


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (PeriodStatus.OPEN, roles(officer=["close"], head=["close"])),
        (PeriodStatus.CLOSED, roles(officer=["reopen"], head=["reopen"])),
    ],
)
def test_a_period_offers_each_role_what_the_services_accept(world, users, status, expected):
    ReportingPeriod.objects.filter(pk=world.period.pk).update(status=status)

    seen = offered_and_accepted(
        workflow=workflows.PERIOD,
        users=users,
        record=lambda user: selectors.period_list(user=user).get(pk=world.period.pk),
        page=world.period.get_absolute_url(),
        api=f"/api/v1/reporting-periods/{world.period.pk}/",
        attempt=try_on_period(world.period.pk),
    )

    assert seen == agreeing(expected)


def test_closing_a_closed_period_is_refused_saying_so(world):
    closed = services.reporting_period_close(
        actor=world.head, period=world.period, expected_version=world.period.version
    )

    with pytest.raises(ValidationError) as again:
        services.reporting_period_close(actor=world.head, period=closed, expected_version=closed.version)
    page = world.client(world.head).post(
        closed.get_absolute_url(), {"action": "close", "version": closed.version, "confirm": "yes"}
    )

    message = f"{closed} is closed: you cannot close it now."
    assert again.value.messages == [message]
    assert page.status_code == 400
    assert message in page.content.decode()
    assert closed.history.filter(history_change_reason="Closed").count() == 1
