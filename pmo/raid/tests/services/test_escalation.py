"""Escalation up the registers, with history and notices, and who handles an escalated item."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.models import Notification
from pmo.raid import selectors, services
from pmo.raid.choices import Level
from pmo.raid.models import Issue, Risk
from pmo.raid.tests.factories import IssueFactory, RiskFactory

pytestmark = pytest.mark.django_db


def test_a_project_risk_goes_up_to_the_programme_then_the_portfolio(cast):
    risk = RiskFactory(project=cast.project)
    assert not selectors.item_list(Risk, user=cast.head, register=cast.programme).exists()
    risk = services.raid_item_escalate(
        actor=cast.pm, item=risk, to=Level.PROGRAMME, note="Needs the programme's budget", expected_version=1
    )
    assert risk.shown_at == Level.PROGRAMME and risk.escalated_at is not None
    assert list(selectors.item_list(Risk, user=cast.executive, register=cast.programme)) == [risk]
    assert not selectors.item_list(Risk, user=cast.executive, register=cast.portfolio).exists()
    assert Notification.objects.filter(recipient=cast.programme_manager, url=risk.get_absolute_url()).exists()
    assert not Notification.objects.filter(recipient=cast.pm).exists()

    risk = services.raid_item_escalate(
        actor=cast.programme_manager,
        item=risk,
        to=Level.PORTFOLIO,
        note="Affects every programme",
        expected_version=2,
    )
    assert list(selectors.item_list(Risk, user=cast.executive, register=cast.portfolio)) == [risk]
    assert list(selectors.item_list(Risk, user=cast.executive, register=cast.programme)) == [risk]
    told = set(
        Notification.objects.filter(subject__contains="portfolio level").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"owner", "head", "analyst", "officer"} <= told
    reasons = list(risk.history.values_list("history_change_reason", flat=True))
    assert reasons[:2] == [
        "Escalated to portfolio: Affects every programme",
        "Escalated to programme: Needs the programme's budget",
    ]


def test_the_programme_manager_may_change_an_item_escalated_to_them_only(cast):
    risk = RiskFactory(project=cast.project)
    with pytest.raises(PermissionDenied):
        services.raid_item_update(
            actor=cast.programme_manager, item=risk, fields={"title": "Mine"}, expected_version=1
        )
    risk = services.raid_item_escalate(
        actor=cast.pm, item=risk, to=Level.PROGRAMME, note="Help", expected_version=1
    )
    changed = services.raid_item_update(
        actor=cast.programme_manager, item=risk, fields={"residual_impact": 2}, expected_version=2
    )
    assert changed.residual_score == 6


def test_escalation_must_go_up_and_give_a_reason(cast):
    risk = RiskFactory(project=cast.project)
    with pytest.raises(ValidationError) as error:
        services.raid_item_escalate(
            actor=cast.pm, item=risk, to=Level.PROGRAMME, note="  ", expected_version=1
        )
    assert error.value.message_dict == {"escalation_note": ["Say why."]}
    with pytest.raises(ValidationError) as error:
        services.raid_item_escalate(
            actor=cast.pm, item=risk, to=Level.PROJECT, note="Down", expected_version=1
        )
    assert error.value.message_dict == {
        "escalated_to": [f"{risk.reference} is already at project level: escalate it to a higher level."]
    }
    risk.refresh_from_db()
    assert risk.version == 1 and not risk.escalated_to


def test_a_project_outside_a_programme_escalates_straight_to_the_portfolio(cast):
    issue = IssueFactory(project=cast.other_project)
    with pytest.raises(ValidationError) as error:
        services.raid_item_escalate(
            actor=cast.head, item=issue, to=Level.PROGRAMME, note="Help", expected_version=1
        )
    assert error.value.message_dict == {
        "escalated_to": ["HR HR system is not part of a programme: escalate it to the portfolio instead."]
    }
    issue = services.raid_item_escalate(
        actor=cast.head, item=issue, to=Level.PORTFOLIO, note="Help", expected_version=1
    )
    assert list(selectors.item_list(Issue, user=cast.head, register=cast.portfolio)) == [issue]


def test_a_portfolio_item_cannot_be_escalated_and_someone_else_cannot_escalate(cast):
    top = IssueFactory(portfolio=cast.portfolio)
    with pytest.raises(ValidationError, match="already at portfolio level"):
        services.raid_item_escalate(
            actor=cast.head, item=top, to=Level.PORTFOLIO, note="x", expected_version=1
        )
    theirs = IssueFactory(project=cast.project)
    with pytest.raises(PermissionDenied):
        services.raid_item_escalate(
            actor=cast.other_pm, item=theirs, to=Level.PORTFOLIO, note="x", expected_version=1
        )


def test_returning_an_item_to_its_register(cast):
    risk = RiskFactory(project=cast.project)
    with pytest.raises(ValidationError, match="is not escalated"):
        services.raid_item_deescalate(actor=cast.head, item=risk, note="x", expected_version=1)
    risk = services.raid_item_escalate(
        actor=cast.pm, item=risk, to=Level.PROGRAMME, note="Help", expected_version=1
    )
    risk = services.raid_item_deescalate(
        actor=cast.programme_manager, item=risk, note="The project can handle it", expected_version=2
    )
    assert risk.shown_at == Level.PROJECT and risk.escalated_at is None
    assert not selectors.item_list(Risk, user=cast.head, register=cast.programme).exists()
    assert (
        risk.history.first().history_change_reason
        == "Returned to the project register: The project can handle it"
    )
