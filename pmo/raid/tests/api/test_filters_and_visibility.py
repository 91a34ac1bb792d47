"""The registers' filters (register scope, status, open, stale, past due, category, owner,
escalation, search, ordering) and who sees which items."""

import datetime as dt

import pytest
from django.utils import timezone

from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.models import Risk
from pmo.raid.tests.factories import ActionFactory, IssueFactory, RiskFactory

pytestmark = pytest.mark.django_db


def references(response):
    assert response.status_code == 200, response.json()
    return [row["reference"] for row in response.json()["results"]]


def test_a_confidential_projects_items_are_absent_from_another_pms_list(client_for, cast):
    secret = ProjectFactory(code="SEC", confidential=True, portfolio=cast.portfolio)
    hidden = RiskFactory(project=secret, title="Office closure leaks")
    hidden_issue = IssueFactory(project=secret)
    shown = RiskFactory(project=cast.project)
    pm, head = client_for(cast.pm), client_for(cast.head)

    assert references(pm.get("/api/v1/risks/")) == [shown.reference]
    assert references(pm.get("/api/v1/risks/", {"search": "leaks"})) == []
    assert pm.get("/api/v1/issues/").json()["count"] == 0
    assert pm.get(f"/api/v1/risks/{hidden.pk}/").status_code == 404
    assert pm.get(f"/api/v1/risks/{hidden.pk}/history/").status_code == 404
    assert (
        pm.patch(f"/api/v1/risks/{hidden.pk}/", {"version": 1, "title": "x"}, format="json").status_code
        == 404
    )
    # naming the project does not reveal it either
    assert pm.get("/api/v1/risks/", {"project": "SEC"}).status_code == 400
    assert sorted(references(head.get("/api/v1/risks/"))) == sorted([hidden.reference, shown.reference])
    assert references(head.get("/api/v1/issues/", {"project": "SEC"})) == [hidden_issue.reference]


def test_the_sponsor_of_a_confidential_project_sees_its_items(client_for, cast):
    cast.project.confidential = True
    cast.project.save()
    risk = RiskFactory(project=cast.project)

    assert references(client_for(cast.sponsor).get("/api/v1/risks/")) == [risk.reference]
    assert references(client_for(cast.other_pm).get("/api/v1/risks/")) == []


def test_programme_and_portfolio_registers_show_their_own_and_escalated_items(client_for, cast):
    own_programme = RiskFactory(programme=cast.programme)
    own_portfolio = RiskFactory(portfolio=cast.portfolio)
    to_programme = RiskFactory(project=cast.project, escalated_to="programme")
    to_portfolio = RiskFactory(project=cast.project, escalated_to="portfolio")
    RiskFactory(project=cast.project)  # stays in the project's register
    programme_up = RiskFactory(programme=cast.programme, escalated_to="portfolio")
    client = client_for(cast.executive)

    programme = references(client.get("/api/v1/risks/", {"programme": cast.programme.pk}))
    portfolio = references(client.get("/api/v1/risks/", {"portfolio": cast.portfolio.pk}))

    assert sorted(programme) == sorted(
        [own_programme.reference, to_programme.reference, to_portfolio.reference, programme_up.reference]
    )
    assert sorted(portfolio) == sorted(
        [own_portfolio.reference, to_portfolio.reference, programme_up.reference]
    )
    assert client.get("/api/v1/risks/", {"project": "WEB"}).json()["count"] == 3


def test_stale_and_past_due_items(client_for, cast):
    today = timezone.localdate()
    long_ago = today - dt.timedelta(days=60)
    stale = ActionFactory(project=cast.project, raised_on=long_ago, due=today + dt.timedelta(days=5))
    reviewed = ActionFactory(
        project=cast.project, raised_on=long_ago, last_reviewed_on=today, due=today - dt.timedelta(days=1)
    )
    ActionFactory(project=cast.project, raised_on=long_ago, status="done", due=today - dt.timedelta(days=9))
    client = client_for(cast.pm)

    assert references(client.get("/api/v1/actions/", {"stale": "true"})) == [stale.reference]
    assert references(client.get("/api/v1/actions/", {"past_due": "true"})) == [reviewed.reference]
    assert client.get("/api/v1/actions/", {"stale": "false"}).json()["count"] == 2
    rows = {row["reference"]: row for row in client.get("/api/v1/actions/").json()["results"]}
    assert (rows[stale.reference]["is_stale"], rows[stale.reference]["is_past_due"]) == (True, False)
    assert (rows[reviewed.reference]["is_stale"], rows[reviewed.reference]["is_past_due"]) == (False, True)


def test_category_owner_status_search_and_ordering(client_for, cast):
    owner = PersonFactory(name="Ola Owner")
    low = RiskFactory(project=cast.project, title="Budget cut", category="financial", residual_probability=1)
    high = RiskFactory(project=cast.project, title="Budget freeze", category="financial", owner=owner)
    other = RiskFactory(project=cast.project, title="Key person leaves", category="people", status="closed")
    client = client_for(cast.analyst)

    assert sorted(references(client.get("/api/v1/risks/", {"category": "financial"}))) == sorted(
        [low.reference, high.reference]
    )
    assert references(client.get("/api/v1/risks/", {"owner": owner.pk})) == [high.reference]
    assert references(client.get("/api/v1/risks/", {"status": "closed"})) == [other.reference]
    assert sorted(references(client.get("/api/v1/risks/", {"search": "budget"}))) == sorted(
        [low.reference, high.reference]
    )
    assert references(client.get("/api/v1/risks/", {"ordering": "residual_score"}))[:2] == [
        low.reference,
        high.reference,
    ]
    assert references(client.get("/api/v1/risks/", {"ordering": "-reference"})) == [
        other.reference,
        high.reference,
        low.reference,
    ]
    assert references(client.get("/api/v1/risks/", {"ordering": "title"}))[0] == low.reference


def test_bad_filter_values_are_refused_naming_the_filter(client_for, cast):
    client = client_for(cast.pm)

    for params, field in [
        ({"status": "sleeping"}, "status"),
        ({"category": "weather"}, "category"),
        ({"programme": 999999}, "programme"),
        ({"project": "NOPE"}, "project"),
        ({"escalated_to": "project"}, "escalated_to"),
    ]:
        response = client.get("/api/v1/risks/", params)
        assert response.status_code == 400, params
        assert list(response.json()["fields"]) == [field]
    assert Risk.objects.count() == 0
