"""Baselines: versioned approved plans that only the PMO records directly."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.reporting import services
from pmo.reporting.choices import BaselineSource, ToleranceState
from pmo.reporting.models import NEGATIVE_AMOUNT, Baseline, ToleranceCheck
from pmo.reporting.tests.services.steps import BUDGET, baseline, submitted

pytestmark = pytest.mark.django_db

APPROVE_DENIED = "You do not have permission to approve baselines (only the PMO can)."


def test_each_approval_is_the_next_version_with_who_when_and_why(cast):
    first = baseline(cast)
    second = services.baseline_approve(
        actor=cast.officer,
        project=cast.project,
        finish=dt.date(2027, 2, 26),
        budget_at_completion=Decimal(300000),
        reason="Board approved phase 2",
    )

    assert (first.number, second.number) == (1, 2)
    assert (second.approved_by, second.reason, second.source) == (
        cast.officer,
        "Board approved phase 2",
        BaselineSource.PMO,
    )
    assert [(m.name, m.due) for m in first.milestones.all()] == [
        ("Design signed off", dt.date(2026, 6, 30)),
        ("Go live", dt.date(2026, 12, 1)),
    ]
    entry = second.history.get()
    assert (entry.history_user, entry.history_change_reason) == (cast.officer, "Board approved phase 2")
    first.refresh_from_db()
    assert first.finish == dt.date(2026, 12, 18)  # versions are never changed


@pytest.mark.parametrize("who", ["pm", "sponsor", "executive", "finance"])
def test_only_the_pmo_approves_baselines(cast, who):
    with pytest.raises(PermissionDenied) as error:
        services.baseline_approve(
            actor=cast.by_name(who),
            project=cast.project,
            finish=dt.date(2026, 12, 18),
            budget_at_completion=BUDGET,
            reason="Mine",
        )

    assert str(error.value) == APPROVE_DENIED
    assert not Baseline.objects.exists()


def test_claiming_an_exception_source_does_not_get_round_the_check(cast):
    with pytest.raises(PermissionDenied) as error:
        services.baseline_approve(
            actor=cast.pm,
            project=cast.project,
            finish=dt.date(2027, 6, 30),
            budget_at_completion=BUDGET,
            reason="Decided, honestly",
            source=BaselineSource.EXCEPTION,
        )

    assert str(error.value) == APPROVE_DENIED
    assert not Baseline.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"reason": "  "}, {"reason": [services.REASON_REQUIRED]}),
        (
            {"finish": dt.date(2025, 12, 31)},
            {"finish": ["The baseline finish (31 Dec 2025) is before the project starts (5 Jan 2026)."]},
        ),
        ({"budget_at_completion": Decimal(-1)}, {"budget_at_completion": [NEGATIVE_AMOUNT]}),
        ({"benefits_value": Decimal(-5)}, {"benefits_value": [NEGATIVE_AMOUNT]}),
        (
            {"milestones": [("Go live", dt.date(2026, 12, 1)), ("Go live ", dt.date(2026, 12, 2))]},
            {"milestones": ["Milestone 'Go live' is listed twice."]},
        ),
        (
            {"milestones": [("Kick-off", dt.date(2025, 12, 1))]},
            {"milestones": ["Milestone 'Kick-off' is forecast before the project starts (5 Jan 2026)."]},
        ),
    ],
)
def test_a_bad_baseline_is_refused_whole(cast, overrides, errors):
    with pytest.raises(ValidationError) as error:
        baseline(cast, **overrides)

    assert error.value.message_dict == errors
    assert not Baseline.objects.exists()


def test_a_long_reason_is_kept_whole_on_the_baseline_and_short_in_its_history(cast):
    reason = "Approved by the Digital Board on 3 November after the supplier re-plan. " * 4

    approved = baseline(cast, reason=reason)

    assert approved.reason == reason.strip()
    short = approved.history.get().history_change_reason
    assert len(short) == 100
    assert short.endswith("…")


def test_a_new_baseline_rejudges_the_latest_forecast(cast):
    baseline(cast)
    submitted(cast, forecast_finish=dt.date(2027, 2, 1))  # 45 days late; medium projects allow 28
    assert ToleranceCheck.objects.get(dimension="time").status == ToleranceState.BREACHED

    services.baseline_approve(
        actor=cast.head,
        project=cast.project,
        finish=dt.date(2027, 1, 29),
        budget_at_completion=BUDGET,
        reason="Re-plan approved",
    )

    check = ToleranceCheck.objects.get(dimension="time")
    assert (check.status, check.forecast_value) == (ToleranceState.WITHIN, 3)
