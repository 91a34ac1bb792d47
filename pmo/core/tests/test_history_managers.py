"""``record.history`` is made from one manager class per kind (simple-history made a new class on
every read, a millisecond of every audited write) and still reads that record's history only."""

import pytest

from pmo.core.choices import Role
from pmo.portfolio.services import project_update
from pmo.portfolio.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_each_records_history_is_its_own_from_one_manager_class(make_user):
    ann = make_user(Role.PMO_ANALYST)
    first, second = ProjectFactory(name="Library refit"), ProjectFactory(name="Waste rounds")
    project_update(actor=ann, project=first, fields={"name": "Library refit (phase 2)"}, expected_version=1)

    assert type(first.history) is type(second.history) is type(type(first).history)
    assert [entry.name for entry in first.history.all()] == ["Library refit (phase 2)", "Library refit"]
    assert [entry.name for entry in second.history.all()] == ["Waste rounds"]
    assert first.history.latest().history_user == ann
    assert type(first).history.filter(id=second.pk).count() == 1  # the model's: every record's
