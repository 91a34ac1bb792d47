"""The RAID admin is read-only and shows only what the rules allow."""

import pytest

from pmo.portfolio.tests.factories import ProjectFactory
from pmo.raid.tests.factories import RiskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(cast):
    for user in (cast.officer, cast.other_pm):
        user.is_staff = True
        user.save()
    return cast


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return sorted(str(row) for row in response.context["cl"].result_list)


def test_the_pmo_reads_every_risk_and_its_history_but_cannot_change_it(client, staff):
    secret = ProjectFactory(code="SECRET", confidential=True)
    mine = RiskFactory(project=staff.project, title="Supplier may fold")
    hidden = RiskFactory(project=secret, title="Secret risk")
    client.force_login(staff.officer)
    assert listed(client, "/admin/raid/risk/") == sorted([str(mine), str(hidden)])
    page = client.get(f"/admin/raid/risk/{mine.pk}/change/").content.decode()
    assert "Supplier may fold" in page and "Save" not in page
    assert client.get(f"/admin/raid/risk/{mine.pk}/history/").status_code == 200
    assert client.get("/admin/raid/risk/add/").status_code == 403
    assert client.post(f"/admin/raid/risk/{mine.pk}/delete/").status_code == 403


def test_a_staff_pm_sees_no_confidential_project_risks(client, staff):
    secret = ProjectFactory(code="SECRET", confidential=True)
    RiskFactory(project=secret)
    visible = RiskFactory(project=staff.project)
    client.force_login(staff.other_pm)
    assert listed(client, "/admin/raid/risk/") == [str(visible)]
