"""Pages of assurance: the health checks list, a check's page (answers by area with scores,
findings and their actions, history), the forms of its workflow, a project's health checks with
its score trend, the portfolio's weakest areas, the questionnaires and the settings."""

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pmo.assurance import selectors, services
from pmo.assurance.charts import OVERALL, score_trend_chart
from pmo.assurance.forms import (
    AgreeForm,
    AnswersForm,
    AreaForm,
    AssuranceSettingsForm,
    ComplianceFilter,
    ComplianceRuleForm,
    FindingForm,
    HealthCheckEditForm,
    HealthCheckFilter,
    HealthCheckPlanForm,
    QuestionForm,
    QuestionnaireForm,
    SubmitForm,
)
from pmo.assurance.models import AssuranceSettings, ComplianceRule, HealthCheck, Questionnaire
from pmo.assurance.work import unchecked_since
from pmo.assurance.workflows import HEALTH_CHECK
from pmo.core import clock
from pmo.core.generic import (
    ObjectActionView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    SettingsView,
    WorkflowStepView,
    expected_version,
    finish,
    page,
)
from pmo.core.permissions import ensure_can
from pmo.engine.compliance import summarise
from pmo.engine.health import Answered, check_score
from pmo.portfolio.models import Project
from pmo.portfolio.register import Column, attr
from pmo.portfolio.views import project_or_404

UNCHECKED_SHOWN = 200  # the projects with no recent check the portfolio view lists
NOT_FOUND = "There is no {kind} {key}, or you may not see it."
PLANNED = "{check} planned."
DONE = "{check}: {what}."

CHECK_COLUMNS = (
    Column("reference", "Reference", attr("reference"), "pk", "link"),
    Column("project", "Project", attr("project.code"), "project__code"),
    Column("project_name", "Project name", attr("project.name"), "project__name"),
    Column("questionnaire", "Questionnaire", lambda c: str(c.questionnaire), "questionnaire__name"),
    Column("planned_on", "Planned for", attr("planned_on"), "planned_on", "date"),
    Column("assessor", "Assessor", lambda c: str(c.assessor) if c.assessor else None, "assessor__username"),
    Column("status", "Status", lambda c: c.get_status_display(), "status", "status"),
    Column("overall", "Overall score (%)", attr("overall"), "overall", "number"),
)
QUESTIONNAIRE_COLUMNS = (
    Column("name", "Name", lambda q: str(q), "name", "link"),
    Column("status", "Status", lambda q: q.get_status_display(), "status", "status"),
    Column("published_at", "Published", attr("published_at"), "published_at", "date"),
)


class HealthCheckListView(ObjectListView):
    """Every health check the reader may see, filtered by project, status, questionnaire and date."""

    model = HealthCheck
    template_name = "assurance/healthcheck_list.html"
    search = ("project__code", "project__name", "summary")
    heading = "Health checks"

    @cached_property
    def chosen(self) -> HealthCheckFilter:
        return HealthCheckFilter(self.request.GET or None)

    def get_queryset(self) -> QuerySet[HealthCheck]:
        return selectors.health_check_list(user=self.request.user)

    def columns(self) -> Sequence[Column]:
        return CHECK_COLUMNS

    def filter_errors(self) -> dict[str, list[str]]:
        return dict(self.chosen.errors) if self.chosen.is_bound and not self.chosen.is_valid() else {}

    def records(self) -> QuerySet[HealthCheck]:
        records = super().records()
        if self.chosen.is_valid():
            data = self.chosen.cleaned_data
            if data["project"].strip():
                records = records.filter(project__code__iexact=data["project"].strip())
            if data["status"]:
                records = records.filter(status=data["status"])
            if data["questionnaire"]:
                records = records.filter(questionnaire=data["questionnaire"])
            if data["planned_from"]:
                records = records.filter(planned_on__gte=data["planned_from"])
            if data["planned_to"]:
                records = records.filter(planned_on__lte=data["planned_to"])
        return records

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        return {**super().list_context(shown, columns, sort), "filter": self.chosen}


class QuestionnaireListView(ObjectListView):
    model = Questionnaire
    template_name = "assurance/questionnaire_list.html"
    search = ("name", "description")
    heading = "Questionnaires"

    def columns(self) -> Sequence[Column]:
        return QUESTIONNAIRE_COLUMNS

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        return {
            **super().list_context(shown, columns, sort),
            "can_add": self.request.user.has_perm("assurance.add_questionnaire"),
        }


class CheckPage:
    model = HealthCheck
    key = "pk"
    not_found = NOT_FOUND
    context_object_name, context_related = "check", ("project",)

    def get_queryset(self) -> Any:
        return selectors.health_check_list(user=self.request.user)  # type: ignore[attr-defined]


def answers_by_area(check: HealthCheck, questions: list[Any]) -> list[dict[str, Any]]:
    """Each area's questions with their answers and the area's score (the engine's)."""
    stored = {a.question_id: a for a in check.answers.all()}
    score = check_score(
        [Answered(q.area.name, getattr(stored.get(q.pk), "score", None)) for q in questions],
        check.questionnaire.maximum,
    )
    areas: dict[str, dict[str, Any]] = {}
    for q in questions:
        area = areas.setdefault(q.area.name, {"name": q.area.name, "rows": []})
        answer = stored.get(q.pk)
        level = check.questionnaire.levels[answer.score] if answer and answer.score is not None else ""
        area["rows"].append({"question": q, "answer": answer, "level": level})
    for part in score.areas:
        areas[part.name]["score"] = part
    return [*areas.values(), {"name": OVERALL, "score": score.overall, "rows": []}]


class HealthCheckView(CheckPage, ObjectView):
    template_name = "assurance/healthcheck_detail.html"

    def get_queryset(self) -> Any:
        return super().get_queryset().prefetch_related("answers", "findings__area", "findings__action__owner")

    def object_context(self, check: Any) -> dict[str, Any]:
        questions = selectors.questions_of(check.questionnaire)
        return {
            **super().object_context(check),
            "areas": answers_by_area(check, questions),
            "allowed": HEALTH_CHECK.allowed_actions(check, self.request.user),
        }


class HealthCheckHistoryView(CheckPage, ObjectHistoryView):
    template_name = "assurance/healthcheck_history.html"


class HealthCheckPlanView(ObjectEditView):
    """Plan a health check of a project (the PMO)."""

    model = HealthCheck
    template_name = "assurance/form.html"
    form_class = HealthCheckPlanForm

    @cached_property
    def project(self) -> Project:
        return project_or_404(self.request, self.kwargs["code"])

    def ensure_allowed(self, record: Any) -> None:
        ensure_can(
            self.request.user,
            "assurance.add_healthcheck",
            self.project,
            action=f"plan health checks of {self.project}",
        )

    def save(self, form: Any, record: Any) -> Any:
        data = form.cleaned_data
        return services.health_check_plan(
            actor=self.request.user,
            project=self.project,
            questionnaire=data["questionnaire"],
            planned_on=data["planned_on"],
            assessor=data["assessor"],
        )

    def success_message(self, check: Any) -> str:
        return PLANNED.format(check=check.reference)

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, record, outcome),
            "heading": f"Plan a health check of {self.project}",
            "submit_label": "Plan the check",
            "back": self.project.get_absolute_url(),
        }


class CheckStepView(CheckPage, WorkflowStepView):
    template_name = "assurance/form.html"
    workflow = HEALTH_CHECK

    def form_context(self, form: Any, check: Any, outcome: Any) -> dict[str, Any]:
        return {**super().form_context(form, check, outcome), "back": check.get_absolute_url()}


class EditView(CheckStepView):
    step, heading, submit_label = "edit", "Change the date or assessor of {check}", "Save"

    def get_form(self, check: Any, data: Any = None) -> Any:
        return HealthCheckEditForm(data, record=check)

    def save(self, form: Any, check: Any) -> Any:
        version = expected_version(form)
        return services.health_check_update(
            actor=self.request.user, check=check, fields=form.values(), expected_version=version
        )

    def success_message(self, check: Any) -> str:
        return DONE.format(check=check.reference, what="date and assessor saved")


class AnswersView(CheckStepView):
    step, heading, submit_label = "answer", "Answers of {check}", "Save the answers"
    template_name = "assurance/answers_form.html"

    def get_queryset(self) -> Any:
        return super().get_queryset().prefetch_related("answers")

    def get_form(self, check: Any, data: Any = None) -> Any:
        return AnswersForm(data, check=check, questions=selectors.questions_of(check.questionnaire))

    def save(self, form: Any, check: Any) -> Any:
        return services.health_check_answer(
            actor=self.request.user,
            check=check,
            answers=form.answers(),
            expected_version=expected_version(form),
        )

    def success_message(self, check: Any) -> str:
        return DONE.format(check=check.reference, what="answers saved")


class FindingAddView(CheckStepView):
    step, heading, submit_label = "find", "Record a finding on {check}", "Record the finding"

    def get_form(self, check: Any, data: Any = None) -> Any:
        return FindingForm(data, check=check)

    def save(self, form: Any, check: Any) -> Any:
        services.finding_add(actor=self.request.user, check=check, **form.cleaned_data)
        return check

    def success_message(self, check: Any) -> str:
        return DONE.format(check=check.reference, what="finding recorded")


class SubmitView(CheckStepView):
    step, heading, submit_label = "submit", "Submit {check}", "Submit"

    def get_form(self, check: Any, data: Any = None) -> Any:
        return SubmitForm(data, record=check)

    def save(self, form: Any, check: Any) -> Any:
        return services.health_check_submit(
            actor=self.request.user,
            check=check,
            summary=form.cleaned_data["summary"],
            expected_version=expected_version(form),
        )

    def success_message(self, check: Any) -> str:
        return DONE.format(
            check=check.reference, what="submitted; the project manager has been asked to respond"
        )


class AgreeView(CheckStepView):
    step, heading, submit_label = "agree", "Respond to {check}", "Agree"

    def get_form(self, check: Any, data: Any = None) -> Any:
        return AgreeForm(data, record=check)

    def save(self, form: Any, check: Any) -> Any:
        return services.health_check_agree(
            actor=self.request.user,
            check=check,
            response=form.cleaned_data["response"],
            expected_version=expected_version(form),
        )

    def success_message(self, check: Any) -> str:
        return DONE.format(check=check.reference, what="agreed")


class StartView(CheckPage, ObjectActionView):
    def act(self, check: Any, version: int | None) -> Any:
        return services.health_check_start(actor=self.request.user, check=check, expected_version=version)

    def success_message(self, check: Any) -> str:
        return DONE.format(check=check.reference, what="started")


class CloseView(CheckPage, ObjectActionView):
    def act(self, check: Any, version: int | None) -> Any:
        return services.health_check_close(actor=self.request.user, check=check, expected_version=version)

    def success_message(self, check: Any) -> str:
        return DONE.format(check=check.reference, what="closed")


def trend_context(checks: list[HealthCheck]) -> dict[str, Any]:
    """The chart and the table of a project's scores over time."""
    areas: list[str] = []
    for check in checks:
        areas += [name for name in check.scores if name not in areas]
    series: dict[str, list[float | None]] = {
        OVERALL: [float(c.overall) if c.overall is not None else None for c in checks]
    }
    for name in areas:
        series[name] = [c.scores.get(name) for c in checks]
    labels = [c.submitted_at.strftime("%b %y") if c.submitted_at else "" for c in checks]
    return {
        "trend_chart": score_trend_chart(labels, series),
        "trend_areas": areas,
        "trend_rows": [(c, [c.scores.get(name) for name in areas]) for c in checks],
    }


@page
def project_health(request: HttpRequest, code: str) -> HttpResponse:
    """A project's health checks and its score trend."""
    project = project_or_404(request, code)
    checks = list(
        selectors.health_check_list(user=request.user, project=project).order_by("-planned_on", "-pk")
    )
    scored = sorted((c for c in checks if c.status in selectors.SCORED), key=lambda c: (c.submitted_at, c.pk))
    return render(
        request,
        "assurance/project_health.html",
        {
            "project": project,
            "checks": checks,
            "can_plan": request.user.has_perm("assurance.add_healthcheck", project),
            **trend_context(scored),
        },
    )


@page
def portfolio_health(request: HttpRequest) -> HttpResponse:
    """The weakest areas across the latest check of each project the reader may see, and the
    active projects with no check planned or held within the settings' months."""
    months = selectors.months_between_checks()
    since = unchecked_since(clock.today(), months)
    return render(
        request,
        "assurance/portfolio_health.html",
        {
            "weak": selectors.portfolio_weakest(user=request.user),
            "months": months,
            "unchecked": selectors.projects_unchecked_since(user=request.user, since=since)[:UNCHECKED_SHOWN],
        },
    )


class QuestionnaireView(ObjectView):
    model = Questionnaire
    key = "pk"
    not_found = NOT_FOUND
    template_name = "assurance/questionnaire_detail.html"
    context_object_name = "questionnaire"

    def get_queryset(self) -> Any:
        return selectors.questionnaire_list(user=self.request.user).prefetch_related("areas__questions")

    def object_context(self, questionnaire: Any) -> dict[str, Any]:
        head = self.request.user.has_perm("assurance.change_questionnaire", questionnaire)
        draft = questionnaire.status == "draft"
        return {
            **super().object_context(questionnaire),
            "can_edit": head and draft,
            "can_new_version": head and not draft,
            "area_form": AreaForm() if head and draft else None,
            "question_form": QuestionForm(questionnaire=questionnaire) if head and draft else None,
        }


class QuestionnaireCreateView(ObjectEditView):
    model = Questionnaire
    template_name = "assurance/form.html"
    form_class = QuestionnaireForm

    def save(self, form: Any, record: Any) -> Any:
        return services.questionnaire_create(actor=self.request.user, **form.cleaned_data)

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, record, outcome),
            "heading": "New questionnaire",
            "submit_label": "Create",
        }


class QuestionnairePartView(ObjectEditView):
    """Add an area or a question to a draft questionnaire (from its page)."""

    model = Questionnaire
    key = "pk"
    template_name = "assurance/form.html"

    def get_queryset(self) -> Any:
        return selectors.questionnaire_list(user=self.request.user)

    def success_url(self, saved: Any) -> str:
        return str(self.get_object().get_absolute_url())

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, record, outcome),
            "heading": f"Change {record}",
            "submit_label": "Add",
            "back": record.get_absolute_url(),
        }


class AreaAddView(QuestionnairePartView):
    form_class = AreaForm

    def success_message(self, area: Any) -> str:
        return f"Area {area.name} added."

    def save(self, form: Any, questionnaire: Any) -> Any:
        return services.area_add(
            actor=self.request.user, questionnaire=questionnaire, name=form.cleaned_data["name"]
        )


class QuestionAddView(QuestionnairePartView):
    def get_form(self, questionnaire: Any, data: Any = None) -> Any:
        return QuestionForm(data, questionnaire=questionnaire)

    def success_message(self, question: Any) -> str:
        return f"Question added to {question.area.name}."

    def save(self, form: Any, questionnaire: Any) -> Any:
        return services.question_add(actor=self.request.user, **form.cleaned_data)


class PublishView(ObjectActionView):
    model = Questionnaire
    key = "pk"

    def act(self, questionnaire: Any, version: int | None) -> Any:
        return services.questionnaire_publish(
            actor=self.request.user, questionnaire=questionnaire, expected_version=version
        )

    def success_message(self, questionnaire: Any) -> str:
        return f"{questionnaire} published."


@page
def questionnaire_default(request: HttpRequest) -> HttpResponse:
    """Load the default questionnaire (the PMO head; POST)."""
    if request.method != "POST":
        return redirect("assurance:questionnaire_list")
    ensure_can(request.user, "assurance.add_questionnaire", action="make questionnaires")
    questionnaire = services.questionnaire_seed_default(actor=request.user)
    return finish(request, f"{questionnaire} is ready to use.", questionnaire.get_absolute_url())


class NewVersionView(ObjectActionView):
    model = Questionnaire
    key = "pk"

    def act(self, questionnaire: Any, version: int | None) -> Any:
        self.draft = services.questionnaire_new_version(actor=self.request.user, questionnaire=questionnaire)
        return self.draft

    def success_message(self, questionnaire: Any) -> str:
        return f"{self.draft} made: change it, then publish it."

    def success_url(self, questionnaire: Any) -> str:
        draft = getattr(self, "draft", None)
        return str((draft or questionnaire).get_absolute_url())


# PMO standards compliance (ADR 0062) ------------------------------------------------------------

COMPLIANCE_SHOWN = 200  # the projects the portfolio page lists, lowest score first
RULE_SAVED = "Rule {record} saved."


@page
def project_compliance(request: HttpRequest, code: str) -> HttpResponse:
    """A project's compliance with the PMO's standards: its score and each rule, met or not,
    and why."""
    project = project_or_404(request, code)
    found = selectors.project_compliance(
        project=selectors.compliance_projects(user=request.user, codes=[project.code]).first() or project,
        today=clock.today(),
    )
    return render(
        request,
        "assurance/project_compliance.html",
        {"project": project, "found": found, "active_project": project.status == "active"},
    )


@page
def portfolio_compliance(request: HttpRequest) -> HttpResponse:
    """Who to chase: the active projects the reader may see, lowest compliance first, each with
    the rules it fails and why; filtered by project manager or department."""
    chosen = ComplianceFilter(request.GET or None)
    manager = department = None
    if chosen.is_valid():
        manager = chosen.cleaned_data["manager"].pk if chosen.cleaned_data["manager"] else None
        department = chosen.cleaned_data["department"].pk if chosen.cleaned_data["department"] else None
    found = selectors.portfolio_compliance(
        user=request.user, today=clock.today(), manager=manager, department=department
    )
    summary = summarise(item.compliance for item in found)
    rules = list(selectors.compliance_rule_list(user=request.user).filter(enabled=True))
    return render(
        request,
        "assurance/portfolio_compliance.html",
        {
            "filter": chosen,
            "rows": found[:COMPLIANCE_SHOWN],
            "shown": min(len(found), COMPLIANCE_SHOWN),
            "summary": summary,
            "failing": [(rule, summary.failing_by_rule.get(str(rule.pk), 0)) for rule in rules],
        },
        status=400 if chosen.is_bound and not chosen.is_valid() else 200,
    )


@page
def compliance_rules(request: HttpRequest) -> HttpResponse:
    """The PMO's standards: every rule of the catalogue, its N days, weight and whom it applies
    to (the PMO head changes them; everyone else reads them)."""
    return render(
        request,
        "assurance/compliance_rules.html",
        {
            "rules": selectors.compliance_rule_list(user=request.user),
            "can_change": request.user.has_perm("assurance.change_compliancerule"),
        },
    )


class RulePage:
    model = ComplianceRule
    key = "pk"
    not_found = NOT_FOUND
    context_object_name = "rule"

    def get_queryset(self) -> Any:
        return selectors.compliance_rule_list(user=self.request.user)  # type: ignore[attr-defined]


class ComplianceRuleEditView(RulePage, ObjectEditView):
    template_name = "assurance/form.html"
    form_class = ComplianceRuleForm
    saved = RULE_SAVED

    def form_kwargs(self, rule: Any) -> dict[str, Any]:
        return {"instance": rule}

    def save(self, form: Any, rule: Any) -> Any:
        return services.compliance_rule_update(
            actor=self.request.user, rule=rule, fields=form.values(), expected_version=expected_version(form)
        )

    def success_url(self, saved: Any) -> str:
        return reverse("assurance:compliance_rules")

    def form_context(self, form: Any, rule: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, rule, outcome),
            "heading": f"Edit rule: {rule} ({rule.get_kind_display()})",
            "submit_label": "Save",
            "back": reverse("assurance:compliance_rules"),
        }


class ComplianceRuleHistoryView(RulePage, ObjectHistoryView):
    template_name = "assurance/compliancerule_history.html"


check_list = HealthCheckListView.as_view()
check_detail = HealthCheckView.as_view()
check_history = HealthCheckHistoryView.as_view()
check_plan = HealthCheckPlanView.as_view()
check_edit = EditView.as_view()
check_answers = AnswersView.as_view()
check_finding = FindingAddView.as_view()
check_submit = SubmitView.as_view()
check_agree = AgreeView.as_view()
check_start = StartView.as_view()
check_close = CloseView.as_view()
questionnaire_list = QuestionnaireListView.as_view()
questionnaire_detail = QuestionnaireView.as_view()
questionnaire_create = QuestionnaireCreateView.as_view()
questionnaire_area = AreaAddView.as_view()
questionnaire_question = QuestionAddView.as_view()
questionnaire_publish = PublishView.as_view()
questionnaire_new_version = NewVersionView.as_view()
settings_page = SettingsView.as_view(
    model=AssuranceSettings,
    read=selectors.assurance_settings,
    update=services.assurance_settings_update,
    form_class=AssuranceSettingsForm,
    what="the assurance settings",
    saved="Assurance settings saved.",
    template_name="assurance/settings.html",
)
compliance_rule_edit = ComplianceRuleEditView.as_view()
compliance_rule_history = ComplianceRuleHistoryView.as_view()
