"""The RAID pages issue the same number of SQL queries with few items as with many.

The numbers are pinned: a change that adds a query per row, or one more per page, shows here.
They include the session, user, role and person lookups of a signed-in request."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.choices import Level
from pmo.raid.selectors import raid_settings
from pmo.raid.tests.factories import ActionFactory, DependencyFactory, IssueFactory, RiskFactory
from pmo.raid.tests.views.helpers import client_for

pytestmark = pytest.mark.django_db


def grow(n: int, programme) -> None:
    """``n`` more projects in ``programme``, each with three risks (one escalated, one past due),
    an issue, an action, and a dependency on the project made before it."""
    today = timezone.localdate()
    before = Project.objects.order_by("-pk").first()
    for _ in range(n):
        project = ProjectFactory(
            portfolio=programme.portfolio,
            programme=programme,
            project_manager=PersonFactory(),
            sponsor=PersonFactory(),
        )
        RiskFactory(project=project, cost_impact=Decimal(1000), expected_value=Decimal(400))
        RiskFactory(project=project, escalated_to=Level.PROGRAMME, escalation_note="Big")
        RiskFactory(project=project, due=today - dt.timedelta(days=2), inherent_probability=5)
        IssueFactory(project=project)
        ActionFactory(project=project, due=today - dt.timedelta(days=1))
        if before is not None:
            DependencyFactory(project=project, depends_on=before, provider="")
        before = project


ANALYST, MANAGER = "analyst", "pm"

# page: (its address, who looks, the pinned number of queries)
PAGES = {
    "overview": (lambda c: "/raid/", ANALYST, 18),  # top threats, top opportunities
    "overview, for a project manager": (lambda c: "/raid/", MANAGER, 19),
    "overview, filtered": (
        lambda c: f"/raid/?programme={c.programme.pk}&owner=a&category=technical",
        ANALYST,
        19,
    ),
    "risk register": (lambda c: "/raid/risks/", ANALYST, 9),
    "risk register, for a project manager": (lambda c: "/raid/risks/", MANAGER, 11),
    "risk register, filtered": (
        lambda c: f"/raid/risks/?portfolio={c.portfolio.pk}&stale=on&band=medium&status=all",
        ANALYST,
        10,
    ),
    "dependency register": (lambda c: "/raid/dependencies/", ANALYST, 9),
    "project RAID": (lambda c: f"/raid/projects/{Project.objects.order_by('pk').last().code}/", MANAGER, 16),
    "project RAID, dependencies": (
        lambda c: f"/raid/projects/{Project.objects.order_by('pk').last().code}/?kind=dependencies",
        ANALYST,
        15,
    ),
    "programme RAID": (lambda c: f"/raid/programmes/{c.programme.pk}/", ANALYST, 14),
    "dependency map": (lambda c: "/raid/dependencies/map/", ANALYST, 5),
    "dependency map, one project slipping": (
        lambda c: "/raid/dependencies/map/?project=HR",
        ANALYST,
        8,
    ),
}


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_queries_do_not_grow_with_the_data(cast):
    """One test for every page, so the data is built only twice (2 projects, then 14)."""
    clients = {ANALYST: client_for(cast.analyst), MANAGER: client_for(cast.pm)}
    raid_settings()  # the settings row, made once
    grow(2, cast.programme)
    last = Project.objects.order_by("pk").last()
    Project.objects.filter(pk=last.pk).update(project_manager=cast.project.project_manager)
    few = {name: queries_for(clients[who], url(cast)) for name, (url, who, _) in PAGES.items()}
    grow(12, cast.programme)
    last = Project.objects.order_by("pk").last()
    Project.objects.filter(pk=last.pk).update(project_manager=cast.project.project_manager)
    many = {name: queries_for(clients[who], url(cast)) for name, (url, who, _) in PAGES.items()}

    pinned = {name: count for name, (_, _, count) in PAGES.items()}
    assert few == many
    assert few == pinned
