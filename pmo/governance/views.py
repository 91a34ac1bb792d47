"""Pages of lifecycle gates: the gates' requirements (the PMO head edits them), the gate reviews
list, a review's page and its steps, a project's gates, the PMO head's override and the gate
calendar. Reads go through the selectors, writes through the services (core generic views)."""

from collections.abc import Sequence
from functools import cached_property
from itertools import groupby
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse

from pmo.core import clock
from pmo.core.generic import (
    ObjectActionView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    WorkflowStepView,
    expected_version,
    found_or_404,
    table_context,
)
from pmo.core.permissions import ensure_can
from pmo.governance import selectors, services
from pmo.governance.evidence import ready
from pmo.governance.forms import (
    AssessForm,
    ConfirmForm,
    DecideForm,
    EvidenceForm,
    GateForm,
    OverrideForm,
    ReviewFilter,
)
from pmo.governance.models import Gate, GateEvidence, GateReview, StageOverride
from pmo.governance.workflows import GATE_REVIEW, WHO, open_conditions
from pmo.portfolio.models import Project
from pmo.portfolio.register import Column, attr, label
from pmo.portfolio.selectors import project_list
from pmo.portfolio.views import project_or_404

NOT_FOUND = "There is no {kind} {key}, or you may not see it."
GATE_SAVED = "{record} saved."
EVIDENCE_SAVED = "Evidence “{record}” saved."
OPENED = "{review} opened at {gate}: confirm its evidence, then send it to the reviewers."
CONFIRMED = "“{evidence}” confirmed for {review}."
SUBMITTED = "{review} sent to the reviewers."
ASSESSED = "Your assessment of {review} is recorded."
DECIDED = "{review} decided: {outcome}."
CLOSED = "{review} closed."
OVERRIDDEN = "{project} moved to {stage} by PMO override."


# The requirements --------------------------------------------------------------------------------


class GateListView(ObjectListView):
    """The gates of the lifecycle and what each asks for."""

    model = Gate
    template_name = "governance/gate_list.html"
    search = ("stage__gate_name", "stage__name", "criteria")
    heading = "Gates"

    def get_queryset(self) -> QuerySet[Gate]:
        return selectors.gate_list(user=self.request.user).annotate(evidence_count=Count("evidence"))

    def columns(self) -> Sequence[Column]:
        return (
            Column("gate", "Gate", lambda g: g, "stage__order", "link"),
            Column("stage", "Into stage", attr("stage.name"), "stage__order"),
            Column("evidence", "Evidence asked for", attr("evidence_count"), "evidence_count", "number"),
            Column("board", "Board decides from", label("board_from_tier"), "board_from_tier"),
            Column("criteria", "Criteria", attr("criteria"), None),
        )


class GatePage:
    model = Gate
    key = "pk"
    not_found = NOT_FOUND
    context_object_name = "gate"

    def get_queryset(self) -> Any:
        return selectors.gate_list(user=self.request.user)  # type: ignore[attr-defined]


class GateView(GatePage, ObjectView):
    template_name = "governance/gate_detail.html"

    def object_context(self, gate: Any) -> dict[str, Any]:
        return {
            **super().object_context(gate),
            "can_change": self.request.user.has_perm("governance.change_gate", gate),
        }


class GateHistoryView(GatePage, ObjectHistoryView):
    template_name = "governance/history.html"


class GateUpdateView(GatePage, ObjectEditView):
    template_name = "governance/form.html"
    saved = GATE_SAVED

    def get_form(self, gate: Any, data: Any = None) -> Any:
        return GateForm(data, instance=gate)

    def save(self, form: Any, gate: Any) -> Any:
        return services.gate_update(
            actor=self.request.user, gate=gate, fields=form.values(), expected_version=expected_version(form)
        )

    def form_context(self, form: Any, gate: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, gate, outcome),
            "heading": f"Edit {gate}",
            "back": gate.get_absolute_url(),
        }


class EvidenceEditView(ObjectEditView):
    """Add a piece of evidence to a gate (``gate`` in the URL) or change one (``pk``)."""

    model = GateEvidence
    key = "pk"
    not_found = NOT_FOUND
    template_name = "governance/form.html"
    saved = EVIDENCE_SAVED

    @cached_property
    def gate(self) -> Gate:
        if "gate" in self.kwargs:
            key = self.kwargs["gate"]
            return found_or_404(selectors.gate_list(user=self.request.user), "gate", key, pk=key)
        return self.get_object().gate

    def ensure_allowed(self, record: Any) -> None:
        ensure_can(
            self.request.user,
            "governance.change_gate",
            self.gate,
            action=f"change the evidence of {self.gate}",
        )

    def get_form(self, evidence: Any, data: Any = None) -> Any:
        return EvidenceForm(data, instance=evidence)

    def save(self, form: Any, evidence: Any) -> Any:
        if evidence is None:
            return services.gate_evidence_add(actor=self.request.user, gate=self.gate, fields=form.values())
        return services.gate_evidence_update(
            actor=self.request.user,
            evidence=evidence,
            fields=form.values(),
            expected_version=form.cleaned_data["version"],
        )

    def form_context(self, form: Any, evidence: Any, outcome: Any) -> dict[str, Any]:
        heading = f"Evidence for {self.gate}" if evidence is None else f"Edit “{evidence}”"
        return {
            **super().form_context(form, evidence, outcome),
            "heading": heading,
            "back": self.gate.get_absolute_url(),
        }


gate_list = GateListView.as_view()
gate_detail = GateView.as_view()
gate_history = GateHistoryView.as_view()
gate_update = GateUpdateView.as_view()
evidence_edit = EvidenceEditView.as_view()


# Reviews -----------------------------------------------------------------------------------------


def review_columns() -> tuple[Column, ...]:
    return (
        Column("reference", "Review", lambda r: r, "pk", "link"),
        Column("project", "Project", attr("project"), "project__code"),
        Column("gate", "Gate", attr("gate"), "gate__stage__order"),
        Column("status", "Status", label("status"), "status", "status"),
        Column("authority", "Decided by", label("authority"), "authority"),
        Column("outcome", "Outcome", label("outcome"), "outcome"),
        Column("opened", "Opened", attr("opened_on"), "opened_on", "date"),
        Column("decided", "Decided", attr("decided_at"), "decided_at", "date"),
    )


class ReviewListView(ObjectListView):
    """Every gate review the user may see, newest first, with filters."""

    model = GateReview
    template_name = "governance/review_list.html"
    search = ("project__code", "project__name", "gate__stage__gate_name", "decision_notes")
    heading = "Gate reviews"

    def get_queryset(self) -> QuerySet[GateReview]:
        return selectors.review_list(user=self.request.user)

    @cached_property
    def chosen(self) -> ReviewFilter:
        return ReviewFilter(self.request.GET or None)

    def filter_errors(self) -> dict[str, list[str]]:
        return dict(self.chosen.errors) if self.chosen.is_bound and not self.chosen.is_valid() else {}

    def records(self) -> QuerySet[GateReview]:
        records = super().records()
        if not self.chosen.is_valid():
            return records
        data = self.chosen.cleaned_data
        if data["gate"]:
            records = records.filter(gate=data["gate"])
        for name in ("outcome", "status"):
            if data[name]:
                records = records.filter(**{name: data[name]})
        if data["project"].strip():
            records = records.filter(project__code__iexact=data["project"].strip())
        return records

    def columns(self) -> Sequence[Column]:
        return review_columns()

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        return {**table_context(shown, columns, sort), "filter": self.chosen}


class ReviewPage:
    model = GateReview
    key = "pk"
    not_found = NOT_FOUND
    context_object_name, context_related = "review", ("project",)

    def get_queryset(self) -> Any:
        return selectors.review_list(user=self.request.user)  # type: ignore[attr-defined]


class ReviewView(ReviewPage, ObjectView):
    """A review: its evidence with the automatic verdicts, the assessments, the decision, the
    conditions with their actions' status, and the steps the workflow's table allows."""

    template_name = "governance/review_detail.html"

    def get_queryset(self) -> Any:
        return selectors.review_list(user=self.request.user).prefetch_related(
            "assessments__reviewer", "confirmations__confirmed_by", "gate__evidence"
        )

    def object_context(self, review: Any) -> dict[str, Any]:
        found = selectors.review_verdicts(review, clock.today())
        return {
            **super().object_context(review),
            "verdicts": found,
            "ready": ready(found),
            "allowed": GATE_REVIEW.allowed_actions(review, self.request.user),
            "who_decides": WHO[review.authority],
            "open_conditions": open_conditions(review),
        }


class ReviewHistoryView(ReviewPage, ObjectHistoryView):
    template_name = "governance/history.html"


class ReviewStepView(ReviewPage, WorkflowStepView):
    template_name = "governance/review_form.html"
    workflow = GATE_REVIEW


class ConfirmView(ReviewStepView):
    step, heading, submit_label = "evidence", "Confirm evidence for {review}", "Confirm"

    @cached_property
    def evidence(self) -> GateEvidence:
        return found_or_404(
            GateEvidence.objects.all(), "gate evidence", self.kwargs["evidence"], pk=self.kwargs["evidence"]
        )

    def get_form(self, review: Any, data: Any = None) -> Any:
        return ConfirmForm(data, record=review)

    def save(self, form: Any, review: Any) -> Any:
        services.gate_review_confirm(
            actor=self.request.user, review=review, evidence=self.evidence, link=form.cleaned_data["link"],
            note=form.cleaned_data["note"], expected_version=expected_version(form),
        )  # fmt: skip
        return review

    def success_message(self, review: Any) -> str:
        return CONFIRMED.format(evidence=self.evidence, review=review.reference)

    def form_context(self, form: Any, review: Any, outcome: Any) -> dict[str, Any]:
        return {**super().form_context(form, review, outcome), "evidence": self.evidence}


class AssessView(ReviewStepView):
    step, heading, submit_label = "assess", "Assess {review}", "Record my assessment"

    def get_form(self, review: Any, data: Any = None) -> Any:
        return AssessForm(data, record=review)

    def save(self, form: Any, review: Any) -> Any:
        data = form.cleaned_data
        services.gate_review_assess(
            actor=self.request.user, review=review, recommendation=data["recommendation"],
            comment=data["comment"], expected_version=expected_version(form),
        )  # fmt: skip
        return review

    def success_message(self, review: Any) -> str:
        return ASSESSED.format(review=review.reference)


class DecideView(ReviewStepView):
    step, heading, submit_label = "decide", "Decide {review}", "Record the decision"

    def get_form(self, review: Any, data: Any = None) -> Any:
        return DecideForm(data, record=review, project=review.project)

    def check(self, form: Any, review: Any) -> None:
        data = form.cleaned_data
        if "outcome" in data:
            services.gate_decision_check(
                outcome=data["outcome"], notes=data.get("decision_notes", ""), conditions=form.conditions(),
                today=clock.today(),
            )  # fmt: skip

    def save(self, form: Any, review: Any) -> Any:
        data = form.cleaned_data
        return services.gate_review_decide(
            actor=self.request.user, review=review, outcome=data["outcome"], notes=data["decision_notes"],
            conditions=form.conditions(), expected_version=expected_version(form),
        )  # fmt: skip

    def success_message(self, review: Any) -> str:
        return DECIDED.format(review=review.reference, outcome=review.get_outcome_display().lower())

    def form_context(self, form: Any, review: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, review, outcome),
            "deciding": True,
            "who_decides": WHO[review.authority],
        }


class SubmitView(ReviewPage, ObjectActionView):
    def ensure_allowed(self, review: Any) -> None:
        """The service judges the step by the workflow's table."""

    def act(self, review: Any, version: int | None) -> Any:
        return services.gate_review_submit(actor=self.request.user, review=review, expected_version=version)

    def success_message(self, review: Any) -> str:
        return SUBMITTED.format(review=review.reference)


class CloseView(SubmitView):
    def act(self, review: Any, version: int | None) -> Any:
        return services.gate_review_close(actor=self.request.user, review=review, expected_version=version)

    def success_message(self, review: Any) -> str:
        return CLOSED.format(review=review.reference)


review_list = ReviewListView.as_view()
review_detail = ReviewView.as_view()
review_history = ReviewHistoryView.as_view()
review_confirm = ConfirmView.as_view()
review_assess = AssessView.as_view()
review_decide = DecideView.as_view()
review_submit = SubmitView.as_view()
review_close = CloseView.as_view()


# A project's gates -------------------------------------------------------------------------------


class ProjectGatesView(ObjectListView):
    """A project's gate reviews and overrides, and its next gate with its readiness."""

    model = GateReview
    template_name = "governance/project_gates.html"

    @cached_property
    def project(self) -> Project:
        return project_or_404(self.request, self.kwargs["code"])

    def get_queryset(self) -> QuerySet[GateReview]:
        return selectors.review_list(user=self.request.user, project=self.project)

    def columns(self) -> Sequence[Column]:
        return review_columns()

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        user = self.request.user
        due = selectors.due_gates([self.project], clock.today())
        return {
            **table_context(shown, columns, sort),
            "project": self.project,
            "next": due[0] if due else None,
            "overrides": selectors.override_list(user=user, project=self.project),
            "can_open": user.has_perm("governance.add_gatereview", self.project),
            "can_override": user.has_perm("governance.add_stageoverride", self.project),
        }


class ReviewOpenView(ObjectActionView):
    """Open a review of the project's next gate (POST)."""

    model = Project
    key = "code"
    lookup = "code"

    def get_queryset(self) -> Any:
        return project_list(user=self.request.user)

    def ensure_allowed(self, project: Any) -> None:
        """The service judges who may open a review."""

    def act(self, project: Any, version: int | None) -> Any:
        self.review = services.gate_review_open(actor=self.request.user, project=project)
        return self.review

    def success_message(self, project: Any) -> str:
        return OPENED.format(review=self.review.reference, gate=self.review.gate)

    def success_url(self, project: Any) -> str:
        review = getattr(self, "review", None)
        return (
            review.get_absolute_url() if review else reverse("governance:project_gates", args=[project.code])
        )


class OverrideView(ObjectEditView):
    """The PMO head moves a project to a stage without a passed gate, with a reason."""

    model = StageOverride
    template_name = "governance/form.html"

    @cached_property
    def project(self) -> Project:
        return project_or_404(self.request, self.kwargs["code"])

    def ensure_allowed(self, record: Any) -> None:
        ensure_can(
            self.request.user,
            "governance.add_stageoverride",
            self.project,
            action=f"move {self.project} without a gate",
        )

    def get_form(self, record: Any, data: Any = None) -> Any:
        return OverrideForm(data)

    def save(self, form: Any, record: Any) -> Any:
        return services.stage_override_record(
            actor=self.request.user, project=self.project, stage=form.cleaned_data["stage"],
            reason=form.cleaned_data["reason"],
        )  # fmt: skip

    def success_message(self, override: Any) -> str:
        return OVERRIDDEN.format(project=self.project.code, stage=override.to_stage)

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, record, outcome),
            "heading": f"Move {self.project} without a gate (PMO override)",
            "back": reverse("governance:project_gates", args=[self.project.code]),
        }


project_gates = ProjectGatesView.as_view()
review_open = ReviewOpenView.as_view()
override = OverrideView.as_view()


# The gate calendar -------------------------------------------------------------------------------


class CalendarView(ObjectListView):
    """Which projects are due at which gate when, by month, with their readiness."""

    model = Project
    template_name = "governance/calendar.html"
    search = ("code", "name")
    heading = "Gate calendar"
    page_size = 100

    def get_queryset(self) -> QuerySet[Project]:
        return project_list(user=self.request.user).select_related("stage", "project_manager")

    def prepare(self, records: Sequence[Any]) -> Sequence[Any]:
        due = selectors.due_gates(records, clock.today())
        return sorted(due, key=lambda d: (d.due is None, d.due or clock.today(), d.project.code))

    def columns(self) -> Sequence[Column]:
        return (
            Column("project", "Project", attr("project"), None),
            Column("gate", "Gate", attr("gate"), None),
            Column("due", "Due", attr("due"), None, "date"),
            Column("ready", "Evidence complete", attr("ready"), None, "flag"),
            Column("missing", "Missing", attr("missing"), None),
            Column("review", "Review", attr("review"), None),
        )

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        months = [
            (month, list(rows))
            for month, rows in groupby(shown, key=lambda d: d.due.replace(day=1) if d.due else None)
        ]
        return {"months": months}

    def export_name(self) -> str:
        return f"gate-calendar-{clock.today().isoformat()}"


calendar = CalendarView.as_view()
