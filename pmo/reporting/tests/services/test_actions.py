"""Corrective actions: the project's recovery plan, with owners told and completion stamped."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.models import Notification
from pmo.core.services import NOT_EDITABLE, ConflictError
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import PersonFactory
from pmo.reporting import services
from pmo.reporting.choices import ActionStatus
from pmo.reporting.models import CorrectiveAction, ProjectException

pytestmark = pytest.mark.django_db


def in_days(days):
    return timezone.localdate() + dt.timedelta(days=days)


def add(cast, actor=None, **fields):
    values = {
        "project": cast.project,
        "description": "  Re-tender the hosting contract  ",
        "owner": cast.project.project_manager,
        "due": in_days(14),
    }
    values.update(fields)
    return services.corrective_action_create(actor=actor or cast.officer, **values)


@pytest.mark.parametrize("who", ["pm", "sponsor", "head", "analyst", "officer"])
def test_the_pm_sponsor_and_pmo_add_actions_and_the_owner_is_told(cast, who):
    action = add(cast, actor=cast.by_name(who))

    assert action.description == "Re-tender the hosting contract"
    assert action.status == ActionStatus.OPEN
    assert action.history.get().history_user == cast.by_name(who)
    told = Notification.objects.filter(key=f"action-assigned:{action.pk}")
    if who == "pm":  # the owner added it: no need to tell them
        assert not told.exists()
    else:
        assert told.get().recipient == cast.pm
        assert told.get().subject == (
            f"Action for WEB due {action.due:%d %b %Y}: Re-tender the hosting contract"
        )


@pytest.mark.parametrize("who", ["other_pm", "other_sponsor", "executive", "finance"])
def test_nobody_else_adds_actions(cast, who):
    with pytest.raises(PermissionDenied) as error:
        add(cast, actor=cast.by_name(who))

    assert str(error.value) == f"You do not have permission to add corrective actions to {cast.project}."
    assert not CorrectiveAction.objects.exists()


def test_an_action_cannot_be_due_in_the_past(cast):
    with pytest.raises(ValidationError) as error:
        add(cast, due=in_days(-1))

    assert error.value.message_dict == {"due": [services.ACTION_DUE_IN_PAST]}


def test_an_action_needs_a_description(cast):
    with pytest.raises(ValidationError) as error:
        add(cast, description="   ")

    assert error.value.message_dict == {"description": ["This field cannot be blank."]}


def test_an_action_belongs_to_its_exceptions_project(cast):
    other = Project.objects.get(code="OTHER")
    exception = ProjectException.objects.create(
        project=other, dimensions="time", breach_summary="late", raised_at=timezone.now()
    )

    with pytest.raises(ValidationError) as error:
        add(cast, exception=exception)

    assert error.value.message_dict == {
        "exception": [f"This exception belongs to {other}, not to {cast.project}."]
    }


def test_done_stamps_the_day_and_reopening_clears_it(cast):
    action = add(cast)

    done = services.corrective_action_update(
        actor=cast.pm, action=action, fields={"status": ActionStatus.DONE}, expected_version=action.version
    )
    assert done.completed_on == timezone.localdate()

    reopened = services.corrective_action_update(
        actor=cast.pm, action=done, fields={"status": ActionStatus.OPEN}, expected_version=done.version
    )
    assert reopened.completed_on is None
    assert reopened.version == 3


def test_a_new_owner_is_told(cast):
    action = add(cast)
    owner_user = type(cast.pm).objects.create_user(username="dana", email="dana@council.example")
    dana = PersonFactory(user=owner_user)

    services.corrective_action_update(
        actor=cast.pm, action=action, fields={"owner": dana}, expected_version=action.version
    )

    assert Notification.objects.get(key=f"action-assigned:{action.pk}:{dana.pk}").recipient == owner_user


def test_an_action_stays_with_its_project(cast):
    action = add(cast)

    with pytest.raises(ValidationError) as error:
        services.corrective_action_update(
            actor=cast.head,
            action=action,
            fields={"project": Project.objects.get(code="OTHER")},
            expected_version=action.version,
        )

    assert error.value.message_dict == {"project": [NOT_EDITABLE]}


def test_rescheduling_into_the_past_is_refused(cast):
    action = add(cast)

    with pytest.raises(ValidationError) as error:
        services.corrective_action_update(
            actor=cast.pm, action=action, fields={"due": in_days(-3)}, expected_version=action.version
        )

    assert error.value.message_dict == {"due": [services.ACTION_DUE_IN_PAST]}


def test_another_pm_cannot_change_the_action(cast):
    action = add(cast)

    with pytest.raises(PermissionDenied) as error:
        services.corrective_action_update(
            actor=cast.other_pm, action=action, fields={"notes": "Mine now"}, expected_version=action.version
        )

    assert str(error.value) == f"You do not have permission to change {action}."


def test_a_stale_action_change_is_a_conflict(cast):
    action = add(cast)
    services.corrective_action_update(
        actor=cast.sponsor,
        action=action,
        fields={"notes": "Chased supplier"},
        expected_version=action.version,
    )

    with pytest.raises(ConflictError):
        services.corrective_action_update(
            actor=cast.pm, action=action, fields={"notes": "Other note"}, expected_version=action.version - 1
        )

    action.refresh_from_db()
    assert action.notes == "Chased supplier"
