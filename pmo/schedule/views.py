"""Pages of project plans: a project's plan (its Gantt chart beside its tasks, a page of tasks at a
time, collapsed to an outline level, zoomed from days to quarters, exported to Excel or CSV as
shown), importing a plan from MS Project XML, and exporting it back; its schedule risk (three-point
estimates, Monte Carlo runs and their charts)."""

from decimal import Decimal
from functools import cached_property
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from pmo.core import clock
from pmo.core.formatting import date as day
from pmo.core.generic import ObjectListView, denied, finish, page
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.core.spreadsheets import ImportIssue, ImportResult
from pmo.core.views_import import upload_page
from pmo.engine.project_files import READ_BY_MPXJ, java_available, no_java_message
from pmo.engine.schedule_risk import Distribution, Estimate
from pmo.portfolio.models import Project
from pmo.portfolio.register import Column
from pmo.portfolio.views import project_or_404
from pmo.raid.models import Risk
from pmo.schedule import gantt, risk_charts, selectors, services
from pmo.schedule.models import Plan, PlanTask
from pmo.schedule.views_baselines import plan_details
from pmo.schedule.views_crosslinks import cross_project_context
from pmo.schedule.views_milestones import key_milestones_context

TASKS_PER_PAGE = 100
MINUTES_PER_DAY = 480
CHECKED = "{tasks:,} tasks, finishing {finish}; nothing imported yet."
IMPORTED = "{tasks:,} tasks, finishing {finish}."
XML_CONTENT_TYPE = "application/xml"


def _days(minutes: int) -> str:
    """Working minutes as days of eight hours: 2.5 days."""
    value = minutes / MINUTES_PER_DAY
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} day{'' if text == '1' else 's'}"


TASK_COLUMNS = (
    Column("row", "ID", lambda t: t.row, "row", "number"),
    Column("wbs", "WBS", lambda t: t.wbs, "wbs"),
    Column("name", "Task", lambda t: t.name, "name"),
    Column("duration", "Duration", lambda t: _days(t.duration), "duration"),
    Column("start", "Start", lambda t: t.start_day, "start", "date"),
    Column("finish", "Finish", lambda t: t.finish_day, "finish", "date"),
    Column("total_float", "Total float", lambda t: _days(t.total_float), "total_float"),
    Column("critical", "Critical", lambda t: t.critical, "critical", "flag"),
    Column("percent_complete", "% complete", lambda t: t.percent_complete, "percent_complete", "number"),
)


class ProjectPlanView(ObjectListView):
    """A project's plan: its Gantt chart and tasks, a page at a time."""

    model = PlanTask
    template_name = "schedule/project_plan.html"
    page_size = TASKS_PER_PAGE
    search = ("name", "wbs")
    heading = "Tasks"

    @cached_property
    def project(self) -> Project:
        return project_or_404(self.request, self.kwargs["code"])

    @cached_property
    def plan(self) -> Any:
        return selectors.plan_of(user=self.request.user, project=self.project)

    @cached_property
    def level(self) -> int | None:
        """The outline level the plan is collapsed to (``?level=2``), if any."""
        text = self.request.GET.get("level", "")
        return int(text) if text.isdecimal() and 0 < int(text) < 100 else None

    @cached_property
    def can_edit(self) -> bool:
        """Whether the reader may edit the plan (its project's manager, the PMO)."""
        return self.plan is not None and self.request.user.has_perm("schedule.change_plan", self.project)

    def get_queryset(self) -> QuerySet[PlanTask]:
        tasks = PlanTask.objects.filter(plan=self.plan) if self.plan else PlanTask.objects.none()
        tasks = tasks.annotate(key=selectors.is_key())
        return tasks.filter(outline_level__lte=self.level) if self.level else tasks

    def columns(self) -> tuple[Column, ...]:
        return TASK_COLUMNS

    def export_name(self) -> str:
        return f"{self.project.code}-plan-{clock.today().isoformat()}"

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        zoom = self.request.GET.get("zoom", gantt.DEFAULT_ZOOM)
        zoom = zoom if zoom in gantt.ZOOMS else gantt.DEFAULT_ZOOM
        plan = self.plan
        details = plan_details(self.request, plan, shown)
        svg = ""
        if plan is not None and shown:
            uids = [task.uid for task in shown]
            links = plan.links.filter(successor_uid__in=uids).values_list(
                "predecessor_uid", "successor_uid", "type"
            )
            svg = gantt.gantt_svg(
                details.bars(shown),
                links,
                zoom=zoom,
                today=clock.today(),
                status_date=plan.status_date,
                label=f"Gantt chart of {self.project.code}: {len(shown)} tasks",
                editable=self.can_edit,
            )
        return {
            **super().list_context(shown, columns, sort),
            "project": self.project,
            "plan": plan,
            "gantt": svg,
            "zoom": zoom,
            "zooms": list(gantt.ZOOMS),
            "level": self.level,
            "levels": range(1, 6),
            "can_edit": self.can_edit,
            "can_import": self.request.user.has_perm("schedule.add_plan", self.project),
            **details.context,
            **(cross_project_context(self.request.user, self.project) if plan is not None else {}),
            **(key_milestones_context(self.request, self.project, plan) if plan is not None else {}),
        }


project_plan = ProjectPlanView.as_view()


@csrf_exempt  # upload_page checks the token once the upload limit is in place
@login_required
def plan_import(request: HttpRequest, code: str) -> HttpResponse:
    """Upload page: a check (read and scheduled, nothing written) or an import (all or nothing)."""
    project = project_or_404(request, code)
    try:
        ensure_can(request.user, "schedule.add_plan", project, action=f"import a plan for {project}")
    except PermissionDenied as exc:
        return denied(request, exc)

    def run(*, actor: Any, file: Any, filename: str, dry_run: bool) -> ImportResult:
        data = file.read()
        try:
            if dry_run:
                _, computed = services.plan_read(data=data, filename=filename)
                text = CHECKED.format(tasks=len(computed.tasks), finish=day(computed.finish.date()))
                return PlanImportResult(dry_run=True, text=text)
            plan = services.plan_import(actor=actor, project=project, data=data, filename=filename)
        except ValidationError as exc:
            return ImportResult(errors=[ImportIssue(None, None, m) for m in exc.messages])
        return PlanImportResult(text=IMPORTED.format(tasks=plan.tasks_count, finish=day(plan.finish_day)))

    context = {
        "title": f"Import a plan for {project.code}",
        "project": project,
        "other_formats": READ_BY_MPXJ,
        "accept": ",".join([".xml", *READ_BY_MPXJ, "application/xml", "text/xml"]),
        "java": java_available(),
        "no_java": no_java_message("plan.mpp"),
    }
    done = reverse("schedule:project", args=[project.code])
    return upload_page(
        request, template="schedule/plan_import.html", context=context, columns=(), run=run, done_url=done
    )


class PlanImportResult(ImportResult):
    """An import's outcome said as a plan's: its tasks and finish."""

    def __init__(self, *, text: str, dry_run: bool = False) -> None:
        super().__init__(created=1, dry_run=dry_run)
        self.text = text

    @property
    def summary(self) -> str:
        return self.text


@login_required
@require_GET
def plan_export(request: HttpRequest, code: str) -> HttpResponse:
    """The plan as MS Project XML, to open in MS Project or any tool that reads it."""
    project = project_or_404(request, code)
    plan = selectors.plan_of(user=request.user, project=project)
    if plan is None:
        return denied(request, PermissionDenied(f"{project} has no plan to export."))
    response = HttpResponse(services.plan_export(plan=plan), content_type=XML_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{project.code}-plan.xml"'
    return response


ESTIMATES_SAVED = "Saved {count:,} estimate{s} on this page."
RUN_DONE = "Simulated {iterations:,} times: P80 finish {p80}."
NOT_A_NUMBER = "{task}: the {what} must be a number of days."
PARTIAL = "{task}: give the minimum, most likely and maximum, or none of them."
EARLIER_RUNS = 10


def _minutes(text: str) -> int:
    """Days (of eight working hours) as working minutes; ValueError when not a number."""
    return round(Decimal(text.strip().replace(",", ".")) * MINUTES_PER_DAY)


def _estimates_posted(request: HttpRequest, tasks: Any) -> tuple[dict[int, Estimate | None], list[str]]:
    """The estimates the grid posted for ``tasks`` (blank three: none), and what could not be read."""
    found: dict[int, Estimate | None] = {}
    errors = []
    for task in tasks:
        named = f"{task.name or 'Task'} (ID {task.row})"
        texts = [request.POST.get(f"{field}-{task.uid}", "").strip() for field in ("min", "likely", "max")]
        if not any(texts):
            found[task.uid] = None
            continue
        if not all(texts):
            errors.append(PARTIAL.format(task=named))
            continue
        try:
            low, likely, high = (_minutes(text) for text in texts)
        except (ArithmeticError, ValueError):
            errors.append(NOT_A_NUMBER.format(task=named, what="estimate"))
            continue
        kind = request.POST.get(f"dist-{task.uid}", "")
        distribution = Distribution.PERT if kind == Distribution.PERT.value else Distribution.TRIANGULAR
        found[task.uid] = Estimate(low, likely, high, distribution)
    return found, errors


def _days_text(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return f"{minutes / MINUTES_PER_DAY:.2f}".rstrip("0").rstrip(".")


def _grid_row(request: HttpRequest, task: PlanTask, estimate: Any, *, posted: bool) -> dict[str, Any]:
    """A task's row of the estimates grid: what was posted (shown again with the errors) or kept."""
    if posted:
        values = {f: request.POST.get(f"{f}-{task.uid}", "") for f in ("min", "likely", "max", "dist")}
    else:
        values = {
            "min": _days_text(getattr(estimate, "minimum", None)),
            "likely": _days_text(getattr(estimate, "likely", None)),
            "max": _days_text(getattr(estimate, "maximum", None)),
            "dist": getattr(estimate, "distribution", ""),
        }
    return {"task": task, **values}


RISK_TIED = "{risk} now delays {task} when it occurs."
RISK_UNTIED = "{risk} no longer delays the plan."
NO_OPEN_RISK = "Choose an open risk of this project."
NO_TASK_ID = "Give the ID of the task the risk would delay."
NO_IMPACT = "Give the risk's most likely delay in days (and, if you like, its minimum and maximum)."


def _risk_posted(request: HttpRequest, actor: User, plan: Plan, here: str) -> HttpResponse:
    """Tie an open RAID risk of the project to a task (by its ID) with a delay in days (one figure,
    or minimum / most likely / maximum), or untie it; a ValidationError says what is wrong."""
    text = request.POST.get("risk", "").strip()
    risk = (
        Risk.objects.filter(project=plan.project, pk=int(text), status__in=Risk.OPEN_STATUSES).first()
        if text.isdecimal()
        else None
    )
    if risk is None:
        raise ValidationError(NO_OPEN_RISK)
    if request.POST["action"] == "untie":
        services.task_risk_set(actor=actor, plan=plan, risk=risk, uid=None)
        return finish(request, RISK_UNTIED.format(risk=risk.reference), here)
    row = request.POST.get("task", "").strip()
    task = PlanTask.objects.filter(plan=plan, row=int(row)).first() if row.isdecimal() else None
    if task is None:
        raise ValidationError(NO_TASK_ID)
    texts = [request.POST.get(field, "").strip() for field in ("impact-min", "impact-likely", "impact-max")]
    if not texts[1]:
        raise ValidationError(NO_IMPACT)
    try:
        likely = _minutes(texts[1])
        low = _minutes(texts[0]) if texts[0] else likely
        high = _minutes(texts[2]) if texts[2] else likely
    except (ArithmeticError, ValueError) as exc:
        raise ValidationError(NO_IMPACT) from exc
    impact: Estimate | int = likely if low == likely == high else Estimate(low, likely, high)
    services.task_risk_set(actor=actor, plan=plan, risk=risk, uid=task.uid, impact=impact)
    return finish(request, RISK_TIED.format(risk=risk.reference, task=f"{task.name} (ID {task.row})"), here)


@page
def plan_risk(request: HttpRequest, code: str) -> HttpResponse:
    """Schedule risk: the tasks' three-point estimates (a page of tasks at a time), a run of the
    Monte Carlo simulation, the latest run's forecast and charts, and the earlier runs."""
    project = project_or_404(request, code)
    plan = selectors.plan_of(user=request.user, project=project)
    if plan is None:
        raise Http404(f"{project} has no plan.")
    can_change = request.user.has_perm("schedule.change_plan", project)
    leaves = PlanTask.objects.filter(plan=plan, summary=False).order_by("row")
    shown = Paginator(leaves, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    here = request.get_full_path()
    errors: list[str] = []
    if request.method == "POST":
        actor = cast(User, request.user)  # @page lets only the signed-in in
        ensure_can(
            request.user, "schedule.change_plan", project, action=f"analyse the schedule risk of {project}"
        )
        try:
            if request.POST.get("action") in ("risk", "untie"):
                return _risk_posted(request, actor, plan, here)
            if request.POST.get("action") == "run":
                text = request.POST.get("iterations", "").strip()
                iterations = int(text) if text.isdecimal() else services.ITERATIONS
                run = services.schedule_run_create(actor=actor, plan=plan, iterations=iterations)
                return finish(request, RUN_DONE.format(iterations=run.iterations, p80=day(run.p80_day)), here)
            posted, errors = _estimates_posted(request, shown.object_list)
            if not errors:
                count = services.task_estimates_set(actor=actor, plan=plan, estimates=posted)
                return finish(request, ESTIMATES_SAVED.format(count=count, s=pluralize(count)), here)
        except ValidationError as exc:
            errors = exc.messages
    estimates = selectors.estimates_of(plan)
    rows = [
        _grid_row(request, task, estimates.get(task.uid), posted=bool(errors)) for task in shown.object_list
    ]
    runs = list(selectors.run_list(user=request.user).filter(project=project)[: EARLIER_RUNS + 1])
    latest = runs[0] if runs else None
    context = {
        "project": project,
        "plan": plan,
        "page": shown,
        "page_numbers": shown.paginator.get_elided_page_range(shown.number),
        "rows": rows,
        "errors": errors,
        "can_change": can_change,
        "latest": latest,
        "earlier": runs[1:],
        "top_tasks": list(latest.tasks.all())[: risk_charts.TORNADO_TASKS] if latest else [],
        "finish_chart": risk_charts.finish_chart(latest, list(latest.bins.all())) if latest else "",
        "tornado": risk_charts.tornado(list(latest.tasks.all())) if latest else "",
        "default_iterations": services.ITERATIONS,
        "max_iterations": services.MAX_ITERATIONS,
        "estimated": len(estimates),
        "task_risks": selectors.task_risks_of(plan),
        "open_risks": Risk.objects.filter(project=project, status__in=Risk.OPEN_STATUSES).order_by("pk")
        if can_change
        else [],
    }
    return render(request, "schedule/plan_risk.html", context, status=400 if errors else 200)
