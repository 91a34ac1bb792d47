""" "Download Excel": the portfolio status as a workbook, opened back with openpyxl."""

import io

import pytest
from openpyxl import load_workbook

from pmo.core.exports import XLSX_CONTENT_TYPE
from pmo.insights.exports import STATUS_HEADERS

pytestmark = pytest.mark.django_db

URL = "/dashboard/export/"


def sheets(response) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def test_the_workbook_holds_the_dashboard_figures(portfolio, browser_for, pmo_head):
    response = browser_for(pmo_head).get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="portfolio-status-')
    book = sheets(response)
    assert list(book) == ["Status", "Exceptions", "Actions", "Slippage", "Compliance"]

    status = book["Status"]
    assert status[0] == STATUS_HEADERS
    assert [row[0] for row in status[1:]] == [
        "BRE-001",
        "OPT-001",
        "LAT-001",
        "NEW-001",
        "CON-001",
        "STE-001",
    ]
    optimistic = status[2]
    assert optimistic[5:13] == ("Green",) * 7 + ("Red",)
    assert "Overall: declared green, evidence red (3 milestone(s) overdue)" in optimistic[-1]
    breached = status[1]
    assert breached[13] == "time tolerance breached" and breached[14] == "Breached"

    exception = book["Exceptions"][1]
    assert exception[:4] == ("BRE-001", "Breached", "time", "Exception report requested")
    assert exception[5] == 12 and exception[7] == "Yes"

    actions = book["Actions"][1:]
    assert [(a[0], a[5], a[6], a[8]) for a in actions] == [
        ("BRE-001", "Re-plan the build with the supplier", "Olive Owner", "Yes")
    ]
    assert [(s[2], s[6]) for s in book["Slippage"][1:]] == [("Build", 30), ("Design", 10)]
    compliance = book["Compliance"][1]
    # The period being chased (the fortnight ended, due yesterday): NEW-001 and CON-001 started since
    assert compliance[2:] == (4, 0, 3, 0, 1)


def test_the_workbook_respects_filters_and_visibility(portfolio, browser_for, make_user, pmo_head):
    from pmo.core.choices import Role

    outsider = sheets(browser_for(make_user(Role.EXECUTIVE)).get(URL))
    assert "CON-001" not in [row[0] for row in outsider["Status"]]
    finance = portfolio.projects["CON-001"].department_id
    filtered = sheets(browser_for(pmo_head).get(URL, {"department": finance}))
    assert [row[0] for row in filtered["Status"][1:]] == ["CON-001"]


def test_text_that_looks_like_a_formula_stays_text(portfolio, browser_for, pmo_head):
    project = portfolio.projects["STE-001"]
    project.name = '=HYPERLINK("http://evil.example","click")'
    project.save()
    workbook = load_workbook(io.BytesIO(browser_for(pmo_head).get(URL).content))
    cell = next(row[1] for row in workbook["Status"].iter_rows() if row[0].value == "STE-001")
    assert cell.data_type == "s" and cell.value == project.name
    status = workbook["Status"]
    assert status["A1"].font.b and status.freeze_panes == "A2"  # a bold heading that stays in view
    assert status["B1"].value == "Project" and status.column_dimensions["B"].width >= len(project.name)
    raised = next(row[4] for row in workbook["Exceptions"].iter_rows(min_row=2))
    assert raised.is_date and raised.number_format == "dd/mm/yyyy"


def test_a_bad_filter_is_refused_with_the_reason(portfolio, browser_for, pmo_head):
    response = browser_for(pmo_head).get(URL, {"sponsor": "abc"})
    assert response.status_code == 400
    assert "Sponsor: Select a valid choice." in response.content.decode()
