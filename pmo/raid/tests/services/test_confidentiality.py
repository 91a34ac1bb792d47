"""A confidential project stays confidential through RAID: its dependencies, escalations,
knock-on effects and references are not shown or told to people outside its team and the PMO."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.models import Notification
from pmo.core.services import ConflictError
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid import selectors, services
from pmo.raid.choices import Level
from pmo.raid.models import Action, Dependency, Risk
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
