"""The project's reporting page, its baselines, tolerances and corrective actions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pmo.reporting import services
from pmo.reporting.choices import ActionStatus
from pmo.reporting.models import NEEDS_ALLOWANCE, Baseline, CorrectiveAction, Tolerance
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

    assert period_report in links(pm) and "/reporting/projects/DFD-001/actions/new/" in links(pm)
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
    assert "±60 days This project's own" in page
    assert not Tolerance.objects.filter(project=world.project).exists()


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


def test_the_pm_adds_an_action_and_marks_it_done(world):
    client = world.client(world.pm)
    owner = world.project.project_manager
    due = timezone.localdate() + dt.timedelta(days=14)

    added = client.post(
        PAGE + "actions/new/", {"description": "Re-plan testing", "owner": owner.pk, "due": due.isoformat()}
    )
    action = CorrectiveAction.objects.get()
    done = client.post(
        f"/reporting/actions/{action.pk}/edit/",
        {
            "description": "Re-plan testing",
            "owner": owner.pk,
            "due": due.isoformat(),
            "status": "done",
            "version": action.version,
        },
    )

    assert added["Location"] == f"/reporting/actions/{action.pk}/"
    assert done.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.completed_on) == (ActionStatus.DONE, timezone.localdate())
    history = text_of(client.get(f"/reporting/actions/{action.pk}/history/"))
    assert "Open" in history and "Done" in history


def test_an_action_due_in_the_past_is_refused_on_its_field(world):
    response = world.client(world.pm).post(
        PAGE + "actions/new/",
        {"description": "Late", "owner": world.project.project_manager.pk, "due": "2020-01-01"},
    )

    assert field_error(response, "due") == services.ACTION_DUE_IN_PAST
    assert not CorrectiveAction.objects.exists()


def test_another_pm_cannot_add_or_change_actions(world):
    action = services.corrective_action_create(
        actor=world.pm,
        project=world.project,
        description="Re-plan",
        owner=world.project.project_manager,
        due=timezone.localdate() + dt.timedelta(days=3),
    )
    client = world.client(world.other_pm)

    assert client.get(PAGE + "actions/new/").status_code == 403
    assert (
        client.post(
            f"/reporting/actions/{action.pk}/edit/", {"status": "cancelled", "version": 1}
        ).status_code
        == 403
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_the_actions_log_flags_overdue_and_filters(world):
    today = timezone.localdate()
    mine = services.corrective_action_create(
        actor=None,
        project=world.project,
        description="Chase supplier",
        owner=world.project.project_manager,
        due=today + dt.timedelta(days=5),
    )
    other = services.corrective_action_create(
        actor=None,
        project=world.project,
        description="Fix budget",
        owner=world.project.sponsor,
        due=today + dt.timedelta(days=1),
    )
    CorrectiveAction.objects.filter(pk=other.pk).update(due=today - dt.timedelta(days=2))
    client = world.client(world.pm)

    everything = doc(client.get("/reporting/actions/"))
    overdue = text_of(client.get("/reporting/actions/", {"overdue": "1"}))
    only_mine = text_of(client.get("/reporting/actions/", {"mine": "1"}))
    elsewhere = text_of(client.get("/reporting/actions/", {"project": "NOPE-1"}))

    rows = [
        " ".join(tr.text_content().split())
        for tr in everything.xpath("//table[@data-testid='actions']/tbody/tr")
    ]
    assert rows[0].startswith("Fix budget") and "Overdue" in rows[0]
    assert rows[1].startswith("Chase supplier") and "Overdue" not in rows[1]
    assert "Fix budget" in overdue and "Chase supplier" not in overdue
    assert "Chase supplier" in only_mine and "Fix budget" not in only_mine
    assert "No open actions match these filters" in elsewhere
    assert mine.pk
