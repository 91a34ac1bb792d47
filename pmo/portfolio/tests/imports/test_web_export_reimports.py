"""The register's web export in the import layout: the projects shown, in every column of the
import template, so the file can be edited and imported back; imported as it is, it changes
nothing."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from pmo.portfolio.imports import HEADERS, SHEET_TITLE, project_import
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory, StrategicObjectiveFactory
from pmo.portfolio.views import IMPORT_LAYOUT_AS_OF

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-06-01")]

REGISTER = "/projects/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def projects(register):
    first = ProjectFactory(
        code="ICT-001",
        name="Payroll upgrade",
        portfolio=register.portfolio,
        programme=register.programme,
        department=register.department,
        sponsor=register.sponsor,
        project_manager=register.manager,
        business_owner=register.owner,
        status="active",
        budget=Decimal("1250000.50"),
        description="=SUM(A1:A2) is what the finance team typed",
        confidential=True,
    )
    first.strategic_objectives.set(register.objectives)
    ProjectFactory(
        code="ICT-002",
        name="Website",
        portfolio=register.portfolio,
        department=register.department,
        sponsor=register.sponsor,
        project_manager=PersonFactory(name="Ana Diaz"),
        status="active",
    )
    ProjectFactory(code="ICT-003", name="Closed work", portfolio=register.portfolio, status="closed")
    return first


def test_the_register_exported_in_the_import_layout_imports_back_changing_nothing(projects, pmo_officer):
    before = {p.code: (p.version, p.history.count()) for p in Project.objects.all()}

    response = signed_in(pmo_officer).get(REGISTER, {"export": "xlsx", "layout": "import", "cols": "code"})

    assert response.status_code == 200
    assert "-import-layout.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))[SHEET_TITLE]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS  # every column of the template, not only the one shown
    assert [row[0] for row in rows[1:]] == ["ICT-001", "ICT-002"]  # the active ones shown

    result = project_import(actor=pmo_officer, file=io.BytesIO(response.content), filename="back.xlsx")

    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert {p.code: (p.version, p.history.count()) for p in Project.objects.all()} == before


def test_the_import_layout_exports_the_filtered_projects_in_csv_too(projects, pmo_officer):
    response = signed_in(pmo_officer).get(REGISTER, {"export": "csv", "layout": "import", "q": "website"})

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["Code", "Name", "Description"] == HEADERS[:3]
    assert [line.split(",")[0] for line in lines[1:]] == ["ICT-002"]


def test_the_import_layout_is_refused_for_the_register_as_of_a_date(projects, pmo_officer):
    response = signed_in(pmo_officer).get(
        REGISTER, {"export": "xlsx", "layout": "import", "as_of": "2026-05-01"}
    )

    assert response.status_code == 400
    assert IMPORT_LAYOUT_AS_OF in response.content.decode()


def test_the_register_page_offers_the_export_for_re_import(projects, pmo_officer):
    response = signed_in(pmo_officer).get(REGISTER)

    html = response.content.decode()
    assert "Export to Excel for re-import" in html
    assert "layout=import" in html


def test_objectives_survive_the_round_trip(projects, pmo_officer):
    extra = StrategicObjectiveFactory(code="SO-9")
    projects.strategic_objectives.add(extra)
    exported = signed_in(pmo_officer).get(REGISTER, {"export": "xlsx", "layout": "import"})

    result = project_import(actor=pmo_officer, file=io.BytesIO(exported.content), filename="back.xlsx")

    assert result.errors == [] and result.updated == 0
    kept = Project.objects.get(code="ICT-001").strategic_objectives.values_list("code", flat=True)
    assert "SO-9" in set(kept)
