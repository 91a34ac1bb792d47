"""The PMO's quality check (return, accept, publish) and the PM's revisions that supersede a
returned report."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.models import Notification
from pmo.core.services import ConflictError
from pmo.reporting import services, workflows
from pmo.reporting.choices import ReportStatus
from pmo.reporting.models import HighlightReport
from pmo.reporting.services import MilestoneForecast
from pmo.reporting.tests.services.steps import draft, submitted

pytestmark = pytest.mark.django_db

QUALITY_CHECK_DENIED = "You do not have permission to quality-check highlight reports."


def test_the_pmo_returns_a_report_with_comments_and_the_pm_is_told(cast):
    report = submitted(cast)

    returned = services.highlight_report_return(
        actor=cast.officer,
        report=report,
        comments="  The forecast cost is missing a supplier.  ",
        expected_version=report.version,
    )

    assert returned.status == ReportStatus.RETURNED
    assert returned.review_comments == "The forecast cost is missing a supplier."
    assert returned.reviewed_by == cast.officer
    assert returned.history.first().history_change_reason == "Returned"
    note = Notification.objects.get(key=f"report-returned:{report.pk}")
    assert note.recipient == cast.pm
    assert note.subject == f"{report} was returned by the PMO"
    assert "The forecast cost is missing a supplier." in note.body
    assert note.url == report.get_absolute_url()


def test_a_return_needs_comments(cast):
    report = submitted(cast)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_return(
            actor=cast.officer, report=report, comments="   ", expected_version=report.version
        )

    assert error.value.message_dict == {"review_comments": [services.COMMENTS_REQUIRED]}
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_accept_then_publish(cast):
    report = submitted(cast)

    accepted = services.highlight_report_accept(
        actor=cast.analyst, report=report, expected_version=report.version
    )
    published = services.highlight_report_publish(
        actor=cast.head, report=accepted, expected_version=accepted.version
    )

    assert published.status == ReportStatus.PUBLISHED
    assert published.reviewed_by == cast.analyst
    assert published.published_at is not None
    steps = published.history.order_by("history_date", "history_id")
    assert [h.history_change_reason for h in steps][-3:] == [
        "Submitted",
        "Accepted",
        "Published",
    ]


def test_a_draft_cannot_be_accepted_or_returned(cast):
    report = draft(cast)

    with pytest.raises(ValidationError) as accept_error:
        services.highlight_report_accept(actor=cast.officer, report=report, expected_version=report.version)
    with pytest.raises(ValidationError) as return_error:
        services.highlight_report_return(
            actor=cast.officer, report=report, comments="No.", expected_version=report.version
        )

    assert accept_error.value.messages == ["Only a submitted report can be accepted; this one is draft."]
    assert return_error.value.messages == ["Only a submitted report can be returned; this one is draft."]


def test_only_an_accepted_report_is_published(cast):
    report = submitted(cast)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_publish(actor=cast.head, report=report, expected_version=report.version)

    assert error.value.messages == ["Only an accepted report can be published; this one is submitted."]


def test_a_report_is_accepted_only_once(cast):
    report = submitted(cast)
    accepted = services.highlight_report_accept(
        actor=cast.officer, report=report, expected_version=report.version
    )

    with pytest.raises(ValidationError) as error:
        services.highlight_report_accept(
            actor=cast.officer, report=accepted, expected_version=accepted.version
        )

    assert error.value.messages == ["Only a submitted report can be accepted; this one is accepted."]


@pytest.mark.parametrize("who", ["pm", "sponsor", "executive", "finance"])
def test_only_the_pmo_quality_checks(cast, who):
    report = submitted(cast)
    actor = cast.by_name(who)

    for review in (
        lambda: services.highlight_report_accept(actor=actor, report=report, expected_version=report.version),
        lambda: services.highlight_report_return(
            actor=actor, report=report, comments="Fine.", expected_version=report.version
        ),
        lambda: services.highlight_report_publish(
            actor=actor, report=report, expected_version=report.version
        ),
    ):
        with pytest.raises(PermissionDenied) as error:
            review()
        assert str(error.value) == QUALITY_CHECK_DENIED
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_stale_accept_is_a_conflict(cast):
    report = submitted(cast)
    stale = report.version - 1

    with pytest.raises(ConflictError):
        services.highlight_report_accept(actor=cast.officer, report=report, expected_version=stale)

    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_no_quality_check_on_a_closed_period(cast):
    report = submitted(cast)
    services.reporting_period_close(
        actor=cast.officer, period=cast.period, expected_version=cast.period.version
    )

    with pytest.raises(ValidationError) as error:
        services.highlight_report_accept(actor=cast.officer, report=report, expected_version=report.version)

    assert error.value.messages == [services.PERIOD_CLOSED.format(period=cast.period)]


# Revisions ---------------------------------------------------------------------------------------


def returned_report(cast):
    report = draft(cast, achievements="Built the portal.", summary="On track.")
    services.highlight_report_update(
        actor=cast.pm,
        report=report,
        fields={},
        expected_version=report.version,
        milestones=[MilestoneForecast("Go live", dt.date(2026, 12, 8))],
    )
    report.refresh_from_db()
    report = services.highlight_report_submit(actor=cast.pm, report=report, expected_version=report.version)
    return services.highlight_report_return(
        actor=cast.officer, report=report, comments="Cost looks low.", expected_version=report.version
    )


def test_returned_revise_resubmit_supersedes_the_returned_revision(cast):
    returned = returned_report(cast)

    revision = services.highlight_report_revise(actor=cast.pm, report=returned)

    assert (revision.revision, revision.status) == (2, ReportStatus.DRAFT)
    assert revision.achievements == "Built the portal."
    assert [(m.name, m.forecast) for m in revision.milestones.all()] == [("Go live", dt.date(2026, 12, 8))]
    assert revision.review_comments == ""
    assert revision.history.get().history_change_reason == "Revision of revision 1"
    returned.refresh_from_db()
    assert returned.status == ReportStatus.RETURNED  # unchanged until the revision is handed in

    revision = services.highlight_report_update(
        actor=cast.pm, report=revision, fields={"forecast_cost": 280000}, expected_version=revision.version
    )
    revision = services.highlight_report_submit(
        actor=cast.pm, report=revision, expected_version=revision.version
    )

    returned.refresh_from_db()
    assert revision.status == ReportStatus.SUBMITTED
    assert returned.status == ReportStatus.SUPERSEDED
    assert returned.forecast_cost != revision.forecast_cost  # the snapshot kept its figures
    entry = returned.history.first()
    assert (entry.history_change_reason, entry.history_user) == ("Superseded by revision 2", cast.pm)
    assert str(revision) == "WEB highlight report, November 2026 (revision 2)"


def test_an_accepted_report_can_be_corrected_by_a_revision(cast):
    report = submitted(cast)
    report = services.highlight_report_accept(
        actor=cast.officer, report=report, expected_version=report.version
    )

    revision = services.highlight_report_revise(actor=cast.pm, report=report)
    services.highlight_report_submit(actor=cast.pm, report=revision, expected_version=revision.version)

    report.refresh_from_db()
    assert report.status == ReportStatus.SUPERSEDED


def test_only_the_latest_revision_can_be_revised(cast):
    returned = returned_report(cast)
    services.highlight_report_revise(actor=cast.pm, report=returned)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_revise(actor=cast.pm, report=returned)

    assert error.value.messages == [workflows.NOT_REVISABLE]
    assert HighlightReport.objects.count() == 2


def test_a_draft_is_edited_not_revised(cast):
    report = draft(cast)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_revise(actor=cast.pm, report=report)

    assert error.value.messages == [workflows.NOT_REVISABLE]


def test_another_pm_cannot_revise(cast):
    returned = returned_report(cast)

    with pytest.raises(PermissionDenied) as error:
        services.highlight_report_revise(actor=cast.other_pm, report=returned)

    assert str(error.value) == f"You do not have permission to revise {returned}."
    assert HighlightReport.objects.count() == 1


def test_no_revision_on_a_closed_period(cast):
    returned = returned_report(cast)
    services.reporting_period_close(actor=cast.head, period=cast.period, expected_version=cast.period.version)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_revise(actor=cast.pm, report=returned)

    assert error.value.messages == [services.PERIOD_CLOSED.format(period=cast.period)]


def test_a_returned_report_cannot_be_resubmitted_as_it_is(cast):
    returned = returned_report(cast)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_submit(actor=cast.pm, report=returned, expected_version=returned.version)

    assert error.value.messages[0].startswith("This report was already submitted on ")
