"""One truth (issue 9): for every demo project, the register, its exports, the overview, the
programme totals, the API and the baseline page show the same approved finish and budget — the
latest baseline's, or the proposed figures of a project with no baseline yet."""

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

import lxml.html
import pytest
from django.test import Client
from django.utils.dateformat import format as format_date
from rest_framework.test import APIClient

from pmo.core.choices import Role
from pmo.core.formatting import money, money_compact
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Project
from pmo.reporting.models import Baseline

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo"), pytest.mark.today("2026-11-23")]

PLAN_COLUMNS = ["code", "approved_finish", "approved_budget", "baseline_version"]


def expected_plans() -> dict[str, tuple[str, str, str]]:
    """From the records themselves: code → (finish, budget, "v4"), dates ISO, budgets to the penny."""
    latest: dict[int, Baseline] = {}
    for baseline in Baseline.objects.order_by("project_id", "number"):
        latest[baseline.project_id] = baseline
    plans = {}
    for project in Project.objects.all():
        baseline = latest.get(project.pk)
        if baseline is None:
            plans[project.code] = (str(project.planned_finish), f"{project.budget:.2f}", "")
        else:
            budget = f"{baseline.budget_at_completion:.2f}"
            plans[project.code] = (str(baseline.finish), budget, f"v{baseline.number}")
    return plans


@pytest.fixture
def head(make_user):
    return make_user(Role.PMO_HEAD)


@pytest.fixture
def browser(head) -> Client:
    client = Client()
    client.force_login(head)
    return client


def shown_date(iso: str) -> str:
    """A date as the pages show it: 18 Feb 2028."""
    return format_date(date.fromisoformat(iso), "j M Y")


def words(element: lxml.html.HtmlElement) -> str:
    """The text of ``element`` as a person reads it: each piece separated, white space folded."""
    return " ".join(" ".join(element.itertext()).split())


def html(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def test_the_demo_has_projects_whose_baseline_moved_from_the_proposed_plan():
    plans = expected_plans()
    moved = [
        p.code
        for p in Project.objects.all()
        if plans[p.code][2] and plans[p.code][:2] != (str(p.planned_finish), f"{p.budget:.2f}")
    ]

    assert len(moved) >= 5, moved  # otherwise the tests below would prove little
    assert plans["IT-118"][2] not in ("", "v1")


def test_the_register_and_its_exports_show_each_projects_approved_plan(browser):
    plans = expected_plans()
    query = {"cols": PLAN_COLUMNS, "sort": "code", "q": ""}  # every project, not only the active

    export = browser.get("/projects/", {**query, "export": "csv"})
    exported = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    shown = []
    for number in (1, 2):
        rows = html(browser.get("/projects/", {**query, "page": number})).xpath(
            "//div[@id='record-results']//tbody/tr"
        )
        shown += [[" ".join(cell.text_content().split()) for cell in row] for row in rows]

    assert exported[0] == ["Code", "Approved finish", "Approved budget (£)", "Baseline"]
    assert {row[0]: (row[1], f"{Decimal(row[2]):.2f}", row[3]) for row in exported[1:]} == {
        code: (finish, budget, version or "none yet (proposed figures)")
        for code, (finish, budget, version) in plans.items()
    }
    assert len(shown) == len(plans)
    assert {code: (finish, budget, version) for code, finish, budget, version in shown} == {
        code: (shown_date(finish), money(Decimal(budget)), version or "none yet (proposed figures)")
        for code, (finish, budget, version) in plans.items()
    }


def test_the_api_gives_each_projects_approved_plan(head):
    client = APIClient()
    client.force_authenticate(head)

    rows = client.get("/api/v1/projects/", {"page_size": 500}).json()["results"]

    assert {
        row["code"]: (
            row["approved_finish"],
            row["approved_budget"],
            f"v{row['baseline_version']}" if row["baseline_version"] else "",
        )
        for row in rows
    } == expected_plans()


def test_the_overview_and_programme_totals_add_up_the_approved_budgets(browser):
    plans = expected_plans()
    active = Decimal(0)
    by_programme: dict[str, Decimal] = defaultdict(Decimal)
    for project in Project.objects.select_related("programme"):
        budget = Decimal(plans[project.code][1])
        if project.status == ProjectStatus.ACTIVE:
            active += budget
        by_programme[project.programme.name if project.programme else ""] += budget

    overview = html(browser.get("/"))
    cards = {
        card.xpath(".//*[@class='stat-label']")[0].text: card.xpath(".//*[@class='stat-value']")[0].text
        for card in overview.xpath("//a[contains(@class,'stat-card')]")
    }
    programmes = html(browser.get("/programmes/", {"cols": "budget_total"}))

    assert cards["Approved budget of active projects"] == money_compact(active)
    for row in programmes.xpath("//div[@id='record-results']//tbody/tr"):
        cells = [" ".join(cell.text_content().split()) for cell in row]
        assert cells[-1] == money(by_programme[cells[1]]), cells


def test_each_baseline_page_and_project_page_shows_the_same_plan(browser):
    for code, (finish, budget, version) in expected_plans().items():
        project = html(browser.get(f"/projects/{code}/"))
        plan = words(project.xpath("//*[@data-testid='approved-plan']")[0])
        plan = plan.split(" Forecast cost")[0]  # finance's figures follow (ADR 0055)
        assert plan.startswith(
            f"Approved finish {shown_date(finish)} Approved budget {money(Decimal(budget))} From "
        ), code
        if not version:
            assert plan.endswith("No baseline yet: the proposed figures stand until the PMO approves one.")
            continue
        assert plan.endswith(f"baseline {version}"), code
        latest = Baseline.objects.get(project__code=code, number=int(version[1:]))
        page = words(html(browser.get(latest.get_absolute_url())))
        assert f"{code} baseline {version}" in page
        assert f"Finish {shown_date(finish)} Budget at completion {money(Decimal(budget))}" in page
