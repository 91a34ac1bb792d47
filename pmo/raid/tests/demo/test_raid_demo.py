"""The demo's RAID logs: what a PMO finds in them on the demo's day."""

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Q

from pmo.core.models import User
from pmo.engine import network
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Portfolio, Programme, Project
from pmo.raid import selectors
from pmo.raid.choices import ActionSource, IssueType, Level, RiskKind
from pmo.raid.demo import CROSS_PROJECT
from pmo.raid.models import REGISTERS, Action, Decision, Dependency, Issue, Risk
from pmo.raid.tests.demo.conftest import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

DATA_MIGRATION = "Social care data migration"


def project(name: str) -> Project:
    return Project.objects.get(name=name)


def test_every_active_project_keeps_a_log_in_every_register_but_decisions_and_dependencies() -> None:
    active = list(Project.objects.filter(status=ProjectStatus.ACTIVE))
    per_project = {
        kind: Counter(model.objects.filter(project__isnull=False).values_list("project_id", flat=True))
        for kind, model in REGISTERS.items()
    }

    assert len(active) == 55
    for each in active:
        assert per_project["risks"][each.pk] >= 3, each
        assert per_project["assumptions"][each.pk] >= 1, each
        assert per_project["issues"][each.pk] >= 1, each
        assert per_project["actions"][each.pk] >= 2, each
    totals = {kind: sum(counts.values()) for kind, counts in per_project.items()}
    assert 200 <= totals["risks"] <= 300
    assert totals["dependencies"] >= len(CROSS_PROJECT)
    assert totals["decisions"] >= 20
    assert not Risk.objects.filter(
        project__status__in=[ProjectStatus.CLOSED, ProjectStatus.PROPOSED]
    ).exists()


def test_risks_are_threats_and_opportunities_with_cause_event_effect_scores_and_responses() -> None:
    risks = Risk.objects.all()

    assert set(risks.values_list("kind", flat=True)) == {RiskKind.THREAT, RiskKind.OPPORTUNITY}
    assert len(set(risks.values_list("category", flat=True))) >= 9
    assert not risks.filter(Q(cause="") | Q(event="") | Q(effect="") | Q(response="")).exists()
    # scored on the 5 x 5 matrix, the threats' responses bringing the score down
    threats = risks.filter(kind=RiskKind.THREAT)
    assert all(1 <= r.residual_score <= r.inherent_score <= 25 for r in threats)
    assert risks.filter(kind=RiskKind.OPPORTUNITY, response__in=["exploit", "enhance", "share"]).exists()
    assert risks.filter(expected_value__gt=0, response_cost__gt=0).count() > 100
    assert risks.filter(status="closed").exclude(closed_on=None).exists()


def test_issues_of_all_three_types_actions_from_each_source_and_decisions_with_options() -> None:
    assert set(Issue.objects.values_list("issue_type", flat=True)) == set(IssueType.values)
    sources = set(Action.objects.values_list("source", flat=True))
    assert {ActionSource.RAID_ITEM, ActionSource.MEETING, ActionSource.HEALTH_CHECK} <= sources
    for action in Action.objects.filter(source=ActionSource.RAID_ITEM).select_related("project")[:20]:
        found = selectors.item_by_reference(action.source_reference, project=action.project)
        assert isinstance(found, Risk)
    assert not Decision.objects.filter(options_considered="").exists()


def test_some_open_items_are_stale_for_two_months_and_some_past_due() -> None:
    stale_before = selectors.raid_settings().stale_before(TODAY)
    two_months = TODAY - dt.timedelta(days=60)

    for model in (Risk, Action):
        stale = selectors.stale(model.objects.all(), stale_before=stale_before)
        assert stale.filter(Q(last_reviewed_on__lt=two_months) | Q(last_reviewed_on=None)).exists(), model
        assert selectors.past_due(model.objects.all(), today=TODAY).exists(), model
    everything_open = sum(selectors.open_items(m.objects.all()).count() for m in REGISTERS.values())
    stale_total = sum(
        selectors.stale(m.objects.all(), stale_before=stale_before).count() for m in REGISTERS.values()
    )
    # most of the log is kept up to date
    assert 0 < stale_total < everything_open / 4


def test_risks_escalated_to_their_programme_and_two_to_the_portfolio_with_history() -> None:
    to_programme = Risk.objects.filter(escalated_to=Level.PROGRAMME)
    to_portfolio = Risk.objects.filter(escalated_to=Level.PORTFOLIO)

    assert to_programme.count() >= 3
    assert to_portfolio.count() == 2
    social = Programme.objects.get(code="PRG-SCS")
    shown = Risk.objects.filter(selectors.in_register(social))
    assert shown.filter(project__name=DATA_MIGRATION, escalated_to=Level.PROGRAMME).exists()
    assert shown.filter(programme=social).exists()  # and its own
    portfolio = Portfolio.objects.get()
    at_top = Risk.objects.filter(selectors.in_register(portfolio))
    assert set(to_portfolio) <= set(at_top)
    assert at_top.filter(portfolio=portfolio).count() == 2
    lease = to_portfolio.get(project__name="Migrate data centre to Azure")
    entries = lease.history.order_by("history_date", "history_id")
    reasons = list(entries.values_list("history_change_reason", flat=True))
    assert [r for r in reasons if r and r.startswith("Escalated")] == [
        "Escalated to programme: Beyond the project's tolerance.",
        "Escalated to portfolio: Needs the CIO and the Section 151 Officer: lease and capital.",
    ]


def test_dependencies_between_projects_make_no_loop_and_a_slip_ripples_down_a_chain() -> None:
    edges = selectors.project_edges()
    analyst = User.objects.get(username="analyst")

    assert network.find_loop(edges) is None
    ripple = {
        p.name: steps
        for p, steps in selectors.affected_projects(
            project("Wide area network replacement (SD-WAN)"), user=analyst
        )
    }
    assert ripple["Migrate data centre to Azure"] == 1
    assert ripple["Corporate data platform"] == 2
    assert ripple["Directorate performance dashboards"] == 3
    migration = {
        p.name: steps for p, steps in selectors.affected_projects(project(DATA_MIGRATION), user=analyst)
    }
    assert migration == {
        "Replace Adults' social care case management system": 1,
        "Social care finance and provider payments": 2,
        "Adult social care client portal": 2,
    }
    assert Dependency.objects.filter(depends_on=None).exclude(provider="").exists()  # from outside


def test_the_pm_login_finds_their_projects_raid_logs_kept_by_them() -> None:
    pm = User.objects.get(username="pm")
    mine = project(DATA_MIGRATION)

    risks = selectors.item_list(Risk, user=pm, register=mine)
    assert risks.count() >= 4
    assert selectors.item_list(Action, user=pm, register=mine).exists()
    first = risks.order_by("pk").first()
    assert first is not None
    assert first.history.earliest("history_date").history_user == pm
    assert first.history.earliest("history_date").history_date.date() == first.raised_on
    # someone else's project's log was typed up by the PMO officer
    other = Risk.objects.exclude(project__project_manager__user=pm).exclude(project=None).first()
    assert other is not None
    assert other.history.earliest("history_date").history_user.username == "officer"


def test_the_portfolio_heat_map_and_themes_have_something_to_show() -> None:
    matrix = selectors.raid_settings().matrix
    heat = selectors.heat_map(Risk.objects.all(), matrix)

    assert heat.total > 150
    assert sum(heat.inherent.values()) == heat.total
    assert len(heat.residual) >= 8  # spread over the matrix
    themes = selectors.themes(Risk.objects.all(), matrix)
    assert sum(themes["technical"].values()) > 10
    assert selectors.high_risks(Risk.objects.all(), matrix).exists()
