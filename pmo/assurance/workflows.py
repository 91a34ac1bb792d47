"""A health check's lifecycle as a table (``pmo.core.workflow``): planned → in progress (the
assessor answers and records findings) → submitted (scored, findings and recommendations) →
agreed (the project manager's response) → closed. The services guard every step with
``ensure``; the check's page buttons and the API's ``actions`` come from ``allowed_actions``."""

from typing import Any

from pmo.assurance.choices import ASSESSING, HealthCheckStatus
from pmo.core.workflow import Transition, Workflow

NOT_CHANGEABLE = "{record} is {state}: its answers and findings can no longer be changed."


def _not_changeable(check: Any) -> str:
    return NOT_CHANGEABLE.format(record=check.reference, state=str(check.get_status_display()).lower())


HEALTH_CHECK = Workflow(
    "The health check workflow",
    [
        Transition(
            "edit",
            frozenset({HealthCheckStatus.PLANNED, *ASSESSING}),
            None,
            "Edit",
            permission="assurance.assess_healthcheck",
            refused=_not_changeable,
            doing="change {record}",
        ),
        Transition(
            "start",
            frozenset({HealthCheckStatus.PLANNED}),
            HealthCheckStatus.IN_PROGRESS,
            "Start the assessment",
            permission="assurance.assess_healthcheck",
        ),
        Transition(
            "answer",
            ASSESSING,
            None,
            "Enter answers",
            permission="assurance.assess_healthcheck",
            refused=_not_changeable,
            doing="answer {record}",
        ),
        Transition(
            "find",
            ASSESSING,
            None,
            "Record a finding",
            permission="assurance.assess_healthcheck",
            refused=_not_changeable,
            doing="record findings on {record}",
        ),
        Transition(
            "submit",
            ASSESSING,
            HealthCheckStatus.SUBMITTED,
            "Submit",
            permission="assurance.assess_healthcheck",
        ),
        Transition(
            "agree",
            frozenset({HealthCheckStatus.SUBMITTED}),
            HealthCheckStatus.AGREED,
            "Respond and agree",
            permission="assurance.respond_healthcheck",
            doing="respond to {record}",
        ),
        Transition(
            "close",
            frozenset({HealthCheckStatus.AGREED}),
            HealthCheckStatus.CLOSED,
            "Close",
            permission="assurance.assess_healthcheck",
        ),
    ],
)
