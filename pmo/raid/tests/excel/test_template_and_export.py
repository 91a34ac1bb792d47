"""The template and the export, opened back with openpyxl as a PM's Excel would."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pmo.raid import selectors
from pmo.raid.choices import RiskStatus
from pmo.raid.exports import matrix_range
from pmo.raid.forms import BAD_CELL
from pmo.raid.imports import LAYOUTS, headers
from pmo.raid.tests.excel.conftest import read_back
from pmo.raid.tests.factories import RiskFactory

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", list(LAYOUTS))
def test_each_register_has_a_template_with_its_columns_and_guidance(cast, kind):
    response = signed_in(cast.pm).get(f"/raid/{kind}/template.xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{kind}-template.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[1] == "Guidance"
    names, rows = read_back(response.content)
    assert names == headers(kind) and rows == []
    guidance = [list(row) for row in workbook["Guidance"].iter_rows(values_only=True)]
    listed = [row[0] for row in guidance if row[0] in names]
    assert listed == names


def test_the_risk_template_gives_the_matrix_range_and_the_allowed_values(cast):
    # Given the PMO scores on a 4 × 6 matrix
    settings_row = selectors.raid_settings()
    settings_row.probability_levels, settings_row.impact_levels = 4, 6
    settings_row.medium_from, settings_row.high_from = 6, 16
    settings_row.likelihoods = "10, 30, 60, 90"
    settings_row.save()

    response = signed_in(cast.pm).get("/raid/risks/template.xlsx")

    guidance = {
        row[0]: row
        for row in load_workbook(io.BytesIO(response.content))["Guidance"].iter_rows(values_only=True)
    }
    expected = (
        "Probability 1 to 4, impact 1 to 6 (a 4 × 6 matrix): a score (probability × impact) from 6 "
        "is medium, from 16 high."
    )
    assert matrix_range(settings_row.matrix) == expected
    assert guidance["Inherent probability"][3] == expected
    assert guidance["Residual impact"][3] == expected
    assert guidance["Owner"][1] == "Yes"
    assert guidance["Status"][3] == (
        "Open; Occurred (now an issue); Closed (or their codes: open, occurred, closed)"
    )
    assert guidance["Response category"][3].startswith("Avoid; Reduce; Fallback")


def test_an_executive_cannot_download_the_template(cast):
    response = signed_in(cast.executive).get("/raid/risks/template.xlsx")

    assert response.status_code == 403
    assert b"You do not have permission to import risks." in response.content


def test_an_unknown_register_is_not_found(cast):
    assert signed_in(cast.pm).get("/raid/gremlins/export.xlsx").status_code == 404


def test_the_export_is_the_register_in_the_import_layout_with_the_page_filters(cast):
    # Given risks in two projects' registers, one of them closed
    risk = RiskFactory(
        project=cast.project,
        owner=cast.project.project_manager,
        title="Supplier may go bust",
        category="commercial",
        inherent_probability=4,
        inherent_impact=5,
        residual_probability=2,
        residual_impact=3,
        cost_impact=Decimal("40000"),
        due=dt.date(2026, 12, 31),
    )
    RiskFactory(project=cast.other_project, title="HR risk")
    RiskFactory(project=cast.project, title="Closed one", status=RiskStatus.CLOSED)

    # When the PM exports the WEB register's open risks
    response = signed_in(cast.pm).get("/raid/risks/export.xlsx?project=WEB")

    # Then one row, in the template's columns, with values they can edit
    assert response.status_code == 200
    names, rows = read_back(response.content)
    assert names == headers("risks")
    assert len(rows) == 1
    row = dict(zip(names, rows[0], strict=True))
    assert row["ID"] == risk.reference
    assert row["Project"] == "WEB" and row["Programme"] is None and row["Portfolio"] is None
    assert row["Title"] == "Supplier may go bust"
    assert row["Owner"] == cast.project.project_manager.email
    assert row["Category"] == "Commercial and supplier"
    assert row["Kind"] == "Threat" and row["Status"] == "Open"
    assert [
        row[h] for h in ("Inherent probability", "Inherent impact", "Residual probability", "Residual impact")
    ] == [4, 5, 2, 3]
    assert row["Cost impact"] == 40000
    assert row["Next review"] == dt.datetime(2026, 12, 31)

    # and "all" statuses brings the closed one too
    all_rows = read_back(signed_in(cast.pm).get("/raid/risks/export.xlsx?project=WEB&status=all").content)[1]
    assert len(all_rows) == 2


@pytest.mark.parametrize(
    ("query", "named"),
    [
        (
            "status=nonsense",
            "Filter “status”: Select a valid choice. nonsense is not one of the available choices.",
        ),
        ("residual=9-x", "Filter “residual”: " + BAD_CELL),
    ],
)
def test_an_export_with_a_filter_it_cannot_use_is_refused_naming_it(cast, query, named):
    """Given the risk register asked for with a filter it cannot use, then the export answers
    400 naming it and sends no workbook (never every risk instead)."""
    RiskFactory(project=cast.project, title="Supplier may go bust")

    response = signed_in(cast.pm).get(f"/raid/risks/export.xlsx?project=WEB&{query}")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert named in " ".join(body.split())
    assert "Supplier may go bust" not in body


def test_the_export_of_a_programme_register_includes_what_was_escalated_to_it(cast):
    escalated = RiskFactory(project=cast.project, title="Escalated", escalated_to="programme")
    RiskFactory(project=cast.project, title="Kept at project level")

    response = signed_in(cast.programme_manager).get(
        f"/raid/risks/export.xlsx?register=programme:{cast.programme.pk}"
    )

    titles = [row[headers("risks").index("Title")] for row in read_back(response.content)[1]]
    assert titles == [escalated.title]


def test_the_export_writes_formula_like_text_as_text(cast):
    RiskFactory(project=cast.project, title='=HYPERLINK("http://evil.example","Click")')

    response = signed_in(cast.pm).get("/raid/risks/export.xlsx")

    cell = (
        load_workbook(io.BytesIO(response.content))
        .worksheets[0]
        .cell(row=2, column=headers("risks").index("Title") + 1)
    )
    assert cell.value == '=HYPERLINK("http://evil.example","Click")'
    assert cell.data_type == "s"


def test_a_confidential_projects_risks_are_not_exported_to_those_who_may_not_see_them(cast):
    cast.other_project.confidential = True
    cast.other_project.save()
    RiskFactory(project=cast.other_project, title="Secret")
    RiskFactory(project=cast.project, title="Visible")

    titles = [
        r[headers("risks").index("Title")]
        for r in read_back(signed_in(cast.pm).get("/raid/risks/export.xlsx").content)[1]
    ]

    assert titles == ["Visible"]


def test_the_export_runs_the_same_queries_whatever_the_number_of_items(cast):
    client = signed_in(cast.pm)
    client.get("/raid/risks/export.xlsx")  # sessions, settings row

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/raid/risks/export.xlsx").status_code == 200
        return len(queries)

    RiskFactory.create_batch(2, project=cast.project, actionee=cast.project.sponsor)
    small = count()
    RiskFactory.create_batch(8, project=cast.other_project, actionee=cast.project.sponsor)
    assert count() == small
