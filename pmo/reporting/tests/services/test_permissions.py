"""Who may do what in the reporting cycle: every service against every role, allowed or refused
with the permission message — whatever calls the service (page, API, command)."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pmo.reporting import services
from pmo.reporting.choices import ExceptionDecision, ToleranceDimension
from pmo.reporting.models import ProjectException, ReportingSettings, ToleranceDefault
from pmo.reporting.tests.services.steps import BASELINE_FINISH, BUDGET, EVERYONE, GREEN, Cast

pytestmark = pytest.mark.django_db

PMO = frozenset({"head", "analyst", "officer"})
HEAD = frozenset({"head"})


def _draft(cast: Cast, **extra: Any) -> Any:
    report = services.highlight_report_start(actor=None, project=cast.project, period=cast.period)
    fields = {
        **GREEN,
        "summary": "Fine.",
        "forecast_finish": BASELINE_FINISH,
        "forecast_cost": BUDGET,
        **extra,
    }
    return services.highlight_report_update(actor=None, report=report, fields=fields, expected_version=None)


def _submitted(cast: Cast, **extra: Any) -> Any:
    return services.highlight_report_submit(actor=None, report=_draft(cast, **extra), expected_version=None)


def _exception(cast: Cast, *, reported: bool = False) -> ProjectException:
    services.baseline_approve(
        actor=None,
        project=cast.project,
        finish=BASELINE_FINISH,
        budget_at_completion=BUDGET,
        reason="Approved",
    )
    _submitted(cast, forecast_finish=BASELINE_FINISH + dt.timedelta(days=60))
    exception = ProjectException.objects.get()
    if reported:
        exception = services.exception_report_submit(
            actor=None,
            exception=exception,
            cause="c",
            consequences="c",
            options="o",
            recommendation="r",
            expected_version=None,
        )
    return exception


def _default() -> ToleranceDefault:
    return ToleranceDefault.objects.get(size_tier="medium", dimension="time")


# action name: (who may, what it does given the cast and the actor)
ACTIONS: dict[str, tuple[frozenset[str], Callable[[Cast, Any], Any]]] = {
    "start a report": (
        PMO | {"pm"},
        lambda c, a: services.highlight_report_start(actor=a, project=c.project, period=c.period),
    ),
    "edit a draft": (
        PMO | {"pm"},
        lambda c, a: services.highlight_report_update(
            actor=a, report=_draft(c), fields={"summary": "New."}, expected_version=None
        ),
    ),
    "submit a report": (
        PMO | {"pm"},
        lambda c, a: services.highlight_report_submit(actor=a, report=_draft(c), expected_version=None),
    ),
    "revise a report": (
        PMO | {"pm"},
        lambda c, a: services.highlight_report_revise(actor=a, report=_submitted(c)),
    ),
    "return a report": (
        PMO,
        lambda c, a: services.highlight_report_return(
            actor=a, report=_submitted(c), comments="Fix.", expected_version=None
        ),
    ),
    "accept a report": (
        PMO,
        lambda c, a: services.highlight_report_accept(actor=a, report=_submitted(c), expected_version=None),
    ),
    "publish a report": (
        PMO,
        lambda c, a: services.highlight_report_publish(
            actor=a,
            report=services.highlight_report_accept(actor=None, report=_submitted(c), expected_version=None),
            expected_version=None,
        ),
    ),
    "approve a baseline": (
        PMO,
        lambda c, a: services.baseline_approve(
            actor=a, project=c.project, finish=BASELINE_FINISH, budget_at_completion=BUDGET, reason="Approved"
        ),
    ),
    "set a tolerance": (
        PMO,
        lambda c, a: services.tolerance_set(
            actor=a, project=c.project, dimension=ToleranceDimension.TIME, absolute=Decimal(5), percent=None
        ),
    ),
    "clear a tolerance": (
        PMO,
        lambda c, a: services.tolerance_clear(
            actor=a,
            tolerance=services.tolerance_set(
                actor=None,
                project=c.project,
                dimension=ToleranceDimension.TIME,
                absolute=Decimal(5),
                percent=None,
            ),
            expected_version=None,
        ),
    ),
    "add a default tolerance": (
        HEAD,
        lambda c, a: services.tolerance_default_create(
            actor=a,
            dimension=ToleranceDimension.TIME,
            absolute=Decimal(9),
            percent=None,
            portfolio=c.project.portfolio,
        ),
    ),
    "change a default tolerance": (
        HEAD,
        lambda c, a: services.tolerance_default_update(
            actor=a, default=_default(), fields={"absolute": Decimal(21)}, expected_version=None
        ),
    ),
    "delete a default tolerance": (
        HEAD,
        lambda c, a: services.tolerance_default_delete(actor=a, default=_default(), expected_version=None),
    ),
    "change the settings": (
        HEAD,
        lambda c, a: services.reporting_settings_update(
            actor=a,
            settings_row=ReportingSettings.objects.get(),
            fields={"stale_report_days": 30},
            expected_version=None,
        ),
    ),
    "open a period": (PMO, lambda c, a: services.reporting_period_open(actor=a, start=dt.date(2027, 1, 1))),
    "close a period": (
        PMO,
        lambda c, a: services.reporting_period_close(actor=a, period=c.period, expected_version=None),
    ),
    "reopen a period": (
        PMO,
        lambda c, a: services.reporting_period_reopen(
            actor=a,
            period=services.reporting_period_close(actor=None, period=c.period, expected_version=None),
            expected_version=None,
        ),
    ),
    "write an exception report": (
        PMO | {"pm"},
        lambda c, a: services.exception_report_submit(
            actor=a,
            exception=_exception(c),
            cause="c",
            consequences="c",
            options="o",
            recommendation="r",
            expected_version=None,
        ),
    ),
    "decide an exception": (
        frozenset({"head", "sponsor"}),
        lambda c, a: services.exception_decide(
            actor=a,
            exception=_exception(c, reported=True),
            decision=ExceptionDecision.CORRECTIVE_ACTION,
            notes="Recover.",
            expected_version=None,
        ),
    ),
    "add a corrective action": (
        PMO | {"pm", "sponsor"},
        lambda c, a: services.exception_action_add(
            actor=a,
            exception=_exception(c),
            title="Recover",
            owner=c.project.project_manager,
            due=timezone.localdate() + dt.timedelta(days=7),
        ),
    ),
}


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("action", ACTIONS)
def test_the_role_action_matrix(cast, action, who):
    allowed, perform = ACTIONS[action]
    actor = cast.by_name(who)

    if who in allowed:
        perform(cast, actor)
    else:
        with pytest.raises(PermissionDenied, match=r"^You do not have permission to .+\.$"):
            perform(cast, actor)


def test_the_matrix_covers_every_role():
    assert set(EVERYONE) >= set().union(*(allowed for allowed, _perform in ACTIONS.values()))
