"""Project services: the rules of the register hold whoever calls them (UI, API, import, CLI)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.choices import Role
from pmo.core.services import DELETE_PROTECTED, STALE_VERSION, ConflictError
from pmo.portfolio.models import FINISH_BEFORE_START, PROJECTS_IN_OTHER_PORTFOLIO, Project
from pmo.portfolio.services import (
    project_create,
    project_delete,
    project_update,
    register_entry_delete,
    register_entry_update,
)
from pmo.portfolio.tests.factories import (
    OrgUnitFactory,
    PersonFactory,
    PortfolioFactory,
    ProgrammeFactory,
    ProjectFactory,
    StrategicObjectiveFactory,
    default_stage,
)

pytestmark = pytest.mark.django_db


def project_fields(**overrides):
    fields = {
        "code": "NEW-1",
        "name": "Council tax online self-service",
        "portfolio": PortfolioFactory(name="IT Portfolio"),
        "department": OrgUnitFactory(name="Finance & Assets"),
        "sponsor": PersonFactory(),
        "project_manager": PersonFactory(),
        "category": "service_improvement",
        "stage": default_stage(),
        "budget": Decimal("650000"),
    }
    fields.update(overrides)
    return fields


def test_pmo_officer_creates_a_project_with_tier_from_budget_and_history(make_user):
    officer = make_user(Role.PMO_OFFICER)
    objective = StrategicObjectiveFactory()

    project = project_create(actor=officer, fields=project_fields(), strategic_objectives=[objective])

    assert project.size_tier == "large"
    assert list(project.strategic_objectives.all()) == [objective]
    entry = project.history.get()
    assert entry.history_type == "+"
    assert entry.history_user == officer


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.SPONSOR, Role.EXECUTIVE, Role.FINANCE_PARTNER])
def test_only_the_pmo_adds_projects(make_user, role):
    user = make_user(role)

    with pytest.raises(PermissionDenied, match="You do not have permission to add projects"):
        project_create(actor=user, fields=project_fields())

    assert not Project.objects.exists()


def test_finish_before_start_is_refused_naming_the_field(make_user):
    head = make_user(Role.PMO_HEAD)

    with pytest.raises(ValidationError) as error:
        project_create(
            actor=head,
            fields=project_fields(planned_start=dt.date(2026, 5, 1), planned_finish=dt.date(2026, 4, 1)),
        )

    assert error.value.message_dict["planned_finish"] == [FINISH_BEFORE_START]
    assert not Project.objects.exists()


def test_negative_budget_is_refused(make_user):
    with pytest.raises(ValidationError) as error:
        project_create(actor=make_user(Role.PMO_HEAD), fields=project_fields(budget=Decimal("-1")))
    assert "budget" in error.value.message_dict


def test_programme_from_another_portfolio_is_refused(make_user):
    other = ProgrammeFactory(portfolio=PortfolioFactory(name="Corporate"))

    with pytest.raises(ValidationError) as error:
        project_create(actor=make_user(Role.PMO_HEAD), fields=project_fields(programme=other))

    assert "belongs to portfolio Corporate" in error.value.message_dict["programme"][0]


def test_project_manager_edits_own_project_but_not_anothers(make_user):
    pm = make_user(Role.PROJECT_MANAGER)
    mine = ProjectFactory(project_manager=PersonFactory(user=pm))
    theirs = ProjectFactory()

    project_update(actor=pm, project=mine, fields={"name": "Renamed by PM"}, expected_version=1)
    with pytest.raises(PermissionDenied):
        project_update(actor=pm, project=theirs, fields={"name": "Hijacked"}, expected_version=1)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.name == "Renamed by PM"
    assert mine.version == 2
    assert theirs.name != "Hijacked"


def test_sponsor_edits_own_project_executive_edits_none(make_user):
    sponsor = make_user(Role.SPONSOR)
    executive = make_user(Role.EXECUTIVE)
    project = ProjectFactory(sponsor=PersonFactory(user=sponsor))

    project_update(actor=sponsor, project=project, fields={"priority": "high"}, expected_version=1)
    with pytest.raises(PermissionDenied):
        project_update(actor=executive, project=project, fields={"priority": "low"}, expected_version=2)

    project.refresh_from_db()
    assert project.priority == "high"


def test_stale_version_is_a_conflict_and_the_other_change_survives(make_user):
    ann, bob = make_user(Role.PMO_ANALYST, username="ann"), make_user(Role.PMO_OFFICER, username="bob")
    project = ProjectFactory(name="Wi-Fi refresh")
    ann_copy = Project.objects.get(pk=project.pk)
    bob_copy = Project.objects.get(pk=project.pk)

    project_update(
        actor=ann, project=ann_copy, fields={"name": "Wi-Fi refresh (libraries)"}, expected_version=1
    )
    with pytest.raises(ConflictError) as conflict:
        project_update(
            actor=bob, project=bob_copy, fields={"name": "Wi-Fi refresh (schools)"}, expected_version=1
        )

    project.refresh_from_db()
    assert project.name == "Wi-Fi refresh (libraries)"
    assert conflict.value.current_version == 2
    assert "was changed by ann" in conflict.value.message
    assert conflict.value.message.startswith(STALE_VERSION.split("{")[0])


def test_an_update_that_changes_nothing_keeps_version_and_history(make_user):
    head = make_user(Role.PMO_HEAD)
    project = ProjectFactory()
    before = project.history.count()

    project_update(actor=head, project=project, fields={"name": project.name}, expected_version=1)

    project.refresh_from_db()
    assert project.version == 1
    assert project.history.count() == before


def test_objectives_change_is_one_history_entry_showing_before_and_after(make_user):
    head = make_user(Role.PMO_HEAD)
    first, second = (
        StrategicObjectiveFactory(title="Digital first"),
        StrategicObjectiveFactory(title="Net zero"),
    )
    project = project_create(actor=head, fields=project_fields(), strategic_objectives=[first])

    project_update(
        actor=head, project=project, fields={}, expected_version=1, strategic_objectives=[first, second]
    )

    assert project.history.count() == 2
    assert project.version == 2


def test_only_the_pmo_head_deletes_a_project_and_history_records_who(make_user):
    officer, head = make_user(Role.PMO_OFFICER), make_user(Role.PMO_HEAD)
    project = ProjectFactory()

    with pytest.raises(PermissionDenied):
        project_delete(actor=officer, project=project, expected_version=1)
    project_delete(actor=head, project=project, expected_version=1)

    assert not Project.objects.filter(pk=project.pk).exists()
    last = Project.history.filter(id=project.pk).latest()
    assert (last.history_type, last.history_user) == ("-", head)


def test_a_department_in_use_cannot_be_deleted(make_user):
    project = ProjectFactory()

    with pytest.raises(ValidationError) as error:
        register_entry_delete(actor=make_user(Role.PMO_HEAD), entry=project.department, expected_version=1)

    assert error.value.messages == [DELETE_PROTECTED.format(record=project.department, used_by="projects")]


def test_permission_is_judged_on_the_stored_project_not_on_edits_in_memory(make_user):
    pm = make_user(Role.PROJECT_MANAGER)
    me = PersonFactory(user=pm)
    theirs = ProjectFactory(name="Not mine")
    theirs.project_manager = me  # as a form would, before saving

    with pytest.raises(PermissionDenied):
        project_update(actor=pm, project=theirs, fields={"project_manager": me}, expected_version=1)

    assert Project.objects.get(pk=theirs.pk).project_manager != me


def test_a_denied_user_learns_nothing_from_a_stale_version(make_user):
    executive = make_user(Role.EXECUTIVE)
    project = ProjectFactory()

    with pytest.raises(PermissionDenied):
        project_update(actor=executive, project=project, fields={"name": "x"}, expected_version=99)


@pytest.mark.parametrize(
    ("field", "value"),
    [("confidential", True), ("code", "MINE-2"), ("sponsor", "other"), ("project_manager", "other")],
)
def test_a_project_manager_cannot_change_who_runs_or_sees_their_project(make_user, field, value):
    pm = make_user(Role.PROJECT_MANAGER)
    project = ProjectFactory(code="MINE-1", project_manager=PersonFactory(user=pm))
    new_value = PersonFactory() if value == "other" else value

    with pytest.raises(PermissionDenied, match="only the PMO can"):
        project_update(actor=pm, project=project, fields={field: new_value}, expected_version=1)

    assert Project.objects.get(pk=project.pk).version == 1


def test_a_project_manager_may_resubmit_governance_fields_unchanged(make_user):
    pm = make_user(Role.PROJECT_MANAGER)
    me = PersonFactory(user=pm)
    project = ProjectFactory(project_manager=me)

    project_update(
        actor=pm, project=project, fields={"project_manager": me, "confidential": False, "name": "Renamed"},
        expected_version=1,
    )

    assert Project.objects.get(pk=project.pk).name == "Renamed"


def test_the_pmo_reassigns_a_project_manager(make_user):
    officer = make_user(Role.PMO_OFFICER)
    project = ProjectFactory()
    successor = PersonFactory(name="New PM")

    project_update(actor=officer, project=project, fields={"project_manager": successor}, expected_version=1)

    assert Project.objects.get(pk=project.pk).project_manager == successor


def test_a_strategic_objective_linked_to_projects_cannot_be_deleted(make_user):
    head = make_user(Role.PMO_HEAD)
    objective = StrategicObjectiveFactory(code="CP6")
    project = project_create(actor=head, fields=project_fields(), strategic_objectives=[objective])

    with pytest.raises(ValidationError, match="because other records use it: projects"):
        register_entry_delete(actor=head, entry=objective, expected_version=1)

    assert list(project.strategic_objectives.all()) == [objective]


def test_a_programme_manager_edits_the_description_but_not_who_runs_it(make_user):
    lead = make_user(Role.PROJECT_MANAGER)
    me = PersonFactory(user=lead)
    programme = ProgrammeFactory(manager=me, description="Old")
    elsewhere = PortfolioFactory(name="Estates")

    register_entry_update(actor=lead, entry=programme, fields={"description": "New"}, expected_version=1)
    for field, value in (("portfolio", elsewhere), ("manager", None), ("code", "MINE")):
        with pytest.raises(PermissionDenied, match="only the PMO can"):
            register_entry_update(actor=lead, entry=programme, fields={field: value}, expected_version=2)

    programme.refresh_from_db()
    assert (programme.description, programme.manager, programme.version) == ("New", me, 2)


def test_a_programme_cannot_move_portfolio_while_its_projects_stay_behind(make_user):
    head = make_user(Role.PMO_HEAD)
    programme = ProgrammeFactory(portfolio=PortfolioFactory(name="IT Portfolio"))
    ProjectFactory(programme=programme, portfolio=programme.portfolio)

    with pytest.raises(ValidationError) as error:
        estates = PortfolioFactory(name="Estates")
        register_entry_update(actor=head, entry=programme, fields={"portfolio": estates}, expected_version=1)

    assert error.value.message_dict["portfolio"] == [PROJECTS_IN_OTHER_PORTFOLIO.format(count=1)]
