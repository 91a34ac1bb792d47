"""The head of PMO's first-run checklist on the home page: every step to do on an empty
database, each ticking itself as the data shows it done, gone once all are, and never shown to
other roles."""

import lxml.html
import pytest
from django.test import Client

from pmo.core.choices import Role
from pmo.portfolio.models import LifecycleStage
from pmo.portfolio.services import register_entry_update
from pmo.portfolio.tests.factories import OrgUnitFactory, PersonFactory, PortfolioFactory, ProjectFactory
from pmo.reporting.models import ToleranceDefault
from pmo.reporting.services import tolerance_default_update
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db

STEPS = [
    ("Set the lifecycle stages", "/settings/lifecycle/"),
    ("Agree the tolerances", "/reporting/settings/tolerances/"),
    ("Choose the reporting cadence and open the first period", "/reporting/settings/"),
    ("Give logins and roles", "/settings/users/"),
    ("Load departments, people, objectives, portfolios and programmes", "/import/"),
    ("Import the projects", "/projects/import/"),
]


def checklist(user) -> list[tuple[str, str, str]]:
    """The checklist on ``user``'s home page: (step, its link, done or not)."""
    client = Client()
    client.force_login(user)
    doc = lxml.html.fromstring(client.get("/").content)
    return [
        (li.xpath(".//a")[0].text_content(), li.xpath(".//a/@href")[0], li.get("data-done"))
        for li in doc.xpath("//section[@data-testid='first-run']//li")
    ]


def test_on_an_empty_database_every_step_is_to_do(pmo_head):
    assert checklist(pmo_head) == [(title, url, "no") for title, url in STEPS]


def test_each_step_ticks_itself_as_the_data_shows_it_done(pmo_head, make_user):
    stage = LifecycleStage.objects.first()
    register_entry_update(
        actor=pmo_head, entry=stage, fields={"gate_name": "Gate 0"}, expected_version=stage.version
    )
    PeriodFactory()
    make_user(Role.PROJECT_MANAGER)
    OrgUnitFactory(), PersonFactory(), PortfolioFactory()

    done = {title: flag for title, _, flag in checklist(pmo_head)}

    assert done == {
        "Set the lifecycle stages": "yes",
        "Agree the tolerances": "no",
        "Choose the reporting cadence and open the first period": "yes",
        "Give logins and roles": "yes",
        "Load departments, people, objectives, portfolios and programmes": "yes",
        "Import the projects": "no",
    }


def test_once_every_step_is_done_the_checklist_goes(pmo_head, make_user):
    ProjectFactory()  # the lifecycle in use, departments, people and a portfolio
    PeriodFactory()
    make_user(Role.PMO_OFFICER)
    default = ToleranceDefault.objects.filter(absolute__isnull=False).first()
    assert len(checklist(pmo_head)) == len(STEPS)

    tolerance_default_update(
        actor=pmo_head, default=default, fields={"absolute": default.absolute + 1},
        expected_version=default.version,
    )  # fmt: skip

    assert checklist(pmo_head) == []


@pytest.mark.parametrize("role", [Role.PMO_OFFICER, Role.PMO_ANALYST, Role.PROJECT_MANAGER, Role.EXECUTIVE])
def test_other_roles_never_see_it(role, make_user):
    assert checklist(make_user(role)) == []
