"""What the registers show: visibility, stale and past-due items, heat map, themes, top risks,
and the projects a slip would reach."""

import datetime as dt
from decimal import Decimal

import pytest

from pmo.portfolio.tests.factories import ProjectFactory
from pmo.raid import selectors
from pmo.raid.choices import RiskCategory, RiskStatus
from pmo.raid.models import Issue, Risk
from pmo.raid.tests.factories import DependencyFactory, IssueFactory, RiskFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 22)


def test_a_confidential_projects_items_are_hidden_from_others(cast):
    secret = ProjectFactory(
        code="SECRET", confidential=True, project_manager=cast.other_project.project_manager
    )
    RiskFactory(project=secret)
    RiskFactory(project=cast.project)
    portfolio_item = IssueFactory(portfolio=cast.portfolio)
    assert selectors.item_list(Risk, user=cast.pm).count() == 1
    assert selectors.item_list(Risk, user=cast.other_pm).count() == 2
    assert selectors.item_list(Risk, user=cast.head).count() == 2
    assert list(selectors.item_list(Issue, user=cast.executive)) == [portfolio_item]


def test_stale_and_past_due_are_open_items_only(cast):
    settings_row = selectors.raid_settings()
    before = settings_row.stale_before(TODAY)
    assert before == dt.date(2026, 10, 23)
    fresh = RiskFactory(project=cast.project, raised_on=dt.date(2026, 11, 1))
    reviewed = RiskFactory(
        project=cast.project, raised_on=dt.date(2026, 1, 1), last_reviewed_on=dt.date(2026, 11, 1)
    )
    stale = RiskFactory(
        project=cast.project, raised_on=dt.date(2026, 1, 1), last_reviewed_on=dt.date(2026, 10, 1)
    )
    never = RiskFactory(project=cast.project, raised_on=dt.date(2026, 9, 1))
    RiskFactory(project=cast.project, raised_on=dt.date(2026, 1, 1), status=RiskStatus.CLOSED)
    risks = Risk.objects.all()
    assert set(selectors.stale(risks, stale_before=before)) == {stale, never}
    assert stale.is_stale(before) and not fresh.is_stale(before) and not reviewed.is_stale(before)
    late = IssueFactory(project=cast.project, due=dt.date(2026, 11, 1))
    IssueFactory(project=cast.project, due=dt.date(2026, 12, 1))
    IssueFactory(project=cast.project, due=dt.date(2026, 11, 1), status="resolved")
    assert list(selectors.past_due(Issue.objects.all(), today=TODAY)) == [late]


def test_heat_map_counts_open_risks_in_their_cells(cast):
    RiskFactory(
        project=cast.project,
        inherent_probability=5,
        inherent_impact=5,
        residual_probability=2,
        residual_impact=3,
    )
    RiskFactory(
        project=cast.project,
        inherent_probability=5,
        inherent_impact=5,
        residual_probability=2,
        residual_impact=3,
    )
    RiskFactory(
        project=cast.project,
        inherent_probability=4,
        inherent_impact=2,
        residual_probability=1,
        residual_impact=1,
    )
    RiskFactory(project=cast.project, inherent_probability=5, inherent_impact=5, status=RiskStatus.CLOSED)
    matrix = selectors.raid_settings().matrix
    heat = selectors.heat_map(Risk.objects.all(), matrix)
    assert heat.inherent == {(5, 5): 2, (4, 2): 1}
    assert heat.residual == {(2, 3): 2, (1, 1): 1}
    assert heat.total == 3
    top_row = heat.grid("inherent")[0]
    assert top_row["probability"] == 5
    assert top_row["cells"][-1] == {"probability": 5, "impact": 5, "band": "high", "count": 2}
    assert heat.grid("residual")[3]["cells"][2] == {
        "probability": 2,
        "impact": 3,
        "band": "medium",
        "count": 2,
    }


def test_themes_count_open_risks_by_category_and_band(cast):
    RiskFactory(
        project=cast.project, category=RiskCategory.SECURITY, residual_probability=5, residual_impact=4
    )
    RiskFactory(
        project=cast.project, category=RiskCategory.SECURITY, residual_probability=1, residual_impact=2
    )
    RiskFactory(project=cast.project, category=RiskCategory.LEGAL, residual_probability=2, residual_impact=3)
    result = selectors.themes(Risk.objects.all(), selectors.raid_settings().matrix)
    assert result == {"security": {"high": 1, "low": 1}, "legal": {"medium": 1}}


def test_top_and_high_risks(cast):
    low = RiskFactory(project=cast.project, residual_probability=1, residual_impact=1)
    dear = RiskFactory(
        project=cast.project, residual_probability=4, residual_impact=4, expected_value=Decimal(9000)
    )
    cheap = RiskFactory(
        project=cast.project, residual_probability=4, residual_impact=4, expected_value=Decimal(10)
    )
    worst = RiskFactory(project=cast.project, residual_probability=5, residual_impact=5)
    RiskFactory(project=cast.project, residual_probability=5, residual_impact=5, kind="opportunity")
    RiskFactory(project=cast.project, residual_probability=5, residual_impact=5, status=RiskStatus.CLOSED)
    ordered = list(selectors.top_risks(Risk.objects.filter(kind="threat")))
    assert ordered == [worst, dear, cheap, low]
    assert set(selectors.high_risks(Risk.objects.all(), selectors.raid_settings().matrix)) == {
        worst,
        dear,
        cheap,
    }


def test_who_is_affected_when_a_project_slips(cast):
    erp = ProjectFactory(code="ERP")
    secret = ProjectFactory(code="SECRET", confidential=True)
    DependencyFactory(project=cast.other_project, depends_on=erp)  # HR needs ERP
    DependencyFactory(project=cast.project, depends_on=cast.other_project)  # WEB needs HR
    DependencyFactory(project=secret, depends_on=erp)
    DependencyFactory(project=cast.project, depends_on=erp, status="delivered")
    affected = selectors.affected_projects(erp, user=cast.pm)
    assert [(p.code, steps) for p, steps in affected] == [("HR", 1), ("WEB", 2)]
    assert [(p.code, steps) for p, steps in selectors.affected_projects(erp, user=cast.head)] == [
        ("HR", 1),
        ("SECRET", 1),
        ("WEB", 2),
    ]
    assert {(d.project.code, d.depends_on.code) for d in selectors.dependency_edges(user=cast.pm)} == {
        ("HR", "ERP"),
        ("WEB", "HR"),
    }


def test_references_are_read_back(cast):
    risk = RiskFactory(project=cast.project)
    assert selectors.parse_reference(f" rsk-{risk.pk} ") == (Risk, risk.pk)
    assert selectors.item_by_reference(risk.reference, project=cast.project) == risk
    with pytest.raises(ValueError, match="There is no RSK-999999 in HR"):
        selectors.item_by_reference("RSK-999999", project=cast.other_project)
    with pytest.raises(ValueError, match="ABC-1 is not a RAID reference"):
        selectors.parse_reference("ABC-1")
