"""The restriction toolkit: filters combine as a database would read them, a record is judged
in memory exactly as its list judges it, and what cannot be judged in memory is refused."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from pmo.core.choices import Role
from pmo.core.models import ApiToken, Notification
from pmo.core.restrict import (
    EVERYTHING,
    NOTHING,
    all_of,
    any_of,
    matches,
    none_or_through,
    restriction,
    through,
)
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.portfolio.tests.visibility import assert_list_and_object_checks_agree

pytestmark = pytest.mark.django_db


def test_everything_among_alternatives_is_everything_and_nothing_drops_out():
    # Django's own | would drop the empty Q and keep only the other filter
    assert any_of(Q(confidential=False), EVERYTHING) == EVERYTHING
    assert any_of(Q(confidential=False), NOTHING) == Q(confidential=False)
    assert any_of() == NOTHING
    assert all_of(Q(confidential=False), EVERYTHING) == Q(confidential=False)
    assert all_of(Q(confidential=False), NOTHING) == NOTHING


def test_through_moves_a_filter_onto_a_relation():
    moved = through("project", Q(confidential=False) | Q(sponsor_id=3))
    assert moved == Q(project__confidential=False) | Q(project__sponsor_id=3)
    assert through("project", EVERYTHING) == EVERYTHING


def test_none_or_through_keeps_records_without_the_relation():
    assert none_or_through("project", Q(confidential=False)) == Q(project__isnull=True) | Q(
        project__confidential=False
    )
    assert none_or_through("project", EVERYTHING) == EVERYTHING


@pytest.mark.parametrize(
    "q",
    [
        Q(confidential=False),
        Q(confidential=True),
        Q(programme__isnull=True),
        Q(programme__isnull=False),
        Q(programme__code="DIG"),
        Q(portfolio__name__in=["IT Portfolio", "Other"]),
        Q(sponsor=None),
        Q(pk__in=[]),
        Q(confidential=True) | Q(programme__isnull=True),
        Q(confidential=True) & Q(programme__isnull=True),
        EVERYTHING,
    ],
    ids=str,
)
def test_a_record_is_judged_in_memory_as_the_database_judges_it(q):
    records = [ProjectFactory(confidential=True), ProjectFactory(confidential=False)]
    listed = set(Project.objects.filter(q).values_list("pk", flat=True))
    for record in Project.objects.filter(pk__in=[r.pk for r in records]):
        assert matches(record, q) == (record.pk in listed)


@pytest.mark.parametrize(
    ("q", "why"),
    [
        (~Q(confidential=True), "negation"),
        (Q(pk__in=Project.objects.values("pk")), "needs a list, not a query"),
        (Q(strategic_objectives__code="SO1"), "many-valued relation"),
        (Q(name__icontains="x"), "the lookup name__icontains is not supported"),
    ],
)
def test_what_cannot_be_judged_in_memory_is_refused_rather_than_guessed(q, why):
    with pytest.raises(TypeError, match=why):
        matches(ProjectFactory(), q)


def test_a_model_with_no_declared_restriction_is_refused(make_user):
    with pytest.raises(ImproperlyConfigured, match="No restriction is declared for view on ApiToken"):
        restriction(ApiToken, make_user(Role.PMO_HEAD), "view")


def test_nobody_signed_out_or_deactivated_is_let_in(make_user):
    for user in (AnonymousUser(), make_user(Role.PMO_HEAD, is_active=False)):
        assert restriction(Project, user, "view") == NOTHING
        assert not Project.objects.restrict(user, "view").exists()


def test_a_notification_is_seen_by_its_recipient_alone(visibility_cast):
    cast = visibility_cast
    notes = [
        Notification.objects.create(recipient=cast.readers[name], key=f"k-{name}", subject=f"For {name}")
        for name in ("pm", "head", "inactive_head")
    ]

    # Django's own has_perm lets an active superuser through everything; their inbox is still
    # their own, so the superuser is left out of the agreement (and only there)
    superuser = cast.readers.pop("superuser")
    assert_list_and_object_checks_agree(Notification, notes, cast)
    assert not Notification.objects.restrict(superuser, "view").exists()
    for name, reader in cast.readers.items():
        seen = {n.subject for n in Notification.objects.restrict(reader, "view")}
        assert seen == ({f"For {name}"} if name in ("pm", "head") else set()), name
