"""A highlight report cites the project's RAID items by reference. Each reference must name an
item of the project's own registers, on saving and again on submission; the citations are part of
the snapshot and carry into the next period's draft while their items exist."""

import pytest
from django.core.exceptions import ValidationError

from pmo.portfolio.models import Project
from pmo.raid.tests.factories import ActionFactory, IssueFactory, RiskFactory
from pmo.reporting import services
from pmo.reporting.models import HighlightReport
from pmo.reporting.tests.services.steps import draft, next_period, submitted

pytestmark = pytest.mark.django_db


def cite(cast, report: HighlightReport, text: str) -> HighlightReport:
    return services.highlight_report_update(
        actor=cast.pm, report=report, fields={"raid_references": text}, expected_version=report.version
    )


def test_references_are_checked_and_written_the_standard_way(cast):
    risk, issue = RiskFactory(project=cast.project), IssueFactory(project=cast.project)
    report = draft(cast)

    report = cite(cast, report, f" rsk-{risk.pk} ISS-{issue.pk};RSK-{risk.pk} ")

    assert report.raid_references == f"RSK-{risk.pk}, ISS-{issue.pk}"
    assert report.history.first().raid_references == report.raid_references


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("RSK-{missing}", "There is no RSK-{missing} in WEB."),
        ("Supplier", "Supplier is not a RAID reference (such as RSK-12 or ISS-3)."),
        ("XYZ-4", "XYZ-4 is not a RAID reference (such as RSK-12 or ISS-3)."),
    ],
)
def test_a_reference_to_nothing_is_refused_naming_it_and_nothing_changes(cast, typed, message):
    risk = RiskFactory(project=cast.project)
    report = cite(cast, draft(cast), f"RSK-{risk.pk}")
    # The project's only risk is this one, so the next number names nothing (a fixed number
    # could be a real risk on PostgreSQL, whose sequences go on across tests).
    typed, message = (text.format(missing=risk.pk + 1) for text in (typed, message))

    with pytest.raises(ValidationError) as error:
        cite(cast, report, f"RSK-{risk.pk}, {typed}")

    assert error.value.message_dict == {"raid_references": [message]}
    report.refresh_from_db()
    assert report.raid_references == f"RSK-{risk.pk}"


def test_another_projects_item_or_a_portfolio_item_cannot_be_cited(cast):
    theirs = RiskFactory(project=Project.objects.get(code="OTHER"))
    portfolio_action = ActionFactory(portfolio=cast.project.portfolio)
    report = draft(cast)

    for item in (theirs, portfolio_action):
        with pytest.raises(ValidationError) as error:
            cite(cast, report, item.reference)
        assert error.value.message_dict == {"raid_references": [f"There is no {item.reference} in WEB."]}


def test_submission_refuses_a_citation_whose_item_was_deleted_since(cast):
    risk = RiskFactory(project=cast.project)
    report = cite(cast, draft(cast), risk.reference)
    reference = risk.reference
    risk.delete()

    with pytest.raises(ValidationError) as error:
        services.highlight_report_submit(actor=cast.pm, report=report, expected_version=report.version)

    assert error.value.message_dict == {"raid_references": [f"There is no {reference} in WEB."]}
    report.refresh_from_db()
    assert report.submitted_at is None


def test_citations_are_frozen_and_carry_to_the_next_draft_while_their_items_exist(cast):
    kept, gone = IssueFactory(project=cast.project), RiskFactory(project=cast.project)
    report = submitted(cast, raid_references=f"{kept.reference}, {gone.reference}")
    assert report.raid_references == f"{kept.reference}, {gone.reference}"
    gone_reference = gone.reference
    gone.delete()

    following = services.highlight_report_start(actor=cast.pm, project=cast.project, period=next_period())

    assert following.raid_references == kept.reference
    report.refresh_from_db()
    assert report.raid_references == f"{kept.reference}, {gone_reference}"  # the snapshot as sent
