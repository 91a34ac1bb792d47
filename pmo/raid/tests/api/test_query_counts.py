"""Every RAID list (and the heat map, and who is affected) issues the same number of SQL
queries whatever the number of rows. The numbers are pinned, and include the session and user
lookups of a signed-in request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import PersonFactory, ProgrammeFactory, ProjectFactory
from pmo.raid.selectors import raid_settings
from pmo.raid.tests.factories import (
    ActionFactory,
    AssumptionFactory,
    DecisionFactory,
    DependencyFactory,
    IssueFactory,
    RiskFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings_row(db):
    """The settings row exists, as it does once anyone has used the registers."""
    raid_settings()


FACTORIES = {
    "risks": RiskFactory,
    "assumptions": AssumptionFactory,
    "issues": IssueFactory,
    "dependencies": DependencyFactory,
    "actions": ActionFactory,
    "decisions": DecisionFactory,
}


def add_items(kind, n, reader):
    """n items in as many projects (a risk with an actionee, a dependency on another project),
    an escalated one and a programme's own among them, each raised by a login."""
    factory = FACTORIES[kind]
    for i in range(n):
        project = ProjectFactory(sponsor=PersonFactory(), project_manager=PersonFactory())
        extra = {}
        if kind == "risks":
            extra["actionee"] = PersonFactory()
        if kind == "dependencies":
            extra = {"depends_on": ProjectFactory(), "provider": ""}
        factory(project=project, raised_by=reader, escalated_to="programme" if i % 3 == 0 else "", **extra)
        if i % 3 == 1:
            factory(programme=ProgrammeFactory(), raised_by=reader)


# kind, query string, role of the reader, pinned number of queries
PINNED = [
    # session, user, roles, settings, count, page (with register, people, login)
    *[(kind, "", Role.PMO_OFFICER, 6) for kind in FACTORIES],
    # ... and the reader's person record, for the confidential projects they may see
    *[(kind, "", Role.PROJECT_MANAGER, 7) for kind in FACTORIES],
    (
        "risks",
        "?open=true&stale=true&past_due=false&category=technical&search=item&ordering=-due",
        Role.EXECUTIVE,
        8,
    ),
    ("issues", "?status=open&escalated_to=programme&ordering=owner", Role.PMO_HEAD, 6),
]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()


@pytest.mark.parametrize(("kind", "query", "role", "pinned"), PINNED)
def test_list_queries_do_not_grow_with_the_rows(client_for, make_user, kind, query, role, pinned):
    # given a reader and a few items
    reader = make_user(role)
    client = client_for(reader)
    add_items(kind, 3, reader)
    few, few_rows = queries_for(client, f"/api/v1/{kind}/{query}")

    # when there are ten times as many
    add_items(kind, 27, reader)
    many, many_rows = queries_for(client, f"/api/v1/{kind}/{query}")

    # then reading them costs the same, pinned number of queries
    assert many_rows["count"] >= few_rows["count"] + 9
    assert (few, many) == (pinned, pinned)


@pytest.mark.parametrize(
    ("url", "role", "pinned"),
    [
        # session, user, roles, settings, inherent counts, residual counts
        ("/api/v1/risks/heat-map/", Role.PMO_ANALYST, 6),
        # ... the reader's person record, and the programme named
        ("/api/v1/risks/heat-map/?programme={programme}&category=technical", Role.PROJECT_MANAGER, 8),
        # session, user, roles, the project, the dependencies, the projects affected, the ties to
        # plan tasks (none here)
        ("/api/v1/dependencies/affected/?project=ROOT", Role.EXECUTIVE, 8),
        # session, user, roles, the settings row, count, page
        ("/api/v1/raid-settings/", Role.PROJECT_MANAGER, 5),
    ],
)
def test_summaries_cost_the_same_whatever_the_rows(client_for, make_user, url, role, pinned):
    reader = make_user(role)
    client = client_for(reader)
    root = ProjectFactory(code="ROOT")
    programme = ProgrammeFactory()
    url = url.format(programme=programme.pk)

    def add(n):
        for _ in range(n):
            waiting = ProjectFactory(programme=programme)
            DependencyFactory(project=waiting, depends_on=root, provider="")
            RiskFactory(project=waiting, escalated_to="programme")

    add(3)
    few, _ = queries_for(client, url)
    add(27)
    many, _ = queries_for(client, url)

    assert (few, many) == (pinned, pinned)
