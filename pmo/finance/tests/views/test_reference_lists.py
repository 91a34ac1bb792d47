"""Finance's own lists, the cost categories and the funding sources: everyone signed in reads
them; finance partners and the PMO add, change, retire and delete them, with history. One in
use (by cost codes, budget, ledger, forecast or cost centre lines) is refused deletion naming
what uses it, and offered retirement instead; a retired one is no longer offered for new cost
codes. Run on 4 December 2026."""

import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pmo.core.choices import Role
from pmo.finance.models import CostCategory, FundingSource
from pmo.finance.reference import IN_USE, NAME_TAKEN, STAFF_NOW
from pmo.finance.tests.views.conftest import client_for

pytestmark = pytest.mark.django_db
CATEGORIES, SOURCES = "/finance/cost-categories/", "/finance/funding-sources/"


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_everyone_reads_the_lists_only_finance_and_the_pmo_are_offered_to_change_them(books):
    pm = client_for(books.cast.pm)
    finance = client_for(books.finance)

    page = text(pm.get(CATEGORIES))
    assert "6 cost categories found" in page
    assert "Staff" in page and "Contractors" in page and "Software" in page
    assert "Add a cost category" not in page and "Finance partners and the PMO keep this list." in page
    assert "Add a cost category" in text(finance.get(CATEGORIES))

    sources = text(pm.get(SOURCES))
    assert "Capital programme" in sources and "Add a funding source" not in sources

    detail = text(pm.get(f"{CATEGORIES}{books.staff.pk}/"))
    assert "Cost category Staff" in detail and "Yes: left out of a cost centre's non-staff limit" in detail
    assert "1 cost code" in detail  # HR's R2001
    assert "Edit" not in detail and "Retire" not in detail and "Delete" not in detail


@pytest.mark.parametrize("role", ["pm", "sponsor", "executive"])
def test_a_reader_outside_finance_and_the_pmo_may_not_add_change_retire_or_delete(books, role):
    client = client_for(books.by_name(role))
    pk = books.software.pk

    assert client.get(f"{CATEGORIES}new/").status_code == 403
    refused = client.post(f"{CATEGORIES}new/", {"name": "Training", "position": 7, "active": "on"})
    assert refused.status_code == 403
    assert "You do not have permission to add cost categories" in text(refused)
    assert (
        client.post(f"{CATEGORIES}{pk}/edit/", {"name": "Apps", "position": 3, "version": 1}).status_code
        == 403
    )
    assert client.post(f"{CATEGORIES}{pk}/retire/", {"version": 1}).status_code == 403
    assert client.post(f"{CATEGORIES}{pk}/delete/", {"version": 1}).status_code == 403
    assert CostCategory.objects.get(pk=pk).name == "Software" and not CostCategory.objects.filter(
        name="Training"
    )


def test_finance_adds_a_category_and_its_history_says_who(books):
    client = client_for(books.finance)
    response = client.post(
        f"{CATEGORIES}new/", {"name": "  Training  courses ", "position": 7, "active": "on"}
    )

    assert response.status_code == 302, response.content
    made = CostCategory.objects.get(name="Training courses")
    assert response["Location"] == f"{CATEGORIES}{made.pk}/"
    assert (made.position, made.staff, made.active) == (7, False, True)
    assert "Cost category Training courses saved." in text(client.get(response["Location"]))
    history = text(client.get(f"{CATEGORIES}{made.pk}/history/"))
    assert "Created" in history and "finance" in history


def test_a_name_taken_whatever_its_capitals_is_refused_beside_the_name(books):
    response = client_for(books.finance).post(f"{CATEGORIES}new/", {"name": "staff", "position": 1})

    assert response.status_code == 400
    page = text(response)
    assert "Nothing was saved" in page
    assert NAME_TAKEN.format(kind="cost category", name="Staff") in page
    assert CostCategory.objects.filter(name__iexact="staff").count() == 1


def test_a_blank_name_is_refused_naming_the_field(books):
    response = client_for(books.finance).post(f"{SOURCES}new/", {"name": "  "})

    assert response.status_code == 400
    assert "Name : This field is required." in text(response)


def test_making_a_category_staff_costs_says_so_in_its_history(books):
    client = client_for(books.finance)
    software = books.software
    response = client.post(
        f"{CATEGORIES}{software.pk}/edit/",
        {"name": "Software", "position": software.position, "staff": "on", "active": "on", "version": 1},
    )

    assert response.status_code == 302, response.content
    software.refresh_from_db()
    assert (software.staff, software.version) == (True, 2)
    history = text(client.get(f"{CATEGORIES}{software.pk}/history/"))
    assert STAFF_NOW in history


def test_a_stale_form_is_a_conflict_naming_who_changed_it(books):
    client = client_for(books.finance)
    url = f"{CATEGORIES}{books.software.pk}/edit/"
    assert client.post(url, {"name": "Apps", "position": 3, "active": "on", "version": 1}).status_code == 302

    stale = client.post(url, {"name": "Applications", "position": 3, "active": "on", "version": 1})

    assert stale.status_code == 409
    assert "changed by finance" in text(stale)
    assert CostCategory.objects.get(pk=books.software.pk).name == "Apps"


def test_a_category_in_use_is_refused_deletion_naming_what_uses_it_and_offered_retirement(books):
    client = client_for(books.finance)
    staff = books.staff
    url = f"{CATEGORIES}{staff.pk}/delete/"

    asked = text(client.get(url))
    assert "1 cost code use it: it cannot be deleted." in asked and "Retire cost category" in asked

    refused = client.post(url, {"version": staff.version})
    assert refused.status_code == 409
    assert IN_USE.format(record="Cost category Staff", uses="1 cost code") in text(refused)
    assert CostCategory.objects.filter(pk=staff.pk).exists()

    retired = client.post(f"{CATEGORIES}{staff.pk}/retire/", {"version": staff.version}, follow=True)
    assert "Cost category Staff retired" in text(retired)
    staff.refresh_from_db()
    assert not staff.active
    assert "Retired" in text(client.get(f"{CATEGORIES}{staff.pk}/"))
    back = client.post(f"{CATEGORIES}{staff.pk}/retire/", {"version": staff.version}, follow=True)
    assert "Cost category Staff is in use again." in text(back)


def test_a_retired_category_or_source_is_not_offered_for_a_new_cost_code(books):
    client = client_for(books.finance)
    client.post(f"{CATEGORIES}{books.software.pk}/retire/", {"version": 1})
    client.post(f"{SOURCES}{books.capital.pk}/retire/", {"version": 1})

    form = client.get("/finance/cost-codes/new/").content.decode()

    categories = form[form.index('name="category"') : form.index("</select>", form.index('name="category"'))]
    sources = form[form.index('name="funding_source"') :]
    assert f'<option value="{books.staff.pk}">Staff</option>' in categories
    assert ">Software</option>" not in categories
    assert ">Capital programme</option>" not in sources and ">Revenue budget</option>" in sources


def test_a_category_nothing_uses_is_deleted_and_gone_from_the_list(books):
    client = client_for(books.finance)
    unused = CostCategory.objects.get(name="Other")

    response = client.post(f"{CATEGORIES}{unused.pk}/delete/", {"version": unused.version}, follow=True)

    assert "Cost category Other deleted." in text(response)
    assert not CostCategory.objects.filter(name="Other").exists()
    assert "5 cost categories found" in text(response)


def test_a_funding_source_in_use_names_its_uses_and_one_unused_is_deleted(books):
    client = client_for(books.finance)
    refused = client.post(f"{SOURCES}{books.capital.pk}/delete/", {"version": 1})
    assert refused.status_code == 409
    assert "Funding source Capital programme cannot be deleted: 1 cost code use it." in text(refused)

    grant = FundingSource.objects.create(name="Levelling-up grant")
    done = client.post(f"{SOURCES}{grant.pk}/delete/", {"version": grant.version}, follow=True)
    assert "Funding source Levelling-up grant deleted." in text(done)


def test_a_delete_without_its_version_deletes_nothing(books):
    unused = CostCategory.objects.get(name="Other")
    response = client_for(books.finance).post(f"{CATEGORIES}{unused.pk}/delete/", {})

    assert response.status_code == 409
    assert "did not say which version" in text(response)
    assert CostCategory.objects.filter(pk=unused.pk).exists()


def test_an_unknown_category_is_a_404_naming_it(books):
    response = client_for(books.finance).get(f"{CATEGORIES}999999/")

    assert response.status_code == 404


def test_the_lists_search_sort_and_export(books):
    client = client_for(books.finance)

    assert "1 cost category found" in text(client.get(CATEGORIES, {"q": "soft"}))
    ordered = text(client.get(CATEGORIES, {"sort": "-name"}))
    assert ordered.index("Staff") < ordered.index("Contractors")

    response = client.get(CATEGORIES, {"export": "xlsx"})
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert rows[0] == ["Name", "Order", "Staff costs", "In use"]
    assert ["Staff", 1, "Yes", "Yes"] in rows
    assert len(rows) == 7


def test_the_finance_settings_page_links_to_both_lists(books):
    page = client_for(books.cast.pm).get("/finance/settings/").content.decode()

    assert f'href="{CATEGORIES}"' in page and f'href="{SOURCES}"' in page


@pytest.mark.parametrize(
    ("url", "pinned"),
    [
        # session, user, roles, the count, the page, unread notices
        (CATEGORIES, 6),
        (f"{SOURCES}?sort=-name", 6),
        # an export: session, user, the rows
        (f"{CATEGORIES}?export=xlsx", 3),
    ],
)
def test_the_list_pages_do_not_grow_with_the_rows(make_user, url, pinned):
    client = client_for(make_user(Role.FINANCE_PARTNER))

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200, response.content
        return len(context.captured_queries)

    few = count()
    CostCategory.objects.bulk_create(CostCategory(name=f"Category {n}", position=10 + n) for n in range(30))
    FundingSource.objects.bulk_create(FundingSource(name=f"Grant {n}") for n in range(30))
    assert (few, count()) == (pinned, pinned)
