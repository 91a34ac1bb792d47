"""The portfolio overview: the figures a PMO reads first, each leading into the register."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pmo.core.choices import Role
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import LifecycleStage
from pmo.portfolio.services import project_update
from pmo.portfolio.tests.factories import ProgrammeFactory, ProjectFactory
from pmo.portfolio.tests.views.conftest import page, text_of

pytestmark = pytest.mark.django_db


def stat(response, label):
    for card in page(response).xpath("//a[contains(@class,'stat-card')]"):
        if card.xpath(".//*[@class='stat-label']")[0].text == label:
            return card.xpath(".//*[@class='stat-value']")[0].text, card.get("href")
    raise AssertionError(label)


def test_the_overview_counts_what_the_user_may_see(browser_for, make_user):
    ProjectFactory(status=ProjectStatus.ACTIVE, budget=Decimal(100_000))
    ProjectFactory(status=ProjectStatus.ACTIVE, budget=Decimal(250_000))
    ProjectFactory(status=ProjectStatus.ACTIVE, budget=Decimal(900_000), confidential=True)
    ProjectFactory(status=ProjectStatus.PROPOSED)
    ProjectFactory(status=ProjectStatus.ON_HOLD)

    response = browser_for(make_user(Role.EXECUTIVE)).get("/")

    assert stat(response, "Active projects") == ("2", "/projects/?status=active")
    assert stat(response, "Approved budget of active projects")[0] == "£350k"
    assert stat(response, "Proposed (pipeline)")[0] == "1"
    assert stat(response, "On hold")[0] == "1"


def test_closed_this_year_leaves_out_projects_closed_before_it(browser_for, pmo_head):
    earlier = ProjectFactory(status=ProjectStatus.CLOSED)
    last_year = timezone.make_aware(dt.datetime(timezone.localdate().year - 1, 6, 1))
    earlier.history.update(history_date=last_year)
    project = ProjectFactory(status=ProjectStatus.ACTIVE)
    project_update(
        actor=pmo_head, project=project, fields={"status": ProjectStatus.CLOSED}, expected_version=1
    )

    response = browser_for(pmo_head).get("/")

    assert stat(response, "Closed this year")[0] == "1"


def test_stages_and_programmes_are_counted_with_links_to_the_register(browser_for, pmo_head):
    cloud = ProgrammeFactory(name="Cloud")
    ProjectFactory(programme=cloud, portfolio=cloud.portfolio, budget=Decimal(1000))
    ProjectFactory(budget=Decimal(500))
    delivery = LifecycleStage.objects.get(name="Delivery")

    response = browser_for(pmo_head).get("/")

    stage_row = page(response).xpath(f"//a[@href='/projects/?stage={delivery.pk}']/ancestor::tr")[0]
    assert " ".join(stage_row.text_content().split()) == "Delivery Gate 3: Approval to deliver 2"
    shown = text_of(response)
    assert "Cloud PRG" in shown and "Not in a programme 1 1 £500" in shown
    assert page(response).xpath(f"//a[@href='/projects/?programme={cloud.pk}']")
