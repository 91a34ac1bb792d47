"""Questionnaires: drafts edited, published (then frozen), new versions; refused when empty."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.assurance import services
from pmo.assurance.choices import QuestionnaireStatus
from pmo.assurance.defaults import DEFAULT_AREAS


def test_the_default_questionnaire_covers_every_area(questionnaire):
    assert questionnaire.status == QuestionnaireStatus.PUBLISHED
    assert [a.name for a in questionnaire.areas.all()] == list(DEFAULT_AREAS)
    assert questionnaire.levels[0] == "Not in place"
    assert questionnaire.maximum == 4


def test_a_questionnaire_with_no_questions_is_refused(cast):
    draft = services.questionnaire_create(actor=cast.head, name="Audit")

    with pytest.raises(ValidationError) as refused:
        services.questionnaire_publish(actor=cast.head, questionnaire=draft, expected_version=None)

    assert refused.value.messages == [
        "Audit v1 has no questions: add at least one question before publishing it."
    ]


def test_an_area_without_questions_is_refused(cast):
    draft = services.questionnaire_create(actor=cast.head, name="Audit")
    area = services.area_add(actor=cast.head, questionnaire=draft, name="Planning")
    services.question_add(actor=cast.head, area=area, text="Is there a plan?")
    services.area_add(actor=cast.head, questionnaire=draft, name="Benefits")

    with pytest.raises(ValidationError) as refused:
        services.questionnaire_publish(actor=cast.head, questionnaire=draft, expected_version=None)

    assert refused.value.messages == [
        "Audit v1 has areas without questions (Benefits): add questions or remove them."
    ]


def test_a_published_version_is_frozen_and_a_new_version_leaves_old_checks_alone(cast, questionnaire):
    # Given a check made with v1
    check = services.health_check_plan(
        actor=cast.officer,
        project=cast.project,
        questionnaire=questionnaire,
        planned_on=dt.date(2026, 12, 10),
    )
    # When the head changes it: refused on v1, done on a new version
    with pytest.raises(ValidationError, match="is published: it cannot be changed"):
        services.area_add(actor=cast.head, questionnaire=questionnaire, name="Security")
    draft = services.questionnaire_new_version(actor=cast.head, questionnaire=questionnaire)
    security = services.area_add(actor=cast.head, questionnaire=draft, name="Security")
    services.question_add(actor=cast.head, area=security, text="Is data protection assessed?")
    services.questionnaire_publish(actor=cast.head, questionnaire=draft, expected_version=None)

    # Then v2 is published with one more area, v1 retired, and the check still uses v1
    questionnaire.refresh_from_db()
    assert (draft.number, draft.areas.count()) == (2, len(DEFAULT_AREAS) + 1)
    assert questionnaire.status == QuestionnaireStatus.RETIRED
    check.refresh_from_db()
    assert check.questionnaire == questionnaire
    with pytest.raises(ValidationError) as refused:
        services.health_check_plan(
            actor=cast.officer,
            project=cast.project,
            questionnaire=questionnaire,
            planned_on=dt.date(2026, 12, 10),
        )
    assert refused.value.message_dict == {
        "questionnaire": [
            f"{questionnaire} is retired: only a published questionnaire can be used for a health check."
        ]
    }


def test_only_the_pmo_head_edits_questionnaires(cast, questionnaire):
    with pytest.raises(PermissionDenied):
        services.questionnaire_new_version(actor=cast.officer, questionnaire=questionnaire)
    with pytest.raises(PermissionDenied):
        services.questionnaire_create(actor=cast.pm, name="Mine")
