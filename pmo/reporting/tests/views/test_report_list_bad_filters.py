"""The highlight reports list given a period it cannot use (no such period, an id no row can
hold, digits that are not ASCII, not a number): it says so and shows every period's reports,
never a server error."""

import pytest

from pmo.portfolio.tests.views.conftest import page, text_of
from pmo.reporting.tests.views.conftest import World
from pmo.reporting.views.periods_reports import NO_SUCH_PERIOD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("period", ["99999999999999999999", "²", "-1", "abc", "424242"])
def test_a_period_that_names_none_is_ignored_with_a_message(world: World, period: str):
    report = world.draft()
    client = world.client(world.officer)

    response = client.get("/reporting/reports/", {"period": period})

    assert response.status_code == 200
    alert = page(response).xpath("//*[@id='period-ignored']")
    assert [" ".join(a.text_content().split()) for a in alert] == [NO_SUCH_PERIOD.format(period=period)]
    assert str(report.project) in text_of(response)


def test_a_period_that_exists_filters_without_a_message(world: World):
    report = world.draft()
    client = world.client(world.officer)

    response = client.get("/reporting/reports/", {"period": world.period.pk})

    assert not page(response).xpath("//*[@id='period-ignored']")
    assert str(report.project) in text_of(response)


@pytest.mark.parametrize("edit", ["²", "99999999999999999999"])
def test_the_default_tolerances_page_ignores_an_edit_of_no_default(world: World, edit: str):
    response = world.client(world.head).get("/reporting/settings/tolerances/", {"edit": edit})

    assert response.status_code == 200
    assert not page(response).xpath("//form[.//input[@name='pk']]")
