"""The demo's reporting cycle: a year of reports with the patterns a PMO sees, and work waiting
for the demo logins."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from pmo.core.models import User
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.management.commands.demo import NOT_EMPTY, SKIPPED
from pmo.portfolio.models import Project
from pmo.raid.choices import ActionSource, ActionStatus
from pmo.raid.models import Action
from pmo.reporting import selectors
from pmo.reporting.choices import (
    HANDED_IN_STATES,
    BaselineSource,
    ExceptionDecision,
    ExceptionStatus,
    PeriodStatus,
    Rating,
    ReportStatus,
    ToleranceState,
)
from pmo.reporting.demo import (
    ACTIONS,
    AWAITING_DECISION,
    AWAITING_REPORT,
    DECIDED_EXCEPTION,
    LATE_REPORTERS,
    OVER_OPTIMISTIC,
    OWN_TOLERANCES,
    REBASELINED,
    SLIPPING,
)
from pmo.reporting.models import (
    Baseline,
    HighlightReport,
    ProjectException,
    ReportingPeriod,
    Tolerance,
    ToleranceCheck,
)
from pmo.reporting.services import STATUS_FIELDS
from pmo.reporting.tests.demo.conftest import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def periods() -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.order_by("start"))


def project(name: str) -> Project:
    return Project.objects.get(name=name)


def latest_handed_in(name: str) -> HighlightReport:
    return selectors.latest_handed_in([project(name).pk])[project(name).pk]


def test_twelve_monthly_periods_end_with_the_current_month() -> None:
    found = periods()

    assert (found[0].start, found[0].end) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert (found[-1].start, found[-1].end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert len(found) == 12
    assert all(p.due == p.end + dt.timedelta(days=5) for p in found)
    # The PMO closed the old periods; October (reports overdue) and November stay open
    assert [p.status for p in found] == [PeriodStatus.CLOSED] * 10 + [PeriodStatus.OPEN] * 2


def test_every_active_project_has_a_baseline_with_milestones_and_a_few_a_second_version() -> None:
    active = Project.objects.filter(status=ProjectStatus.ACTIVE)
    current = selectors.current_baselines(active.values_list("pk", flat=True))

    assert set(current) == set(active.values_list("pk", flat=True))
    assert all(len(b.milestones.all()) == 5 for b in current.values())
    assert not Baseline.objects.exclude(project__status=ProjectStatus.ACTIVE).exists()
    # (approved change requests make baselines too: pmo.change.demo's, tested there)
    reporting = Baseline.objects.exclude(source=BaselineSource.CHANGE_REQUEST)
    second = reporting.filter(number=2)
    assert set(second.values_list("project__name", flat=True)) == {DECIDED_EXCEPTION, *REBASELINED}
    assert second.get(source=BaselineSource.EXCEPTION).project.name == DECIDED_EXCEPTION
    assert not reporting.filter(number__gt=2).exists()
    assert {b.approved_by.username for b in reporting.select_related("approved_by")} == {
        "head", "sponsor"
    }


def test_two_projects_have_tolerances_of_their_own() -> None:
    own = {(t.project.name, t.dimension) for t in Tolerance.objects.select_related("project")}

    assert own == {(name, dimension.value) for name, (dimension, _, _) in OWN_TOLERANCES.items()}


def test_old_periods_are_published_with_the_odd_corrected_revision() -> None:
    *old, _previous, current = periods()

    for period in old:
        statuses = Counter(period.reports.values_list("status", flat=True))
        assert statuses[ReportStatus.PUBLISHED] >= 15, period
        # a month missed here and there stays an unsubmitted draft; nothing else is left open
        assert set(statuses) <= {ReportStatus.PUBLISHED, ReportStatus.SUPERSEDED, ReportStatus.DRAFT}
    revised = HighlightReport.objects.filter(status=ReportStatus.SUPERSEDED)
    assert revised.exists()
    assert all(
        HighlightReport.objects.filter(project=r.project, period=r.period, revision=r.revision + 1).exists()
        for r in revised
    )
    assert not current.reports.filter(status=ReportStatus.PUBLISHED).exists()


def test_history_carries_the_dates_things_happened() -> None:
    report = (
        HighlightReport.objects.filter(status=ReportStatus.PUBLISHED, period__start=dt.date(2026, 3, 1))
        .select_related("period")
        .first()
    )
    assert report is not None

    entries = list(
        report.history.order_by("history_date", "history_id").values_list(
            "history_change_reason", "history_date"
        )
    )

    assert [reason for reason, _ in entries][-3:] == ["Submitted", "Accepted", "Published"]
    dates = dict(entries[-3:])
    # the same moment (the demo's clock moves on a microsecond at each reading)
    second = dt.timedelta(seconds=1)
    assert abs(dates["Submitted"] - report.submitted_at) < second
    assert abs(dates["Accepted"] - report.reviewed_at) < second
    assert abs(dates["Published"] - report.published_at) < second
    assert report.period.start < report.submitted_at.date() <= report.period.due + dt.timedelta(days=8)
    assert report.submitted_at < report.reviewed_at < report.published_at
    assert report.published_at.date() < TODAY
    # nothing in the whole history is dated after the demo's today
    assert not HighlightReport.history.filter(history_date__date__gt=TODAY).exists()
    assert not HighlightReport.objects.filter(submitted_at__lt=timezone.make_aware(
        dt.datetime(2025, 12, 1))).exists()


def test_late_reporters_hand_in_late_and_have_not_reported_this_period() -> None:
    *_, previous, current = periods()
    late = HighlightReport.objects.filter(submitted_at__date__gt=F("period__due"))

    assert late.count() >= 20
    assert set(LATE_REPORTERS) <= set(late.values_list("project__name", flat=True))
    owing_now = set(selectors.projects_owing_reports(current).values_list("name", flat=True))
    assert set(LATE_REPORTERS) <= owing_now
    assert not current.reports.filter(project__name__in=LATE_REPORTERS).exists()
    # last period: two of them handed in after the due date, two still have not
    late_last = set(late.filter(period=previous).values_list("project__name", flat=True))
    assert late_last >= set(LATE_REPORTERS[:2])
    owing_last = set(selectors.projects_owing_reports(previous).values_list("name", flat=True))
    assert set(LATE_REPORTERS[2:]) <= owing_last
    assert previous.due < TODAY


def test_the_current_period_has_reports_in_every_state_and_missing_ones() -> None:
    current = periods()[-1]
    latest = selectors.current_reports(user=User.objects.get(username="head")).filter(period=current)
    statuses = Counter(latest.values_list("status", flat=True))
    active = Project.objects.filter(status=ProjectStatus.ACTIVE).count()
    owing = selectors.projects_owing_reports(current).count()

    assert {s for s, n in statuses.items() if n} == {
        ReportStatus.ACCEPTED, ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.DRAFT
    }
    assert statuses[ReportStatus.ACCEPTED] >= 5
    assert statuses[ReportStatus.SUBMITTED] >= 5
    assert statuses[ReportStatus.DRAFT] >= 5
    assert 10 <= owing < active
    assert owing == active - sum(n for s, n in statuses.items() if s in HANDED_IN_STATES)
    # every hand-in this period happened this month, before today
    submitted = current.reports.exclude(submitted_at=None).values_list("submitted_at", flat=True)
    assert all(current.start <= when.date() < TODAY for when in submitted)


EARLY_AND_UNDER = "Cloud backup and disaster recovery"
"""The change demo's board approval (+56 days, +£145,000) moved this project's baseline beyond
its latest forecasts: 60 days early and £148,000 under, breaching its time and cost tolerances
both ways, so an exception report is requested."""


def test_the_reporting_cycles_three_exceptions_each_at_its_stage_and_one_both_ways() -> None:
    exceptions = {e.project.name: e for e in ProjectException.objects.select_related("project")}

    assert {name: e.status for name, e in exceptions.items()} == {
        DECIDED_EXCEPTION: ExceptionStatus.DECIDED,
        AWAITING_DECISION: ExceptionStatus.REPORT_SUBMITTED,
        AWAITING_REPORT: ExceptionStatus.REPORT_REQUESTED,
        EARLY_AND_UNDER: ExceptionStatus.REPORT_REQUESTED,
    }
    assert exceptions[EARLY_AND_UNDER].dimensions == "cost, time"
    assert "time: forecast finish \u221260 days against the baseline; tolerance ±42 days" in (
        exceptions[EARLY_AND_UNDER].breach_summary
    )
    assert exceptions[AWAITING_REPORT].report_due > TODAY
    assert exceptions[AWAITING_REPORT].dimensions == "cost"
    assert exceptions[AWAITING_DECISION].dimensions == "cost"
    assert exceptions[DECIDED_EXCEPTION].dimensions == "time"


def test_the_decided_exceptions_history_shows_every_step_by_whom_and_when() -> None:
    exception = ProjectException.objects.select_related("new_baseline", "decided_by").get(
        project__name=DECIDED_EXCEPTION
    )

    steps = list(
        exception.history.order_by("history_date", "history_id").values_list(
            "history_change_reason", "history_user__username", "history_date"
        )
    )

    assert [(reason, who) for reason, who, _ in steps] == [
        ("Raised automatically: forecast beyond tolerance", None),
        ("Exception report requested from the project manager", None),
        ("Exception report submitted", "pm"),
        ("Decided: Approve a new baseline", "sponsor"),
    ]
    raised, _, submitted, decided = (when for _, _, when in steps)
    assert raised < submitted < decided < timezone.make_aware(dt.datetime(2026, 9, 1))
    assert exception.raised_from is not None
    assert exception.raised_from.tolerance_status == ToleranceState.BREACHED
    assert exception.decision == ExceptionDecision.NEW_BASELINE
    assert exception.new_baseline.number == 2
    assert exception.new_baseline.approved_by == exception.decided_by
    assert exception.decided_by.username == "sponsor"
    assert exception.new_baseline.finish > Baseline.objects.get(project=exception.project, number=1).finish
    # against the new baseline the project is back within tolerance
    checks = ToleranceCheck.objects.filter(project=exception.project)
    assert set(checks.values_list("status", flat=True)) == {ToleranceState.WITHIN}
    actions = selectors.corrective_actions(user=User.objects.get(username="head"), exception=exception)
    assert actions.count() == 3
    assert {a.history.earliest().history_user.username for a in actions} == {"pm"}


def test_the_pm_has_reports_to_write_and_an_exception_report_to_send() -> None:
    pm = User.objects.get(username="pm")
    current = periods()[-1]
    mine = Project.objects.filter(project_manager__user=pm, status=ProjectStatus.ACTIVE)
    latest = {r.project.name: r for r in selectors.current_reports(user=pm).filter(period=current)}

    owing = selectors.projects_owing_reports(current).filter(pk__in=mine)
    assert owing.count() >= 3
    assert {r.status for r in latest.values()} >= {ReportStatus.DRAFT, ReportStatus.RETURNED}
    assert latest[DECIDED_EXCEPTION].status == ReportStatus.RETURNED
    assert latest[DECIDED_EXCEPTION].review_comments
    waiting = ProjectException.objects.get(project__name=AWAITING_REPORT)
    assert pm.has_perm("reporting.report_projectexception", waiting)
    assert pm.notifications.filter(subject__contains=": exception report requested by ").exists()
    assert pm.notifications.filter(read_at=None).exists()


def test_every_report_is_written_and_handed_in_by_its_project_manager_never_the_system() -> None:
    handed_in = HighlightReport.objects.exclude(submitted_at=None).select_related("project__project_manager")

    assert handed_in.count() > 300
    assert [r for r in handed_in if r.submitted_by_id != r.project.project_manager.user_id] == []
    assert not HighlightReport.history.filter(history_type="+", history_user=None).exists()
    assert not HighlightReport.history.filter(history_change_reason="Submitted", history_user=None).exists()


def test_the_sponsor_has_one_exception_to_decide_and_only_they_or_the_head_may() -> None:
    sponsor, pm, head = (User.objects.get(username=u) for u in ("sponsor", "pm", "head"))
    to_decide = ProjectException.objects.filter(
        status=ExceptionStatus.REPORT_SUBMITTED, project__sponsor__user=sponsor
    )

    assert to_decide.count() == 1
    exception = to_decide.get()
    assert exception.report_submitted_by == pm
    assert exception.recommendation
    assert sponsor.has_perm("reporting.decide_projectexception", exception)
    assert head.has_perm("reporting.decide_projectexception", exception)
    assert not pm.has_perm("reporting.decide_projectexception", exception)
    assert sponsor.notifications.filter(
        subject=f"Exception report submitted for {exception.project}, awaiting a decision", read_at=None
    ).exists()


def test_the_over_optimistic_project_declares_green_while_the_evidence_says_otherwise() -> None:
    report = latest_handed_in(OVER_OPTIMISTIC)
    checks = ToleranceCheck.objects.filter(project__name=OVER_OPTIMISTIC)

    assert {getattr(report, name) for name in STATUS_FIELDS} == {Rating.GREEN}
    assert {c.dimension: c.status for c in checks if c.dimension in ("time", "cost")} == {
        "time": ToleranceState.FORECAST_TO_BREACH,
        "cost": ToleranceState.FORECAST_TO_BREACH,
    }
    overdue = [m for m in report.milestones.all() if m.achieved_on is None and m.forecast < TODAY]
    assert overdue
    # every report it ever handed in said green
    assert set(
        HighlightReport.objects.filter(project__name=OVER_OPTIMISTIC).values_list("overall_status", flat=True)
    ) == {Rating.GREEN}


def test_slipping_projects_say_so_and_have_recovery_actions_some_overdue() -> None:
    for name in SLIPPING:
        reports = list(
            HighlightReport.objects.filter(project__name=name, status__in=HANDED_IN_STATES)
            .order_by("period__start", "revision")
            .values_list("forecast_finish", "overall_status")
        )
        finishes = [finish for finish, _ in reports]
        assert finishes[-1] > finishes[0], name
        assert reports[-1][1] == Rating.RED, name
        assert reports[0][1] != Rating.RED, name
        time = ToleranceCheck.objects.get(project__name=name, dimension="time")
        assert time.status == ToleranceState.FORECAST_TO_BREACH, name
        assert recovery_actions().filter(project__name=name).count() >= 2, name
    overdue = [a for a in recovery_actions().select_related("project") if a.is_past_due(TODAY)]
    assert len(overdue) >= 4
    at_risk = {*SLIPPING, OVER_OPTIMISTIC, DECIDED_EXCEPTION, AWAITING_DECISION}
    assert {a.project.name for a in overdue} <= at_risk
    assert set(recovery_actions().values_list("project__name", flat=True)) == at_risk
    assert recovery_actions().filter(status=ActionStatus.DONE).exclude(closed_on=None).count() >= 3
    decided = ProjectException.objects.get(project__name=DECIDED_EXCEPTION)
    plan = recovery_actions().filter(source=ActionSource.EXCEPTION, source_reference=decided.reference)
    assert plan.count() == 3


def recovery_actions() -> QuerySet[Action]:
    """The demo's recovery actions: those of the exceptions, and those the IT Portfolio Board
    agreed for the projects at risk (the RAID demo adds other actions of its own)."""
    titles = [text for _name, text, *_rest in ACTIONS]
    return Action.objects.filter(Q(source=ActionSource.EXCEPTION) | Q(title__in=titles))


def test_only_the_open_exceptions_are_in_breach_and_most_projects_are_within() -> None:
    breached = ToleranceCheck.objects.filter(status=ToleranceState.BREACHED)
    statuses = Counter(ToleranceCheck.objects.values_list("status", flat=True))

    assert set(breached.values_list("project__name", flat=True)) == {
        AWAITING_REPORT,
        AWAITING_DECISION,
        EARLY_AND_UNDER,
    }
    assert statuses[ToleranceState.WITHIN] > 10 * statuses[ToleranceState.FORECAST_TO_BREACH]


def test_loading_the_demo_again_is_refused_and_if_empty_leaves_it_alone() -> None:
    def counts() -> tuple[int, int, int]:
        return (
            HighlightReport.objects.count(),
            HighlightReport.history.count(),
            ProjectException.objects.count(),
        )

    before = counts()
    count = Project.objects.count()

    with pytest.raises(CommandError) as error:
        call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)

    assert str(error.value) == NOT_EMPTY.format(count=count)
    assert out.getvalue().strip() == SKIPPED.format(count=count)
    assert counts() == before
