"""Pages of lessons learned: the library (searched, filtered, exported), a lesson's page with the
projects that applied it, logging and editing, publishing and retiring, a project's Lessons tab
with the lessons suggested to it (and why), and the portfolio's themes and trends.

Reads go through ``pmo.lessons.selectors``, writes through ``pmo.lessons.services``; the core
generic pages (``pmo.core.generic``) turn refusals, bad input and stale versions into what the
page shows."""

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pmo.core.generic import (
    ObjectActionView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    call_service,
    expected_version,
    finish,
    found_or_404,
    page,
    table_context,
)
from pmo.core.permissions import ensure_can
from pmo.core.workflow import refused_page
from pmo.lessons import selectors, services
from pmo.lessons.charts import per_quarter
from pmo.lessons.forms import ApplyForm, LessonFilter, LessonForm, LessonUpdateForm, WorkshopFormSet
from pmo.lessons.models import Lesson
from pmo.lessons.workflows import LESSON
from pmo.portfolio.models import Project
from pmo.portfolio.register import Column, attr
from pmo.portfolio.views import project_or_404

LOGGED = "{lesson} logged as a draft: the PMO publishes it into the library."
SAVED = "{lesson} saved."
PUBLISHED = "{lesson} published: it is in the library and suggested to the projects it fits."
RETIRED = "{lesson} retired: it stays in the library but is no longer suggested."
APPLIED = "{lesson} recorded as applied on {project}."
WITHDRAWN = "{lesson} is no longer recorded as applied on {project}."
WORKSHOP_LOGGED = (
    "{count} lesson(s) of {project}'s closure workshop logged as drafts: the PMO publishes them."
)

COLUMNS = (
    Column("reference", "Reference", attr("reference"), "pk", "link"),
    Column("title", "Title", attr("title"), "title"),
    Column("category", "Category", lambda lesson: lesson.get_category_display(), "category"),
    Column("tags", "Tags", attr("tags")),
    Column(
        "project",
        "Project",
        lambda lesson: lesson.project.code if lesson.project else "Organisation",
        "project__code",
    ),
    Column("department", "Department", attr("department.name"), "department__name"),
    Column("methodology", "Methodology", lambda lesson: lesson.get_methodology_display()),
    Column("source", "Source", lambda lesson: lesson.get_source_display(), "source"),
    Column("status", "Status", lambda lesson: lesson.get_status_display(), "status", "status"),
    Column("applied", "Applied by", attr("applied_count"), "applied_count", "number"),
    Column("logged_on", "Logged", attr("logged_on"), "logged_on", "date"),
    Column("recommendation", "Recommendation", attr("recommendation")),
)


class LessonListView(ObjectListView):
    """The library: every lesson the user may see, searched, filtered, sorted and exported."""

    model = Lesson
    template_name = "lessons/lesson_list.html"
    search = ("title", "event", "cause", "recommendation", "tags")
    heading = "Lessons learned"

    def get_queryset(self) -> QuerySet[Lesson]:
        return selectors.lesson_list(user=self.request.user)

    def columns(self) -> Sequence[Any]:
        return (
            [c for c in COLUMNS if c.key != "recommendation"] if "export" not in self.request.GET else COLUMNS
        )

    @cached_property
    def chosen(self) -> LessonFilter:
        return LessonFilter(self.request.GET or None)

    def filter_errors(self) -> dict[str, list[str]]:
        return dict(self.chosen.errors) if self.chosen.is_bound and not self.chosen.is_valid() else {}

    def records(self) -> QuerySet[Lesson]:
        records = super().records()
        if not self.chosen.is_valid():
            return records
        data = self.chosen.cleaned_data
        for name in ("category", "methodology", "source", "status", "department"):
            if data[name]:
                records = records.filter(**{name: data[name]})
        if data["tag"].strip():
            records = records.filter(selectors.tagged(data["tag"]))
        if data["project"].strip():
            records = records.filter(project__code__iexact=data["project"].strip())
        return records

    def list_context(self, shown: Sequence[Any], columns: Sequence[Any], sort: str) -> dict[str, Any]:
        return {
            **table_context(shown, columns, sort),
            "filter": self.chosen,
            "can_log": self.request.user.has_perm("lessons.add_lesson"),
        }


class LessonPage:
    model = Lesson
    key = "pk"
    context_object_name = "lesson"

    def get_queryset(self) -> Any:
        return selectors.lesson_list(user=self.request.user)  # type: ignore[attr-defined]


class LessonView(LessonPage, ObjectView):
    """A lesson, the RAID items it links, the projects that applied it, and what the reader may do."""

    template_name = "lessons/lesson_detail.html"

    def object_context(self, lesson: Any) -> dict[str, Any]:
        user = self.request.user
        return {
            **super().object_context(lesson),
            "applications": selectors.applications_of(user=user, lesson=lesson),
            "links": {name: getattr(lesson, name).all() for name in services.LINKS},
            "allowed": LESSON.allowed_actions(lesson, user),
        }


class LessonHistoryView(LessonPage, ObjectHistoryView):
    template_name = "lessons/lesson_history.html"


class LessonCreateView(ObjectEditView):
    """Log a lesson: the organisation's, or a project's (``?project=CODE``)."""

    model = Lesson
    template_name = "lessons/lesson_form.html"

    @cached_property
    def project(self) -> Project | None:
        code = self.request.GET.get("project", "")
        return project_or_404(self.request, code) if code else None

    def ensure_allowed(self, record: Any) -> None:
        if self.project is None:
            ensure_can(self.request.user, "lessons.add_lesson", action="log lessons")
        else:
            ensure_can(
                self.request.user, "lessons.log_lesson", self.project, action=f"log lessons on {self.project}"
            )

    def get_form(self, record: Any, data: Any = None) -> Any:
        return LessonForm(data, project=self.project)

    def save(self, form: Any, record: Any) -> Any:
        fields, links = form.values()
        return services.lesson_create(
            actor=self.request.user, project=self.project, fields=fields, links=links
        )

    def success_message(self, lesson: Any) -> str:
        return LOGGED.format(lesson=lesson.reference)

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        where = f": {self.project}" if self.project else " for the organisation"
        return {
            **super().form_context(form, record, outcome),
            "project": self.project,
            "heading": f"Log a lesson{where}",
            "submit_label": "Log the lesson",
        }


class LessonUpdateView(LessonPage, ObjectEditView):
    template_name = "lessons/lesson_form.html"

    def refusal(self, lesson: Any) -> HttpResponse | None:
        return refused_page(self.request, LESSON, lesson, "edit")

    def get_form(self, lesson: Any, data: Any = None) -> Any:
        return LessonUpdateForm(data, instance=lesson)

    def save(self, form: Any, lesson: Any) -> Any:
        fields, links = form.values()
        return services.lesson_update(
            actor=self.request.user,
            lesson=lesson,
            fields=fields,
            links=links,
            expected_version=expected_version(form),
        )

    def success_message(self, lesson: Any) -> str:
        return SAVED.format(lesson=lesson.reference)

    def form_context(self, form: Any, lesson: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, lesson, outcome),
            "heading": f"Edit {lesson}",
            "submit_label": "Save",
            "project": lesson.project,
        }


class LessonPublishView(LessonPage, ObjectActionView):
    action = "publish"

    def act(self, lesson: Any, version: int | None) -> Any:
        return services.lesson_publish(actor=self.request.user, lesson=lesson, expected_version=version)

    def success_message(self, lesson: Any) -> str:
        return PUBLISHED.format(lesson=lesson.reference)


class LessonRetireView(LessonPublishView):
    def act(self, lesson: Any, version: int | None) -> Any:
        return services.lesson_retire(actor=self.request.user, lesson=lesson, expected_version=version)

    def success_message(self, lesson: Any) -> str:
        return RETIRED.format(lesson=lesson.reference)


@page
def project_lessons(request: HttpRequest, code: str) -> HttpResponse:
    """A project's Lessons tab: its own lessons, those it applied, and those suggested to it now
    (for its current stage), with why and a form to record one as applied."""
    project = project_or_404(request, code)
    user = request.user
    may_apply = user.has_perm("lessons.add_lessonapplication", project)
    return render(
        request,
        "lessons/project_lessons.html",
        {
            "project": project,
            "lessons": selectors.lesson_list(user=user, project=project),
            "applied": selectors.applications_of(user=user, project=project),
            "suggested": selectors.suggestions(user=user, project=project),
            "next_stage": selectors.next_stage(project),
            "can_log": user.has_perm("lessons.log_lesson", project),
            "may_apply": may_apply,
            "apply_form": ApplyForm() if may_apply else None,
        },
    )


@page
def lesson_apply(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Record that a project applied a lesson (POST from the project's Lessons tab)."""
    project = project_or_404(request, code)
    back = redirect("lessons:project", code=project.code)
    if request.method != "POST":
        return back
    lesson = found_or_404(selectors.lesson_list(user=request.user), "lesson", pk, pk=pk)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return back
    outcome = call_service(
        lambda: services.lesson_apply(
            actor=request.user, lesson=lesson, project=project, note=form.cleaned_data.get("note", "")
        )
    )
    if outcome.done:
        return finish(request, APPLIED.format(lesson=lesson.reference, project=project.code), back.url)
    messages.error(request, outcome.problem or outcome.conflict)
    return back


@page
def lesson_application_withdraw(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Withdraw a project's record that it applied a lesson (POST from the project's Lessons tab)."""
    project = project_or_404(request, code)
    back = redirect("lessons:project", code=project.code)
    if request.method != "POST":
        return back
    application = found_or_404(
        selectors.applications_of(user=request.user, project=project), "applied lesson", pk, lesson_id=pk
    )
    outcome = call_service(
        lambda: services.lesson_application_withdraw(actor=request.user, application=application)
    )
    if outcome.done:
        message = WITHDRAWN.format(lesson=application.lesson.reference, project=project.code)
        return finish(request, message, back.url)
    messages.error(request, outcome.problem or outcome.conflict)
    return back


@page
def closure_workshop(request: HttpRequest, code: str) -> HttpResponse:
    """A project's closure workshop: its manager (or sponsor, or the PMO) logs several lessons
    at once, all or none; each row's errors are shown beside it."""
    project = project_or_404(request, code)
    ensure_can(request.user, "lessons.log_lesson", project, action=f"log lessons on {project}")
    formset = WorkshopFormSet(request.POST if request.method == "POST" else None, prefix="lesson")
    problem = ""
    if request.method == "POST" and formset.is_valid():
        written = [form for form in formset.forms if form.has_changed()]
        try:
            made = services.lessons_log_at_closure(
                actor=request.user, project=project, lessons=[form.cleaned_data for form in written]
            )
        except services.LessonRowsRefused as refused:
            for row, error in refused.rows.items():
                for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                    written[row].add_error(field if field in written[row].fields else None, errors)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            message = WORKSHOP_LOGGED.format(count=len(made), project=project.code)
            return finish(request, message, reverse("lessons:project", args=[project.code]))
    context = {"project": project, "formset": formset, "problem": problem}
    status = 400 if request.method == "POST" else 200
    return render(request, "lessons/closure_workshop.html", context, status=status)


@page
def themes(request: HttpRequest) -> HttpResponse:
    """Themes and trends across the portfolio's published lessons."""
    found = selectors.themes(user=request.user)
    peak = max((n for _, n in [*found.by_category, *found.by_quarter]), default=1)
    context = {"themes": found, "peak": peak, "chart": per_quarter(found.by_quarter)}
    return render(request, "lessons/themes.html", context)


lesson_list = LessonListView.as_view()
lesson_detail = LessonView.as_view()
lesson_history = LessonHistoryView.as_view()
lesson_create = LessonCreateView.as_view()
lesson_update = LessonUpdateView.as_view()
lesson_publish = LessonPublishView.as_view()
lesson_retire = LessonRetireView.as_view()
