"""Editing a plan on its pages, for the project's manager and the PMO: a task's form (name,
duration, predecessors, constraint, progress; delete), a new task or milestone, and a bar moved
on the Gantt chart (dragged to a day, or a working day either way with + and -), all through
``services_edit``. Plain forms: everything works without JavaScript; ``schedule/plan_edit.js``
posts the same forms from the chart. Done, the Plan tab shows the task with the new dates."""

from datetime import date
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from pmo.core.generic import Outcome, call_service, finish, form_status, page
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.engine import plan_edit
from pmo.portfolio.models import Project
from pmo.portfolio.views import project_or_404
from pmo.schedule import adapters, selectors, services_edit
from pmo.schedule.choices import Constraint
from pmo.schedule.models import Plan, PlanTask

SAVED = "Saved {task}: the plan finishes {finish:%-d %b %Y}."
ADDED = "Added {task}: the plan finishes {finish:%-d %b %Y}."
DELETED = "Deleted {task}: the plan finishes {finish:%-d %b %Y}."
MOVED = "Moved {task}: the plan finishes {finish:%-d %b %Y}."
NOT_A_DAY = "Say the day to move the task to."
DURATION_HELP = "As in MS Project: 5d, 3w, 4h, 30m, 2mo; 2ed for elapsed days. 0 makes a milestone."
PREDECESSORS_HELP = "Task IDs with a type and lag, as in MS Project: 3, 5SS, 7FS+2d, 8FF-1d, 9SS+50%."
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskForm(forms.Form):
    """A task's editable fields, in MS Project's own notation."""

    name = forms.CharField(max_length=plan_edit.NAME_LENGTH)
    duration = forms.CharField(max_length=40, help_text=DURATION_HELP)
    predecessors = forms.CharField(max_length=2000, required=False, help_text=PREDECESSORS_HELP)
    constraint = forms.ChoiceField(choices=Constraint.choices)
    constraint_date = forms.DateField(
        label="Constraint date", required=False, widget=DATE_WIDGET, help_text="For a dated constraint."
    )
    percent_complete = forms.DecimalField(label="% complete", min_value=0, max_value=100, decimal_places=2)
    actual_start = forms.DateField(label="Actual start", required=False, widget=DATE_WIDGET)
    actual_finish = forms.DateField(label="Actual finish", required=False, widget=DATE_WIDGET)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, summary: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if summary:  # its duration and progress come from the tasks under it
            for name in ("duration", "percent_complete", "actual_start", "actual_finish"):
                self.fields[name].disabled = True

    def values(self) -> dict[str, Any]:
        fields = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        fields["percent_complete"] = float(fields["percent_complete"])
        return fields


class TaskAddForm(forms.Form):
    """A new task or milestone, placed after a task (by ID) or at the end."""

    name = forms.CharField(max_length=plan_edit.NAME_LENGTH)
    milestone = forms.BooleanField(required=False, help_text="A milestone takes no duration.")
    duration = forms.CharField(max_length=40, initial="1d", required=False, help_text=DURATION_HELP)
    predecessors = forms.CharField(max_length=2000, required=False, help_text=PREDECESSORS_HELP)
    after = forms.IntegerField(
        label="After task ID", required=False, min_value=1, help_text="Blank: at the end of the plan."
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


def _plan(request: HttpRequest, code: str) -> tuple[Project, Plan]:
    """The project and its plan, for someone who may edit it (else 404 or 403 saying why)."""
    project = project_or_404(request, code)
    plan = selectors.plan_of(user=request.user, project=project)
    if plan is None:
        raise Http404(f"{project} has no plan.")
    ensure_can(request.user, "schedule.change_plan", project, action=f"edit the plan of {project}")
    return project, plan


def _back(request: HttpRequest, project: Project, uid: int | None = None) -> str:
    """The Plan tab the editor came from (its page, zoom and outline kept), at the task."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) or not url.startswith(
        "/"
    ):
        url = reverse("schedule:project", args=[project.code])
    url = url.split("#")[0]
    return f"{url}#task-{uid}" if uid is not None else url


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], form: Any, outcome: Outcome | None = None
) -> HttpResponse:
    status = form_status(request, form, outcome)
    return render(
        request,
        template,
        {**context, "form": form, "conflict": outcome.conflict if outcome else ""},
        status=status,
    )


@page
def task_edit(request: HttpRequest, code: str, uid: int) -> HttpResponse:
    """A task's form (GET), saved (POST); ``action=move`` (``start``, a day) or ``action=shift``
    (``days``) moves it as a dragged bar; ``action=delete`` deletes it."""
    project, plan = _plan(request, code)
    row = PlanTask.objects.filter(plan=plan, uid=uid).first()
    if row is None:
        raise Http404(f"{project.code}'s plan has no task with UID {uid}.")
    actor = cast(User, request.user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ("move", "shift", "delete"):
        return _act(request, project, plan, row, action, actor)
    document = adapters.project_of(plan)
    item = next(t for t in document.tasks if t.uid == uid)
    initial = {**plan_edit.current_values(document, item), "version": plan.version}
    initial["constraint"] = str(initial["constraint"])
    form = TaskForm(request.POST if request.method == "POST" else None, initial=initial, summary=item.summary)
    context = {"project": project, "plan": plan, "task": row, "back": _back(request, project, uid)}
    outcome = None
    if form.is_bound and form.is_valid():
        version = form.cleaned_data["version"]
        outcome = call_service(
            lambda: services_edit.plan_task_change(
                actor=actor, plan=plan, uid=uid, fields=form.values(), expected_version=version
            ),
            form,
        )
        if outcome.done:
            saved = PlanTask.objects.get(plan=plan, uid=uid)
            return finish(
                request, SAVED.format(task=saved, finish=plan.finish_day), _back(request, project, uid)
            )
    return _render(request, "schedule/task_form.html", context, form, outcome)


def _act(
    request: HttpRequest, project: Project, plan: Plan, row: PlanTask, action: str, actor: User
) -> HttpResponse:
    """A bar moved (``move``: to ``start``; ``shift``: ``days`` working days) or the task deleted."""
    version = _number(request.POST.get("version"))
    if action == "delete":
        outcome = call_service(
            lambda: services_edit.plan_task_delete(
                actor=actor, plan=plan, uid=row.uid, expected_version=version
            )
        )
        if outcome.done:
            return finish(request, DELETED.format(task=row, finish=plan.finish_day), _back(request, project))
    else:
        day, days = _day(request.POST.get("start")), _number(request.POST.get("days"))
        if (action == "move" and day is None) or (action == "shift" and days is None):
            outcome = Outcome(False, problem=NOT_A_DAY)
        else:
            outcome = call_service(
                lambda: services_edit.plan_task_move(
                    actor=actor,
                    plan=plan,
                    uid=row.uid,
                    day=day if action == "move" else None,
                    days=days if action == "shift" else None,
                    expected_version=version,
                )
            )
        if outcome.done:
            return finish(
                request, MOVED.format(task=row, finish=plan.finish_day), _back(request, project, row.uid)
            )
    if outcome.conflict:  # the conflict page: the task's form as it is now, saying who changed the plan
        plan.refresh_from_db()
        document = adapters.project_of(plan)
        item = next(t for t in document.tasks if t.uid == row.uid)
        initial = {**plan_edit.current_values(document, item), "version": plan.version}
        initial["constraint"] = str(initial["constraint"])
        form = TaskForm(initial=initial, summary=item.summary)
        context = {"project": project, "plan": plan, "task": row, "back": _back(request, project, row.uid)}
        return _render(request, "schedule/task_form.html", context, form, outcome)
    messages.error(request, outcome.problem)
    return redirect(_back(request, project, row.uid))


def _number(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


@page
def task_add(request: HttpRequest, code: str) -> HttpResponse:
    """A new task or milestone (GET the form, POST to add it)."""
    project, plan = _plan(request, code)
    actor = cast(User, request.user)
    form = TaskAddForm(request.POST if request.method == "POST" else None, initial={"version": plan.version})
    context = {"project": project, "plan": plan, "back": _back(request, project)}
    outcome = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        after = None
        if data["after"] is not None:
            after = (
                PlanTask.objects.filter(plan=plan, row=data["after"]).values_list("uid", flat=True).first()
            )
            if after is None:
                form.add_error("after", f"There is no task with ID {data['after']}.")
        if not form.errors:
            outcome = call_service(
                lambda: services_edit.plan_task_add(
                    actor=actor,
                    plan=plan,
                    name=data["name"],
                    duration=data["duration"] or "1d",
                    predecessors=data["predecessors"],
                    milestone=data["milestone"],
                    after=after,
                    expected_version=data["version"],
                ),
                form,
            )
            if outcome.done:
                _, uid = outcome.result
                added = PlanTask.objects.get(plan=plan, uid=uid)
                return finish(
                    request, ADDED.format(task=added, finish=plan.finish_day), _back(request, project, uid)
                )
    return _render(request, "schedule/task_add.html", context, form, outcome)
