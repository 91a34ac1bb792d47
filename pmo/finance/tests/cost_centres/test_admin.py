"""The admin lists cost centres and their yearly budgets read-only, to those who may see them."""

import pytest

pytestmark = pytest.mark.django_db


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return sorted(str(row) for row in response.context["cl"].result_list)


def test_cost_centres_are_read_only_in_the_admin_and_kept_from_a_project_manager(client, pmo_centre):
    officer, pm = pmo_centre.books.cast.officer, pmo_centre.books.cast.pm
    for user in (officer, pm):
        user.is_staff = True
        user.save()
    client.force_login(officer)
    assert listed(client, "/admin/finance/costcentre/") == ["PMO IT Portfolio Management Office"]
    assert listed(client, "/admin/finance/costcentrebudget/") == ["PMO budget 2026"]
    page = client.get(f"/admin/finance/costcentrebudget/{pmo_centre.budget.pk}/change/").content.decode()
    assert "Save" not in page and "Services" in page  # its lines are shown
    assert "PMO-STF" in listed(client, "/admin/finance/costcode/")
    assert client.get("/admin/finance/costcentre/add/").status_code == 403

    client.force_login(pm)
    assert listed(client, "/admin/finance/costcentre/") == []
    assert "PMO-STF" not in listed(client, "/admin/finance/costcode/")
