"""What the visibility property tests share: a reader in every role and relation to a project,
projects of every shape (confidential or not, in a programme or not, run by any of them), and
the check that a model's list and its object check agree for every reader on every record.

Readers are made once per test (the ``visibility_cast`` fixture; hypothesis runs each example
inside the same test); each example's records are written inside a transaction rolled back at its
end (``rolled_back``)."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from pmo.core.choices import PMO_ROLES, Role
from pmo.core.permissions import permission_name
from pmo.portfolio.models import Person, Programme, Project
from pmo.portfolio.tests.factories import PersonFactory, ProgrammeFactory, ProjectFactory

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
"""Hypothesis settings for these tests: a bounded number of examples, no per-example deadline
(a shared machine is noisy), fixtures made once per test."""

ROLES = {
    "head": (Role.PMO_HEAD,),
    "analyst": (Role.PMO_ANALYST,),
    "officer": (Role.PMO_OFFICER,),
    "executive": (Role.EXECUTIVE,),
    "finance": (Role.FINANCE_PARTNER,),
    "resources": (Role.RESOURCE_MANAGER,),
    "pm": (Role.PROJECT_MANAGER,),
    "other_pm": (Role.PROJECT_MANAGER,),
    "sponsor": (Role.SPONSOR,),
    "other_sponsor": (Role.SPONSOR, Role.EXECUTIVE),
    "no_person": (Role.PROJECT_MANAGER,),
    "inactive_head": (Role.PMO_HEAD,),
}
"""Every reader's roles. Each has a person record (so may run a project) except ``no_person``;
``inactive_head``'s login is deactivated. A superuser and a visitor not signed in are added."""

SIGNED_OUT = ("visitor", "inactive_head")
"""The readers who see nothing: not signed in, or deactivated."""


def signed_in(name: str) -> bool:
    """Whether reader ``name`` sees what everyone signed in sees (settings, reference lists)."""
    return name not in SIGNED_OUT


RUNNERS = ("pm", "other_pm", "sponsor", "other_sponsor", "executive", "finance", "nobody")
"""Who may be a project's manager or sponsor: a reader, or ``nobody`` (a person with no login)."""


@dataclass
class Cast:
    readers: dict[str, Any]
    people: dict[str, Person]
    programme: Programme


def make_cast(make_user: Callable[..., Any]) -> Cast:
    """A reader in every role, their person records, and a programme led by the PM and sponsor."""
    readers: dict[str, Any] = {}
    people: dict[str, Person] = {}
    for name, roles in ROLES.items():
        readers[name] = make_user(*roles, username=name, is_active=name != "inactive_head")
        if name != "no_person":
            people[name] = PersonFactory(name=f"{name} person", user=readers[name])
    readers["superuser"] = make_user(username="superuser", is_superuser=True, is_staff=True)
    readers["visitor"] = AnonymousUser()
    people["nobody"] = PersonFactory(name="Nobody with a login")
    programme = ProgrammeFactory(manager=people["pm"], sponsor=people["sponsor"])
    return Cast(readers=readers, people=people, programme=programme)


def project_shapes() -> st.SearchStrategy[dict[str, Any]]:
    """A project's shape: confidential or not, in the programme or not, and who runs it."""
    return st.fixed_dictionaries(
        {
            "confidential": st.booleans(),
            "in_programme": st.booleans(),
            "project_manager": st.sampled_from(RUNNERS),
            "sponsor": st.sampled_from(RUNNERS),
        }
    )


def make_project(cast: Cast, shape: dict[str, Any]) -> Project:
    project: Project = ProjectFactory(
        confidential=shape["confidential"],
        programme=cast.programme if shape["in_programme"] else None,
        project_manager=cast.people[shape["project_manager"]],
        sponsor=cast.people[shape["sponsor"]],
    )
    return project


def rule_says_sees(name: str, shape: dict[str, Any]) -> bool:
    """Whether reader ``name`` sees a project of ``shape`` by the rule as the guides state it,
    written out here independently of the code under test: the PMO (and a superuser) sees every
    project; anyone else signed in, those not confidential and those they manage or sponsor."""
    if name in SIGNED_OUT:
        return False
    if name == "superuser" or {role.label for role in ROLES.get(name, ())} & PMO_ROLES:
        return True
    return not shape["confidential"] or name in (shape["project_manager"], shape["sponsor"])


@contextmanager
def rolled_back() -> Iterator[None]:
    """Write an example's records, then undo them, so the next example starts from the cast."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_list_and_object_checks_agree(
    model: type[models.Model],
    records: Iterable[models.Model],
    cast: Cast,
    *,
    action: str = "view",
    selectors: Iterable[Callable[..., Any]] = (),
    seen_by: Callable[[str], bool] | None = None,
) -> None:
    """For every reader and record: the record is in ``model.objects.restrict(reader, action)``
    (and in each selector's list) exactly when ``reader.has_perm("<app>.<action>_<model>",
    record)`` says so. The record is read afresh, with none of its relations loaded.

    With ``seen_by`` (whether the rule, written out in the test, lets the reader of that name see
    these records), the list and the object check, asked of the records as given (their
    relations loaded) too, both say what the rule says."""
    records = list(records)
    pks = [record.pk for record in records]
    perm = permission_name(model, action)
    manager: Any = model._default_manager
    fresh = list(manager.filter(pk__in=pks).order_by("pk"))
    for name, reader in cast.readers.items():
        listed = set(manager.restrict(reader, action).filter(pk__in=pks).values_list("pk", flat=True))
        for selector in selectors:
            shown = set(selector(user=reader).filter(pk__in=pks).values_list("pk", flat=True))
            label = getattr(selector, "__name__", repr(selector))
            assert shown == listed, f"{label} for {name}: {sorted(shown)} != {sorted(listed)}"
        for record in fresh:
            allowed = reader.has_perm(perm, record)
            assert (record.pk in listed) == allowed, (
                f"{name}: {record!r} is {'' if record.pk in listed else 'not '}listed "
                f"but has_perm({perm!r}) says {allowed}"
            )
        if seen_by is None:
            continue
        expected = seen_by(name)
        for record in records:
            assert (record.pk in listed) == expected, f"{name}: {record!r} listed is not what the rule says"
            assert reader.has_perm(perm, record) == expected, f"{name}: has_perm({perm!r}, {record!r})"
