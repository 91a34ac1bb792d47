"""The project register page: who sees what, filters, search, sort, columns, paging, HTMX,
exports and the register "as of" a past date."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from pmo.core.choices import Role
from pmo.core.history import BAD_POINT_IN_TIME, FUTURE_POINT_IN_TIME
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.services import project_update
from pmo.portfolio.tests.factories import PersonFactory, ProgrammeFactory, ProjectFactory
from pmo.portfolio.tests.views.conftest import page, row_keys, table_headers, text_of

pytestmark = pytest.mark.django_db

REGISTER = "/projects/"
FORMULA = '=HYPERLINK("http://evil.example","Click me")'


@pytest.fixture
def analyst(make_user):
    return make_user(Role.PMO_ANALYST, username="ann")


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(REGISTER)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_executive_sees_open_projects_but_not_confidential_ones(browser_for, make_user):
    ProjectFactory(code="OPEN-1")
    ProjectFactory(code="SECRET-1", confidential=True)
    executive = make_user(Role.EXECUTIVE)

    response = browser_for(executive).get(REGISTER)

    assert row_keys(response) == ["OPEN-1"]
    assert "1 project" in text_of(response)


def test_a_project_manager_sees_their_own_confidential_project(browser_for, make_user):
    pm = make_user(Role.PROJECT_MANAGER)
    ProjectFactory(code="SECRET-1", confidential=True, project_manager=PersonFactory(user=pm))
    ProjectFactory(code="SECRET-2", confidential=True)

    response = browser_for(pm).get(REGISTER)

    assert row_keys(response) == ["SECRET-1"]


def test_filters_combine_and_keep_their_ticks(browser_for, analyst):
    cloud = ProgrammeFactory(name="Cloud")
    ProjectFactory(code="A", programme=cloud, portfolio=cloud.portfolio, status=ProjectStatus.ACTIVE)
    ProjectFactory(code="B", programme=cloud, portfolio=cloud.portfolio, status=ProjectStatus.ON_HOLD)
    ProjectFactory(code="C", status=ProjectStatus.ACTIVE)

    response = browser_for(analyst).get(REGISTER, {"programme": cloud.pk, "status": "active"})

    assert row_keys(response) == ["A"]
    ticked = page(response).xpath("//form[@id='record-filters']//input[@checked]/@value")
    assert str(cloud.pk) in ticked and "active" in ticked


def test_search_finds_projects_by_name_or_manager(browser_for, analyst):
    ProjectFactory(code="A", name="Payroll upgrade")
    ProjectFactory(code="B", name="Wi-Fi", project_manager=PersonFactory(name="Nora Payne"))
    ProjectFactory(code="C", name="Intranet")

    response = browser_for(analyst).get(REGISTER, {"q": "pay"})

    assert row_keys(response) == ["A", "B"]


def test_clicking_a_heading_sorts_by_it_and_says_so(browser_for, analyst):
    for code, budget in [("A", 300), ("B", 100), ("C", 200)]:
        ProjectFactory(code=code, budget=Decimal(budget))

    response = browser_for(analyst).get(REGISTER, {"sort": "-approved_budget"})

    assert row_keys(response) == ["A", "C", "B"]
    budget_header = page(response).xpath("//th[@aria-sort]")
    assert [(th.text_content().strip().rstrip("▼"), th.get("aria-sort")) for th in budget_header] == [
        ("Approved budget (£)", "descending")
    ]
    assert "sort=approved_budget" in budget_header[0].xpath(".//a/@href")[0]  # next click: ascending


def test_priority_sorts_by_importance_not_alphabet(browser_for, analyst):
    for code, priority in [("A", "low"), ("B", "critical"), ("C", "medium"), ("D", "high")]:
        ProjectFactory(code=code, priority=priority)

    response = browser_for(analyst).get(REGISTER, {"sort": "priority", "cols": "code,priority"})

    assert row_keys(response) == ["B", "D", "C", "A"]


def test_chosen_columns_are_the_ones_shown(browser_for, analyst):
    ProjectFactory(code="A")

    response = browser_for(analyst).get(REGISTER, {"cols": ["code", "approved_budget", "sponsor"]})

    assert table_headers(response) == ["Code", "Approved budget (£)", "Sponsor"]
    ticked = page(response).xpath("//input[@name='cols'][@checked]/@value")
    assert ticked == ["code", "sponsor", "approved_budget"]


def test_fifty_projects_a_page(browser_for, analyst):
    ProjectFactory.create_batch(52)

    client = browser_for(analyst)
    first, second = client.get(REGISTER), client.get(REGISTER, {"page": 2})

    assert len(row_keys(first)) == 50
    assert len(row_keys(second)) == 2
    assert "Showing 51\N{EN DASH}52 of 52" in text_of(second)


def test_an_htmx_request_gets_only_the_table(browser_for, analyst):
    ProjectFactory(code="A", status=ProjectStatus.ACTIVE)
    ProjectFactory(code="B", status=ProjectStatus.CLOSED)

    response = browser_for(analyst).get(
        REGISTER, {"status": "closed"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="record-results"
    )

    html = response.content.decode()
    assert "<html" not in html and 'id="record-results"' in html
    assert row_keys(response) == ["B"]


def test_excel_export_has_the_shown_columns_and_every_filtered_row_as_text(browser_for, analyst):
    ProjectFactory(code="A", name=FORMULA, status=ProjectStatus.ACTIVE, budget=Decimal("1500.50"))
    ProjectFactory(code="B", status=ProjectStatus.ACTIVE)
    ProjectFactory(code="C", status=ProjectStatus.CLOSED)
    ProjectFactory.create_batch(50, status=ProjectStatus.ACTIVE)  # more than a page

    response = browser_for(analyst).get(
        REGISTER,
        {"status": "active", "cols": ["code", "name", "approved_budget"], "sort": "code", "export": "xlsx"},
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Code", "Name", "Approved budget (£)")
    assert len(rows) == 1 + 52
    assert "C" not in [row[0] for row in rows]
    assert rows[1] == ("A", FORMULA, 1500.5)
    assert sheet["B2"].data_type == "s"


def test_csv_export_writes_formulas_as_text(browser_for, analyst):
    ProjectFactory(code="A", name=FORMULA)
    ProjectFactory(code="B", name="Wi-Fi")

    response = browser_for(analyst).get(REGISTER, {"cols": ["code", "name"], "export": "csv", "q": "http"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["Code", "Name"], ["A", "'" + FORMULA]]
    assert response["Content-Disposition"].endswith('.csv"')


def test_exports_leave_out_what_the_user_may_not_see(browser_for, make_user):
    ProjectFactory(code="OPEN-1")
    ProjectFactory(code="SECRET-1", confidential=True)

    response = browser_for(make_user(Role.EXECUTIVE)).get(REGISTER, {"export": "csv", "cols": "code"})

    assert response.content.decode("utf-8-sig").split() == ["Code", "OPEN-1"]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        (
            {"status": "nonsense"},
            "Filter “status”: Select a valid choice. nonsense is not one of the available choices.",
        ),
        ({"department": "abc"}, "Filter “department”: “abc” is not a valid value."),
        ({"as_of": "yesterday-ish"}, f"Filter “as_of”: {BAD_POINT_IN_TIME.format(raw='yesterday-ish')}"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_with_a_filter_it_cannot_use_is_refused_naming_it(browser_for, analyst, query, named, fmt):
    """Given a register export asked with a filter value it cannot use, then it answers 400
    naming the filter and why, and exports nothing (never the whole register)."""
    ProjectFactory(code="A", name="Libraries Wi-Fi", status=ProjectStatus.ACTIVE)

    response = browser_for(analyst).get(REGISTER, {**query, "export": fmt, "cols": "code"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    shown = page(response)
    assert [
        " ".join(li.text_content().split()) for li in shown.xpath("//*[@data-testid='filter-errors']/li")
    ] == [named]
    assert "Libraries Wi-Fi" not in text_of(response)
    back = shown.xpath("//a[starts-with(@href, '/projects/?')]/@href")
    assert back and "export" not in back[0]


def test_as_of_shows_the_name_a_project_had_then(browser_for, analyst):
    project = ProjectFactory(code="A", name="Old name")
    project.history.update(history_date=timezone.make_aware(dt.datetime(2026, 1, 10, 9, 0)))
    project_update(actor=analyst, project=project, fields={"name": "New name"}, expected_version=1)

    response = browser_for(analyst).get(REGISTER, {"as_of": "2026-02-01"})

    shown = text_of(response)
    assert "Showing the register as it stood on 1 February 2026" in shown
    assert "Old name" in shown and "New name" not in shown
    assert not page(response).xpath("//a[normalize-space()='New project']")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("last week", BAD_POINT_IN_TIME.format(raw="last week")),
        ("2999-01-01", FUTURE_POINT_IN_TIME.format(raw="2999-01-01")),
    ],
)
def test_a_bad_as_of_date_is_explained_beside_the_date_box(browser_for, analyst, raw, message):
    ProjectFactory(code="A")

    response = browser_for(analyst).get(REGISTER, {"as_of": raw})

    error = page(response).xpath("//*[@id='as-of-error']")[0]
    assert error.text_content().strip() == message
    assert "is-invalid" in page(response).xpath("//input[@id='as-of']/@class")[0]
    assert row_keys(response) == ["A"]  # today's register, unchanged


def test_unknown_columns_and_sorts_fall_back_to_the_defaults(browser_for, analyst):
    ProjectFactory(code="A")

    response = browser_for(analyst).get(REGISTER, {"cols": "nonsense", "sort": "password"})

    assert response.status_code == 200
    assert table_headers(response)[:2] == ["Code", "Name"]
