"""The register page given filter values it cannot use (an id no row can hold, a stage that does
not exist, not a number): it lists what it did not apply and shows the register without them,
never a server error; the API refuses the same values with a 400 (pmo/core/tests/api)."""

import pytest

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.portfolio.tests.views.conftest import page, text_of

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999"


@pytest.mark.parametrize(
    ("query", "not_applied"),
    [
        ({"stage": BIG}, f"Stage: Select a valid choice. {BIG} is not one of the available choices."),
        ({"sponsor": BIG}, f"Sponsor: Select a valid choice. {BIG} is not one of the available choices."),
        (
            {"project_manager": "424242"},
            "Project manager: Select a valid choice. 424242 is not one of the available choices.",
        ),
        ({"department": "abc"}, "Department: “abc” is not a valid value."),
    ],
)
def test_a_filter_the_register_cannot_use_is_named_and_left_out(browser_for, make_user, query, not_applied):
    ProjectFactory(code="IT-1", name="Libraries Wi-Fi")
    client = browser_for(make_user(Role.PMO_ANALYST))

    response = client.get("/projects/", query)

    assert response.status_code == 200
    alert = page(response).xpath("//*[@id='filters-not-applied']//li")
    assert [" ".join(item.text_content().split()) for item in alert] == [not_applied]
    assert "Libraries Wi-Fi" in text_of(response)


def test_the_htmx_update_carries_the_same_message(browser_for, make_user):
    client = browser_for(make_user(Role.PMO_ANALYST))

    response = client.get("/projects/", {"stage": BIG}, HTTP_HX_REQUEST="true")

    assert page(response).xpath("//*[@id='filters-not-applied']")


def test_filters_it_can_use_bring_no_message(browser_for, make_user):
    project = ProjectFactory(code="IT-1", name="Libraries Wi-Fi")
    client = browser_for(make_user(Role.PMO_ANALYST))

    response = client.get("/projects/", {"stage": project.stage_id})

    assert not page(response).xpath("//*[@id='filters-not-applied']")
    assert "Libraries Wi-Fi" in text_of(response)
