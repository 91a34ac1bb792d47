"""The budget outline: each project's current approved budget by financial year (April to March)
in columns, summed by a key in rows, with a total row and column; only the money the reader may
see; the Excel export as shown; the same queries for few projects as for many."""

import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pmo.core.choices import Role
from pmo.finance import services
from pmo.finance.selectors import finance_settings
from pmo.finance.tests.api.test_query_counts import add_money
from pmo.finance.tests.conftest import line
from pmo.finance.tests.views.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]
URL = "/finance/outline/"
FEB, MAR, APR, MAY = date(2027, 2, 1), date(2027, 3, 1), date(2027, 4, 1), date(2027, 5, 1)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def approve(books, project, lines):
    draft = services.budget_draft(actor=books.finance, project=project, reason="budget", lines=lines)
    services.budget_approve(actor=books.finance, version=draft, expected_version=1)


@pytest.fixture
def outlined(books):
    """WEB: v1 (£9,000 in February, superseded), then v2: £1,000 in February and £2,000 in March
    (2026/27), £4,000 in April (2027/28). HR (confidential): £500 in March, £700 in May."""
    books.cast.other_project.confidential = True
    books.cast.other_project.save()
    web, hr = books.cast.project, books.cast.other_project
    approve(books, web, [line(FEB, books.software, 9_000)])
    approve(
        books,
        web,
        [line(FEB, books.software, 1_000), line(MAR, books.staff, 2_000), line(APR, books.software, 4_000)],
    )
    approve(books, hr, [line(MAR, books.staff, 500), line(MAY, books.staff, 700)])
    return books


def test_by_project_each_financial_year_in_a_column(outlined):
    page = text(client_for(outlined.finance).get(URL, {"by": "project"}))

    assert "Project 2026/27 2027/28 Total" in page
    # v1's £9,000 is superseded by v2: not counted
    assert "WEB £3,000 £4,000 £7,000" in page
    assert "HR £500 £700 £1,200" in page
    assert "Total £3,500 £4,700 £8,200" in page
    assert "£9,000" not in page


def test_by_category_and_by_default_the_portfolio(outlined):
    client = client_for(outlined.finance)

    page = text(client.get(URL, {"by": "category"}))
    assert "Cost category 2026/27 2027/28 Total" in page
    assert "Software £1,000 £4,000 £5,000" in page
    assert "Staff £2,500 £700 £3,200" in page
    page = text(client.get(URL))
    assert "IT Portfolio £3,500 £4,700 £8,200" in page


def test_a_reader_gets_only_the_money_they_may_see(outlined):
    # HR is confidential: WEB's project manager sees WEB's budget only.
    page = text(client_for(outlined.cast.pm).get(URL, {"by": "project"}))

    assert "WEB £3,000 £4,000 £7,000" in page
    assert "HR £" not in page
    assert "Total £3,000 £4,000 £7,000" in page


def test_the_export_holds_the_figures_as_shown(outlined):
    response = client_for(outlined.finance).get(URL, {"by": "project", "export": "xlsx"})

    assert response.status_code == 200
    assert 'filename="budget-outline-by-project-2026-12-04.xlsx"' in response["Content-Disposition"]
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert rows == [
        ["Project", "2026/27", "2027/28", "Total"],
        ["HR", 500, 700, 1200],
        ["WEB", 3000, 4000, 7000],
        ["Total", 3500, 4700, 8200],
    ]


def test_an_unknown_key_shows_the_portfolio_and_refuses_the_export(outlined):
    client = client_for(outlined.finance)

    response = client.get(URL, {"by": "nonsense"})
    assert response.status_code == 200
    assert "IT Portfolio £3,500 £4,700 £8,200" in text(response)
    assert client.get(URL, {"by": "nonsense", "export": "xlsx"}).status_code == 400


def test_no_budget_says_so(books):
    page = text(client_for(books.finance).get(URL))

    assert "No approved budget to show yet." in page


def test_portfolio_finance_links_to_it(outlined):
    page = client_for(outlined.finance).get("/finance/").content.decode()

    assert f'href="{URL}">Budget outline</a>' in page


def test_signed_out_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("url", "pinned"),
    [
        # session, user, the settings row, roles and person (who sees which), the lines summed
        # by key and month, unread notices
        (f"{URL}?by=project", 7),
        # ... the export without the page around it (no notices)
        (f"{URL}?by=category&export=xlsx", 6),
    ],
)
def test_the_queries_do_not_grow_with_the_projects(make_user, url, pinned):
    finance_settings()
    client = client_for(make_user(Role.EXECUTIVE))
    add_money(2)
    few = count(client, url)

    add_money(4)
    many = count(client, url)

    assert (few, many) == (pinned, pinned)
