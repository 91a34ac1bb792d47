"""Clearing a trial's demo data (``pmo demo --clear``): the database back to how a fresh install
leaves it, keeping the PMO's configuration and its own logins, all or nothing.

What goes: every record of every pmo app (the register, reports, RAID, changes, notifications…)
and its history, and the demo's users (its logins and its project managers). What stays: the
configuration the migrations install and the PMO may have tuned during the trial (``KEPT``:
lifecycle stages, the reporting, RAID, change and finance settings, default tolerances, cost
categories and funding sources, the gates and their evidence), and every login that is not a
demo one.

The clear refuses when the register holds records the demo did not make (a project, person,
unit, objective, portfolio or programme it does not define): they would be lost with it.
``force`` clears them too. What people did to the demo's own records during the trial (reports
written, risks raised) is the trial's and goes with the demo."""

from collections import Counter
from dataclasses import dataclass
from graphlib import TopologicalSorter
from typing import Any

from django.apps import apps
from django.db import models, transaction

from pmo.core.models import User
from pmo.portfolio import demo
from pmo.portfolio.models import OrgUnit, Person, Portfolio, Programme, Project, StrategicObjective

NO_DEMO = "This database holds no demo data: nothing to clear."
NOT_DEMO_DATA = (
    "The register holds records the demo did not make, which clearing the demo would delete "
    "too: {records}. Nothing was cleared. Use --force to clear them as well."
)

KEPT = frozenset(
    {
        "core.user",  # only the demo logins go
        "core.apitoken",  # the kept logins' tokens (the demo logins' go with them)
        "core.workerlease",
        "portfolio.lifecyclestage",
        "reporting.reportingsettings",
        "reporting.tolerancedefault",  # those of the demo's portfolio go with it
        "raid.raidsettings",
        "change.changesettings",
        "finance.financesettings",
        "finance.costcategory",
        "finance.fundingsource",
        "governance.gate",  # the lifecycle's gates and the evidence each asks for
        "governance.gateevidence",
        "assurance.compliancerule",  # the PMO's standards
        "insights.packtemplate",  # the organisation's board pack template
    }
)
"""Models whose rows a clear keeps (by label): configuration and logins."""


def _demo_keys() -> dict[type[models.Model], tuple[str, set[str]]]:
    """The register records the demo makes, by model: (the field that names them, the names)."""
    people = [name for name, _, _ in demo.PEOPLE] + [login.person for login in demo.DEMO_LOGINS]
    return {
        OrgUnit: ("name", {*demo.DIRECTORATES, *(n for n, _ in demo.DEPARTMENTS.values()),
                           *(n for n, _ in demo.SERVICE_AREAS.values())}),
        StrategicObjective: ("code", {code for code, _, _ in demo.OBJECTIVES}),
        Person: ("email", {demo._email(name) for name in people}),
        Portfolio: ("name", {demo.PORTFOLIO_NAME}),
        Programme: ("code", {code for code, *_ in demo.PROGRAMMES.values()}),
        Project: ("name", {spec.name for spec in demo.PROJECTS}),
    }  # fmt: skip


def demo_present() -> bool:
    """Whether the demo's logins or its portfolio are in this database."""
    usernames = demo.DEMO_USERNAMES
    return (
        User.objects.filter(username__in=usernames).exists()
        or Portfolio.objects.filter(name=demo.PORTFOLIO_NAME).exists()
    )


def not_demo_records() -> Counter[str]:
    """How many records of each kind of the register the demo did not make."""
    found: Counter[str] = Counter()
    for model, (field, names) in _demo_keys().items():
        count = model._default_manager.exclude(**{f"{field}__in": names}).count()
        if count:
            found[str(model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural)] = count
    return found


@dataclass(frozen=True)
class Cleared:
    records: int
    logins: int


def _owner(model: Any) -> Any:
    """The model whose rows ``model``'s rows belong to: a history's record, a link table's or a
    link history's owner; else the model itself."""
    if getattr(model, "instance_type", None) is not None:  # a historical model
        return model.instance_type
    if model._meta.auto_created:  # a many-to-many link table
        return model._meta.auto_created
    history = next((f for f in model._meta.concrete_fields if f.name == "history" and f.is_relation), None)
    if history is not None:  # the history of a many-to-many link
        return _owner(history.related_model)
    return model


def _cleared_models() -> list[type[models.Model]]:
    """Every model of the pmo apps that a clear empties (with its history and link tables),
    ordered so that a table is emptied before any table it refers to."""
    chosen: set[type[models.Model]] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("pmo."):
            continue
        for model in config.get_models(include_auto_created=True):
            if _owner(model)._meta.label_lower not in KEPT and model._meta.managed:
                chosen.add(model)
    graph: dict[Any, set[Any]] = {model: set() for model in chosen}
    for model in chosen:
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target in chosen and target is not model and getattr(field, "db_constraint", True):
                graph[target].add(model)  # the referring table is emptied first
    return list(TopologicalSorter(graph).static_order())


@transaction.atomic
def demo_clear(*, force: bool = False) -> Cleared:
    """Delete the demo and everything done to it during the trial, all or nothing; ValueError
    says why not (no demo, or records that are not the demo's, unless ``force``)."""
    if not demo_present():
        raise ValueError(NO_DEMO)
    others = not_demo_records()
    if others and not force:
        records = ", ".join(f"{count} {kind}" for kind, count in sorted(others.items()))
        raise ValueError(NOT_DEMO_DATA.format(records=records))
    records = 0
    cleared = _cleared_models()
    for model in cleared:
        records += model._default_manager.all()._raw_delete(model._default_manager.db)
    # Kept rows that belonged to a cleared record (a demo portfolio's default tolerances).
    for label in KEPT - {"core.user"}:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in cleared and field.null:
                records += model._default_manager.filter(**{f"{field.name}__isnull": False})._raw_delete(
                    model._default_manager.db
                )
    logins = User.objects.filter(username__in=demo.DEMO_USERNAMES)
    login_ids = list(logins.values_list("pk", flat=True))
    User.history.filter(id__in=login_ids).delete()  # type: ignore[attr-defined]
    logins.delete()
    return Cleared(records=records, logins=len(login_ids))
