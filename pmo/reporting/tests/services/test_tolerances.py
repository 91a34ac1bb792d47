"""Tolerances: a project's own, else its portfolio's default, else its size tier's; time
percentages of the planned duration; the warning band; re-judged whenever they change.

The project is medium-sized (28 days of time tolerance by default), planned from 5 Jan 2026 to a
baseline finish of 18 Dec 2026: 347 days."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.services import NOT_EDITABLE, ConflictError
from pmo.reporting import services
from pmo.reporting.choices import ToleranceDimension, ToleranceDirection, ToleranceState
from pmo.reporting.models import (
    NEEDS_ALLOWANCE,
    NEGATIVE_AMOUNT,
    NO_SCOPE,
    ONE_SCOPE,
    ProjectException,
    ReportingSettings,
    Tolerance,
    ToleranceCheck,
    ToleranceDefault,
)
from pmo.reporting.tests.services.steps import BASELINE_FINISH, baseline, next_period, submitted

pytestmark = pytest.mark.django_db

TIME = ToleranceDimension.TIME


def late_by(cast, days, **fields):
    """Baseline the project and hand in a report forecasting ``days`` past the baseline finish."""
    baseline(cast)
    return submitted(cast, forecast_finish=BASELINE_FINISH + dt.timedelta(days=days), **fields)


def own_tolerance(cast, dimension=TIME, *, absolute=None, percent=None, by="officer", **more):
    """Set the project's own tolerance in ``dimension``, as the PMO officer unless ``by`` says."""
    return services.tolerance_set(
        actor=cast.by_name(by),
        project=cast.project,
        dimension=dimension,
        absolute=absolute,
        percent=percent,
        **more,
    )


def time_check():
    return ToleranceCheck.objects.get(dimension="time")


@pytest.mark.parametrize(
    ("days", "status"),
    [
        (0, ToleranceState.WITHIN),
        (22, ToleranceState.WITHIN),  # 79% of 28 days
        (23, ToleranceState.FORECAST_TO_BREACH),  # 82%: inside the default 80% warning band
        (28, ToleranceState.FORECAST_TO_BREACH),
        (29, ToleranceState.BREACHED),
    ],
)
def test_the_size_tier_default_judges_the_forecast(cast, days, status):
    report = late_by(cast, days)

    assert time_check().status == status
    assert time_check().allowance == 28
    assert report.tolerance_status == status
    assert ProjectException.objects.exists() is (status == ToleranceState.BREACHED)


def test_forecast_to_breach_raises_no_exception_and_says_why(cast):
    late_by(cast, 25)

    check = time_check()
    assert check.status == ToleranceState.FORECAST_TO_BREACH
    assert check.explanation == (
        "time: forecast finish +25 days against the baseline; tolerance ±28 days, 89% used"
        " — forecast to breach"
    )
    assert not ProjectException.objects.exists()


def test_a_portfolio_default_beats_the_size_tier(cast):
    services.tolerance_default_create(
        actor=cast.head, dimension=TIME, absolute=Decimal(60), percent=None, portfolio=cast.project.portfolio
    )

    late_by(cast, 40)

    assert (time_check().status, time_check().allowance) == (ToleranceState.WITHIN, 60)


def test_the_projects_own_tolerance_beats_the_portfolio_default(cast):
    services.tolerance_default_create(
        actor=cast.head, dimension=TIME, absolute=Decimal(60), percent=None, portfolio=cast.project.portfolio
    )
    own_tolerance(cast, absolute=Decimal(10))

    late_by(cast, 11)

    assert (time_check().status, time_check().allowance) == (ToleranceState.BREACHED, 10)


def test_a_time_percentage_is_of_the_planned_duration(cast):
    own_tolerance(cast, percent=Decimal(10))

    late_by(cast, 30)  # 10% of 347 days is 34.7 days; 30 uses 86%

    check = time_check()
    assert check.allowance == Decimal("34.70")
    assert check.status == ToleranceState.FORECAST_TO_BREACH


def test_with_days_and_a_percentage_the_stricter_holds(cast):
    own_tolerance(cast, absolute=Decimal(20), percent=Decimal(10))

    late_by(cast, 21)

    assert (time_check().status, time_check().allowance) == (ToleranceState.BREACHED, 20)


def test_a_scope_percentage_is_percentage_points_of_scope(cast):
    own_tolerance(cast, ToleranceDimension.SCOPE, percent=Decimal(5))

    late_by(cast, 0, scope_change_percent=Decimal(6))

    check = ToleranceCheck.objects.get(dimension="scope")
    assert (check.status, check.allowance) == (ToleranceState.BREACHED, 5)


@pytest.mark.parametrize(
    ("dimension", "unit"),
    [
        (ToleranceDimension.QUALITY, "acceptance criteria at risk"),
        (ToleranceDimension.RISK, "open high risks"),
    ],
)
def test_counted_dimensions_take_no_percentage(cast, dimension, unit):
    with pytest.raises(ValidationError) as error:
        own_tolerance(cast, dimension, percent=Decimal(10))

    label = dimension.label.lower()
    assert error.value.message_dict == {
        "percent": [f"A {label} tolerance counts {unit}: give it as an absolute allowance, not a percentage."]
    }
    assert not Tolerance.objects.exists()


@pytest.mark.parametrize(
    ("absolute", "percent", "errors"),
    [
        (None, None, {"__all__": [NEEDS_ALLOWANCE]}),
        (Decimal(-3), None, {"absolute": [NEGATIVE_AMOUNT]}),
        (None, Decimal(-10), {"percent": [NEGATIVE_AMOUNT]}),
    ],
)
def test_a_bad_tolerance_is_refused(cast, absolute, percent, errors):
    with pytest.raises(ValidationError) as error:
        own_tolerance(cast, absolute=absolute, percent=percent)

    assert error.value.message_dict == errors
    assert not Tolerance.objects.exists()


@pytest.mark.parametrize("who", ["pm", "sponsor", "executive"])
def test_only_the_pmo_sets_a_projects_tolerances(cast, who):
    with pytest.raises(PermissionDenied) as error:
        own_tolerance(cast, by=who, absolute=Decimal(90))

    assert str(error.value) == f"You do not have permission to set tolerances for {cast.project}."
    assert not Tolerance.objects.exists()


def test_changing_a_tolerance_rejudges_and_a_stale_change_is_a_conflict(cast):
    late_by(cast, 29)
    own = own_tolerance(cast, absolute=Decimal(60))
    assert time_check().status == ToleranceState.WITHIN

    own_tolerance(cast, by="head", absolute=Decimal(50), expected_version=own.version)
    with pytest.raises(ConflictError):
        own_tolerance(cast, absolute=Decimal(5), expected_version=own.version)

    own.refresh_from_db()
    assert own.absolute == 50


def test_clearing_the_projects_tolerance_brings_back_the_default(cast):
    own = own_tolerance(cast, absolute=Decimal(60))
    late_by(cast, 40)
    assert time_check().status == ToleranceState.WITHIN

    services.tolerance_clear(actor=cast.officer, tolerance=own, expected_version=own.version)

    assert (time_check().status, time_check().allowance) == (ToleranceState.BREACHED, 28)
    assert own.history.first().history_type == "-"


def test_a_pm_cannot_clear_a_tolerance(cast):
    own = own_tolerance(cast, absolute=Decimal(60))

    with pytest.raises(PermissionDenied) as error:
        services.tolerance_clear(actor=cast.pm, tolerance=own, expected_version=own.version)

    assert str(error.value) == f"You do not have permission to delete {own}."
    assert Tolerance.objects.filter(pk=own.pk).exists()


# Defaults and the warning band -----------------------------------------------------------------


def medium_time_default():
    return ToleranceDefault.objects.get(size_tier="medium", dimension="time")


def test_a_stricter_default_rejudges_its_projects_at_once(cast):
    late_by(cast, 20)
    assert time_check().status == ToleranceState.WITHIN
    default = medium_time_default()

    services.tolerance_default_update(
        actor=cast.head, default=default, fields={"absolute": Decimal(14)}, expected_version=default.version
    )

    assert (time_check().status, time_check().allowance) == (ToleranceState.BREACHED, 14)
    assert ProjectException.objects.get().dimensions == "time"


@pytest.mark.parametrize("who", ["officer", "analyst", "pm"])
def test_only_the_pmo_head_changes_defaults(cast, who):
    default = medium_time_default()

    with pytest.raises(PermissionDenied) as error:
        services.tolerance_default_update(
            actor=cast.by_name(who),
            default=default,
            fields={"absolute": Decimal(1)},
            expected_version=default.version,
        )
    with pytest.raises(PermissionDenied) as create_error:
        services.tolerance_default_create(
            actor=cast.by_name(who),
            dimension=TIME,
            absolute=Decimal(1),
            percent=None,
            portfolio=cast.project.portfolio,
        )

    assert str(error.value) == f"You do not have permission to change {default}."
    assert str(create_error.value) == "You do not have permission to add tolerance defaults."
    default.refresh_from_db()
    assert default.absolute == 28


def test_a_stale_default_change_is_a_conflict(cast):
    default = medium_time_default()
    services.tolerance_default_update(
        actor=cast.head, default=default, fields={"absolute": Decimal(21)}, expected_version=default.version
    )

    with pytest.raises(ConflictError):
        services.tolerance_default_update(
            actor=cast.head,
            default=default,
            fields={"absolute": Decimal(35)},
            expected_version=default.version - 1,
        )

    default.refresh_from_db()
    assert default.absolute == 21


def test_a_default_keeps_its_version_and_id(cast):
    default = medium_time_default()

    with pytest.raises(ValidationError) as error:
        services.tolerance_default_update(
            actor=cast.head, default=default, fields={"version": 99}, expected_version=default.version
        )

    assert error.value.message_dict == {"version": [NOT_EDITABLE]}


@pytest.mark.parametrize(
    ("scope", "message"), [({"size_tier": "small", "portfolio": "mine"}, ONE_SCOPE), ({}, NO_SCOPE)]
)
def test_a_default_applies_to_a_tier_or_a_portfolio(cast, scope, message):
    if scope.get("portfolio"):
        scope["portfolio"] = cast.project.portfolio

    with pytest.raises(ValidationError) as error:
        services.tolerance_default_create(
            actor=cast.head, dimension=TIME, absolute=Decimal(10), percent=None, **scope
        )

    assert error.value.messages == [message]


def test_deleting_a_portfolio_default_brings_back_the_tier_default(cast):
    own = services.tolerance_default_create(
        actor=cast.head, dimension=TIME, absolute=Decimal(60), percent=None, portfolio=cast.project.portfolio
    )
    late_by(cast, 40)
    assert time_check().status == ToleranceState.WITHIN

    services.tolerance_default_delete(actor=cast.head, default=own, expected_version=own.version)

    assert (time_check().status, time_check().allowance) == (ToleranceState.BREACHED, 28)


def test_a_wider_warning_band_rejudges_every_project(cast):
    late_by(cast, 23)
    assert time_check().status == ToleranceState.FORECAST_TO_BREACH
    row = ReportingSettings.objects.get()

    services.reporting_settings_update(
        actor=cast.head,
        settings_row=row,
        fields={"warning_band": Decimal("0.90")},
        expected_version=row.version,
    )

    assert time_check().status == ToleranceState.WITHIN


# Direction: one way or both ways -------------------------------------------------------------------


def test_both_ways_by_default_a_finish_fifty_days_early_is_a_breach(cast):
    late_by(cast, -50)

    check = time_check()
    assert check.status == ToleranceState.BREACHED
    assert check.explanation == (
        "time: forecast finish \u221250 days against the baseline; tolerance ±28 days, 179% used — breached"
    )
    assert ProjectException.objects.get().dimensions == "time"


def test_one_way_a_finish_fifty_days_early_is_within(cast):
    own_tolerance(cast, absolute=Decimal(28), direction=ToleranceDirection.ONE_WAY)

    late_by(cast, -50)

    check = time_check()
    assert check.status == ToleranceState.WITHIN
    assert check.explanation.endswith("tolerance +28 days, 0% used — within")
    assert not ProjectException.objects.exists()


def test_an_underspend_beyond_a_both_ways_cost_tolerance_is_a_breach(cast):
    own_tolerance(cast, ToleranceDimension.COST, absolute=Decimal(52_500))

    baseline(cast, budget_at_completion=Decimal(525_000))
    submitted(cast, forecast_finish=BASELINE_FINISH, forecast_cost=Decimal(467_000))

    check = ToleranceCheck.objects.get(dimension="cost")
    assert (check.status, check.allowance) == (ToleranceState.BREACHED, Decimal(52_500))
    assert "a variance of \u2212£58,000; tolerance ±£52,500" in check.explanation


def test_a_percentage_cost_tolerance_is_explained_in_whole_pounds(cast):
    """Given 10% both ways of a £1.6m budget, when a report forecasts £1.5m, then the check
    says £160,000 (not 160,000.0000) and the other figures in pounds."""
    own_tolerance(cast, ToleranceDimension.COST, percent=Decimal(10))

    baseline(cast, budget_at_completion=Decimal(1_600_000))
    submitted(cast, forecast_finish=BASELINE_FINISH, forecast_cost=Decimal(1_500_000))

    assert ToleranceCheck.objects.get(dimension="cost").explanation == (
        "cost: forecast £1,500,000 against baseline £1,600,000, a variance of \u2212£100,000; "
        "tolerance ±£160,000, 62% used — within"
    )


def test_a_tolerance_keeps_its_direction_unless_told(cast):
    first = own_tolerance(cast, absolute=Decimal(20), direction=ToleranceDirection.ONE_WAY)
    second = own_tolerance(cast, absolute=Decimal(25), expected_version=first.version)

    assert (second.direction, second.sign, second.absolute) == (ToleranceDirection.ONE_WAY, "+", 25)


def test_a_new_tolerance_takes_its_dimensions_usual_direction(cast):
    benefits = own_tolerance(cast, ToleranceDimension.BENEFITS, percent=Decimal(10))
    time = own_tolerance(cast, absolute=Decimal(10))

    assert (benefits.direction, benefits.sign) == (ToleranceDirection.ONE_WAY, "-")
    assert (time.direction, time.sign) == (ToleranceDirection.BOTH, "±")


def test_an_unknown_direction_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        own_tolerance(cast, absolute=Decimal(10), direction="sideways")

    assert error.value.message_dict == {"direction": ["Value 'sideways' is not a valid choice."]}
    assert not Tolerance.objects.exists()


def test_the_seeded_defaults_count_time_cost_and_scope_both_ways():
    directions = {
        (d.size_tier, d.dimension): d.direction for d in ToleranceDefault.objects.filter(portfolio=None)
    }

    assert {
        direction
        for (_, dimension), direction in directions.items()
        if dimension in ("time", "cost", "scope")
    } == {ToleranceDirection.BOTH}
    assert {
        direction
        for (_, dimension), direction in directions.items()
        if dimension in ("quality", "risk", "benefits")
    } == {ToleranceDirection.ONE_WAY}


def test_a_late_report_for_an_earlier_period_leaves_the_later_reports_verdict_in_force(cast):
    # Given December's report handed in 10 days late against the baseline (within tolerance)
    baseline(cast)
    december = next_period()
    submitted(cast, december, forecast_finish=BASELINE_FINISH + dt.timedelta(days=10))

    # When November's report comes in late, forecasting a breach (40 days late)
    november = submitted(cast, forecast_finish=BASELINE_FINISH + dt.timedelta(days=40))

    # Then November's report carries its own verdict, but the project is judged on December's
    # forecasts: within, and no exception raised
    assert november.tolerance_status == ToleranceState.BREACHED
    assert time_check().status == ToleranceState.WITHIN
    assert "+10 days" in time_check().explanation
    assert not ProjectException.objects.exists()
