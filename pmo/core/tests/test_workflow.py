"""The workflow table itself (``pmo.core.workflow``), on a made-up lifecycle: a door that is
opened, closed and locked. No database: the records are plain objects."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import serializers

from pmo.core.workflow import NOT_FOR_YOU, NOT_IN_STATE, ActionsField, Guard, Transition, Workflow

WEDGED = "{record} is wedged: free it first."
NO_KEY = "Only the keeper locks {record}."


@dataclass
class Door:
    status: str
    wedged: bool = False

    def __str__(self) -> str:
        return "The front door"

    def get_status_display(self) -> str:
        return self.status.capitalize()


@dataclass
class Person:
    perms: frozenset[str]
    keeper: bool = False
    is_authenticated: bool = True

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return perm in self.perms


DOOR = Workflow(
    "The door",
    [
        Transition("open", frozenset({"closed"}), "open", "Open", permission="door.use"),
        Transition(
            "close",
            frozenset({"open"}),
            "closed",
            "Close",
            permission="door.use",
            guards=(Guard(lambda door: not door.wedged, WEDGED),),
        ),
        Transition(
            "lock",
            frozenset({"closed"}),
            "locked",
            "Lock",
            permission="door.use",
            who=lambda person, door: person.keeper,
            denied=NO_KEY,
            doing="lock {record}",
        ),
    ],
)
USER = Person(frozenset({"door.use"}))
KEEPER = Person(frozenset({"door.use"}), keeper=True)
STRANGER = Person(frozenset())


@pytest.mark.parametrize(
    ("door", "person", "allowed"),
    [
        (Door("closed"), KEEPER, ["open", "lock"]),
        (Door("closed"), USER, ["open"]),
        (Door("closed"), STRANGER, []),
        (Door("open"), USER, ["close"]),
        (Door("open", wedged=True), USER, []),
        (Door("locked"), KEEPER, []),
    ],
)
def test_allowed_actions_are_those_no_check_refuses(door, person, allowed):
    assert DOOR.allowed_actions(door, person) == allowed
    for action in DOOR.actions:
        assert (DOOR.refusal(door, person, action) is None) == (action in allowed)


def test_a_refusal_says_first_who_then_when_then_what_else():
    """No part in the record: told so, whatever its state; a part, but the wrong state: told
    the state; the right state but a guard fails: its words; all that, but not the one who may."""
    with pytest.raises(PermissionDenied) as stranger:
        DOOR.ensure(Door("locked"), STRANGER, "lock")
    with pytest.raises(ValidationError) as locked:
        DOOR.ensure(Door("locked"), USER, "lock")
    with pytest.raises(ValidationError) as wedged:
        DOOR.ensure(Door("open", wedged=True), USER, "close")
    with pytest.raises(PermissionDenied) as not_keeper:
        DOOR.ensure(Door("closed"), USER, "lock")

    assert str(stranger.value) == NOT_FOR_YOU.format(action="lock The front door")
    assert locked.value.messages == [
        NOT_IN_STATE.format(record="The front door", state="locked", verb="lock")
    ]
    assert locked.value.messages == ["The front door is locked: you cannot lock it now."]
    assert wedged.value.messages == ["The front door is wedged: free it first."]
    assert str(not_keeper.value) == "Only the keeper locks The front door."


def test_the_system_is_held_to_the_state_but_not_to_a_person():
    DOOR.ensure(Door("closed"), None, "lock")  # no one's permission asked

    with pytest.raises(ValidationError):
        DOOR.ensure(Door("locked"), None, "open")


def test_an_unknown_action_is_named_with_those_there_are():
    with pytest.raises(
        ValueError, match=r"The door has no action 'kick': its actions are open, close, lock\."
    ):
        DOOR.ensure(Door("closed"), KEEPER, "kick")


def test_an_action_is_listed_once():
    row = Transition("open", frozenset({"closed"}), "open", "Open")

    with pytest.raises(ValueError, match="listed twice"):
        Workflow("Twice", [row, row])


def test_the_table_says_where_each_action_leads():
    assert [(DOOR.label(a), DOOR.target(a)) for a in DOOR.actions] == [
        ("Open", "open"),
        ("Close", "closed"),
        ("Lock", "locked"),
    ]


class DoorSerializer(serializers.Serializer):
    status = serializers.CharField()
    actions = ActionsField(DOOR)


@dataclass
class Request:
    user: Any


def test_the_api_field_lists_the_readers_actions_and_nothing_for_no_one():
    door = Door("closed")

    keeper = DoorSerializer(door, context={"request": Request(KEEPER)}).data
    nobody = DoorSerializer(door, context={}).data
    anonymous = DoorSerializer(
        door, context={"request": Request(Person(frozenset(), is_authenticated=False))}
    ).data

    assert keeper == {"status": "closed", "actions": ["open", "lock"]}
    assert nobody["actions"] == anonymous["actions"] == []
    assert DoorSerializer().fields["actions"].read_only
