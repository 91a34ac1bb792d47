"""Pages of project plans: a project's plan (its Gantt chart beside its tasks, a page of tasks at a
time, collapsed to an outline level, zoomed from days to quarters, exported to Excel or CSV as
shown), importing a plan from MS Project XML, and exporting it back."""

from functools import cached_property
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from pmo.core import clock
from pmo.core.formatting import date as day
from pmo.core.generic import ObjectListView, denied
from pmo.core.permissions import ensure_can
from pmo.core.spreadsheets import ImportIssue, ImportResult
from pmo.core.views_import import upload_page
from pmo.portfolio.models import Project
from pmo.portfolio.register import Column
from pmo.portfolio.views import project_or_404
from pmo.schedule import gantt, selectors, services
from pmo.schedule.models import PlanTask

TASKS_PER_PAGE = 100
CHECKED = "{tasks:,} tasks, finishing {finish}; nothing imported yet."
IMPORTED = "{tasks:,} tasks, finishing {finish}."
XML_CONTENT_TYPE = "application/xml"


def _days(minutes: int) -> str:
    """Working minutes as days of eight hours: 2.5 days."""
    value = minutes / 480
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

    def get_queryset(self) -> QuerySet[PlanTask]:
        tasks = PlanTask.objects.filter(plan=self.plan) if self.plan else PlanTask.objects.none()
        return tasks.filter(outline_level__lte=self.level) if self.level else tasks

    def columns(self) -> tuple[Column, ...]:
        return TASK_COLUMNS

    def export_name(self) -> str:
        return f"{self.project.code}-plan-{clock.today().isoformat()}"

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        zoom = self.request.GET.get("zoom", gantt.DEFAULT_ZOOM)
        zoom = zoom if zoom in gantt.ZOOMS else gantt.DEFAULT_ZOOM
        plan = self.plan
        svg = ""
        if plan is not None and shown:
            uids = [task.uid for task in shown]
            links = plan.links.filter(successor_uid__in=uids).values_list(
                "predecessor_uid", "successor_uid", "type"
            )
            svg = gantt.gantt_svg(
                [gantt.bar_of(task) for task in shown],
                links,
                zoom=zoom,
                today=clock.today(),
                status_date=plan.status_date,
                label=f"Gantt chart of {self.project.code}: {len(shown)} tasks",
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
            "can_import": self.request.user.has_perm("schedule.add_plan", self.project),
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

    context = {"title": f"Import a plan for {project.code}", "project": project}
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
