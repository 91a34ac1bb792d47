"""Reporting's steps of the head of PMO's first-run checklist (``pmo.core.first_run``): the
tolerances, and the reporting cadence with its first period, each ticked by the data."""

from typing import Any

from pmo.core.first_run import SETUP_STEPS, SetupStep
from pmo.reporting.models import ReportingPeriod, Tolerance, ToleranceDefault


def tolerances_set(user: Any) -> bool:
    """Someone has edited the installed default tolerances, or given a project its own."""
    return ToleranceDefault.history.filter(history_user__isnull=False).exists() or Tolerance.objects.exists()


def first_period_open(user: Any) -> bool:
    return ReportingPeriod.objects.exists()


def register_steps() -> None:
    SETUP_STEPS["tolerances"] = SetupStep(
        20, "Agree the tolerances",
        "Check the default time, cost, scope, quality, risk and benefits tolerances by project "
        "size. Done once you edit one, or give a project tolerances of its own.",
        "reporting:tolerance_defaults", tolerances_set,
    )  # fmt: skip
    SETUP_STEPS["reporting-cycle"] = SetupStep(
        30, "Choose the reporting cadence and open the first period",
        "Monthly by default: set the cadence and when reports are due, then open the first "
        "reporting period. Done once a period exists.",
        "reporting:settings", first_period_open,
    )  # fmt: skip
