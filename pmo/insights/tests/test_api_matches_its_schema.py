"""The whole API against its OpenAPI schema (schemathesis), signed in as a PMO head and as an
executive with a personal token, over a small known portfolio with a record of every kind:

- every read is asked for the real records (each list, and each record's page and history),
- every operation gets a few requests generated from the schema (derandomised, so the same each
  run),

and no answer is a server error or differs from what the schema declares (body, content type).
The date is fixed; the run takes about a minute."""

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from config.wsgi import application
from pmo.change.choices import ChangeType
from pmo.change.services import change_request_raise
from pmo.core.choices import Role
from pmo.core.models import User
from pmo.core.services import api_token_create
from pmo.insights.tests.conftest import Portfolio
from pmo.raid.tests.factories import (
    AssumptionFactory,
    DecisionFactory,
    DependencyFactory,
    IssueFactory,
    RiskFactory,
)
from pmo.schedule.services import plan_import
from pmo.schedule.tests.baselined import baselined_move

pytestmark = pytest.mark.first  # long (every operation, for two roles): started first

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
GENERATED = hypothesis.settings(
    max_examples=3,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
# Revoking the token the run is signed with would leave the rest of the run unsigned.
NOT_TRIED = {("DELETE", "/api/v1/auth/token/")}


@pytest.fixture(scope="module")
def app() -> Iterator[Any]:
    """The site's WSGI application, answering inside the test's transaction: like Django's test
    client, it leaves the database connection open between requests (on PostgreSQL, closing it
    would end the transaction the test's data is in)."""

    def in_the_test_transaction(environ: dict[str, Any], start_response: Any) -> Any:
        # Each time: Django's test client connects them again after each of its requests.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        return application(environ, start_response)

    yield in_the_test_transaction
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema(app: Any, django_db_blocker: Any) -> Any:
    """The API's schema as the site serves it, read once for both roles."""
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/", app)


def _every_kind_of_record(portfolio: Portfolio, make_user: Callable[..., User]) -> None:
    """The dashboard's portfolio has projects, reports, baselines, checks, an exception and
    actions; add the other RAID registers, a change request, each with its choices unset, and a
    plan."""
    project = portfolio.projects["BRE-001"]
    for factory in (RiskFactory, AssumptionFactory, IssueFactory, DecisionFactory):
        factory(project=project)
    DependencyFactory(project=project, depends_on=portfolio.projects["STE-001"])
    change_request_raise(
        actor=make_user(Role.PMO_HEAD, username="raiser"),
        project=project,
        fields={"title": "Welsh", "change_type": ChangeType.SCOPE, "description": "Pages", "reason": "Law"},
    )
    # a plan with calendars, two saved baselines and a custom field: the schedule reads have rows
    plan_import(actor=None, project=project, data=baselined_move(), filename="move.xml")


def _first_record(client: APIClient, collection: str) -> dict[str, Any] | None:
    body = client.get(collection).json()
    rows = body.get("results", body) if isinstance(body, dict) else body
    return rows[0] if isinstance(rows, list) and rows else None


def _problem(operation: Any, call: Callable[[], Any]) -> str | None:
    try:
        call()
    except (AssertionError, FailureGroup) as failure:  # what the checks found, with a curl line
        return f"{operation.label}: {failure}"
    return None


def _known_record_problems(
    operations: list[Any], client: APIClient, headers: dict[str, str]
) -> tuple[int, list[str]]:
    tried, problems = 0, []
    for operation in operations:
        if operation.method.upper() != "GET":
            continue
        names = [p.name for p in operation.path_parameters]
        values: dict[str, Any] = {}
        if names:
            collection = operation.path.split("{")[0]
            record = _first_record(client, collection)
            if record is None or any(name not in record for name in names):
                continue
            values = {name: record[name] for name in names}
        case = operation.Case(path_parameters=values)
        tried += 1
        problem = _problem(operation, partial(case.call_and_validate, headers=headers, checks=CHECKS))
        problems += [problem] if problem else []
    return tried, problems


def _generated_problems(operation: Any, headers: dict[str, str], examples: int) -> list[str]:
    problems: list[str] = []

    @hypothesis.settings(GENERATED, max_examples=examples)
    @hypothesis.given(case=operation.as_strategy())
    def exercise(case: Any) -> None:
        problem = _problem(operation, lambda: case.call_and_validate(headers=headers, checks=CHECKS))
        problems.extend([problem] if problem else [])

    exercise()
    return problems[:1]


@pytest.mark.parametrize("role", [Role.PMO_HEAD, Role.EXECUTIVE], ids=["pmo-head", "executive"])
def test_every_operation_answers_as_the_schema_says(
    schema: Any, portfolio: Portfolio, make_user: Callable[..., User], role: Role
) -> None:
    # Given a record of every kind and a personal token of a user in the role,
    _every_kind_of_record(portfolio, make_user)
    _, secret = api_token_create(user=make_user(role, username="prober"), name="schemathesis")
    headers = {"Authorization": f"Token {secret}"}
    client = APIClient(headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if (op.method.upper(), op.path) not in NOT_TRIED]

    # when every read is asked for the real records and every operation is sent generated requests,
    tried, problems = _known_record_problems(operations, client, headers)
    # (an executive changes nothing: one request an operation shows its refusals as declared)
    examples = GENERATED.max_examples if role == Role.PMO_HEAD else 1
    problems += [
        problem for operation in operations for problem in _generated_problems(operation, headers, examples)
    ]

    # then none answers with a server error or outside what the schema declares.
    assert len(operations) > 150 and tried > 70
    assert not problems, "\n\n".join(problems)
