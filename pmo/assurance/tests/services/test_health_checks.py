"""Health checks through their workflow: planning, answering, findings that become actions,
submitting (scored), agreeing, closing, and the refusals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.assurance import services
from pmo.assurance.choices import HealthCheckStatus, Severity
from pmo.assurance.models import Answer
from pmo.assurance.workflows import HEALTH_CHECK
from pmo.core.services import ConflictError
from pmo.raid.choices import ActionSource


def _started(cast, questionnaire):
    check = services.health_check_plan(
        actor=cast.officer,
        project=cast.project,
        questionnaire=questionnaire,
        planned_on=dt.date(2026, 12, 10),
    )
    return services.health_check_start(actor=cast.officer, check=check, expected_version=check.version)


def _questions(questionnaire):
    return list(services.selectors.questions_of(questionnaire))


def _answer_all(cast, check, questionnaire, score=3):
    answers = {q.pk: {"score": score, "evidence": "Seen the plan"} for q in _questions(questionnaire)}
    return services.health_check_answer(
        actor=cast.officer, check=check, answers=answers, expected_version=check.version
    )


def test_a_check_goes_from_planned_to_closed_with_its_scores(cast, questionnaire):
    # Given a started check, every question answered 3 of 4 but Finance's 1 of 4
    check = _started(cast, questionnaire)
    assert HEALTH_CHECK.allowed_actions(check, cast.officer) == ["edit", "answer", "find", "submit"]
    check = _answer_all(cast, check, questionnaire)
    finance = next(q for q in _questions(questionnaire) if q.area.name == "Finance")
    check = services.health_check_answer(
        actor=cast.officer, check=check, answers={finance.pk: {"score": 1}}, expected_version=check.version
    )

    # When the officer submits, the PM agrees and the officer closes it
    check = services.health_check_submit(
        actor=cast.officer, check=check, summary="Sound, but finance lags.", expected_version=check.version
    )
    assert check.status == HealthCheckStatus.SUBMITTED
    assert check.scores["Finance"] == 25.0
    assert check.scores["Planning"] == 75.0
    assert float(check.overall) == 70.0  # (9 × 3 + 1) of 10 × 4
    assert HEALTH_CHECK.allowed_actions(check, cast.pm) == ["agree"]
    check = services.health_check_agree(
        actor=cast.pm, check=check, response="Finance partner now monthly.", expected_version=check.version
    )
    check = services.health_check_close(actor=cast.officer, check=check, expected_version=check.version)

    # Then it is closed, and its history tells each step
    assert check.status == HealthCheckStatus.CLOSED
    assert check.agreed_by == cast.pm
    reasons = list(check.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == [
        "Planned",
        "Started",
        "Answers recorded",
        "Answers recorded",
        "Submitted",
        "Agreed",
        "Closed",
    ]


def test_a_recommendation_becomes_a_raid_action_the_check_shows(cast, questionnaire):
    check = _started(cast, questionnaire)
    area = questionnaire.areas.get(name="RAID")

    finding = services.finding_add(
        actor=cast.officer,
        check=check,
        area=area,
        severity=Severity.HIGH,
        text="Risks not reviewed since August.",
        recommendation="Review every open risk at the next board",
        action_owner=cast.project.project_manager,
        action_due=dt.date(2027, 1, 15),
    )

    action = finding.action
    assert action.project == cast.project
    assert action.source == ActionSource.HEALTH_CHECK
    assert action.source_reference == check.reference
    assert action.get_status_display() == "Open"
    shown = services.selectors.health_check_get(user=cast.pm, pk=check.pk)
    assert [f.action.reference for f in shown.findings.all()] == [action.reference]


def test_a_finding_refuses_an_action_without_owner_or_recommendation(cast, questionnaire):
    check = _started(cast, questionnaire)
    with pytest.raises(ValidationError) as refused:
        services.finding_add(
            actor=cast.officer,
            check=check,
            area=questionnaire.areas.get(name="RAID"),
            severity=Severity.LOW,
            text=" ",
            action_due=dt.date(2026, 12, 1),
        )
    assert refused.value.message_dict == {
        "text": [services.FINDING_TEXT_REQUIRED],
        "recommendation": [services.ACTION_NEEDS_RECOMMENDATION],
        "action_owner": [services.ACTION_NEEDS_OWNER_AND_DUE],
        "action_due": [services.ACTION_DUE_IN_PAST],
    }


def test_a_score_outside_the_scale_is_refused_naming_the_question(cast, questionnaire):
    check = _started(cast, questionnaire)
    question = _questions(questionnaire)[0]

    with pytest.raises(ValidationError) as refused:
        services.health_check_answer(
            actor=cast.officer,
            check=check,
            answers={question.pk: {"score": 5}},
            expected_version=check.version,
        )

    assert refused.value.message_dict == {
        f"question-{question.pk}": [f"{question.text}: a score of 5 is outside the scale 0–4."]
    }
    assert not Answer.objects.filter(health_check=check).exists()


def test_submitting_with_required_answers_missing_is_refused_naming_them(cast, questionnaire):
    check = _started(cast, questionnaire)
    questions = _questions(questionnaire)
    check = services.health_check_answer(
        actor=cast.officer,
        check=check,
        answers={q.pk: {"score": 2} for q in questions[:-1]},
        expected_version=check.version,
    )

    with pytest.raises(ValidationError) as refused:
        services.health_check_submit(
            actor=cast.officer, check=check, summary="", expected_version=check.version
        )

    assert refused.value.messages == [f"1 required question not answered: Quality: {questions[-1].text}."]


def test_a_stale_version_is_a_conflict(cast, questionnaire):
    check = _started(cast, questionnaire)
    stale = check.version
    _answer_all(cast, check, questionnaire)

    with pytest.raises(ConflictError):
        services.health_check_submit(actor=cast.officer, check=check, summary="", expected_version=stale)


def test_an_agreed_check_cannot_be_answered_again(cast, questionnaire):
    check = _answer_all(cast, _started(cast, questionnaire), questionnaire)
    check = services.health_check_submit(actor=cast.officer, check=check, summary="", expected_version=None)
    check = services.health_check_agree(actor=cast.pm, check=check, response="Agreed.", expected_version=None)

    with pytest.raises(ValidationError) as refused:
        _answer_all(cast, check, questionnaire, score=4)

    assert refused.value.messages == [
        f"{check.reference} is agreed: its answers and findings can no longer be changed."
    ]


@pytest.mark.parametrize("who", ["pm", "executive", "sponsor"])
def test_only_the_pmo_assesses(cast, questionnaire, who):
    check = _started(cast, questionnaire)
    with pytest.raises(PermissionDenied):
        _answer_all(cast.__class__(**{**cast.__dict__, "officer": cast.by_name(who)}), check, questionnaire)


def test_only_the_project_manager_or_pmo_head_responds(cast, questionnaire):
    check = _answer_all(cast, _started(cast, questionnaire), questionnaire)
    check = services.health_check_submit(actor=cast.officer, check=check, summary="", expected_version=None)

    with pytest.raises(PermissionDenied):
        services.health_check_agree(actor=cast.other_pm, check=check, response="Fine", expected_version=None)
    with pytest.raises(ValidationError) as refused:
        services.health_check_agree(actor=cast.pm, check=check, response=" ", expected_version=None)
    assert refused.value.message_dict == {"response": [services.RESPONSE_REQUIRED]}
