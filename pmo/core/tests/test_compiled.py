"""A query compiled once (``pmo.core.compiled``) reads what the queryset it was built from
reads, for any ids, with the same SQL whatever their number."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from pmo.core.compiled import CompiledQuery
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

PLANNED = CompiledQuery(
    lambda projects: (
        Project.objects.filter(pk__in=projects)
        .order_by("code")
        .values_list("code", "planned_start", F("budget") * 2)
    )
)
PLANNED_AS_DICTS = CompiledQuery(
    lambda projects: Project.objects.filter(pk__in=projects).order_by("code").values("code", "planned_start")
)
OF_TWO = CompiledQuery(
    lambda first, second: (
        Project.objects.filter(pk__in=first)
        .order_by()
        .values_list("code")
        .union(Project.objects.filter(pk__in=second).order_by().values_list("code"), all=True)
    )
)


@pytest.fixture
def projects():
    return [
        ProjectFactory(code="P1", planned_start=dt.date(2026, 1, 5)),
        ProjectFactory(code="P2", planned_start=dt.date(2026, 3, 2)),
        ProjectFactory(code="P3", planned_start=None),
    ]


def test_rows_are_those_of_the_queryset(projects):
    # given projects with dates and budgets (values Django converts from what SQLite returns)
    ids = [p.pk for p in projects]
    # when the compiled query reads some of them, then others
    # then it gives what the queryset itself gives, typed alike (dates, decimals)
    for chosen in (ids, ids[:1], ids[1:], []):
        assert list(PLANNED.rows(projects=chosen)) == list(PLANNED.queryset(projects=chosen))
    assert PLANNED.rows(projects=ids[:1])[0][1] == dt.date(2026, 1, 5)
    assert PLANNED_AS_DICTS.dicts(projects=ids[1:]) == [
        {"code": "P2", "planned_start": dt.date(2026, 3, 2)},
        {"code": "P3", "planned_start": None},
    ]


def test_each_slot_takes_its_own_ids(projects):
    # given a query with two lists of ids (a union)
    first, second, third = (p.pk for p in projects)
    # when it reads one project in the first and two in the second
    found = OF_TWO.rows(first=[first], second=[second, third])
    # then each list filtered its own part
    assert sorted(found) == [("P1",), ("P2",), ("P3",)]
    assert OF_TWO.rows(first=[third], second=[]) == [("P3",)]


def test_the_sql_is_the_same_whatever_the_number_of_ids(projects):
    # given the query already run once
    ids = [p.pk for p in projects]
    PLANNED.rows(projects=ids)
    # when it reads one id and then three
    with CaptureQueriesContext(connection) as queries:
        PLANNED.rows(projects=ids[:1])
        PLANNED.rows(projects=ids)
    # then both ran the one SQL, the ids a single parameter of it
    sql = [query["sql"] for query in queries.captured_queries]
    assert len(sql) == 2
    assert sql[0].split("WHERE")[0] == sql[1].split("WHERE")[0]
    assert sql[0].count("IN (SELECT") == 1
