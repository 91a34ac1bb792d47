"""RAID and change together: a risk raised and escalated, a loop refused, a change approved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.change import services as change_services
from pmo.change.choices import Authority, ChangeStatus, ChangeType, Decision
from pmo.portfolio.tests.factories import PersonFactory
from pmo.raid import selectors, services
from pmo.raid.choices import Level, RiskCategory
from pmo.raid.models import Dependency, Risk
from pmo.reporting.choices import BaselineSource
from pmo.reporting.tests.factories import BaselineFactory

pytestmark = pytest.mark.django_db


def test_a_pm_logs_escalates_and_the_cr_makes_a_baseline(cast):
    risk = services.raid_item_create(
        actor=cast.pm,
        model=Risk,
        register=cast.project,
        fields={
            "title": "Supplier may fold",
            "owner": cast.project.project_manager,
            "category": RiskCategory.COMMERCIAL,
            "inherent_probability": 4,
            "inherent_impact": 5,
            "residual_probability": 3,
            "residual_impact": 5,
            "cost_impact": Decimal(100000),
        },
    )
    assert (risk.inherent_score, risk.residual_score, risk.expected_value) == (20, 15, Decimal("40000.00"))
    risk = services.raid_item_escalate(
        actor=cast.pm, item=risk, to=Level.PROGRAMME, note="Beyond us", expected_version=1
    )
    assert selectors.item_list(Risk, user=cast.programme_manager, register=cast.programme).get() == risk
    assert not selectors.item_list(Risk, user=cast.head, register=cast.portfolio).exists()
    BaselineFactory(project=cast.project, finish=dt.date(2026, 12, 18))
    cr = change_services.change_request_raise(
        actor=cast.pm,
        project=cast.project,
        fields={"title": "Extra month", "change_type": ChangeType.TIME, "description": "d", "reason": "r"},
    )
    cr = change_services.change_request_assess(
        actor=cast.pm, change=cr, fields={"impact_days": 10}, expected_version=1
    )
    assert cr.authority == Authority.SPONSOR
    with pytest.raises(PermissionDenied):
        change_services.change_request_decide(
            actor=cast.pm, change=cr, decision=Decision.APPROVE, notes="ok", expected_version=cr.version
        )
    cr = change_services.change_request_decide(
        actor=cast.sponsor, change=cr, decision=Decision.APPROVE, notes="ok", expected_version=cr.version
    )
    assert cr.status == ChangeStatus.APPROVED
    assert cr.new_baseline.number == 2 and cr.new_baseline.finish == dt.date(2026, 12, 28)
    assert cr.new_baseline.source == BaselineSource.CHANGE_REQUEST
    assert list(cr.new_baseline.change_requests.all()) == [cr]
    with pytest.raises(ValidationError, match="already approved"):
        change_services.change_request_decide(
            actor=cast.sponsor, change=cr, decision=Decision.APPROVE, notes="ok", expected_version=cr.version
        )


def test_a_dependency_loop_is_refused(cast):
    owner = PersonFactory()
    services.raid_item_create(
        actor=cast.head,
        model=Dependency,
        register=cast.project,
        fields={"title": "API", "owner": owner, "depends_on": cast.other_project},
    )
    with pytest.raises(ValidationError, match=r"WEB → HR → WEB|HR → WEB → HR"):
        services.raid_item_create(
            actor=cast.head,
            model=Dependency,
            register=cast.other_project,
            fields={"title": "Logins", "owner": owner, "depends_on": cast.project},
        )
    assert Dependency.objects.count() == 1


def test_scores_off_the_matrix_are_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.raid_item_create(
            actor=cast.pm,
            model=Risk,
            register=cast.project,
            fields={
                "title": "x",
                "owner": cast.project.project_manager,
                "category": RiskCategory.LEGAL,
                "inherent_probability": 6,
                "inherent_impact": 0,
                "residual_probability": 1,
                "residual_impact": 1,
            },
        )
    assert "from 1 to 5" in error.value.message_dict["inherent_probability"][0]
    assert "inherent_impact" in error.value.message_dict
    assert not Risk.objects.exists()
