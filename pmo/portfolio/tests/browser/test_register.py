"""In Chromium: the PMO works the project register: filter, search, sort, choose columns,
export what they see to Excel and CSV, and look at the register as it stood on a past day."""

import csv
import datetime as dt
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from pmo.conftest import assert_accessible
from pmo.core.choices import Role
from pmo.portfolio.services import project_update
from pmo.portfolio.tests.browser.conftest import column_headers, column_values, results_count, row_keys

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_narrows_the_register_and_exports_what_they_see(
    live_server, sign_in, make_user, register, tmp_path
):
    # Given a PMO officer signed in, on the overview
    page = sign_in(make_user(Role.PMO_OFFICER, username="olly", first_name="Olly", last_name="Officer"))
    expect(page.get_by_role("heading", name="Portfolio overview")).to_be_visible()
    expect(page.get_by_text("7 projects in the register you can see.")).to_be_visible()
    assert_accessible(page, "home")

    # When they open the register, it shows the active projects; one click shows every project
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", name="Project register")).to_be_visible()
    expect(results_count(page)).to_have_text("5 projects")
    assert_accessible(page, "register")
    page.get_by_role("link", name="Show every project").click()
    expect(results_count(page)).to_have_text("7 projects")

    # When they tick a programme, then a status, then search, the table narrows each time
    page.locator("summary", has_text="Programme").click()
    page.get_by_label("Digital Front Door").check()
    expect(results_count(page)).to_have_text("4 projects")
    assert row_keys(page) == ["DFD-001", "DFD-002", "DFD-003", "DFD-004"]

    page.locator("summary", has_text="Status").click()
    page.get_by_role("group", name="Status").get_by_label("Active").check()
    expect(results_count(page)).to_have_text("3 projects")

    page.get_by_role("searchbox", name="Search").fill("portal")
    expect(results_count(page)).to_have_text("2 projects")
    assert row_keys(page) == ["DFD-001", "DFD-002"]
    assert "q=portal" in page.url and "status=active" in page.url

    # When they sort by name, the heading says so and the order changes; again, it reverses
    name_header = page.locator("#record-results thead th", has_text="Name")
    expect(name_header).not_to_have_attribute("aria-sort", re.compile("."))
    name_header.get_by_role("link").click()
    expect(name_header).to_have_attribute("aria-sort", "ascending")
    assert column_values(page, "Name") == ["Online payments portal", "Resident portal"]
    name_header.get_by_role("link").click()
    expect(name_header).to_have_attribute("aria-sort", "descending")
    assert column_values(page, "Name") == ["Resident portal", "Online payments portal"]

    # When they untick the Approved finish column and tick Category, the table follows
    assert "Approved finish" in column_headers(page)
    page.locator("summary", has_text="Columns shown").click()
    page.get_by_role("group", name="Columns shown").get_by_label("Approved finish", exact=True).uncheck()
    expect(page.locator("#record-results thead th", has_text="Approved finish")).to_have_count(0)
    page.get_by_role("group", name="Columns shown").get_by_label("Category").check()
    expect(page.locator("#record-results thead th", has_text="Category")).to_have_count(1)
    shown_headers = column_headers(page)
    assert shown_headers == [
        "Code", "Name", "Project manager", "Category", "Stage", "Status", "Declared", "Evidence",
        "Approved budget (£)", "Forecast cost (£, EAC)",
    ]
    expect(name_header).to_have_attribute("aria-sort", "descending")  # the sort is kept
    shown_rows = [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in page.locator("#record-results tbody tr").all()
    ]

    # Then the Excel export holds exactly the rows and columns on screen
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export to Excel", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == f"projects-{timezone.localdate().isoformat()}.xlsx"
    download.save_as(tmp_path / download.suggested_filename)
    sheet = load_workbook(tmp_path / download.suggested_filename).active
    excel = [list(row) for row in sheet.iter_rows(values_only=True)]
    on_screen = [["DFD-001", "Resident portal"], ["DFD-002", "Online payments portal"]]
    assert excel[0] == shown_headers
    assert [row[:2] for row in excel[1:]] == on_screen
    assert [row[0] for row in excel[1:]] == [row[0] for row in shown_rows]
    assert [row[shown_headers.index("Approved budget (£)")] for row in excel[1:]] == [400000, 150000]
    # no approved budget in finance: no forecast cost, on screen or in the file (not £0)
    forecast_cost = shown_headers.index("Forecast cost (£, EAC)")
    assert [row[forecast_cost] for row in shown_rows] == ["—", "—"]
    assert [row[forecast_cost] for row in excel[1:]] == [None, None]
    assert {row[shown_headers.index("Category")] for row in excel[1:]} == {"Technical / infrastructure"}

    # And so does the CSV export
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export to CSV").click()
    assert download_info.value.suggested_filename.endswith(".csv")
    with open(download_info.value.path(), encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == shown_headers
    assert [line[:2] for line in lines[1:]] == on_screen
    assert [line[shown_headers.index("Project manager")] for line in lines[1:]] == ["Max Manager"] * 2

    # And reloading the address keeps every choice
    page.reload()
    expect(results_count(page)).to_have_text("2 projects")
    assert column_headers(page) == shown_headers
    assert page.get_by_role("searchbox", name="Search").input_value() == "portal"


def test_register_as_it_stood_on_an_earlier_day(live_server, sign_in, make_user, register):
    # Given a project renamed five days after it was created, ten days ago
    head = make_user(Role.PMO_HEAD, username="hana", first_name="Hana", last_name="Head")
    project = register.projects["INF-001"]
    project.history.update(history_date=timezone.now() - dt.timedelta(days=10))
    project_update(
        actor=head, project=project, fields={"name": "Network and Wi-Fi refresh"}, expected_version=1
    )
    for other in register.projects.values():
        if other != project:
            other.history.update(history_date=timezone.now() - dt.timedelta(days=10))
    page = sign_in(head)
    page.goto(f"{live_server.url}/projects/?programme={register.infrastructure.pk}")
    expect(results_count(page)).to_have_text("3 projects")
    assert "Network and Wi-Fi refresh" in column_values(page, "Name")
    expect(page.get_by_role("link", name="New project")).to_be_visible()

    # When they choose a day before the rename
    earlier = timezone.localdate() - dt.timedelta(days=5)
    page.get_by_label("As of").fill(earlier.isoformat())

    # Then the register shows the old name, says which day it shows, and offers no editing
    banner = page.locator(".as-of-banner")
    expect(banner).to_contain_text(f"Showing the register as it stood on {earlier:%-d %B %Y}")
    assert column_values(page, "Name") == ["Network refresh", "Data centre exit", "Portal hosting"]
    expect(page.get_by_role("link", name="New project")).to_have_count(0)
    assert_accessible(page, "register-as-of")

    # And exporting now gives the register as it stood that day
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export to CSV").click()
    assert download_info.value.suggested_filename == f"projects-as-of-{earlier.isoformat()}.csv"
    with open(download_info.value.path(), encoding="utf-8-sig", newline="") as handle:
        assert [line[1] for line in csv.reader(handle)] == [
            "Name", "Network refresh", "Data centre exit", "Portal hosting"
        ]

    # When they choose a day in the future, they are told why it cannot be shown
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.get_by_label("As of").fill(tomorrow.isoformat())
    expect(page.get_by_role("alert")).to_have_text(
        f"The date {tomorrow.isoformat()} is in the future; history only goes up to now."
    )
    expect(banner).to_have_count(0)
    page.reload()
    expect(page.get_by_role("alert")).to_contain_text("is in the future")
    expect(page.get_by_label("As of")).to_have_attribute("aria-invalid", "true")

    # When they go back to today's register, the current name is back
    page.get_by_label("As of").fill("")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert "Network and Wi-Fi refresh" in column_values(page, "Name")


def test_a_saved_view_fits_a_laptop_and_its_link_shows_the_same_choice(
    live_server, sign_in, open_browser, make_user, register
):
    # Given an analyst on the register at 1280 × 800, the default columns fit without scrolling sideways
    page = sign_in(make_user(Role.PMO_ANALYST, username="ann"))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/projects/")
    expect(results_count(page)).to_have_text("5 projects")
    assert page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")
    assert {"Declared", "Evidence"} <= set(column_headers(page))

    # When they choose the infrastructure programme, fewer columns and a sort, and save that view
    page.goto(
        f"{live_server.url}/projects/?programme={register.infrastructure.pk}&cols=code,name,status&sort=-code"
    )
    expect(results_count(page)).to_have_text("3 projects")
    page.get_by_label("Name of the view").fill("Infrastructure")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_text("Saved the view “Infrastructure”")).to_be_visible()
    link = page.get_by_label("Link to this view").input_value()

    # then the view is theirs to pick, and its link opened by someone else shows the same choice
    expect(page.get_by_role("link", name="Infrastructure", exact=True)).to_be_visible()
    other = open_browser(make_user(Role.PMO_HEAD, username="hugh"))
    other.goto(link)
    expect(results_count(other)).to_have_text("3 projects")
    assert column_headers(other) == ["Code", "Name", "Status"]
    assert row_keys(other) == ["INF-003", "INF-002", "INF-001"]
