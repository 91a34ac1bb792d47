"""Raising, changing, reviewing, closing and deleting RAID items: who may, and what is refused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.services import NOT_EDITABLE, ConflictError
from pmo.portfolio.tests.factories import PersonFactory
from pmo.raid import services
from pmo.raid.choices import (
    ActionSource,
    AssumptionStatus,
    IssueStatus,
    RiskCategory,
    RiskKind,
    RiskResponse,
    RiskStatus,
)
from pmo.raid.models import REGISTERS, Action, Assumption, Decision, Dependency, Issue, Risk
from pmo.raid.tests.factories import IssueFactory, RiskFactory

pytestmark = pytest.mark.django_db


def risk_fields(owner, **extra):
    return {
        "title": "Supplier may fold",
        "owner": owner,
        "category": RiskCategory.COMMERCIAL,
        "inherent_probability": 4,
        "inherent_impact": 5,
        "residual_probability": 2,
        "residual_impact": 5,
        **extra,
    }


MINIMAL = {
    Risk: lambda owner: risk_fields(owner),
    Assumption: lambda owner: {"title": "Staff are released for training", "owner": owner},
    Issue: lambda owner: {"title": "Test environment down", "owner": owner},
    Dependency: lambda owner: {"title": "Network upgrade", "owner": owner, "provider": "BT"},
    Action: lambda owner: {"title": "Chase the supplier", "owner": owner, "due": dt.date(2026, 12, 1)},
    Decision: lambda owner: {"title": "Go with option B", "owner": owner, "rationale": "Cheapest"},
}


@pytest.mark.parametrize("model", list(REGISTERS.values()), ids=lambda m: m.KIND)
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("pm", True),
        ("sponsor", True),
        ("head", True),
        ("officer", True),
        ("analyst", True),
        ("programme_manager", False),
        ("executive", False),
        ("other_pm", False),
    ],
)
def test_who_may_raise_an_item_on_a_project(cast, model, who, allowed):
    fields = MINIMAL[model](cast.project.project_manager)
    if allowed:
        item = services.raid_item_create(
            actor=cast.by_name(who), model=model, register=cast.project, fields=fields
        )
        assert item.project == cast.project and item.raised_by == cast.by_name(who)
        assert item.reference == f"{model.PREFIX}-{item.pk}"
        assert item.history.get().history_user == cast.by_name(who)
    else:
        with pytest.raises(PermissionDenied, match=f"add {model._meta.verbose_name_plural} to WEB"):
            services.raid_item_create(
                actor=cast.by_name(who), model=model, register=cast.project, fields=fields
            )
        assert not model.objects.exists()


@pytest.mark.parametrize(
    ("register", "keeper", "outsider"),
    [("programme", "programme_manager", "pm"), ("portfolio", "portfolio_owner", "programme_manager")],
)
def test_programme_and_portfolio_registers_are_kept_by_their_leads(cast, register, keeper, outsider):
    home = getattr(cast, register)
    item = services.raid_item_create(
        actor=cast.by_name(keeper), model=Issue, register=home, fields=MINIMAL[Issue](PersonFactory())
    )
    assert item.level.value == register and item.home == home
    with pytest.raises(PermissionDenied):
        services.raid_item_create(
            actor=cast.by_name(outsider), model=Issue, register=home, fields=MINIMAL[Issue](PersonFactory())
        )


def test_a_pm_changes_their_risk_but_not_another_projects(cast):
    mine = RiskFactory(project=cast.project)
    theirs = RiskFactory(project=cast.other_project)
    changed = services.raid_item_update(
        actor=cast.pm, item=mine, fields={"title": "Renamed"}, expected_version=1
    )
    assert changed.title == "Renamed" and changed.version == 2
    assert changed.last_reviewed_on == timezone.localdate()
    with pytest.raises(PermissionDenied, match="change RSK-"):
        services.raid_item_update(
            actor=cast.pm, item=theirs, fields={"title": "Mine now"}, expected_version=1
        )
    theirs.refresh_from_db()
    assert theirs.title != "Mine now"


def test_a_stale_version_is_a_conflict_and_changes_nothing(cast):
    risk = RiskFactory(project=cast.project, title="Original")
    services.raid_item_update(actor=cast.head, item=risk, fields={"title": "First"}, expected_version=1)
    with pytest.raises(ConflictError, match="you had version 1, it is now version 2"):
        services.raid_item_update(actor=cast.pm, item=risk, fields={"title": "Second"}, expected_version=1)
    risk.refresh_from_db()
    assert risk.title == "First"


@pytest.mark.parametrize("field", ["project", "escalated_to", "expected_value", "closed_on", "raised_by"])
def test_the_register_escalation_and_derived_figures_are_not_set_directly(cast, field):
    risk = RiskFactory(project=cast.project)
    with pytest.raises(ValidationError) as error:
        services.raid_item_update(actor=cast.head, item=risk, fields={field: None}, expected_version=1)
    assert error.value.message_dict == {field: [NOT_EDITABLE]}


def test_scores_outside_the_matrix_name_each_field_and_the_range(cast):
    risk = RiskFactory(project=cast.project)
    with pytest.raises(ValidationError) as error:
        services.raid_item_update(
            actor=cast.pm,
            item=risk,
            fields={"residual_probability": 6, "residual_impact": 0},
            expected_version=1,
        )
    assert error.value.message_dict == {
        "residual_probability": ["Probability must be a whole number from 1 to 5 on this matrix (got 6)."],
        "residual_impact": ["Impact must be a whole number from 1 to 5 on this matrix (got 0)."],
    }
    risk.refresh_from_db()
    assert risk.version == 1


def test_scores_and_expected_value_follow_the_matrix(cast):
    risk = services.raid_item_create(
        actor=cast.pm,
        model=Risk,
        register=cast.project,
        fields=risk_fields(cast.project.project_manager, cost_impact=Decimal(50_000)),
    )
    assert (risk.inherent_score, risk.residual_score, risk.expected_value) == (20, 10, Decimal("10000.00"))
    risk = services.raid_item_update(
        actor=cast.pm, item=risk, fields={"residual_probability": 4}, expected_version=1
    )
    assert (risk.residual_score, risk.expected_value) == (20, Decimal("30000.00"))


def test_an_opportunity_takes_opportunity_responses_only(cast):
    with pytest.raises(ValidationError) as error:
        services.raid_item_create(
            actor=cast.pm,
            model=Risk,
            register=cast.project,
            fields=risk_fields(
                cast.project.project_manager, kind=RiskKind.OPPORTUNITY, response=RiskResponse.AVOID
            ),
        )
    assert error.value.message_dict["response"] == [
        "Avoid is not a response to an opportunity: use one of enhance, exploit, reject, share."
    ]
    opportunity = services.raid_item_create(
        actor=cast.pm,
        model=Risk,
        register=cast.project,
        fields=risk_fields(
            cast.project.project_manager, kind=RiskKind.OPPORTUNITY, response=RiskResponse.EXPLOIT
        ),
    )
    assert opportunity.get_response_display() == "Exploit"


def test_closing_stamps_the_day_and_reopening_clears_it(cast):
    issue = IssueFactory(project=cast.project)
    closed = services.raid_item_update(
        actor=cast.pm,
        item=issue,
        fields={"status": IssueStatus.RESOLVED, "closure_note": "Patched"},
        expected_version=1,
    )
    assert closed.closed_on == timezone.localdate() and not closed.is_open
    reopened = services.raid_item_update(
        actor=cast.pm, item=closed, fields={"status": IssueStatus.OPEN}, expected_version=2
    )
    assert reopened.closed_on is None and reopened.is_open


def test_an_invalid_assumption_stays_open_until_closed(cast):
    assumption = services.raid_item_create(
        actor=cast.pm, model=Assumption, register=cast.project, fields=MINIMAL[Assumption](PersonFactory())
    )
    invalid = services.raid_item_update(
        actor=cast.pm, item=assumption, fields={"status": AssumptionStatus.INVALID}, expected_version=1
    )
    assert invalid.is_open and invalid.closed_on is None


def test_reviewing_records_the_day_and_a_history_entry(cast):
    risk = RiskFactory(project=cast.project, last_reviewed_on=dt.date(2026, 1, 1))
    reviewed = services.raid_item_review(actor=cast.pm, item=risk, expected_version=1, note="Still holds")
    assert reviewed.last_reviewed_on == timezone.localdate()
    assert reviewed.history.first().history_change_reason == "Still holds"


def test_an_owner_must_be_a_person(cast):
    with pytest.raises(ValidationError) as error:
        services.raid_item_create(
            actor=cast.pm, model=Issue, register=cast.project, fields={"title": "No owner"}
        )
    assert "owner" in error.value.message_dict
    assert not Issue.objects.exists()


def test_a_dependency_on_oneself_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.raid_item_create(
            actor=cast.head,
            model=Dependency,
            register=cast.project,
            fields={"title": "Itself", "owner": PersonFactory(), "depends_on": cast.project},
        )
    assert error.value.message_dict == {"depends_on": ["A project cannot depend on itself."]}


def test_a_dependency_names_a_project_or_a_provider(cast):
    with pytest.raises(ValidationError) as error:
        services.raid_item_create(
            actor=cast.head,
            model=Dependency,
            register=cast.project,
            fields={"title": "?", "owner": PersonFactory()},
        )
    assert error.value.message_dict == {
        "depends_on": ["Say whom this depends on: a project in the register or a named provider."]
    }


def test_a_loop_through_an_update_is_refused_and_a_closed_dependency_does_not_count(cast):
    from pmo.portfolio.tests.factories import ProjectFactory

    third = ProjectFactory(code="ERP")
    owner = PersonFactory()
    make = lambda home, on: services.raid_item_create(  # noqa: E731
        actor=cast.head,
        model=Dependency,
        register=home,
        fields={"title": "x", "owner": owner, "depends_on": on},
    )
    make(cast.project, cast.other_project)  # WEB needs HR
    second = make(cast.other_project, third)  # HR needs ERP
    edge = services.raid_item_create(
        actor=cast.head,
        model=Dependency,
        register=third,
        fields={"title": "x", "owner": owner, "provider": "BT"},
    )
    with pytest.raises(
        ValidationError, match=r"WEB → HR → ERP → WEB|HR → ERP → WEB → HR|ERP → WEB → HR → ERP"
    ):
        services.raid_item_update(
            actor=cast.head, item=edge, fields={"depends_on": cast.project}, expected_version=1
        )
    services.raid_item_update(actor=cast.head, item=second, fields={"status": "closed"}, expected_version=1)
    linked = services.raid_item_update(
        actor=cast.head, item=edge, fields={"depends_on": cast.project}, expected_version=1
    )
    assert linked.depends_on == cast.project


def test_an_action_from_a_raid_item_names_one_of_the_projects_items(cast):
    risk = RiskFactory(project=cast.project)
    other = RiskFactory(project=cast.other_project)
    fields = {"title": "Mitigate", "owner": PersonFactory(), "source": ActionSource.RAID_ITEM}
    with pytest.raises(ValidationError) as error:
        services.raid_item_create(actor=cast.pm, model=Action, register=cast.project, fields=fields)
    assert error.value.message_dict == {
        "source_reference": ["Name the RAID item this action comes from (e.g. RSK-12)."]
    }
    for reference, message in [
        (other.reference, f"There is no {other.reference} in WEB."),
        ("RISK 4", "RISK 4 is not a RAID reference (such as RSK-12 or ISS-3)."),
    ]:
        with pytest.raises(ValidationError) as error:
            services.raid_item_create(
                actor=cast.pm,
                model=Action,
                register=cast.project,
                fields={**fields, "source_reference": reference},
            )
        assert error.value.message_dict == {"source_reference": [message]}
    action = services.raid_item_create(
        actor=cast.pm,
        model=Action,
        register=cast.project,
        fields={**fields, "source_reference": f" {risk.reference.lower()} "},
    )
    assert action.source_reference == risk.reference


def test_only_the_pmo_deletes_and_history_keeps_the_deletion(cast):
    risk = RiskFactory(project=cast.project)
    with pytest.raises(PermissionDenied):
        services.raid_item_delete(actor=cast.pm, item=risk, expected_version=1)
    pk = risk.pk
    services.raid_item_delete(actor=cast.officer, item=risk, expected_version=1)
    assert not Risk.objects.filter(pk=pk).exists()
    assert Risk.history.filter(id=pk).first().history_type == "-"


def test_a_closed_risk_is_not_open(cast):
    risk = RiskFactory(project=cast.project, status=RiskStatus.CLOSED)
    assert not risk.is_open and not risk.is_past_due(dt.date(2030, 1, 1))


def test_a_decision_made_without_a_date_was_made_today(cast):
    made = services.raid_item_create(
        actor=cast.pm,
        model=Decision,
        register=cast.project,
        fields={
            "title": "Use the council's SSO",
            "owner": cast.project.sponsor,
            "status": "made",
            "rationale": "One login",
        },
    )
    assert made.decided_on == timezone.localdate()
    proposed = services.raid_item_create(
        actor=cast.pm,
        model=Decision,
        register=cast.project,
        fields={
            "title": "Hosting",
            "owner": cast.project.sponsor,
            "status": "proposed",
            "due": dt.date(2026, 12, 1),
        },
    )
    assert proposed.decided_on is None and proposed.is_open


def test_a_decision_logged_without_a_status_is_made_today(cast):
    made = services.raid_item_create(
        actor=cast.pm,
        model=Decision,
        register=cast.project,
        fields={"title": "Go", "owner": cast.project.sponsor},
    )
    assert made.status == "made" and made.decided_on == timezone.localdate()
