"""Pages addressed by an id no row can hold (above 2^63) are not found, never a server error."""

import pytest

from pmo.core.choices import Role

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999"
PAGES = [
    f"/portfolios/{BIG}/",
    f"/programmes/{BIG}/",
    f"/people/{BIG}/",
    f"/reporting/periods/{BIG}/",
    f"/reporting/reports/{BIG}/",
    f"/reporting/baselines/{BIG}/",
    f"/reporting/exceptions/{BIG}/",
    f"/raid/risks/{BIG}/",
    f"/raid/portfolios/{BIG}/",
    f"/raid/programmes/{BIG}/",
    f"/changes/{BIG}/",
    f"/settings/users/{BIG}/edit/",
]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_for_an_id_no_row_can_hold_is_not_found(client, make_user, path):
    client.force_login(make_user(Role.PMO_HEAD, username="hanna"))

    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
