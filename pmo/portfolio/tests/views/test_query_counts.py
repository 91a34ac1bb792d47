"""Every page issues the same number of SQL queries with 3 rows as with 30.

The numbers are pinned: a change that adds a query per row, or one more per page, shows here.
They include the session, user, role and person lookups of a signed-in request and the unread
notifications badge."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.core.choices import Role
from pmo.portfolio.models import LifecycleStage, Portfolio, Programme, Project, StrategicObjective
from pmo.portfolio.services import project_update
from pmo.portfolio.tests.factories import (
    OrgUnitFactory,
    PersonFactory,
    PortfolioFactory,
    ProgrammeFactory,
    ProjectFactory,
    StrategicObjectiveFactory,
)

pytestmark = pytest.mark.django_db


def grow(n: int) -> None:
    """Add ``n`` of every kind of record, each project with its own programme, people,
    department and two objectives, and ``n`` changes to the first project."""
    start = LifecycleStage.objects.count() + 100
    for i in range(n):
        LifecycleStage.objects.create(name=f"Stage {start + i}", order=start + i, gate_name="Gate")
        portfolio = PortfolioFactory(owner=PersonFactory())
        programme = ProgrammeFactory(portfolio=portfolio, sponsor=PersonFactory(), manager=PersonFactory())
        project = ProjectFactory(
            portfolio=portfolio,
            programme=programme,
            department=OrgUnitFactory(parent=OrgUnitFactory()),
            sponsor=PersonFactory(org_unit=OrgUnitFactory()),
            business_owner=PersonFactory(),
        )
        project.strategic_objectives.set(StrategicObjectiveFactory.create_batch(2))
        ProjectFactory(portfolio=portfolio, programme=Programme.objects.first(), confidential=True)
    first = Project.objects.order_by("pk").first()
    for i in range(n):
        first.refresh_from_db()
        project_update(
            actor=None,
            project=first,
            fields={"name": f"Renamed {i}"},
            expected_version=first.version,
            strategic_objectives=StrategicObjective.objects.order_by("?")[:2],
        )


def first_project() -> str:
    return Project.objects.order_by("pk").first().get_absolute_url()


ANALYST = (Role.PMO_ANALYST,)
MANAGER = (Role.PROJECT_MANAGER,)

# page: (its address, who looks, the pinned number of queries)
PAGES: dict[str, tuple[Callable[[], str], tuple[Role, ...], int]] = {
    # the overview's early warnings read the evidence: +1 asks which projects have a budget;
    # its work queue +1 for the cost centres the reader watches (finance's, ADR 0053)
    # the gates', health checks' and lessons' providers: a fixed few each (the analyst's +5: the
    # checks they assess, the months between checks, the projects unchecked, the reviews to assess,
    # the drafts to publish; the manager's +15: 11 for the gates due on their projects and the
    # reviews to assess or decide, 2 for health checks, 2 for lessons; +10 for the PMO standards
    # their projects fall short of: the projects, the rules and 16 for the records they judge
    # (8 of them the next gates' evidence); +1 for the boards' meetings: the reader's seats, or
    # for the PMO the meetings)
    "overview": (lambda: "/", ANALYST, 17),
    "overview with the work queue, for a project manager": (lambda: "/", MANAGER, 65),  # 7 early warning
    # 8 read the evidence (1 of them: which projects of the page have an approved budget, whose
    # earned value counts; a fixed number more when some have), 1 the saved views, 1 finance's
    # forecast cost for the page's projects (ADR 0055)
    "register": (lambda: "/projects/", ANALYST, 22),
    "register, for a project manager": (lambda: "/projects/", MANAGER, 23),
    "register as of today": (lambda: f"/projects/?as_of={timezone.localdate().isoformat()}", ANALYST, 21),
    "register export": (lambda: "/projects/?export=xlsx&cols=code&cols=strategic_objectives", ANALYST, 5),
    # 8 read the evidence, 12 the health panels, 1 finance's figures beside the approved budget
    "project": (first_project, ANALYST, 27),
    "project, for a project manager": (first_project, MANAGER, 28),
    "project history": (lambda: first_project() + "history/", ANALYST, 14),
    "programmes": (lambda: "/programmes/", ANALYST, 6),
    "programme": (lambda: Programme.objects.order_by("pk").first().get_absolute_url(), ANALYST, 8),
    "portfolios": (lambda: "/portfolios/", ANALYST, 6),
    "portfolio": (lambda: Portfolio.objects.order_by("pk").first().get_absolute_url(), ANALYST, 9),
    "organisation units": (lambda: "/org-units/", ANALYST, 6),
    "objectives": (lambda: "/objectives/", ANALYST, 6),
    "people": (lambda: "/people/", ANALYST, 6),
    "lifecycle": (lambda: "/settings/lifecycle/", ANALYST, 6),
    "new project form": (lambda: "/projects/new/", ANALYST, 9),  # people are searched, not listed
}


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_queries_do_not_grow_with_the_data(browser_for, make_user):
    """One test for every page, so the data is built only twice (3 rows, then 30)."""
    clients = {roles: browser_for(make_user(*roles)) for roles in (ANALYST, MANAGER)}
    grow(3)
    manager = clients[MANAGER].get("/").wsgi_request.user
    Project.objects.filter(pk=Project.objects.order_by("pk").first().pk).update(
        project_manager=PersonFactory(user=manager)
    )
    clients[MANAGER].get("/")  # the work queue's first read makes the settings rows it reads
    few = {name: queries_for(clients[roles], url()) for name, (url, roles, _) in PAGES.items()}
    grow(27)
    many = {name: queries_for(clients[roles], url()) for name, (url, roles, _) in PAGES.items()}

    pinned = {name: count for name, (_, _, count) in PAGES.items()}
    assert few == pinned
    assert many == pinned
