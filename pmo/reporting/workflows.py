"""The reporting cycle's lifecycles as tables (``pmo.core.workflow``): a highlight report's
(draft → submitted → returned or accepted → published, corrected in revisions that supersede
it), an exception's (raised → report requested → report submitted → decided) and a reporting
period's (open ⇄ closed). The services guard every step with ``ensure``; the pages' buttons and
the API's ``actions`` come from ``allowed_actions``. The words of each refusal are here."""

from typing import Any

from django.utils import timezone

from pmo.core.workflow import Guard, Transition, Workflow
from pmo.reporting import selectors
from pmo.reporting.choices import (
    FROZEN_REPORT_STATES,
    HANDED_IN_STATES,
    ExceptionStatus,
    PeriodStatus,
    ReportStatus,
)

PERIOD_CLOSED = "The reporting period {period} is closed: reports for it can no longer be written or changed."
NOT_A_DRAFT = "This report is {status}: a submitted report is never changed. Start a revision to correct it."
ALREADY_SUBMITTED = "This report was already submitted on {when:%-d %b %Y %H:%M}."
NOT_SUBMITTED = "Only a submitted report can be {action}; this one is {status}."
NOT_ACCEPTED = "Only an accepted report can be published; this one is {status}."
NOT_REVISABLE = (
    "Only the latest revision of a submitted, returned, accepted or published report can be revised."
)
EXCEPTION_NOT_AWAITING_REPORT = "This exception is {status}: its exception report can no longer be changed."
EXCEPTION_NOT_AWAITING_DECISION = (
    "This exception is {status}: it can be decided only once its exception report is in."
)
REVIEW = "quality-check highlight reports"


def _status(record: Any) -> str:
    return str(record.get_status_display()).lower()


# Highlight reports -------------------------------------------------------------------------------


def period_is_open(report: Any) -> bool:
    return bool(report.period.status == PeriodStatus.OPEN)


def is_latest_revision(report: Any) -> bool:
    """Whether ``report`` is the latest revision of its project's report for its period: the
    selectors' ``latest_revision`` annotation where the list has it, else one query."""
    latest = report.__dict__.get("latest_revision")
    if latest is None:
        newest = selectors.report_for(project=report.project, period=report.period)
        latest = newest.revision if newest is not None else None
    return bool(latest == report.revision)


def _period_closed(report: Any) -> str:
    return PERIOD_CLOSED.format(period=report.period)


def _not_a_draft(report: Any) -> str:
    if report.status in HANDED_IN_STATES or report.submitted_at is not None:
        when = report.submitted_at or report.updated_at
        return ALREADY_SUBMITTED.format(when=timezone.localtime(when))
    return NOT_A_DRAFT.format(status=_status(report))


OPEN_PERIOD = Guard(period_is_open, _period_closed)
DRAFT = frozenset({ReportStatus.DRAFT})
SUBMITTED = frozenset({ReportStatus.SUBMITTED})
ACCEPTED = frozenset({ReportStatus.ACCEPTED})
REVISABLE = FROZEN_REPORT_STATES - {ReportStatus.SUPERSEDED}
CHANGE_REPORT = "reporting.change_highlightreport"
REVIEW_REPORT = "reporting.review_highlightreport"


def _review(action: str, sources: frozenset[str], target: str, label: str, refused: str) -> Transition:
    """A step of the PMO's quality check of a report, in an open period. ``refused`` words the
    refusal in any other state; its ``{action}``, if it has one, is what the step makes the
    report ("returned")."""
    done = str(target)
    return Transition(
        action,
        sources,
        target,
        label,
        permission=REVIEW_REPORT,
        refused=lambda report: refused.format(action=done, status=_status(report)),
        guards=(OPEN_PERIOD,),
        doing=REVIEW,
    )


HIGHLIGHT_REPORT = Workflow(
    "The highlight report workflow",
    [
        Transition(
            "edit",
            DRAFT,
            ReportStatus.DRAFT,
            "Edit draft",
            permission=CHANGE_REPORT,
            refused=lambda report: NOT_A_DRAFT.format(status=_status(report)),
            guards=(OPEN_PERIOD,),
            doing="change {record}",
        ),
        Transition(
            "submit",
            DRAFT,
            ReportStatus.SUBMITTED,
            "Submit",
            permission=CHANGE_REPORT,
            refused=_not_a_draft,
            guards=(OPEN_PERIOD,),
        ),
        # The PMO's quality check (action, from, to, button, the refusal in any other state):
        _review("return", SUBMITTED, ReportStatus.RETURNED, "Return with comments", NOT_SUBMITTED),
        _review("accept", SUBMITTED, ReportStatus.ACCEPTED, "Accept", NOT_SUBMITTED),
        _review("publish", ACCEPTED, ReportStatus.PUBLISHED, "Publish", NOT_ACCEPTED),
        Transition(
            "revise",
            REVISABLE,
            ReportStatus.DRAFT,  # of the new revision; this one stays until that is submitted
            "Start a revision",
            permission=CHANGE_REPORT,
            refused=NOT_REVISABLE,
            guards=(Guard(is_latest_revision, NOT_REVISABLE), OPEN_PERIOD),
        ),
    ],
)


# Exceptions --------------------------------------------------------------------------------------

EXCEPTION = Workflow(
    "The exception workflow",
    [
        Transition(
            "report",
            frozenset({ExceptionStatus.RAISED, ExceptionStatus.REPORT_REQUESTED}),
            ExceptionStatus.REPORT_SUBMITTED,
            "Write the exception report",
            permission="reporting.report_projectexception",
            refused=lambda exception: EXCEPTION_NOT_AWAITING_REPORT.format(status=_status(exception)),
            doing="write the exception report for {record.project}",
        ),
        Transition(
            "decide",
            frozenset({ExceptionStatus.REPORT_SUBMITTED}),
            ExceptionStatus.DECIDED,
            "Decide",
            permission="reporting.decide_projectexception",
            refused=lambda exception: EXCEPTION_NOT_AWAITING_DECISION.format(status=_status(exception)),
            doing="decide exceptions for {record.project}",
        ),
    ],
)


# Reporting periods -------------------------------------------------------------------------------

PERIOD = Workflow(
    "The reporting period workflow",
    [
        Transition(
            "close",
            frozenset({PeriodStatus.OPEN}),
            PeriodStatus.CLOSED,
            "Close the period",
            permission="reporting.change_reportingperiod",
            doing="change {record}",
        ),
        Transition(
            "reopen",
            frozenset({PeriodStatus.CLOSED}),
            PeriodStatus.OPEN,
            "Reopen the period",
            permission="reporting.change_reportingperiod",
            doing="change {record}",
        ),
    ],
)
