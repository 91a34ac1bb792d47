"""History reads and personal API tokens."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.core.choices import Role
from pmo.core.history import BAD_POINT_IN_TIME, FUTURE_POINT_IN_TIME, history_entries, parse_point_in_time
from pmo.core.models import ApiToken
from pmo.core.services import api_token_create, api_token_revoke
from pmo.portfolio.services import project_update
from pmo.portfolio.tests.factories import OrgUnitFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_history_names_who_changed_what_from_and_to(make_user):
    ann = make_user(Role.PMO_ANALYST, username="ann", first_name="Ann", last_name="Lee")
    project = ProjectFactory(name="Libraries Wi-Fi", department=OrgUnitFactory(name="Housing"))
    new_department = OrgUnitFactory(name="Customer Services")

    project_update(
        actor=ann,
        project=project,
        fields={"name": "Libraries Wi-Fi refresh", "department": new_department},
        expected_version=1,
    )

    latest, created = history_entries(project, user=ann)
    assert (latest.kind, latest.who, latest.version) == ("changed", "Ann Lee", 2)
    assert {
        "field": "name",
        "before": "Libraries Wi-Fi",
        "after": "Libraries Wi-Fi refresh",
    } in latest.changes
    assert {"field": "department", "before": "Housing", "after": "Customer Services"} in latest.changes
    assert created.kind == "created"


def test_history_writes_money_in_pounds_and_other_figures_without_trailing_zeros(make_user):
    ann = make_user(Role.PMO_ANALYST, username="ann", first_name="Ann", last_name="Lee")
    project = ProjectFactory(budget=Decimal("420000.00"))

    project_update(actor=ann, project=project, fields={"budget": Decimal("1250.50")}, expected_version=1)

    latest = history_entries(project, user=ann)[0]
    assert {"field": "headline budget (£)", "before": "£420,000", "after": "£1,250.50"} in latest.changes


def test_reading_history_costs_the_same_queries_however_long_it_is(make_user):
    head = make_user(Role.PMO_HEAD)
    short, long_ = ProjectFactory(), ProjectFactory()
    for n in range(12):
        project_update(actor=head, project=long_, fields={"name": f"Name {n}"}, expected_version=n + 1)

    with CaptureQueriesContext(connection) as few:
        history_entries(short, user=head)
    with CaptureQueriesContext(connection) as many:
        entries = history_entries(long_, user=head)

    assert len(entries) == 13
    assert len(few) == len(many)


@pytest.mark.parametrize("raw", ["31/02/2026", "yesterday", "2026-13-01"])
def test_a_bad_point_in_time_is_explained(raw):
    with pytest.raises(ValueError, match="Give a date as YYYY-MM-DD"):
        parse_point_in_time(raw)
    assert BAD_POINT_IN_TIME.format(raw=raw)


def test_a_future_point_in_time_is_refused():
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(ValueError, match=FUTURE_POINT_IN_TIME.format(raw=tomorrow)):
        parse_point_in_time(tomorrow)


def test_a_date_means_the_end_of_that_day():
    moment = parse_point_in_time("2026-03-31")
    local = timezone.localtime(moment)
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 3, 31), 23, 59)


def test_a_token_is_stored_only_as_a_digest_and_revoked_by_its_owner_only(make_user):
    owner, other = make_user(), make_user()

    token, secret = api_token_create(user=owner, name="Power BI")

    assert secret.startswith("pmo_")
    assert token.digest == ApiToken.digest_of(secret) and secret not in token.digest
    with pytest.raises(PermissionDenied):
        api_token_revoke(user=other, token=token)
    api_token_revoke(user=owner, token=token)
    assert not ApiToken.objects.active().filter(pk=token.pk).exists()
