"""Pages of the reporting cycle: the reporting settings, periods and their compliance, highlight
reports (read, edit and submit, the review buttons, the PDF, the history) and a project's
reporting page.

Reads go through the selectors, writes through the services. A refusal shows the 403 page with
the reason; a service's ValidationError is shown beside the field it names (at the top
otherwise); a stale version shows who changed the record meanwhile and saves nothing."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from pmo.core import clock
from pmo.core.filters import record_id
from pmo.core.generic import (
    ObjectListView,
    ObjectView,
    SettingsView,
    WorkflowStepView,
    call_service,
    expected_version,
    finish,
    posted_version,
)
from pmo.core.permissions import ensure_can
from pmo.finance.feeds import finance_eac
from pmo.portfolio import selectors as portfolio_selectors
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Project
from pmo.portfolio.views import project_or_404
from pmo.reporting import selectors, services
from pmo.reporting.choices import HANDED_IN_STATES, PeriodStatus, ReportStatus
from pmo.reporting.evidence import register_high_risks
from pmo.reporting.forms import (
    MilestoneRows,
    ReportForm,
    ReturnForm,
    ReviewForm,
    SettingsForm,
    milestone_forecasts,
)
from pmo.reporting.milestone_trend import milestone_trend, trend_chart
from pmo.reporting.models import HighlightReport, ReportingPeriod, ReportingSettings
from pmo.reporting.views.common import NOT_FOUND, RecordHistoryView, WithMilestones
from pmo.reporting.workflows import HIGHLIGHT_REPORT, PERIOD
from pmo.schedule.selectors import latest_run

PERIODS_PAGE_SIZE = 24

DRAFT_SAVED = "Draft saved."
REPORT_SUBMITTED = "{report} submitted."
REPORT_ACTION_DONE = {
    "submit": "{report} submitted.",
    "return": "{report} returned to the project manager.",
    "accept": "{report} accepted.",
    "publish": "{report} published.",
    "revise": "Revision {revision} started: correct it and submit it.",
}
REPORT_ACTIONS = tuple(REPORT_ACTION_DONE)
REPORT_STARTED = (
    "Report started, pre-filled from the last report (or, for a first report, the baseline): "
    "bring it up to date."
)
SETTINGS_SAVED = "Reporting settings saved."
PERIOD_CLOSED_DONE = "{period} closed: no report can be started or changed in it."
PERIOD_REOPENED_DONE = "{period} reopened."
CLOSE_EARLY = (
    "Its reports are not due until {due:%-d %b %Y}, and {drafts} not handed in yet (a draft) and "
    "{missing} missing. Once it is closed, no report can be started or changed in it."
)
UNKNOWN_ACTION = "There is no report action “{action}”."
NO_SUCH_PERIOD = "There is no reporting period “{period}” you may see: showing reports of every period."

COMPLIANCE_LABELS = {
    "on_time": "Handed in on time",
    "late": "Handed in late",
    "draft": "Draft, not handed in",
    "missing": "Missing",
}


# Plumbing ----------------------------------------------------------------------------------------


def _problems(error: ValidationError, model: Any = None) -> list[str]:
    """A service's errors as sentences, each naming the field it is about."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    found = []
    for name, texts in error.message_dict.items():
        label = ""
        if model is not None and name != "__all__":
            try:
                label = str(model._meta.get_field(name).verbose_name)
            except Exception:
                label = ""
        found.extend(f"{label[:1].upper()}{label[1:]}: {text}" if label else text for text in texts)
    return found


# Settings -----------------------------------------------------------------------------------------


def _shown_value(record: Any, name: str) -> Any:
    display = getattr(record, f"get_{name}_display", None)
    return display() if display else getattr(record, name)


def settings_shown(row: Any) -> dict[str, Any]:
    """The settings in words, for those who may not change them."""
    names = SettingsForm._meta.fields or ()
    return {"shown": [(row._meta.get_field(name).verbose_name, _shown_value(row, name)) for name in names]}


settings_page = SettingsView.as_view(
    model=ReportingSettings,
    read=selectors.reporting_settings,
    update=services.reporting_settings_update,
    form_class=SettingsForm,
    what="the reporting settings",
    saved=SETTINGS_SAVED,
    shows=settings_shown,
    template_name="reporting/settings.html",
)


# Periods ------------------------------------------------------------------------------------------


class PeriodListView(ObjectListView):
    """Every reporting period, newest first, with how many reports were handed in."""

    model = ReportingPeriod
    ordering = ("-start",)
    page_size = PERIODS_PAGE_SIZE
    template_name = "reporting/period_list.html"

    def get_queryset(self) -> Any:
        ensure_can(self.request.user, "reporting.view_reportingperiod", action="see reporting periods")
        return selectors.period_list(user=self.request.user).annotate(
            handed_in=Count("reports__project", filter=Q(reports__status__in=HANDED_IN_STATES), distinct=True)
        )

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        active = Project.objects.filter(status=ProjectStatus.ACTIVE).count()
        return {"active": active, "today": clock.today()}


period_list = PeriodListView.as_view()


@dataclass
class ComplianceRow:
    project: Project
    state: str
    report: HighlightReport | None
    handed_in_at: datetime | None

    @property
    def label(self) -> str:
        return COMPLIANCE_LABELS[self.state]


def compliance(user: Any, period: ReportingPeriod) -> list[ComplianceRow]:
    """Every active project the user may see and how its report for ``period`` stands: handed
    in on time, late, still a draft, or missing (two queries whatever the size). A project not
    started by the period's end is left out unless it reported; one on hold or closed is not active."""
    projects = (
        Project.objects.restrict(user, "view")
        .filter(status=ProjectStatus.ACTIVE)
        .select_related("project_manager")
        .order_by("code")
    )
    reports: dict[int, list[HighlightReport]] = {}
    for report in selectors.report_list(user=user).filter(period=period).order_by("project_id", "revision"):
        reports.setdefault(report.project_id, []).append(report)
    rows = []
    for project in projects:
        mine = reports.get(project.pk, [])
        if not mine and project.planned_start is not None and project.planned_start > period.end:
            continue  # not started by the period's end: owes no report for it
        latest = mine[-1] if mine else None
        handed = [r for r in mine if r.status in HANDED_IN_STATES or r.status == ReportStatus.SUPERSEDED]
        when = min((r.submitted_at for r in handed if r.submitted_at), default=None)
        if handed and when is not None:
            state = "on_time" if timezone.localdate(when) <= period.due else "late"
            shown = next((r for r in reversed(mine) if r.status in HANDED_IN_STATES), latest)
        else:
            state, shown = ("draft", latest) if latest else ("missing", None)
        rows.append(ComplianceRow(project, state, shown, when))
    return rows


class PeriodView(ObjectView):
    """Reporting compliance for one period; the PMO closes and reopens it (a button posting
    ``action=close`` or ``reopen`` with the version shown: refused 400, stale 409)."""

    model = ReportingPeriod
    key = "pk"
    kind = "reporting period"
    template_name = "reporting/period_detail.html"

    def kind_label(self) -> str:
        return self.kind

    def get_queryset(self) -> Any:
        ensure_can(self.request.user, "reporting.view_reportingperiod", action="see reporting periods")
        return selectors.period_list(user=self.request.user)

    def object_context(self, period: Any) -> dict[str, Any]:
        rows = compliance(self.request.user, period)
        counts = {state: sum(1 for r in rows if r.state == state) for state in COMPLIANCE_LABELS}
        return {
            **super().object_context(period),
            "period": period,
            "rows": rows,
            "counts": [(COMPLIANCE_LABELS[s], s, n) for s, n in counts.items()],
            "allowed": PERIOD.allowed_actions(period, self.request.user),
            "problem": "",
            "overdue": period.is_overdue(clock.today()),
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        period = self.get_object()
        close = request.POST.get("action") == "close"
        if (
            close
            and request.POST.get("confirm") != "yes"
            and "close" in PERIOD.allowed_actions(period, request.user)
        ):
            return self._confirm_close(period)
        service = services.reporting_period_close if close else services.reporting_period_reopen
        outcome = call_service(
            lambda: service(actor=request.user, period=period, expected_version=posted_version(request))
        )
        if outcome.done:
            done = PERIOD_CLOSED_DONE if close else PERIOD_REOPENED_DONE
            return finish(request, done.format(period=period), period.get_absolute_url())
        status = 409 if outcome.conflict else 400
        return self.render_page(
            status, **{**self.object_context(period), "problem": outcome.conflict or outcome.problem}
        )

    def _confirm_close(self, period: Any) -> HttpResponse:
        """The page again, asking to confirm the close (the version as posted, so a stale close
        is still caught); before the due date it says how many reports are drafts or missing."""
        context = self.object_context(period)
        states = [row.state for row in context["rows"]]
        early = (
            CLOSE_EARLY.format(
                due=period.due,
                drafts=_reports(states.count("draft")),
                missing=_reports(states.count("missing")),
            )
            if clock.today() < period.due
            else ""
        )
        return self.render_page(
            200, **context, confirm_close={"version": posted_version(self.request), "early": early}
        )


def _reports(count: int) -> str:
    return f"{count} report{'' if count == 1 else 's'}"


period_detail = PeriodView.as_view()


# Highlight reports -------------------------------------------------------------------------------


# A report's long texts, which its list does not show.
LONG_TEXT = (
    "summary", "achievements", "next_period_plan", "change_requests", "key_risks_issues",
    "support_needed", "lessons", "review_comments",
)


class ReportListView(ObjectListView):
    """The current revision of every report the user may see, by period and status (an
    unknown period is said and ignored)."""

    model = HighlightReport
    ordering = ("-period__start", "project__code")
    template_name = "reporting/report_list.html"

    def get_queryset(self) -> Any:
        # Every current report is sorted before a page is cut: carry only what a row shows.
        return (
            selectors.current_reports(user=self.request.user)
            .select_related(None)
            .select_related("project__project_manager", "period")
            .defer(*LONG_TEXT)
        )

    @cached_property
    def periods(self) -> list[ReportingPeriod]:
        return list(selectors.period_list(user=self.request.user).order_by("-start"))

    @cached_property
    def chosen(self) -> tuple[int | None, str, str]:
        """The period filtered on (its pk, as asked), and why an asked period is ignored."""
        period = self.request.GET.get("period", "")
        chosen = record_id(period)
        if chosen in {p.pk for p in self.periods}:
            return chosen, period, ""
        return None, "", NO_SUCH_PERIOD.format(period=period) if period else ""

    def records(self) -> Any:
        reports = super().records()
        pk, _, _ = self.chosen
        if pk is not None:
            reports = reports.filter(period_id=pk)
        status = self.request.GET.get("status", "")
        return reports.filter(status=status) if status in ReportStatus.values else reports

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        _, period, ignored = self.chosen
        return {
            "periods": self.periods,
            "statuses": ReportStatus.choices,
            "chosen_period": period,
            "period_ignored": ignored,
            "chosen_status": self.request.GET.get("status", ""),
        }


report_list = ReportListView.as_view()


def _statuses(report: HighlightReport) -> list[tuple[str, str, str]]:
    return [
        (
            str(report._meta.get_field(name).verbose_name),
            getattr(report, name),
            getattr(report, f"get_{name}_display")(),
        )
        for name in services.STATUS_FIELDS
    ]


class ReportPage:
    """What a highlight report's pages share: it is found among those the user may see, and the
    page's header shows it and its project."""

    model = HighlightReport
    key = "pk"
    not_found = NOT_FOUND
    context_object_name, context_related = "report", ("project",)

    def get_queryset(self) -> Any:
        return selectors.report_list(user=self.request.user).prefetch_related("milestones")  # type: ignore[attr-defined]


class ReportView(ReportPage, ObjectView):
    """A report: its statuses, milestones against the baseline it is judged by, the tolerance
    checks, the RAID items it cites, and the steps the workflow's table allows the reader."""

    template_name = "reporting/report_detail.html"

    def object_context(self, report: Any) -> dict[str, Any]:
        user = self.request.user
        latest = selectors.report_for(project=report.project, period=report.period)
        is_latest = latest is not None and latest.pk == report.pk
        report.latest_revision = latest.revision if latest is not None else None  # read by the table
        # A submitted report is a snapshot: the baseline and tolerance checks it was judged by.
        baseline = selectors.baseline_in_force(report)
        baseline_dates = {m.name: m.due for m in baseline.milestones.all()} if baseline else {}
        milestones = [(m, baseline_dates.get(m.name)) for m in report.milestones.all()]
        return {
            **super().object_context(report),
            "statuses": _statuses(report),
            "milestones": milestones,
            "baseline": baseline,
            "checks": selectors.report_tolerance_checks(report),
            "cited": selectors.cited_items(project_id=report.project_id, text=report.raid_references),
            "raised": list(report.exceptions_raised.select_related("project")),
            "is_latest": is_latest,
            "latest": latest,
            "allowed": HIGHLIGHT_REPORT.allowed_actions(report, user),
            "return_form": ReturnForm(record=report),
            "version": report.version,
            "problems": [],
            "conflict": "",
            "tab": "report",
        }


def _labelled(write: Callable[[], Any]) -> Callable[[], Any]:
    """``write``, its refusal worded with the report's field names ("Summary: …")."""

    def labelled() -> Any:
        try:
            return write()
        except ValidationError as error:
            raise ValidationError(_problems(error, HighlightReport)) from error

    return labelled


class ReportActionView(ReportView):
    """Submit, return (with comments), accept, publish or revise a report: a button (POST only)
    on its page. Refused: the page says why (400); stale: who changed it meanwhile (409)."""

    http_method_names = ["post"]

    def take(self, action: str, report: HighlightReport, form: ReturnForm | ReviewForm) -> HighlightReport:
        actor, version = self.request.user, expected_version(form)
        if action == "submit":
            return services.highlight_report_submit(actor=actor, report=report, expected_version=version)
        if action == "return":
            return services.highlight_report_return(
                actor=actor,
                report=report,
                comments=form.cleaned_data["review_comments"],
                expected_version=version,
            )
        if action == "accept":
            return services.highlight_report_accept(
                actor=actor,
                report=report,
                expected_version=version,
                comments=form.cleaned_data.get("comments", ""),
            )
        if action == "publish":
            return services.highlight_report_publish(actor=actor, report=report, expected_version=version)
        return services.highlight_report_revise(actor=actor, report=report)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = self.get_object()
        action = self.kwargs["action"]
        if action not in REPORT_ACTIONS:
            raise Http404(UNKNOWN_ACTION.format(action=action))
        returning = action == "return"
        form: ReturnForm | ReviewForm = (
            ReturnForm(request.POST, record=report) if returning else ReviewForm(request.POST, record=report)
        )
        context = self.object_context(report)
        if not form.is_valid():
            problems = [e for errs in form.errors.values() for e in errs]
            return self.render_page(400, **{**context, "problems": problems})
        write = partial(self.take, action, report, form)
        outcome = call_service(write if returning else _labelled(write), form)
        if outcome.done:
            done = outcome.result
            if action == "revise":
                message = REPORT_ACTION_DONE[action].format(revision=done.revision)
                return finish(request, message, reverse("reporting:report_update", args=[done.pk]))
            return finish(request, REPORT_ACTION_DONE[action].format(report=done), done.get_absolute_url())
        if outcome.conflict:
            return self.render_page(409, **{**context, "conflict": outcome.conflict})
        if returning:
            return self.render_page(400, **{**context, "return_form": form})
        return self.render_page(400, **{**context, "problems": list(form.non_field_errors())})


report_detail = ReportView.as_view()
report_action = ReportActionView.as_view()


def _milestone_initial(report: HighlightReport) -> list[dict[str, Any]]:
    return [
        {"name": m.name, "date": m.forecast, "achieved_on": m.achieved_on} for m in report.milestones.all()
    ]


class ReportForMilestones(WithMilestones, ReportForm):
    pass


class ReportUpdateView(ReportPage, WorkflowStepView):
    """Edit a draft; "Submit" saves it and hands it in (both or neither)."""

    template_name = "reporting/report_form.html"
    workflow, step = HIGHLIGHT_REPORT, "edit"

    def get_form(self, report: Any, data: Any = None) -> ReportForMilestones:
        rows = (
            MilestoneRows(data, prefix="milestones")
            if data is not None
            else MilestoneRows(initial=_milestone_initial(report), prefix="milestones")
        )
        return ReportForMilestones(
            data,
            rows=rows,
            instance=report,
            scale=selectors.reporting_settings().status_scale,
            register_high_risks=register_high_risks(report.project),
            citable=selectors.citable_items(report.project),
            finance=finance_eac(report.project),
        )

    def submitting(self) -> bool:
        return self.request.POST.get("action") == "submit"

    def save(self, form: Any, report: Any) -> Any:
        if self.submitting():
            self.check(form, report)  # what submitting needs too, with the draft's problems
        with transaction.atomic():
            saved = services.highlight_report_update(
                actor=self.request.user,
                report=report,
                fields=form.values(),
                expected_version=expected_version(form),
                milestones=milestone_forecasts(form.rows),
            )
            if self.submitting():
                saved = services.highlight_report_submit(
                    actor=self.request.user, report=saved, expected_version=saved.version
                )
        return saved

    def check(self, form: Any, report: Any) -> None:
        services.highlight_report_check(
            report=report,
            fields={
                name: value for name, value in form.cleaned_data.items() if name in services.REPORT_FIELDS
            },
            milestones=milestone_forecasts(form.valid_rows()),
            submitting=self.submitting(),
        )

    def success_message(self, saved: Any) -> str:
        return REPORT_SUBMITTED.format(report=saved) if self.submitting() else DRAFT_SAVED

    def success_url(self, saved: Any) -> str:
        if self.submitting():
            return str(saved.get_absolute_url())
        return reverse("reporting:report_update", args=[saved.pk])

    def form_context(self, form: Any, report: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, report, outcome),
            "rows": form.rows,
            "schedule_risk": latest_run(user=self.request.user, project=report.project),
        }

    def form_page(self, form: Any, report: Any, outcome: Any = None) -> HttpResponse:
        # A refused report answers 200 (as it always has); a conflict 409.
        context = self.form_context(form, report, outcome)
        return self.render_page(409 if outcome is not None and outcome.conflict else 200, **context)


report_update = ReportUpdateView.as_view()


class ReportStartView(ObjectView):
    """The project's report for a period: open it, or start it (a button; refused: the page
    says why, 400)."""

    model = ReportingPeriod
    key = "period"
    template_name = "reporting/report_start.html"

    @cached_property
    def project(self) -> Project:
        return project_or_404(self.request, self.kwargs["code"])

    def kind_label(self) -> str:
        return "reporting period"

    def get_queryset(self) -> Any:
        self.project  # noqa: B018 -- the project is looked up (and refused) first
        return selectors.period_list(user=self.request.user)

    def object_context(self, period: Any) -> dict[str, Any]:
        user, project = self.request.user, self.project
        existing = selectors.report_for(project=project, period=period)
        can_start = (
            existing is None
            and period.status == PeriodStatus.OPEN
            and user.has_perm("reporting.add_highlightreport", project)
        )
        return {
            **super().object_context(period),
            "project": project,
            "period": period,
            "existing": existing,
            "existing_allowed": HIGHLIGHT_REPORT.allowed_actions(existing, user) if existing else [],
            "can_start": can_start,
            "problems": [],
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        period = self.get_object()
        start = partial(
            services.highlight_report_start, actor=request.user, project=self.project, period=period
        )
        outcome = call_service(_labelled(start))
        if outcome.done:
            return finish(
                request, REPORT_STARTED, reverse("reporting:report_update", args=[outcome.result.pk])
            )
        return self.render_page(400, **{**self.object_context(period), "problems": [outcome.problem]})


report_start = ReportStartView.as_view()


class ReportPdfView(ReportPage, ObjectView):
    """A report as a PDF file, shown in the browser."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = self.get_object()
        from pmo.reporting.pdf import highlight_report_pdf  # WeasyPrint loads Pango: only when asked

        pdf = highlight_report_pdf(report, site=request.build_absolute_uri("/").rstrip("/"))
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"{report.project.code}-{report.period.start:%Y-%m}-r{report.revision}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


report_pdf = ReportPdfView.as_view()


class ReportHistoryView(ReportPage, RecordHistoryView):
    pass


report_history = ReportHistoryView.as_view()


# The project's reporting page ---------------------------------------------------------------------


class ProjectReportingView(ObjectView):
    """Everything about one project's reporting: baseline, tolerances, reports, exceptions and
    corrective actions (``selectors.project_reporting``), and the steps the reader may take."""

    model = Project
    key = lookup = "code"
    context_object_name = "project"
    template_name = "reporting/project_reporting.html"

    def get_queryset(self) -> Any:
        return portfolio_selectors.project_list(user=self.request.user)

    def object_context(self, project: Any) -> dict[str, Any]:
        user, today = self.request.user, clock.today()
        shown = selectors.project_reporting(user=user, project=project, today=today)
        return {
            **super().object_context(project),
            **vars(shown),
            "actions": [(a, a.is_past_due(today)) for a in shown.actions],
            "can_report": user.has_perm("reporting.add_highlightreport", project),
            "can_baseline": user.has_perm("reporting.add_baseline", project),
            "can_tolerances": user.has_perm("reporting.change_tolerance", project),
            "can_add_action": user.has_perm("raid.add_action", project),
            "tab": "reporting",
            "milestone_trend": trend_chart(milestone_trend(shown.reports, shown.key_milestones)),
        }


project_reporting = ProjectReportingView.as_view()
