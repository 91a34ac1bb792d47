"""The project's reporting page, its baselines, tolerances and corrective actions (RAID actions
added from an exception's page)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pmo.raid.choices import ActionSource
from pmo.raid.models import Action
from pmo.reporting import services
from pmo.reporting.models import NEEDS_ALLOWANCE, Baseline, ProjectException, Tolerance
from pmo.reporting.tests.views.helpers import doc, field_error, text_of

pytestmark = pytest.mark.django_db

PAGE = "/reporting/projects/DFD-001/"


def baseline_data(**changes):
    data = {
        "finish": "2027-03-31",
        "budget_at_completion": "260000",
        "benefits_value": "400000",
        "scope_summary": "Portal and payments",
        "reason": "Re-tender approved by the board",
        "milestones-TOTAL_FORMS": 6,
        "milestones-INITIAL_FORMS": 0,
        "milestones-MIN_NUM_FORMS": 0,
        "milestones-MAX_NUM_FORMS": 6,
        "milestones-0-name": "Go live",
        "milestones-0-date": "2027-03-01",
    }
    return {**data, **changes}


def test_the_page_shows_baseline_tolerances_checks_reports_and_exceptions(world):
    world.breaching_submission()

    response = world.client(world.sponsor).get(PAGE)

    shown = text_of(response)
    baseline = " ".join(doc(response).xpath("//*[@data-testid='current-baseline']")[0].text_content().split())
    assert "v1" in baseline and "18 Dec 2026" in baseline and "£250,000" in baseline
    assert f"Finishapproved (baseline v1) 18 Dec 2026forecast 30 Jun 2027 ({world.period} report)" in baseline
    tolerances = " ".join(doc(response).xpath("//*[@data-testid='tolerances']")[0].text_content().split())
    assert "Time ±28 days Default Breached" in tolerances
    assert "10% of baseline" in tolerances
    assert "Breached" in shown and "time" in shown  # the report's tolerance and the exception
    assert "Exception report requested" in shown


def test_buttons_follow_the_role(world):
    period_report = f"/reporting/projects/DFD-001/periods/{world.period.pk}/report/"
    pm = doc(world.client(world.pm).get(PAGE))
    head = doc(world.client(world.head).get(PAGE))
    links = lambda page: {a.get("href") for a in page.xpath("//a")}  # noqa: E731

    assert period_report in links(pm) and "/raid/actions/new/?project=DFD-001" in links(pm)
    assert "/reporting/projects/DFD-001/baselines/new/" not in links(pm)
    assert "/reporting/projects/DFD-001/tolerances/" not in links(pm)
    assert {"/reporting/projects/DFD-001/baselines/new/", "/reporting/projects/DFD-001/tolerances/"} <= links(
        head
    )


def test_the_project_page_links_to_its_reporting(world):
    response = world.client(world.pm).get("/projects/DFD-001/")

    assert PAGE in {a.get("href") for a in doc(response).xpath("//nav//a")}


def test_a_hidden_project_is_not_found(world, make_user):
    world.project.confidential = True
    world.project.save()

    assert world.client(world.other_pm).get(PAGE).status_code == 404


def test_the_pmo_approves_a_new_baseline_with_milestones(world):
    client = world.client(world.officer)

    response = client.post(PAGE + "baselines/new/", baseline_data())

    assert response["Location"] == PAGE
    baseline = Baseline.objects.get(project=world.project, number=2)
    assert (baseline.finish, baseline.budget_at_completion, baseline.approved_by) == (
        dt.date(2027, 3, 31),
        Decimal(260000),
        world.officer,
    )
    assert [(m.name, m.due) for m in baseline.milestones.all()] == [("Go live", dt.date(2027, 3, 1))]
    assert "Baseline v2 approved." in text_of(client.get(PAGE))


def test_a_baseline_needs_its_reason(world):
    response = world.client(world.officer).post(PAGE + "baselines/new/", baseline_data(reason=""))

    assert field_error(response, "reason") == services.REASON_REQUIRED
    assert Baseline.objects.filter(project=world.project).count() == 1


def test_a_baseline_finishing_before_the_project_starts_is_refused(world):
    response = world.client(world.officer).post(PAGE + "baselines/new/", baseline_data(finish="2025-01-01"))

    assert field_error(response, "finish") == services.BASELINE_BEFORE_START.format(
        finish=dt.date(2025, 1, 1), start=world.project.planned_start
    )


def test_the_pm_cannot_approve_a_baseline(world):
    client = world.client(world.pm)

    assert client.get(PAGE + "baselines/new/").status_code == 403
    assert client.post(PAGE + "baselines/new/", baseline_data()).status_code == 403
    assert Baseline.objects.filter(project=world.project).count() == 1


def test_the_pmo_gives_the_project_its_own_tolerance_and_clears_it(world):
    client = world.client(world.officer)

    saved = client.post(
        PAGE + "tolerances/", {"dimension": "time", "absolute": "60", "percent": "", "action": "set"}
    )
    own = Tolerance.objects.get(project=world.project, dimension="time")
    page = text_of(client.get(PAGE + "tolerances/"))
    cleared = client.post(
        PAGE + "tolerances/", {"dimension": "time", "version": own.version, "action": "clear"}
    )

    assert saved.status_code == cleared.status_code == 302
    assert own.absolute == Decimal(60)
    assert "±60 days Both ways (±): early or under counts as well as late or over This project's own" in page
    assert not Tolerance.objects.filter(project=world.project).exists()


def test_the_pmo_sets_which_way_a_tolerance_counts_and_the_page_shows_its_sign(world):
    client = world.client(world.officer)
    before = text_of(client.get(PAGE + "tolerances/"))

    saved = client.post(
        PAGE + "tolerances/",
        {"dimension": "time", "absolute": "60", "percent": "", "direction": "one_way", "action": "set"},
    )
    after = text_of(client.get(PAGE + "tolerances/"))

    assert "Time in days ±28 days Both ways (±)" in before
    assert "Benefits in £ \u221215%" in before  # a benefits default counts a shortfall only (a real minus)
    assert saved.status_code == 302
    assert Tolerance.objects.get(project=world.project, dimension="time").direction == "one_way"
    assert "Time in days +60 days One way: only a deviation for the worse This project's own" in after


def test_a_tolerance_needs_an_allowance(world):
    response = world.client(world.officer).post(
        PAGE + "tolerances/", {"dimension": "cost", "absolute": "", "percent": "", "action": "set"}
    )

    assert response.status_code == 400
    assert NEEDS_ALLOWANCE in text_of(response)
    assert not Tolerance.objects.exists()


def test_the_pm_reads_but_cannot_change_tolerances(world):
    client = world.client(world.pm)

    shown = client.get(PAGE + "tolerances/")
    posted = client.post(PAGE + "tolerances/", {"dimension": "time", "absolute": "365", "action": "set"})

    assert shown.status_code == 200 and not doc(shown).xpath("//form[@data-testid='tolerance-time']")
    assert posted.status_code == 403
    assert not Tolerance.objects.exists()


def exception_of(world) -> ProjectException:
    world.breaching_submission()
    return ProjectException.objects.get()


def test_the_pm_adds_a_corrective_action_from_the_exception_page(world):
    exception = exception_of(world)
    client = world.client(world.pm)
    owner = world.project.project_manager
    due = timezone.localdate() + dt.timedelta(days=14)
    page = f"/reporting/exceptions/{exception.pk}/"
    assert f"{page}actions/new/" in {a.get("href") for a in doc(client.get(page)).xpath("//a")}

    added = client.post(f"{page}actions/new/", {"title": "Re-plan testing", "owner": owner.pk, "due": due})

    action = Action.objects.get()
    assert added["Location"] == page
    assert (action.project, action.source, action.source_reference) == (
        world.project,
        ActionSource.EXCEPTION,
        exception.reference,
    )
    links = doc(client.get(page)).xpath("//section[@aria-labelledby='actions-heading']//a")
    assert (links[1].text_content(), links[1].get("href")) == (
        f"{action.reference} Re-plan testing",
        f"/raid/actions/{action.pk}/",
    )
    listed = " ".join(doc(client.get(PAGE)).xpath("//*[@id='actions-heading']/..")[0].text_content().split())
    assert f"{action.reference} Re-plan testing ({exception.reference})" in listed


def test_an_action_due_in_the_past_is_refused_on_its_field(world):
    exception = exception_of(world)
    response = world.client(world.pm).post(
        f"/reporting/exceptions/{exception.pk}/actions/new/",
        {"title": "Late", "owner": world.project.project_manager.pk, "due": "2020-01-01"},
    )

    assert field_error(response, "due") == services.ACTION_DUE_IN_PAST
    assert not Action.objects.exists()


def test_another_pm_cannot_add_corrective_actions(world):
    exception = exception_of(world)
    client = world.client(world.other_pm)
    url = f"/reporting/exceptions/{exception.pk}/actions/new/"

    shown = client.get(url)
    posted = client.post(
        url, {"title": "Mine", "owner": world.project.project_manager.pk, "due": "2030-01-01"}
    )

    assert shown.status_code == posted.status_code == 403
    assert not Action.objects.exists()


def test_the_actions_log_is_now_the_raid_actions_register(world):
    response = world.client(world.pm).get("/reporting/actions/")

    assert (response.status_code, response["Location"]) == (302, "/raid/actions/")
