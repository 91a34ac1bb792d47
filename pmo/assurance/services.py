"""Assurance's writes: questionnaires (versioned: a published version is frozen; changing it
publishes a new version) and health checks through their workflow (``workflows.HEALTH_CHECK``):
plan → start → answer and record findings → submit (scored by ``pmo.engine.health``) → agree
(the project manager's response) → close. A finding's recommendation becomes a RAID action
(``pmo.raid.services``)."""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from pmo.assurance import selectors
from pmo.assurance.choices import HealthCheckStatus, QuestionnaireStatus, Severity
from pmo.assurance.defaults import DEFAULT_AREAS, DEFAULT_DESCRIPTION, DEFAULT_NAME
from pmo.assurance.models import (
    DEFAULT_LEVELS,
    Answer,
    Area,
    AssuranceSettings,
    ComplianceRule,
    Finding,
    HealthCheck,
    Question,
    Questionnaire,
)
from pmo.assurance.workflows import HEALTH_CHECK
from pmo.core import clock
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.core.services import (
    notify,
    only_fields,
    others_than,
    record_create,
    record_update,
    short_reason,
    user_of,
)
from pmo.engine.health import Answered, check_score
from pmo.portfolio.models import Person, Project
from pmo.raid.choices import ActionSource
from pmo.raid.models import Action
from pmo.raid.services import raid_item_create

NO_QUESTIONS = "{questionnaire} has no questions: add at least one question before publishing it."
AREA_WITHOUT_QUESTIONS = (
    "{questionnaire} has areas without questions ({areas}): add questions or remove them."
)
FROZEN = "{questionnaire} is {status}: it cannot be changed. Make a new version to change it."
NOT_PUBLISHED = "{questionnaire} is {status}: only a published questionnaire can be used for a health check."
NOT_OF_QUESTIONNAIRE = "Question {question} is not in {questionnaire}, which this check uses."
SCORE_OUT_OF_SCALE = "{question}: a score of {score} is outside the scale 0–{maximum}."
REQUIRED_MISSING = "{count} required question{s} not answered: {questions}."
AREA_NOT_OF_CHECK = "{area} is not an area of {questionnaire}."
FINDING_TEXT_REQUIRED = "Say what was found."
ACTION_NEEDS_RECOMMENDATION = "A recommendation is needed to make an action of it."
ACTION_NEEDS_OWNER_AND_DUE = "An action needs its owner and due date."
ACTION_DUE_IN_PAST = "The due date cannot be in the past."
RESPONSE_REQUIRED = "Give the project manager's response to the findings."
SETTINGS_FIELDS = frozenset({"months_between_checks"})
CHECK_FIELDS = frozenset({"planned_on", "assessor"})
ANSWER_FIELDS = ("score", "evidence", "evidence_link")


# Questionnaires ------------------------------------------------------------------------------


def _ensure_draft(questionnaire: Questionnaire) -> None:
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise ValidationError(
            FROZEN.format(questionnaire=questionnaire, status=questionnaire.get_status_display().lower())
        )


@transaction.atomic
def questionnaire_create(
    *, actor: User | None, name: str, description: str = "", levels: Sequence[str] = tuple(DEFAULT_LEVELS)
) -> Questionnaire:
    """A new questionnaire's first version, a draft (the PMO head)."""
    return record_create(
        model=Questionnaire,
        actor=actor,
        fields={"name": name.strip(), "description": description.strip(), "levels": list(levels)},
        reason="Created",
    )


@transaction.atomic
def questionnaire_update(
    *,
    actor: User | None,
    questionnaire: Questionnaire,
    fields: Mapping[str, Any],
    expected_version: int | None,
) -> Questionnaire:
    """Change a draft's name, description or scale."""
    only_fields(fields, frozenset({"name", "description", "levels"}))
    _ensure_draft(questionnaire)
    return record_update(
        instance=questionnaire, actor=actor, fields=fields, expected_version=expected_version
    )


@transaction.atomic
def area_add(*, actor: User | None, questionnaire: Questionnaire, name: str) -> Area:
    """Add an area to a draft questionnaire (last)."""
    if actor is not None:
        ensure_can(actor, "assurance.change_questionnaire", questionnaire, action=f"change {questionnaire}")
    _ensure_draft(questionnaire)
    position = (questionnaire.areas.aggregate(last=Max("position"))["last"] or 0) + 1
    return record_create(
        model=Area,
        actor=actor,
        authorised=True,
        fields={"questionnaire": questionnaire, "name": name.strip(), "position": position},
        reason="Added",
    )


@transaction.atomic
def question_add(
    *, actor: User | None, area: Area, text: str, guidance: str = "", required: bool = True
) -> Question:
    """Add a question to an area of a draft questionnaire (last)."""
    questionnaire = area.questionnaire
    if actor is not None:
        ensure_can(actor, "assurance.change_questionnaire", questionnaire, action=f"change {questionnaire}")
    _ensure_draft(questionnaire)
    position = (area.questions.aggregate(last=Max("position"))["last"] or 0) + 1
    return record_create(
        model=Question,
        actor=actor,
        authorised=True,
        fields={
            "area": area,
            "text": text.strip(),
            "guidance": guidance.strip(),
            "required": required,
            "position": position,
        },
        reason="Added",
    )


def questionnaire_check(questionnaire: Questionnaire) -> None:
    """A questionnaire to be used has questions, and every area has some."""
    counts = {area.name: area.questions.count() for area in questionnaire.areas.all()}
    if not any(counts.values()):
        raise ValidationError(NO_QUESTIONS.format(questionnaire=questionnaire))
    empty = [name for name, count in counts.items() if not count]
    if empty:
        raise ValidationError(
            AREA_WITHOUT_QUESTIONS.format(questionnaire=questionnaire, areas=", ".join(empty))
        )


@transaction.atomic
def questionnaire_publish(
    *, actor: User | None, questionnaire: Questionnaire, expected_version: int | None
) -> Questionnaire:
    """Publish a draft: from now on it is frozen, and the version before it is retired (checks
    already made with it keep it)."""
    if actor is not None:
        ensure_can(actor, "assurance.change_questionnaire", questionnaire, action=f"publish {questionnaire}")
    _ensure_draft(questionnaire)
    questionnaire_check(questionnaire)
    for older in Questionnaire.objects.filter(
        name=questionnaire.name, status=QuestionnaireStatus.PUBLISHED
    ).exclude(pk=questionnaire.pk):
        record_update(
            instance=older,
            actor=actor,
            authorised=True,
            fields={"status": QuestionnaireStatus.RETIRED},
            expected_version=None,
            reason=f"Retired: v{questionnaire.number} published",
        )
    return record_update(
        instance=questionnaire,
        actor=actor,
        fields={"status": QuestionnaireStatus.PUBLISHED, "published_at": clock.now()},
        expected_version=expected_version,
        reason="Published",
    )


@transaction.atomic
def questionnaire_new_version(*, actor: User | None, questionnaire: Questionnaire) -> Questionnaire:
    """A draft copy of a questionnaire, numbered after its latest version, to change and publish."""
    if actor is not None:
        ensure_can(actor, "assurance.add_questionnaire", action="make questionnaires")
    latest = Questionnaire.objects.filter(name=questionnaire.name).aggregate(last=Max("number"))["last"]
    draft = record_create(
        model=Questionnaire,
        actor=actor,
        authorised=True,
        fields={
            "name": questionnaire.name,
            "number": latest + 1,
            "description": questionnaire.description,
            "levels": questionnaire.levels,
            "previous": questionnaire,
        },
        reason=f"New version of v{questionnaire.number}",
    )
    for area in questionnaire.areas.prefetch_related("questions"):
        copy = area_add(actor=None, questionnaire=draft, name=area.name)
        for question in area.questions.all():
            question_add(
                actor=None,
                area=copy,
                text=question.text,
                guidance=question.guidance,
                required=question.required,
            )
    return draft


@transaction.atomic
def questionnaire_seed_default(*, actor: User | None = None) -> Questionnaire:
    """The default questionnaire, published (made once; found again after)."""
    found = Questionnaire.objects.filter(name=DEFAULT_NAME).order_by("-number").first()
    if found is not None:
        return found
    questionnaire = questionnaire_create(actor=actor, name=DEFAULT_NAME, description=DEFAULT_DESCRIPTION)
    for name, questions in DEFAULT_AREAS.items():
        area = area_add(actor=actor, questionnaire=questionnaire, name=name)
        for text, guidance in questions:
            question_add(actor=actor, area=area, text=text, guidance=guidance)
    return questionnaire_publish(actor=actor, questionnaire=questionnaire, expected_version=None)


# Health checks -------------------------------------------------------------------------------


def _locked(check: HealthCheck) -> HealthCheck:
    return (
        HealthCheck.objects.select_for_update(of=("self",))
        .select_related("project", "project__project_manager", "questionnaire")
        .get(pk=check.pk)
    )


@transaction.atomic
def health_check_plan(
    *,
    actor: User | None,
    project: Project,
    questionnaire: Questionnaire,
    planned_on: date,
    assessor: User | None = None,
) -> HealthCheck:
    """Plan a health check of a project against a published questionnaire (the PMO)."""
    if actor is not None:
        ensure_can(actor, "assurance.add_healthcheck", project, action=f"plan health checks of {project}")
    if questionnaire.status != QuestionnaireStatus.PUBLISHED:
        raise ValidationError(
            {
                "questionnaire": NOT_PUBLISHED.format(
                    questionnaire=questionnaire, status=questionnaire.get_status_display().lower()
                )
            }
        )
    return record_create(
        model=HealthCheck,
        actor=actor,
        authorised=True,
        fields={
            "project": project,
            "questionnaire": questionnaire,
            "planned_on": planned_on,
            "assessor": assessor or actor,
        },
        reason="Planned",
    )


@transaction.atomic
def health_check_update(
    *, actor: User | None, check: HealthCheck, fields: Mapping[str, Any], expected_version: int | None
) -> HealthCheck:
    """Move a check's date or change its assessor, before it is submitted."""
    only_fields(fields, CHECK_FIELDS)
    current = _locked(check)
    HEALTH_CHECK.ensure(current, actor, "edit")
    return record_update(
        instance=check,
        actor=actor,
        authorised=True,
        locked=current,
        fields=fields,
        expected_version=expected_version,
    )


@transaction.atomic
def health_check_start(
    *, actor: User | None, check: HealthCheck, expected_version: int | None
) -> HealthCheck:
    current = _locked(check)
    HEALTH_CHECK.ensure(current, actor, "start")
    return record_update(
        instance=check,
        actor=actor,
        authorised=True,
        locked=current,
        fields={"status": HealthCheckStatus.IN_PROGRESS, "started_on": clock.today()},
        expected_version=expected_version,
        reason="Started",
    )


def answers_check(
    questionnaire: Questionnaire, answers: Mapping[int, Mapping[str, Any]]
) -> dict[int, Question]:
    """Every answer is to a question of ``questionnaire`` and scores within its scale; the
    questions answered, by id. Every problem at once, each under the question's field
    (``question-<id>``)."""
    questions = {q.pk: q for q in selectors.questions_of(questionnaire)}
    errors: dict[str, str] = {}
    for pk, values in answers.items():
        question = questions.get(pk)
        if question is None:
            errors[f"question-{pk}"] = NOT_OF_QUESTIONNAIRE.format(question=pk, questionnaire=questionnaire)
            continue
        only_fields(values, frozenset(ANSWER_FIELDS))
        score = values.get("score")
        if score is not None and not 0 <= score <= questionnaire.maximum:
            errors[f"question-{pk}"] = SCORE_OUT_OF_SCALE.format(
                question=question.text, score=score, maximum=questionnaire.maximum
            )
    if errors:
        raise ValidationError(errors)
    return questions


@transaction.atomic
def health_check_answer(
    *,
    actor: User | None,
    check: HealthCheck,
    answers: Mapping[int, Mapping[str, Any]],
    expected_version: int | None,
) -> HealthCheck:
    """Record answers (question id → score, evidence, evidence link); an answer given again
    replaces the one before, in history. The check's version goes up once."""
    current = _locked(check)
    HEALTH_CHECK.ensure(current, actor, "answer")
    answers_check(current.questionnaire, answers)
    stored = {a.question_id: a for a in Answer.objects.filter(health_check=current, question_id__in=answers)}
    changed = False
    for pk, values in answers.items():
        fields = {name: values[name] for name in ANSWER_FIELDS if name in values}
        if pk in stored:
            answer = stored[pk]
            before = answer.version
            record_update(instance=answer, actor=actor, authorised=True, fields=fields, expected_version=None)
            changed |= answer.version != before
        else:
            record_create(
                model=Answer,
                actor=actor,
                authorised=True,
                fields={"health_check": current, "question_id": pk, **fields},
            )
            changed = True
    return record_update(
        instance=check,
        actor=actor,
        authorised=True,
        locked=current,
        fields={},
        expected_version=expected_version,
        rows_changed=changed,
        reason="Answers recorded",
    )


@transaction.atomic
def finding_add(
    *,
    actor: User | None,
    check: HealthCheck,
    area: Area,
    severity: Severity,
    text: str,
    recommendation: str = "",
    action_owner: Person | None = None,
    action_due: date | None = None,
) -> Finding:
    """Record a finding in an area; with an owner and a due date its recommendation becomes an
    action in the project's RAID log (its source: this health check)."""
    current = _locked(check)
    HEALTH_CHECK.ensure(current, actor, "find")
    errors: dict[str, str] = {}
    if area.questionnaire_id != current.questionnaire_id:
        errors["area"] = AREA_NOT_OF_CHECK.format(area=area, questionnaire=current.questionnaire)
    if not text.strip():
        errors["text"] = FINDING_TEXT_REQUIRED
    wants_action = action_owner is not None or action_due is not None
    if wants_action and not recommendation.strip():
        errors["recommendation"] = ACTION_NEEDS_RECOMMENDATION
    if wants_action and (action_owner is None or action_due is None):
        errors["action_owner" if action_owner is None else "action_due"] = ACTION_NEEDS_OWNER_AND_DUE
    if action_due is not None and action_due < clock.today():
        errors["action_due"] = ACTION_DUE_IN_PAST
    if errors:
        raise ValidationError(errors)
    action = None
    if wants_action:
        action = raid_item_create(
            actor=actor,
            model=Action,
            register=current.project,
            fields={
                "title": short_reason(recommendation.strip()),
                "description": f"{text.strip()}\n\nRecommendation: {recommendation.strip()}",
                "owner": action_owner,
                "due": action_due,
                "source": ActionSource.HEALTH_CHECK,
                "source_reference": current.reference,
            },
            reason=short_reason(f"Recommendation of health check {current.reference}"),
        )
    return record_create(
        model=Finding,
        actor=actor,
        authorised=True,
        fields={
            "health_check": current,
            "area": area,
            "severity": severity,
            "text": text.strip(),
            "recommendation": recommendation.strip(),
            "action": action,
        },
        reason="Recorded",
    )


def check_scores(check: HealthCheck) -> Any:
    """The engine's scores of a check's answers, every question of its questionnaire counted."""
    answers = {a.question_id: a.score for a in Answer.objects.filter(health_check=check)}
    return check_score(
        [Answered(q.area.name, answers.get(q.pk)) for q in selectors.questions_of(check.questionnaire)],
        check.questionnaire.maximum,
    )


@transaction.atomic
def health_check_submit(
    *, actor: User | None, check: HealthCheck, summary: str, expected_version: int | None
) -> HealthCheck:
    """Submit the assessment: every required question answered; the scores are kept as they
    stand now, and the project manager is asked to respond."""
    current = _locked(check)
    HEALTH_CHECK.ensure(current, actor, "submit")
    scored = {a.question_id for a in Answer.objects.filter(health_check=current, score__isnull=False)}
    missing = [q for q in selectors.questions_of(current.questionnaire) if q.required and q.pk not in scored]
    if missing:
        raise ValidationError(
            REQUIRED_MISSING.format(
                count=len(missing),
                s="" if len(missing) == 1 else "s",
                questions="; ".join(f"{q.area.name}: {q.text}" for q in missing),
            )
        )
    score = check_scores(current)
    overall = score.overall.percent
    submitted = record_update(
        instance=check,
        actor=actor,
        authorised=True,
        locked=current,
        fields={
            "status": HealthCheckStatus.SUBMITTED,
            "submitted_at": clock.now(),
            "summary": summary.strip(),
            "overall": Decimal(str(overall)) if overall is not None else None,
            "scores": {area.name: area.percent for area in score.areas},
        },
        expected_version=expected_version,
        reason="Submitted",
    )
    notify(
        recipients=others_than(actor, user_of(submitted.project.project_manager)),
        key=f"health-check-submitted:{submitted.pk}",
        subject=f"Health check {submitted.reference} of {submitted.project.code}: findings to respond to",
        body=f"Overall score {overall if overall is not None else '—'} %.\n\n{submitted.summary}",
        url=submitted.get_absolute_url(),
    )
    return submitted


@transaction.atomic
def health_check_agree(
    *, actor: User | None, check: HealthCheck, response: str, expected_version: int | None
) -> HealthCheck:
    """The project manager's response to the findings, agreeing the check."""
    current = _locked(check)
    HEALTH_CHECK.ensure(current, actor, "agree")
    if not response.strip():
        raise ValidationError({"response": RESPONSE_REQUIRED})
    return record_update(
        instance=check,
        actor=actor,
        authorised=True,
        locked=current,
        fields={
            "status": HealthCheckStatus.AGREED,
            "response": response.strip(),
            "agreed_at": clock.now(),
            "agreed_by": actor,
        },
        expected_version=expected_version,
        reason="Agreed",
    )


@transaction.atomic
def health_check_close(
    *, actor: User | None, check: HealthCheck, expected_version: int | None
) -> HealthCheck:
    current = _locked(check)
    HEALTH_CHECK.ensure(current, actor, "close")
    return record_update(
        instance=check,
        actor=actor,
        authorised=True,
        locked=current,
        fields={"status": HealthCheckStatus.CLOSED, "closed_on": clock.today()},
        expected_version=expected_version,
        reason="Closed",
    )


@transaction.atomic
def assurance_settings_update(
    *,
    actor: User | None,
    settings_row: AssuranceSettings,
    fields: Mapping[str, Any],
    expected_version: int | None,
) -> AssuranceSettings:
    """Change how often projects should be checked (PMO head)."""
    if actor is not None:
        ensure_can(
            actor, "assurance.change_assurancesettings", settings_row, action="change the assurance settings"
        )
    only_fields(fields, SETTINGS_FIELDS)
    return record_update(instance=settings_row, actor=actor, fields=fields, expected_version=expected_version)


# PMO standards compliance (ADR 0062) ------------------------------------------------------------

RULE_FIELDS = frozenset(
    {"name", "description", "enabled", "days", "weight", "size_tiers", "methodologies", "stages", "order"}
)


@transaction.atomic
def compliance_rule_update(
    *, actor: User | None, rule: ComplianceRule, fields: Mapping[str, Any], expected_version: int | None
) -> ComplianceRule:
    """Change a compliance rule: enable or disable it, its N days, weight, name, and whom it
    applies to (the PMO head; its kind is fixed)."""
    only_fields(fields, RULE_FIELDS)
    return record_update(instance=rule, actor=actor, fields=fields, expected_version=expected_version)
