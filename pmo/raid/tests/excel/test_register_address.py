"""The register export given a programme or portfolio that is none (digits that are not ASCII,
an id above 2^63, no such id, not a number): not found, never a server error nor every register."""

import pytest

from pmo.core.choices import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("level", ["programme", "portfolio"])
@pytest.mark.parametrize("value", ["²", "99999999999999999999", "424242", "abc"])
def test_an_export_of_a_register_that_cannot_exist_is_not_found(client, make_user, level, value):
    client.force_login(make_user(Role.PMO_HEAD, username="hanna"))

    response = client.get("/raid/risks/export.xlsx", {"register": f"{level}:{value}"})

    assert response.status_code == 404
