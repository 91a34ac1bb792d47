"""Workflows as tables: one transitions table per lifecycle (highlight report, exception, change
request, reporting period), declared beside its app's services (``workflows.py``).

A ``Transition`` says from which states an action may be taken, the state it leads to, who may
take it (a ``rules`` permission judged on the record, then any predicate on the user and the
record), what else must hold (``Guard``: the report's period is open…) and the words of each
refusal. ``Workflow.allowed_actions(record, user)`` is what the pages show as buttons and the
API as each record's ``actions``; ``Workflow.ensure(record, user, action)`` is what the services
call before they write. Both read the same table, so a page never offers what the service
refuses (ADR 0024).

The table reads only the record and what is loaded with it (its project, its period, an
annotation) and the user's cached roles, so listing a page of records' actions runs no query
per row."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from rest_framework import serializers

from pmo.core.permissions import NOT_ALLOWED

# The two refusals every transition has, unless its table words them itself.
NOT_IN_STATE = "{record} is {state}: you cannot {verb} it now."
NOT_FOR_YOU = NOT_ALLOWED
UNKNOWN_ACTION = "{workflow} has no action {action!r}: its actions are {actions}."
ACTIONS_HELP = (
    "What the signed-in user may do to this record now, by its workflow's table (the services "
    "refuse anything else): edit is a PATCH of the record, each other name a POST to the "
    "record's action of that name. An action not listed would be refused."
)

# A refusal's words: a template (formatted with ``record``, ``state``, ``verb``, the action's
# name, and ``action``, the transition's ``doing``) or a function of the record.
Message = str | Callable[[Any], str]


@dataclass(frozen=True)
class Guard:
    """A condition beyond the record's state, with the words given when it fails."""

    holds: Callable[[Any], bool]
    message: Message


@dataclass(frozen=True)
class Transition:
    """One row of a workflow's table.

    ``permission`` (a ``rules`` permission judged on the record) is checked first, then the
    state (``sources``; refused with ``refused``), then the ``guards``, then ``who`` (a
    predicate on the user and the record, refused with ``denied``): so a person with no part in
    the record hears that, and one who has hears why not now."""

    action: str
    sources: frozenset[str]
    target: str | None
    label: str
    permission: str = ""
    who: Callable[[Any, Any], bool] | None = None
    refused: Message = NOT_IN_STATE
    guards: tuple[Guard, ...] = ()
    denied: Message = NOT_FOR_YOU
    # How NOT_FOR_YOU words the action ("submit {record}").
    doing: str = "{action} {record}"


class Workflow:
    """A lifecycle's transitions table; ``field`` names the record's state."""

    def __init__(self, name: str, transitions: Iterable[Transition], *, field: str = "status") -> None:
        self.name = name
        self.field = field
        self.transitions = tuple(transitions)
        self._rows = {row.action: row for row in self.transitions}
        if len(self._rows) != len(self.transitions):
            raise ValueError(f"{name}: an action is listed twice")

    @property
    def actions(self) -> tuple[str, ...]:
        """Every action of the table, in its order (the API's enum)."""
        return tuple(self._rows)

    def transition(self, action: str) -> Transition:
        try:
            return self._rows[action]
        except KeyError:
            raise ValueError(
                UNKNOWN_ACTION.format(workflow=self.name, action=action, actions=", ".join(self.actions))
            ) from None

    def target(self, action: str) -> str | None:
        return self.transition(action).target

    def label(self, action: str) -> str:
        return self.transition(action).label

    def state_label(self, record: Any) -> str:
        """The record's state in words, as a sentence uses them ("returned with comments")."""
        return str(getattr(record, f"get_{self.field}_display")()).lower()

    def _words(self, message: Message, record: Any, row: Transition) -> str:
        if callable(message):
            return message(record)
        return message.format(
            record=record,
            state=self.state_label(record),
            verb=row.action,
            action=row.doing.format(action=row.action, record=record),
        )

    def refusal(self, record: Any, user: Any, action: str) -> PermissionDenied | ValidationError | None:
        """Why ``user`` may not take ``action`` on ``record`` now (None: they may). ``user``
        None is the system itself: only the state and the guards are judged."""
        row = self.transition(action)
        if user is not None and row.permission and not user.has_perm(row.permission, record):
            return PermissionDenied(self._words(NOT_FOR_YOU, record, row))
        if getattr(record, self.field) not in row.sources:
            return ValidationError(self._words(row.refused, record, row))
        for guard in row.guards:
            if not guard.holds(record):
                return ValidationError(self._words(guard.message, record, row))
        if user is not None and row.who is not None and not row.who(user, record):
            return PermissionDenied(self._words(row.denied, record, row))
        return None

    def allowed_actions(self, record: Any, user: Any) -> list[str]:
        """The actions ``user`` may take on ``record`` now, in the table's order. The state is
        looked at first: an action the state rules out costs no permission check."""
        state = getattr(record, self.field)
        return [
            row.action
            for row in self.transitions
            if state in row.sources and self.refusal(record, user, row.action) is None
        ]

    def ensure(self, record: Any, user: Any, action: str) -> None:
        """Raise PermissionDenied or ValidationError unless ``user`` may take ``action`` on
        ``record`` now (the services call this on the row they have locked)."""
        refusal = self.refusal(record, user, action)
        if refusal is not None:
            raise refusal


def refused_page(request: HttpRequest, workflow: Workflow, record: Any, action: str) -> HttpResponse | None:
    """For a page that takes ``action`` (a form): None when the user may; else the refusal of
    the workflow's table: a PermissionDenied is raised (the 403 page with the reason), a record
    in the wrong state sends the user back to its page, saying why."""
    refusal = workflow.refusal(record, request.user, action)
    if refusal is None:
        return None
    if isinstance(refusal, PermissionDenied):
        raise refusal
    messages.error(request, " ".join(refusal.messages))
    return redirect(record.get_absolute_url())


class ActionsField(serializers.ListField):
    """A record's ``actions`` in the API: ``Workflow.allowed_actions`` for the signed-in user,
    read-only, declared in the schema as an array of the workflow's action names."""

    def __init__(self, workflow: Workflow, **kwargs: Any) -> None:
        self.workflow = workflow
        kwargs.setdefault("help_text", ACTIONS_HELP)
        child = serializers.ChoiceField(choices=[(row.action, row.label) for row in workflow.transitions])
        super().__init__(child=child, read_only=True, source="*", **kwargs)

    def to_representation(self, data: Any) -> list[str]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return self.workflow.allowed_actions(data, user)
