"""The draft form offers the project's top open risks and issues to cite (and takes any other
item by reference); the report page links each cited item with its title; a reference to
nothing is refused beside the field."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.portfolio.tests.factories import ProjectFactory
from pmo.raid.choices import IssueStatus, Priority, RiskStatus
from pmo.raid.tests.factories import DecisionFactory, IssueFactory, RiskFactory
from pmo.reporting.models import HighlightReport
from pmo.reporting.tests.views.helpers import doc, field_error, report_data, text_of

pytestmark = pytest.mark.django_db


def offered(response) -> list[str]:
    labels = doc(response).xpath(
        "//input[@name='cite']/following-sibling::label | //label[input[@name='cite']]"
    )
    return [" ".join(label.text_content().split()) for label in labels]


def test_the_draft_offers_the_top_open_risks_and_issues_worst_first(world):
    worst = RiskFactory(
        project=world.project, title="Supplier insolvency", residual_probability=5, residual_impact=4
    )
    RiskFactory(project=world.project, title="Closed one", status=RiskStatus.CLOSED)
    for n in range(5):
        RiskFactory(project=world.project, title=f"Minor {n}", residual_probability=1, residual_impact=1)
    urgent = IssueFactory(project=world.project, title="Data centre lease ends", priority=Priority.HIGH)
    IssueFactory(project=world.project, title="Resolved", status=IssueStatus.CLOSED)
    RiskFactory(project=ProjectFactory(), title="Someone else's")
    report = world.draft()

    page = world.client(world.pm).get(f"/reporting/reports/{report.pk}/edit/")

    labels = offered(page)
    assert labels[0] == f"{worst.reference} Supplier insolvency (risk, residual score 20)"
    assert len(labels) == 6  # five risks, one open issue
    assert labels[-1] == f"{urgent.reference} Data centre lease ends (issue, high priority)"
    assert not any("Closed one" in label or "Someone else's" in label for label in labels)


def test_ticked_and_typed_items_are_cited_and_linked_with_their_titles(world):
    risk = RiskFactory(project=world.project, title="Supplier insolvency")
    decision = DecisionFactory(project=world.project, title="Go with option B")
    report = world.draft()
    client = world.client(world.pm)

    response = client.post(
        f"/reporting/reports/{report.pk}/edit/",
        report_data(report, cite=[risk.reference], raid_references=decision.reference.lower()),
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.raid_references == f"{risk.reference}, {decision.reference}"
    page = client.get(f"/reporting/reports/{report.pk}/")
    links = doc(page).xpath("//*[@data-testid='cited']//a")
    assert [(a.text_content(), a.get("href")) for a in links] == [
        (risk.reference, f"/raid/risks/{risk.pk}/"),
        (decision.reference, f"/raid/decisions/{decision.pk}/"),
    ]
    assert f"{risk.reference} Supplier insolvency" in text_of(page)
    edit = client.get(f"/reporting/reports/{report.pk}/edit/")
    assert doc(edit).xpath("//input[@name='cite' and @checked]")[0].get("value") == risk.reference
    assert doc(edit).xpath("//input[@id='id_raid_references']")[0].get("value") == decision.reference


def test_a_reference_to_nothing_is_shown_beside_the_field_and_nothing_is_saved(world):
    report = world.draft()
    client = world.client(world.pm)

    response = client.post(
        f"/reporting/reports/{report.pk}/edit/", report_data(report, raid_references="RSK-0", summary="New")
    )

    assert response.status_code == 200
    assert field_error(response, "raid_references") == f"There is no RSK-0 in {world.project.code}."
    report.refresh_from_db()
    assert (report.raid_references, report.summary) == ("", "On track.")


def test_the_report_page_reads_the_cited_items_in_one_query_per_register(world):
    risks = RiskFactory.create_batch(4, project=world.project)
    report = world.draft()
    client = world.client(world.pm)

    def queries(cited) -> int:
        HighlightReport.objects.filter(pk=report.pk).update(
            raid_references=", ".join(r.reference for r in cited)
        )
        with CaptureQueriesContext(connection) as captured:
            page = client.get(f"/reporting/reports/{report.pk}/")
        assert len(doc(page).xpath("//*[@data-testid='cited']//a")) == len(cited)
        return len(captured.captured_queries)

    assert queries(risks[:1]) == queries(risks)
