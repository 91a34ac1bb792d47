"""Corrective actions: an exception's recovery plan, kept as RAID actions of its project (source
"exception", the exception's reference), added through the RAID services with the owner told."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.models import Notification
from pmo.portfolio.models import Person
from pmo.raid.choices import ActionSource, ActionStatus
from pmo.raid.models import Action
from pmo.reporting import selectors, services
from pmo.reporting.models import ProjectException

pytestmark = pytest.mark.django_db


def in_days(days):
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def exception(cast):
    return ProjectException.objects.create(
        project=cast.project, dimensions="time", breach_summary="late", raised_at=timezone.now()
    )


def add(cast, exception, actor=None, **fields):
    values = {
        "title": "  Re-tender the hosting contract  ",
        "owner": cast.project.project_manager,
        "due": in_days(14),
    }
    values.update(fields)
    return services.exception_action_add(actor=actor or cast.officer, exception=exception, **values)


def test_an_exception_is_referred_to_as_exc_and_its_number(exception):
    assert exception.reference == f"EXC-{exception.pk}"


@pytest.mark.parametrize("who", ["pm", "sponsor", "head", "analyst", "officer"])
def test_the_pm_sponsor_and_pmo_add_actions_and_the_owner_is_told(cast, exception, who):
    action = add(cast, exception, actor=cast.by_name(who), description="Board asked for it")

    assert isinstance(action, Action)
    assert (action.title, action.description) == ("Re-tender the hosting contract", "Board asked for it")
    assert (action.project, action.status) == (cast.project, ActionStatus.OPEN)
    assert (action.source, action.source_reference) == (ActionSource.EXCEPTION, exception.reference)
    entry = action.history.get()
    assert (entry.history_user, entry.history_change_reason) == (
        cast.by_name(who),
        f"Corrective action for {exception.reference}",
    )
    told = Notification.objects.filter(key=f"raid-action-assigned:{action.pk}")
    if who == "pm":  # the owner added it: no need to tell them
        assert not told.exists()
    else:
        assert told.get().recipient == cast.pm
        assert told.get().subject == (
            f"Corrective action for {exception.reference} assigned, due {action.due:%-d %b %Y}: "
            "Re-tender the hosting contract"
        )
        assert told.get().url == f"/raid/actions/{action.pk}/"


def test_an_owner_outside_a_confidential_project_is_not_told_its_news(cast, exception):
    # Given the project is confidential and the action's owner is another project's manager
    cast.project.confidential = True
    cast.project.save()
    outsider = Person.objects.get(user=cast.other_pm)

    # When the PMO adds a corrective action they own
    action = add(cast, exception, owner=outsider)

    # Then they are not told (the message would name the project), as they may not open it
    assert not cast.other_pm.has_perm("raid.view_action", action)
    assert not Notification.objects.filter(recipient=cast.other_pm).exists()


@pytest.mark.parametrize("who", ["other_pm", "other_sponsor", "executive", "finance"])
def test_nobody_else_adds_actions(cast, exception, who):
    with pytest.raises(PermissionDenied) as error:
        add(cast, exception, actor=cast.by_name(who))

    assert str(error.value) == f"You do not have permission to add actions to {cast.project}."
    assert not Action.objects.exists()


def test_an_action_cannot_be_due_in_the_past(cast, exception):
    with pytest.raises(ValidationError) as error:
        add(cast, exception, due=in_days(-1))

    assert error.value.message_dict == {"due": [services.ACTION_DUE_IN_PAST]}
    assert not Action.objects.exists()


def test_an_action_needs_a_title(cast, exception):
    with pytest.raises(ValidationError) as error:
        add(cast, exception, title="   ")

    assert error.value.message_dict == {"title": ["This field cannot be blank."]}


def test_the_exception_lists_only_its_own_actions(cast, exception):
    mine = add(cast, exception)
    exception.status = "decided"
    exception.save()
    later = ProjectException.objects.create(
        project=cast.project, dimensions="cost", breach_summary="dear", raised_at=timezone.now()
    )
    theirs = add(cast, later, title="Cut scope")

    assert list(selectors.corrective_actions(user=cast.pm, exception=exception)) == [mine]
    assert list(selectors.corrective_actions(user=cast.pm, exception=later)) == [theirs]
    assert set(selectors.corrective_actions(user=cast.pm, project=cast.project)) == {mine, theirs}
