"""Everything a file refers to is read once: checking a file runs the same number of queries
whatever its number of rows, and so do the import page, the template and the export."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pmo.raid.imports import register_import
from pmo.raid.tests.excel.conftest import risk_row
from pmo.raid.tests.factories import RiskFactory

pytestmark = pytest.mark.django_db


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_checking_a_file_reads_what_it_names_once_whatever_its_size(cast, write_sheet):
    existing = RiskFactory.create_batch(12, project=cast.project, owner=cast.project.project_manager)

    def check(rows: int) -> int:
        new = [risk_row(title=f"New {n}", owner="Pat Manager") for n in range(rows)]
        updates = [risk_row(id=r.reference, title=f"Changed {r.pk}") for r in existing[:rows]]
        path = write_sheet([*new, *updates], name=f"file{rows}.xlsx")

        def run() -> None:
            result = register_import("risks", actor=cast.pm, file=path, dry_run=True)
            assert result.ok, [str(e) for e in result.errors]
            assert (result.created, result.updated) == (rows, rows)

        return queries(run)

    check(1)  # the settings row, the user's person
    assert check(2) == check(12)


@pytest.mark.parametrize("url", ["/raid/risks/import/", "/raid/risks/template.xlsx"])
def test_the_pages_run_the_same_queries_whatever_the_register_size(cast, url):
    client = Client()
    client.force_login(cast.pm)
    client.get(url)

    def fetch() -> int:
        return queries(lambda: client.get(url))

    RiskFactory.create_batch(2, project=cast.project)
    small = fetch()
    RiskFactory.create_batch(10, project=cast.other_project)
    assert fetch() == small
