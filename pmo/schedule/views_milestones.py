"""The key milestones of a project's plan: which of its milestones are key for portfolio
reporting (ADR 0042), chosen by the project's manager or the PMO with a checkbox each; the Plan
tab shows the same form."""

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse

from pmo.core.generic import finish, page
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.portfolio.views import project_or_404
from pmo.schedule import selectors, services
from pmo.schedule.models import Plan, PlanTask

KEYS_SAVED = "{count:,} key milestone flag{s} changed."
NOTHING_CHANGED = "No key milestone changed."


def plan_milestones(user: Any, plan: Plan) -> QuerySet[PlanTask]:
    """The plan's milestones, soonest first, each with ``key`` and what the form shows of it: one
    query (a plan of thousands of tasks has hundreds)."""
    return (
        selectors.milestone_list(user=user)
        .filter(plan=plan)
        .select_related(None)
        .only("uid", "name", "finish", "baseline_finish", "percent_complete")
        .order_by("finish", "row")
    )


def key_milestones_context(request: HttpRequest, project: Any, plan: Plan) -> dict[str, Any]:
    """What the key milestones form needs: the milestones and whether the reader may change them."""
    milestones = list(plan_milestones(request.user, plan))
    return {
        "milestones": milestones,
        "key_count": sum(1 for m in milestones if m.key),
        "can_flag": request.user.has_perm("schedule.change_plan", project),
        "trend_url": reverse("reporting:project_reporting", args=[project.code]) + "#milestone-trend",
    }


def _posted(request: HttpRequest) -> dict[int, bool]:
    """The flags posted for the milestones the form showed (``shown``): checked ones key."""
    checked = set(request.POST.getlist("key"))
    return {int(uid): uid in checked for uid in request.POST.getlist("shown") if uid.lstrip("-").isdecimal()}


@page
def key_milestones(request: HttpRequest, code: str) -> HttpResponse:
    """Choose the plan's key milestones (a checkbox each); refused: the page says why (400)."""
    project = project_or_404(request, code)
    plan = selectors.plan_of(user=request.user, project=project)
    if plan is None:
        raise Http404(f"{project} has no plan.")
    errors: list[str] = []
    if request.method == "POST":
        ensure_can(
            request.user, "schedule.change_plan", project, action=f"flag the key milestones of {project}"
        )
        try:
            count = services.key_milestones_set(
                actor=cast(User, request.user), plan=plan, keys=_posted(request)
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            message = KEYS_SAVED.format(count=count, s=pluralize(count)) if count else NOTHING_CHANGED
            return finish(request, message, reverse("schedule:project", args=[project.code]))
    context = {
        "project": project,
        "plan": plan,
        "errors": errors,
        **key_milestones_context(request, project, plan),
    }
    return render(request, "schedule/key_milestones.html", context, status=400 if errors else 200)
