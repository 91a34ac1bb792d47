"""A confidential project stays confidential through RAID: its dependencies, escalations,
knock-on effects and references are not shown or told to people outside its team and the PMO."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from pmo.core.history import HIDDEN_RECORD, history_entries
from pmo.core.models import Notification
from pmo.core.services import ConflictError
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid import selectors, services
from pmo.raid.choices import Level
from pmo.raid.imports import register_import
from pmo.raid.models import Action, Dependency, Risk
from pmo.raid.selectors import NO_SUCH_ITEM
from pmo.raid.tests.factories import DependencyFactory, RiskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(cast):
    return ProjectFactory(
        code="SECRET", confidential=True, programme=cast.programme, portfolio=cast.portfolio
    )


def test_a_dependency_on_a_confidential_project_is_hidden_with_it(cast, secret):
    on_secret = DependencyFactory(project=cast.other_project, depends_on=secret)
    on_supplier = DependencyFactory(project=cast.other_project, provider="BT")
    assert set(selectors.item_list(Dependency, user=cast.pm)) == {on_supplier}
    assert set(selectors.item_list(Dependency, user=cast.head)) == {on_secret, on_supplier}


def test_nobody_outside_it_names_a_confidential_project_as_a_provider(cast, secret):
    with pytest.raises(ValidationError) as error:
        services.raid_item_create(
            actor=cast.pm,
            model=Dependency,
            register=cast.project,
            fields={"title": "Data feed", "owner": PersonFactory(), "depends_on": secret},
        )
    assert error.value.message_dict == {"depends_on": [services.PROJECT_NOT_SEEN]}
    assert not Dependency.objects.exists()
    made = services.raid_item_create(
        actor=cast.head,
        model=Dependency,
        register=cast.project,
        fields={"title": "Data feed", "owner": PersonFactory(), "depends_on": secret},
    )
    assert made.depends_on == secret


def test_who_is_affected_never_goes_through_a_hidden_project(cast, secret):
    erp = ProjectFactory(code="ERP")
    DependencyFactory(project=secret, depends_on=erp)  # SECRET needs ERP
    DependencyFactory(project=cast.project, depends_on=secret)  # WEB needs SECRET
    assert selectors.affected_projects(erp, user=cast.pm) == []
    assert [(p.code, n) for p, n in selectors.affected_projects(erp, user=cast.head)] == [
        ("SECRET", 1),
        ("WEB", 2),
    ]


def test_escalating_a_confidential_item_tells_only_those_who_may_see_it(cast, secret):
    risk = RiskFactory(project=secret, title="Merger leak")
    services.raid_item_escalate(
        actor=cast.head, item=risk, to=Level.PROGRAMME, note="Board view", expected_version=1
    )
    assert not Notification.objects.filter(recipient=cast.programme_manager).exists()
    assert not selectors.item_list(Risk, user=cast.programme_manager, register=cast.programme).exists()
    with pytest.raises(PermissionDenied):
        services.raid_item_update(
            actor=cast.programme_manager, item=risk, fields={"title": "Seen"}, expected_version=2
        )


def test_an_action_cannot_cite_an_item_its_author_may_not_see(cast, secret):
    hidden = RiskFactory(project=secret)
    with pytest.raises(ValidationError) as error:
        services.raid_item_create(
            actor=cast.programme_manager,
            model=Action,
            register=cast.programme,
            fields={
                "title": "Follow up",
                "owner": PersonFactory(),
                "source": "raid",
                "source_reference": hidden.reference,
            },
        )
    assert error.value.message_dict == {"source_reference": [f"There is no {hidden.reference}."]}


def test_an_item_deleted_meanwhile_is_a_conflict_not_a_crash(cast):
    risk = RiskFactory(project=cast.project)
    stale_copy = Risk.objects.get(pk=risk.pk)
    services.raid_item_delete(actor=cast.head, item=risk, expected_version=1)
    with pytest.raises(ConflictError, match="was deleted by someone else meanwhile"):
        services.raid_items_update(actor=cast.head, model=Risk, changes=[(stale_copy, {"title": "x"}, 1)])


def test_a_reference_too_large_for_an_id_is_not_a_reference():
    with pytest.raises(ValueError, match="is not a RAID reference"):
        selectors.parse_reference("RSK-99999999999999999999")
    with pytest.raises(ValueError, match="is not a RAID reference"):
        selectors.parse_reference("RSK-²")


# A dependency on a confidential project: the list and the object check say the same -----------


def test_a_dependency_on_a_confidential_project_is_not_seen_on_its_own_either(cast, secret):
    # Given WEB (which the PM runs) depends on SECRET (which they may not see)
    on_secret = DependencyFactory(project=cast.project, depends_on=secret)

    # Then the PM may not open it, as its register does not list it; the PMO may
    assert not cast.pm.has_perm("raid.view_dependency", on_secret)
    assert not cast.pm.has_perm("raid.change_dependency", on_secret)
    assert cast.head.has_perm("raid.view_dependency", on_secret)
    with pytest.raises(PermissionDenied):
        services.raid_item_update(actor=cast.pm, item=on_secret, fields={"title": "Seen"}, expected_version=1)


def test_escalating_a_dependency_on_a_confidential_project_tells_only_those_who_see_both(cast, secret):
    # Given WEB (in the Digital programme) depends on SECRET
    on_secret = DependencyFactory(project=cast.project, depends_on=secret, title="Waits on the merger")

    # When the PMO escalates it to the programme
    services.raid_item_escalate(
        actor=cast.head, item=on_secret, to=Level.PROGRAMME, note="Board view", expected_version=1
    )

    # Then the programme manager, who sees WEB but not SECRET, is not told, nor shown it
    assert not Notification.objects.filter(recipient=cast.programme_manager).exists()
    assert not selectors.item_list(Dependency, user=cast.programme_manager, register=cast.programme).exists()


def test_a_history_does_not_name_a_confidential_project_its_reader_may_not_see(cast, secret):
    # Given WEB's dependency once waited on SECRET and now waits on HR
    dependency = DependencyFactory(project=cast.project, depends_on=secret)
    services.raid_item_update(
        actor=cast.head, item=dependency, fields={"depends_on": cast.other_project}, expected_version=1
    )

    # When the PM, who may now see the dependency, reads its history
    change = next(
        c for c in history_entries(dependency, user=cast.pm)[0].changes if c["field"] == "depends on project"
    )

    # Then the confidential project is not named; the PMO reads its name
    assert change == {
        "field": "depends on project",
        "before": HIDDEN_RECORD,
        "after": str(cast.other_project),
    }
    by_head = history_entries(dependency, user=cast.head)[0].changes
    assert {"field": "depends on project", "before": str(secret), "after": str(cast.other_project)} in by_head


def test_a_loop_through_a_confidential_project_is_refused_without_naming_it(cast, secret):
    # Given HR waits on SECRET and SECRET on WEB (dependencies the PM may not see)
    DependencyFactory(project=cast.other_project, depends_on=secret)
    DependencyFactory(project=secret, depends_on=cast.project)

    # When WEB's PM makes WEB wait on HR
    with pytest.raises(ValidationError) as error:
        services.raid_item_create(
            actor=cast.pm,
            model=Dependency,
            register=cast.project,
            fields={"title": "HR feed", "owner": PersonFactory(), "depends_on": cast.other_project},
        )

    # Then the loop is refused, naming the projects they see and not the confidential one
    loop = f"HR → {services.HIDDEN_PROJECT} → WEB → HR"
    assert error.value.message_dict == {"depends_on": [services.DEPENDENCY_LOOP.format(loop=loop)]}


def test_an_imported_action_cannot_cite_an_item_its_importer_may_not_see(cast, secret, tmp_path):
    # Given a dependency of WEB on SECRET, which the PM may not see
    hidden = DependencyFactory(project=cast.project, depends_on=secret)
    path = tmp_path / "actions.xlsx"
    workbook = Workbook()
    workbook.active.append(["ID", "Project", "Title", "Owner", "Source", "Source reference", "Due date"])
    workbook.active.append([None, "WEB", "Chase", "Pat Manager", "RAID item", hidden.reference, "15/01/2027"])
    workbook.save(path)

    # When the PM imports an action citing it
    result = register_import("actions", actor=cast.pm, file=path)

    # Then the row is refused as the service would refuse it, and nothing is written
    assert [(i.column, i.message) for i in result.errors] == [
        ("Source reference", NO_SUCH_ITEM.format(text=hidden.reference, where=" in WEB"))
    ]
    assert not Action.objects.exists()
