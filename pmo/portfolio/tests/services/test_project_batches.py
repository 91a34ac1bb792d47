"""The batch services the project import writes through: a batch keeps every rule of a single
write (rights as stored, governance for the PMO, validation, versions), all or nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.choices import Role
from pmo.core.services import ConflictError
from pmo.portfolio.models import Project
from pmo.portfolio.services import CODE_TAKEN, projects_create, projects_update
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory, StrategicObjectiveFactory
from pmo.portfolio.tests.services.test_project_services import project_fields

pytestmark = pytest.mark.django_db


def test_a_batch_creates_each_project_with_its_objectives_tier_and_history(make_user):
    officer = make_user(Role.PMO_OFFICER)
    first, second = StrategicObjectiveFactory(), StrategicObjectiveFactory()

    created = projects_create(
        actor=officer,
        items=[
            (project_fields(code="B-1", budget=Decimal("650000")), [first, second]),
            (project_fields(code="B-2", budget=Decimal("5000")), []),
        ],
        reason="Imported from b.xlsx",
    )

    assert [p.code for p in created] == ["B-1", "B-2"]
    one, two = Project.objects.get(code="B-1"), Project.objects.get(code="B-2")
    assert (one.size_tier, two.size_tier, one.version) == ("large", "small", 1)
    assert set(one.strategic_objectives.all()) == {first, second}
    entry = one.history.get()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "+",
        officer,
        "Imported from b.xlsx",
    )
    assert set(entry.strategic_objectives.values_list("strategicobjective_id", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_someone_who_may_not_add_projects_adds_none(make_user):
    with pytest.raises(PermissionDenied):
        projects_create(actor=make_user(Role.PROJECT_MANAGER), items=[(project_fields(), [])])
    assert Project.objects.count() == 0


def test_a_code_already_in_the_register_stops_the_batch(make_user):
    ProjectFactory(code="B-1")

    with pytest.raises(ValidationError) as refused:
        projects_create(
            actor=make_user(Role.PMO_HEAD),
            items=[(project_fields(code="B-0"), []), (project_fields(code="B-1"), [])],
        )

    assert refused.value.message_dict == {"code": [CODE_TAKEN.format(code="B-1")]}
    assert list(Project.objects.values_list("code", flat=True)) == ["B-1"]


def test_a_project_manager_may_not_change_governance_fields_in_a_batch(make_user):
    pm = make_user(Role.PROJECT_MANAGER)
    mine = ProjectFactory(project_manager=PersonFactory(user=pm))

    with pytest.raises(PermissionDenied):
        projects_update(actor=pm, changes=[(mine, {"confidential": True}, None, 1)])

    projects_update(actor=pm, changes=[(mine, {"name": "Renamed by the PM"}, None, 1)])
    mine.refresh_from_db()
    assert (mine.name, mine.confidential, mine.version) == ("Renamed by the PM", False, 2)


def test_a_stale_version_is_a_conflict_and_the_batch_writes_nothing(make_user):
    officer = make_user(Role.PMO_OFFICER)
    fresh, stale = ProjectFactory(code="A-1"), ProjectFactory(code="A-2")
    Project.objects.filter(pk=stale.pk).update(version=2)

    with pytest.raises(ConflictError):
        projects_update(
            actor=officer,
            changes=[(fresh, {"name": "New"}, None, 1), (stale, {"name": "New"}, None, 1)],
        )

    assert list(Project.objects.order_by("code").values_list("name", "version")) == [
        (fresh.name, 1),
        (stale.name, 2),
    ]


def test_a_change_that_changes_nothing_keeps_the_version_and_writes_no_history(make_user):
    project = ProjectFactory()
    objective = StrategicObjectiveFactory()
    project.strategic_objectives.set([objective])
    entries = project.history.count()

    updated = projects_update(
        actor=make_user(Role.PMO_HEAD), changes=[(project, {"name": project.name}, [objective], 1)]
    )

    assert updated == []
    project.refresh_from_db()
    assert (project.version, project.history.count()) == (1, entries)
