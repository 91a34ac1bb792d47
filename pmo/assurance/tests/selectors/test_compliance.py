"""Compliance read for projects from their records: each default rule met or not and why, the
score, the portfolio sorted lowest first and filtered, a fixed number of queries whatever the
number of projects, and the rules the PMO head changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.assurance import selectors, services
from pmo.assurance.choices import ComplianceKind
from pmo.assurance.compliance import PROJECT_RELATIONS
from pmo.assurance.models import ComplianceRule
from pmo.assurance.tests.compliant import DAY, TODAY, a_project, in_good_order, moment, neglected, november
from pmo.portfolio.models import LifecycleStage, Project
from pmo.reporting.tests.factories import ReportFactory

pytestmark = [pytest.mark.today(TODAY), pytest.mark.django_db]


def judged(project):
    project = Project.objects.select_related(*PROJECT_RELATIONS).get(pk=project.pk)
    return selectors.project_compliance(project=project, today=DAY)


def test_the_default_rules_are_seeded_one_per_kind_enabled():
    assert sorted(ComplianceRule.objects.filter(enabled=True).values_list("kind", flat=True)) == sorted(
        ComplianceKind.values
    )


def test_a_project_in_good_order_meets_every_default_rule(cast):
    found = judged(in_good_order(cast.project))
    assert found.score == 100
    assert len(found.compliance.results) == len(ComplianceKind)


def test_a_neglected_project_fails_with_the_reasons(cast):
    found = judged(neglected(cast.project))
    reasons = {r.rule.kind: r.reason for r in found.compliance.failing}
    assert reasons.pop("gate_evidence").startswith(
        "Gate 4: Readiness for handover is due on 18 Dec 2026 and 5 piece(s) of its evidence are missing: "
    )
    assert reasons == {
        "report_on_time": "No highlight report handed in for November 2026 (due 5 Dec 2026).",
        "raid_reviewed": "1 open risk(s) and issue(s) not reviewed within 30 days (oldest 127 days).",
        "actions_not_overdue": "1 open action(s) past their due date.",
        "baseline_approved": "No baseline approved yet.",
        "plan_current": "No plan imported.",
        "budget_approved": "No budget version approved.",
        "forecast_current": "No finance forecast made.",
    }
    # the roles' weight (2) met of 17 in all: 2 * 100 // 17
    assert found.score == 11


def test_a_report_handed_in_after_its_due_day_is_late(cast):
    ReportFactory(project=cast.project, period=november(), status="submitted", submitted_at=moment(DAY))
    reasons = {r.rule.kind: r.reason for r in judged(cast.project).compliance.failing}
    assert reasons["report_on_time"] == (
        "The highlight report for November 2026 was handed in late, on 6 Dec 2026 (due 5 Dec 2026)."
    )


def test_the_stage_rules_do_not_apply_before_delivery(cast):
    cast.project.stage = LifecycleStage.objects.get(name="Planning")
    cast.project.save()
    found = judged(cast.project)
    assert {r.rule.kind for r in found.compliance.results} == {
        "report_on_time", "raid_reviewed", "actions_not_overdue", "roles_assigned", "gate_evidence",
    }  # fmt: skip


def test_a_disabled_rule_is_not_judged(cast):
    ComplianceRule.objects.filter(kind="report_on_time").update(enabled=False)
    found = judged(neglected(cast.project))
    assert "report_on_time" not in {r.rule.kind for r in found.compliance.results}


def test_the_portfolio_is_sorted_lowest_first_and_filtered_by_manager(cast):
    in_good_order(cast.project)
    neglected(cast.other_project)
    found = selectors.portfolio_compliance(user=cast.head, today=DAY)
    assert [f.project.code for f in found][:2] == ["HR", "WEB"] and found[-1].score == 100
    mine = selectors.portfolio_compliance(user=cast.head, today=DAY, manager=cast.project.project_manager_id)
    assert [f.project.code for f in mine] == ["WEB"]


def test_a_confidential_project_is_judged_only_for_those_who_see_it(cast):
    secret = a_project(code="SEC", confidential=True)
    assert "SEC" not in {f.project.code for f in selectors.portfolio_compliance(user=cast.pm, today=DAY)}
    assert "SEC" in {f.project.code for f in selectors.portfolio_compliance(user=cast.head, today=DAY)}
    assert secret.pk


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as captured:
        selectors.portfolio_compliance(user=user, today=DAY)
    return len(captured)


def test_judging_the_portfolio_issues_the_same_queries_for_2_projects_as_for_12(cast):
    in_good_order(cast.project)
    _queries(cast.head)  # what a process reads once (the user's roles)
    few = _queries(cast.head)
    for _ in range(5):
        in_good_order(a_project())
        neglected(a_project())
    assert (few, _queries(cast.head)) == (20, 20)


def test_the_head_changes_a_rule_and_its_history_keeps_it(cast):
    rule = ComplianceRule.objects.get(kind="raid_reviewed")
    services.compliance_rule_update(
        actor=cast.head, rule=rule, fields={"days": 14, "weight": 5}, expected_version=rule.version
    )
    rule.refresh_from_db()
    assert (rule.days, rule.weight) == (14, 5)
    assert rule.history.count() == 2


def test_others_may_not_change_a_rule(cast):
    rule = ComplianceRule.objects.get(kind="raid_reviewed")
    with pytest.raises(PermissionDenied):
        services.compliance_rule_update(actor=cast.pm, rule=rule, fields={"days": 14}, expected_version=None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"days": 0}, "days"),
        ({"weight": 11}, "weight"),
        ({"stages": ["Nowhere"]}, "stages"),
        ({"size_tiers": ["huge"]}, "size_tiers"),
        ({"methodologies": ["magic"]}, "methodologies"),
    ],
)
def test_bad_values_are_refused_naming_the_field(cast, fields, field):
    rule = ComplianceRule.objects.get(kind="raid_reviewed")
    with pytest.raises(ValidationError) as refused:
        services.compliance_rule_update(actor=cast.head, rule=rule, fields=fields, expected_version=None)
    assert field in refused.value.message_dict


def test_a_rules_kind_cannot_be_changed(cast):
    rule = ComplianceRule.objects.get(kind="raid_reviewed")
    with pytest.raises(ValidationError):
        services.compliance_rule_update(
            actor=cast.head, rule=rule, fields={"kind": "budget_approved"}, expected_version=None
        )
