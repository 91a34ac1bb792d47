"""The finance admin is read-only and shows each reader the money they may see."""

from datetime import date
from decimal import Decimal

import pytest

from pmo.finance import services
from pmo.finance.tests.conftest import line

pytestmark = pytest.mark.django_db


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return sorted(str(row) for row in response.context["cl"].result_list)


def test_budgets_are_read_only_in_the_admin(client, books):
    books.cast.other_project.confidential = True
    books.cast.other_project.save()
    for project in (books.cast.project, books.cast.other_project):
        services.budget_draft(
            actor=None, project=project, reason="v1", lines=[line(date(2026, 11, 1), books.staff, Decimal(5))]
        )
    officer = books.cast.officer
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    assert listed(client, "/admin/finance/budgetversion/") == ["HR budget v1", "WEB budget v1"]
    version = books.cast.project.budget_versions.get()
    page = client.get(f"/admin/finance/budgetversion/{version.pk}/change/").content.decode()
    assert "Save" not in page and "Staff" in page  # its lines are shown
    assert client.get("/admin/finance/budgetversion/add/").status_code == 403
    assert listed(client, "/admin/finance/costcategory/") == [
        "Contractors",
        "Hardware",
        "Other",
        "Services",
        "Software",
        "Staff",
    ]
