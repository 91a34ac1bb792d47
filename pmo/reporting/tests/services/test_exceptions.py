"""Exceptions: raised by a breach, escalated, reported on by the PM and decided by the sponsor
(or the PMO head for the board) — and by nobody else."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.models import Notification
from pmo.core.services import ConflictError
from pmo.portfolio.choices import ProjectStatus
from pmo.reporting import services
from pmo.reporting.choices import BaselineSource, ExceptionDecision, ExceptionStatus, ToleranceState
from pmo.reporting.models import Baseline, ProjectException, ToleranceCheck
from pmo.reporting.tests.services.steps import BASELINE_FINISH, baseline, next_period, submitted

pytestmark = pytest.mark.django_db

PMO = {"head", "analyst", "officer"}


def recipients(key):
    return set(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))


def breach(cast, **fields):
    """Baseline the project and hand in a report 45 days late (medium projects allow 28)."""
    baseline(cast)
    fields.setdefault("forecast_finish", BASELINE_FINISH + dt.timedelta(days=45))
    report = submitted(cast, **fields)
    return report, ProjectException.objects.get()


def report_on(cast, exception, actor=None):
    return services.exception_report_submit(
        actor=actor or cast.pm,
        exception=exception,
        cause="The supplier went into administration.",
        consequences="Go-live moves to February.",
        options="A: re-tender (+6 weeks, +£10k). B: descope the portal (no delay, lose self-service).",
        recommendation="A",
        expected_version=exception.version,
    )


def decide(cast, exception, actor=None, decision=ExceptionDecision.CORRECTIVE_ACTION, **extra):
    extra.setdefault("notes", "Agreed at the Digital Board.")
    return services.exception_decide(
        actor=actor or cast.sponsor,
        exception=exception,
        decision=decision,
        expected_version=exception.version,
        **extra,
    )


# Raising and escalating --------------------------------------------------------------------------


def test_a_breach_raises_an_exception_and_asks_the_pm_for_a_report(cast):
    report, exception = breach(cast)

    assert exception.status == ExceptionStatus.REPORT_REQUESTED
    assert exception.dimensions == "time"
    assert exception.raised_from == report
    assert exception.report_due == timezone.localdate() + dt.timedelta(days=10)
    assert (
        "time: forecast finish +45 days against the baseline; tolerance ±28 days" in exception.breach_summary
    )
    assert [h.history_change_reason for h in exception.history.order_by("history_date", "history_id")] == [
        "Raised automatically: forecast beyond tolerance",
        "Exception report requested from the project manager",
    ]
    assert report.tolerance_status == ToleranceState.BREACHED


def test_the_pm_the_sponsor_and_the_pmo_are_told_and_nobody_else(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _report, exception = breach(cast)

    assert recipients(f"exception-report-requested:{exception.pk}") == {"pm"}
    assert recipients(f"exception-raised:{exception.pk}") == {"sponsor"} | PMO
    assert not Notification.objects.filter(recipient__username__in=["executive", "other_pm", "other_sponsor"])
    by_address = {message.to[0]: message.subject for message in mail.outbox}
    due = exception.report_due
    assert by_address["pm@council.example"] == (
        f"Exception raised for {cast.project}, beyond tolerance: exception report requested by "
        f"{due.day} {due:%b %Y}"
    )
    assert by_address["sponsor@council.example"] == (
        f"Exception raised: {cast.project} is forecast beyond tolerance (time)"
    )
    assert len(mail.outbox) == 5


def test_the_same_breach_again_adds_nothing(cast):
    _report, exception = breach(cast)
    entries = exception.history.count()

    submitted(cast, next_period(), forecast_finish=BASELINE_FINISH + dt.timedelta(days=50))

    exception.refresh_from_db()
    assert ProjectException.objects.count() == 1
    assert exception.history.count() == entries
    assert Notification.objects.filter(key__startswith="exception-extended").count() == 0


def test_a_new_breach_is_merged_into_the_open_exception_and_escalated(cast):
    _report, exception = breach(cast)

    submitted(
        cast,
        next_period(),
        forecast_finish=BASELINE_FINISH + dt.timedelta(days=50),
        forecast_cost=Decimal(300000),  # 20% over; medium projects allow 10%
    )

    exception.refresh_from_db()
    assert ProjectException.objects.count() == 1
    assert exception.dimensions == "cost, time"
    assert exception.history.first().history_change_reason == "Further tolerance breached"
    assert recipients(f"exception-extended:{exception.pk}:cost, time") == {"pm", "sponsor"} | PMO


# The exception report ------------------------------------------------------------------------------


def test_the_pm_writes_the_exception_report_and_the_sponsor_is_asked_to_decide(cast):
    _report, exception = breach(cast)

    reported = report_on(cast, exception)

    assert reported.status == ExceptionStatus.REPORT_SUBMITTED
    assert (reported.report_submitted_by, reported.recommendation) == (cast.pm, "A")
    assert reported.history.first().history_change_reason == "Exception report submitted"
    assert recipients(f"exception-decision-needed:{exception.pk}") == {"sponsor"} | PMO
    told = Notification.objects.filter(key=f"exception-decision-needed:{exception.pk}").first()
    assert told.subject == f"Exception report submitted for {cast.project}, awaiting a decision"


def test_an_exception_report_needs_every_part(cast):
    _report, exception = breach(cast)

    with pytest.raises(ValidationError) as error:
        services.exception_report_submit(
            actor=cast.pm,
            exception=exception,
            cause="Supplier.",
            consequences=" ",
            options="",
            recommendation="A",
            expected_version=exception.version,
        )

    assert error.value.message_dict == {
        "consequences": [services.MISSING_FOR_SUBMISSION],
        "options": [services.MISSING_FOR_SUBMISSION],
    }
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.REPORT_REQUESTED


@pytest.mark.parametrize("who", ["other_pm", "sponsor", "executive"])
def test_only_the_pm_or_the_pmo_writes_the_exception_report(cast, who):
    _report, exception = breach(cast)

    with pytest.raises(PermissionDenied) as error:
        report_on(cast, exception, actor=cast.by_name(who))

    assert str(error.value) == f"You do not have permission to write the exception report for {cast.project}."
    exception.refresh_from_db()
    assert exception.cause == ""


def test_an_exception_report_is_submitted_once(cast):
    _report, exception = breach(cast)
    reported = report_on(cast, exception)

    with pytest.raises(ValidationError) as error:
        report_on(cast, reported)

    assert error.value.messages == [
        "This exception is exception report submitted: its exception report can no longer be changed."
    ]


def test_a_stale_exception_report_is_a_conflict(cast):
    _report, exception = breach(cast)
    stale = ProjectException.objects.get(pk=exception.pk)
    stale.version -= 1

    with pytest.raises(ConflictError):
        report_on(cast, stale)


# The decision -------------------------------------------------------------------------------------


def test_no_decision_before_the_exception_report(cast):
    _report, exception = breach(cast)

    with pytest.raises(ValidationError) as error:
        decide(cast, exception)

    assert error.value.messages == [
        "This exception is exception report requested: it can be decided only once its exception"
        " report is in."
    ]


@pytest.mark.parametrize("who", ["sponsor", "head"])
def test_the_sponsor_or_the_pmo_head_decides(cast, who):
    _report, exception = breach(cast)
    reported = report_on(cast, exception)

    decided = decide(cast, reported, actor=cast.by_name(who))

    assert decided.status == ExceptionStatus.DECIDED
    assert (decided.decision, decided.decided_by) == (ExceptionDecision.CORRECTIVE_ACTION, cast.by_name(who))
    assert decided.decision_notes == "Agreed at the Digital Board."
    told = recipients(f"exception-decided:{exception.pk}")
    assert told == ({"pm", "sponsor"} | PMO) - {who}


@pytest.mark.parametrize("who", ["pm", "analyst", "officer", "other_sponsor", "executive", "finance"])
def test_nobody_else_decides(cast, who):
    _report, exception = breach(cast)
    reported = report_on(cast, exception)

    with pytest.raises(PermissionDenied) as error:
        decide(cast, reported, actor=cast.by_name(who))

    assert str(error.value) == f"You do not have permission to decide exceptions for {cast.project}."
    reported.refresh_from_db()
    assert reported.status == ExceptionStatus.REPORT_SUBMITTED


def test_a_decision_needs_its_reasons(cast):
    _report, exception = breach(cast)
    reported = report_on(cast, exception)

    with pytest.raises(ValidationError) as error:
        decide(cast, reported, notes="  ")

    assert error.value.message_dict == {"decision_notes": [services.DECISION_NOTES_REQUIRED]}


def test_an_unknown_decision_is_refused(cast):
    _report, exception = breach(cast)
    reported = report_on(cast, exception)

    with pytest.raises(ValidationError) as error:
        decide(cast, reported, decision="carry_on")

    assert error.value.message_dict == {
        "decision": ["'carry_on' is not a decision: choose a new baseline, a corrective action plan or stop."]
    }


def test_a_new_baseline_decision_records_the_next_version_in_the_exceptions_history(cast):
    _report, exception = breach(cast)
    reported = report_on(cast, exception)

    decided = decide(
        cast,
        reported,
        decision=ExceptionDecision.NEW_BASELINE,
        notes="Re-tender approved.",
        baseline={
            "finish": dt.date(2027, 2, 5),  # the forecast (1 Feb 2027) within ±28 days
            "budget_at_completion": Decimal(260000),
            "milestones": [("Go live", dt.date(2027, 2, 1))],
        },
    )

    new = Baseline.objects.get(project=cast.project, number=2)
    assert decided.new_baseline == new
    assert (new.source, new.approved_by, new.reason) == (
        BaselineSource.EXCEPTION,
        cast.sponsor,
        "Exception decision: Re-tender approved.",
    )
    assert [(m.name, m.due) for m in new.milestones.all()] == [("Go live", dt.date(2027, 2, 1))]
    entry = decided.history.first()
    assert (entry.history_change_reason, entry.new_baseline_id, entry.history_user) == (
        "Decided: Approve a new baseline",
        new.pk,
        cast.sponsor,
    )
    assert ToleranceCheck.objects.get(dimension="time").status == ToleranceState.WITHIN
    assert ProjectException.objects.count() == 1  # the new baseline covers the forecast


def test_a_new_baseline_that_still_does_not_cover_the_forecast_raises_a_new_exception(cast):
    _report, exception = breach(cast)
    reported = report_on(cast, exception)

    decide(
        cast,
        reported,
        decision=ExceptionDecision.NEW_BASELINE,
        baseline={"finish": dt.date(2026, 12, 31), "budget_at_completion": Decimal(250000)},
    )

    assert ProjectException.objects.filter(status=ExceptionStatus.REPORT_REQUESTED).count() == 1
    assert ProjectException.objects.count() == 2


def test_a_new_baseline_decision_needs_the_baseline(cast):
    _report, exception = breach(cast)
    reported = report_on(cast, exception)

    with pytest.raises(ValidationError) as error:
        decide(
            cast, reported, decision=ExceptionDecision.NEW_BASELINE, baseline={"finish": dt.date(2027, 2, 26)}
        )

    assert error.value.message_dict == {"baseline": [services.DECISION_NEEDS_BASELINE]}
    assert Baseline.objects.count() == 1


def test_a_stale_decision_is_a_conflict_and_leaves_no_baseline_behind(cast):
    _report, exception = breach(cast)
    reported = report_on(cast, exception)
    stale = ProjectException.objects.get(pk=reported.pk)
    stale.version -= 1

    with pytest.raises(ConflictError):
        decide(
            cast,
            stale,
            decision=ExceptionDecision.NEW_BASELINE,
            baseline={"finish": dt.date(2027, 2, 26), "budget_at_completion": Decimal(260000)},
        )

    assert Baseline.objects.count() == 1
    reported.refresh_from_db()
    assert reported.status == ExceptionStatus.REPORT_SUBMITTED


def test_stop_cancels_the_project(cast):
    _report, exception = breach(cast)
    reported = report_on(cast, exception)

    decide(cast, reported, decision=ExceptionDecision.STOP, notes="No longer viable.")

    cast.project.refresh_from_db()
    assert cast.project.status == ProjectStatus.CANCELLED
    entry = cast.project.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        cast.sponsor,
        "Stopped by exception decision of sponsor",
    )


def test_a_corrective_action_decision_keeps_the_project_going(cast):
    _report, exception = breach(cast)
    reported = report_on(cast, exception)

    decide(cast, reported)

    cast.project.refresh_from_db()
    assert cast.project.status == ProjectStatus.ACTIVE
    assert Baseline.objects.count() == 1


def test_after_a_decision_a_new_breach_raises_a_new_exception(cast):
    _report, exception = breach(cast)
    decide(cast, report_on(cast, exception))

    submitted(cast, next_period(), forecast_finish=BASELINE_FINISH + dt.timedelta(days=60))

    assert ProjectException.objects.count() == 2
    assert ProjectException.objects.filter(status=ExceptionStatus.REPORT_REQUESTED).count() == 1
