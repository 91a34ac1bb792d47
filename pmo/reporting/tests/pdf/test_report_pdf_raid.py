"""The PDF says where the open-high-risks figure came from and lists the RAID items the report
cites, each a link (absolute, to the site that made the PDF) with its title."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.tests.factories import IssueFactory, RiskFactory
from pmo.reporting import services
from pmo.reporting.pdf import highlight_report_pdf
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pdf_links(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    ]


@pytest.fixture
def pm_user(make_user):
    return make_user(Role.PROJECT_MANAGER, username="pat")


@pytest.fixture
def report(pm_user):
    project = ProjectFactory(code="ICT-042", project_manager=PersonFactory(user=pm_user))
    risk = RiskFactory(
        project=project, title="Supplier insolvency", residual_probability=4, residual_impact=4
    )
    issue = IssueFactory(project=project, title="Interface build late")
    draft = services.highlight_report_start(actor=pm_user, project=project, period=PeriodFactory())
    return services.highlight_report_update(
        actor=pm_user,
        report=draft,
        fields={"raid_references": f"{risk.reference}, {issue.reference}"},
        expected_version=draft.version,
    )


def test_the_pdf_lists_the_cited_items_with_titles_and_links(report):
    risk_reference, issue_reference = report.raid_references.split(", ")

    data = highlight_report_pdf(report, site="https://pmo.example")

    text = pdf_text(data)
    assert f"RAID items cited Reference Title {risk_reference} Supplier insolvency" in text
    assert f"{issue_reference} Interface build late" in text
    assert "Open high risks: 1 (from the risk register)" in text
    risk_pk, issue_pk = (reference.split("-")[1] for reference in (risk_reference, issue_reference))
    assert pdf_links(data) == [
        f"https://pmo.example/raid/risks/{risk_pk}/",
        f"https://pmo.example/raid/issues/{issue_pk}/",
    ]


def test_the_pdf_page_links_to_the_site_that_served_it(report, pm_user):
    client = Client()
    client.force_login(pm_user)

    response = client.get(f"/reporting/reports/{report.pk}/pdf/")

    assert response.status_code == 200
    assert all(link.startswith("http://testserver/raid/") for link in pdf_links(response.content))
    assert len(pdf_links(response.content)) == 2
