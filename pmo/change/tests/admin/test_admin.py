"""The change-control admin is read-only."""

import pytest

from pmo.change import services as change_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(cast):
    cast.officer.is_staff = True
    cast.officer.save()
    return cast


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return sorted(str(row) for row in response.context["cl"].result_list)


def test_change_requests_are_read_only_in_the_admin(client, staff):
    change = change_services.change_request_raise(
        actor=None,
        project=staff.project,
        fields={"title": "More pages", "change_type": "scope", "description": "d", "reason": "r"},
    )
    client.force_login(staff.officer)
    assert listed(client, "/admin/change/changerequest/") == [str(change)]
    assert "Save" not in client.get(f"/admin/change/changerequest/{change.pk}/change/").content.decode()
    assert client.get("/admin/change/changerequest/add/").status_code == 403
