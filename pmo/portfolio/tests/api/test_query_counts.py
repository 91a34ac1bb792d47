"""Every API list issues the same number of SQL queries whatever the number of rows.

The numbers are pinned: a change that adds a query per row, or a query per request, shows here.
They include the session and user lookups of a signed-in request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.core.choices import Role
from pmo.portfolio.models import LifecycleStage
from pmo.portfolio.tests.factories import (
    OrgUnitFactory,
    PersonFactory,
    PortfolioFactory,
    ProgrammeFactory,
    ProjectFactory,
    StrategicObjectiveFactory,
)

pytestmark = pytest.mark.django_db


def add_projects(n):
    portfolio = PortfolioFactory(name="IT Portfolio")
    objectives = StrategicObjectiveFactory.create_batch(2)
    for _ in range(n):
        project = ProjectFactory(
            portfolio=portfolio,
            programme=ProgrammeFactory(portfolio=portfolio),
            business_owner=PersonFactory(),
            confidential=False,
        )
        project.strategic_objectives.set(objectives)


def add_lifecycle_stages(n):
    start = LifecycleStage.objects.count() + 100
    for i in range(n):
        LifecycleStage.objects.create(name=f"Stage {start + i}", order=start + i, gate_name="Gate")


def add_programmes(n):
    for _ in range(n):
        ProgrammeFactory(sponsor=PersonFactory(), manager=PersonFactory())


def add_people(n):
    for _ in range(n):
        PersonFactory(org_unit=OrgUnitFactory())


def add_org_units(n):
    parent = OrgUnitFactory()
    for _ in range(n):
        OrgUnitFactory(parent=parent)


def add_portfolios(n):
    for _ in range(n):
        PortfolioFactory(owner=PersonFactory())


def add_objectives(n):
    StrategicObjectiveFactory.create_batch(n)


# url, how to add n rows, role of the reader, pinned number of queries
PINNED = [
    # session, user, roles, count, page, strategic objectives, 8 the evidence for the page's rows
    # (1 of them: which have an approved budget, whose earned value counts), 1 finance's figures
    # (forecast cost, spent to date: ADR 0055)
    ("/api/v1/projects/", add_projects, Role.PMO_HEAD, 15),
    # ... and the reader's person record, for the confidential projects they may see
    ("/api/v1/projects/", add_projects, Role.EXECUTIVE, 16),
    ("/api/v1/projects/?status=active&ordering=-priority&search=project", add_projects, Role.PMO_HEAD, 15),
    # session, user, roles, count, page, 7 related tables, the objectives as they stood
    ("/api/v1/projects/?as_of={today}", add_projects, Role.PMO_HEAD, 13),
    # session, user, count, page
    ("/api/v1/programmes/", add_programmes, Role.EXECUTIVE, 4),
    ("/api/v1/people/", add_people, Role.EXECUTIVE, 4),
    ("/api/v1/org-units/", add_org_units, Role.EXECUTIVE, 4),
    ("/api/v1/portfolios/", add_portfolios, Role.EXECUTIVE, 4),
    ("/api/v1/strategic-objectives/", add_objectives, Role.EXECUTIVE, 4),
    ("/api/v1/lifecycle-stages/", add_lifecycle_stages, Role.EXECUTIVE, 4),
]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()["count"]


@pytest.mark.parametrize(("url", "add_rows", "role", "pinned"), PINNED)
def test_list_queries_do_not_grow_with_the_rows(client_for, make_user, url, add_rows, role, pinned):
    # given a reader and a few rows (and the settings rows a first read makes)
    client = client_for(make_user(role))
    url = url.format(today=timezone.localdate().isoformat())
    add_rows(3)
    client.get(url)
    few, few_rows = queries_for(client, url)

    # when there are ten times as many
    add_rows(27)
    many, many_rows = queries_for(client, url)

    # then reading them costs the same, pinned number of queries
    assert many_rows >= few_rows + 27
    assert (few, many) == (pinned, pinned)


@pytest.mark.parametrize(
    ("url", "pinned"),
    [
        # session, user, roles, project with relations, objectives, 8 its evidence, 1 finance's
        # figures
        ("/api/v1/projects/P-1/", 14),
        # ... then the history records, the objectives as they stood, and one query per kind of
        # record named in the history (portfolio, unit, people, stage, objectives)
        ("/api/v1/projects/P-1/history/", 12),
    ],
)
def test_detail_queries_are_pinned(client_for, make_user, url, pinned):
    project = ProjectFactory(code="P-1", business_owner=PersonFactory())
    project.strategic_objectives.add(StrategicObjectiveFactory())
    client = client_for(make_user(Role.PMO_HEAD))
    client.get("/api/v1/projects/P-1/")  # the settings rows a first read makes

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200

    assert len(context.captured_queries) == pinned


def test_history_queries_do_not_grow_with_the_changes(client_for, make_user):
    project = ProjectFactory(code="P-1")
    client = client_for(make_user(Role.PMO_HEAD))
    for n in range(2):
        client.patch("/api/v1/projects/P-1/", {"name": f"Name {n}", "version": n + 1}, format="json")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/projects/P-1/history/")
    for n in range(2, 20):
        client.patch("/api/v1/projects/P-1/", {"name": f"Name {n}", "version": n + 1}, format="json")

    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/projects/P-1/history/")

    assert len(response.json()) == project.history.count() == 21
    assert len(many.captured_queries) == len(few.captured_queries)
