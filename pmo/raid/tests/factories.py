"""Factories for RAID items; each needs its register (``project=…`` or ``programme=…``…)."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from pmo.portfolio.tests.factories import PersonFactory
from pmo.raid.choices import RiskCategory
from pmo.raid.models import Action, Assumption, Decision, Dependency, Issue, Risk


class RaidItemFactory(DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Item {n}")
    owner = factory.SubFactory(PersonFactory)
    raised_on = dt.date(2026, 10, 1)


class RiskFactory(RaidItemFactory):
    class Meta:
        model = Risk

    category = RiskCategory.TECHNICAL
    inherent_probability = 4
    inherent_impact = 4
    residual_probability = 3
    residual_impact = 3


class AssumptionFactory(RaidItemFactory):
    class Meta:
        model = Assumption


class IssueFactory(RaidItemFactory):
    class Meta:
        model = Issue


class DependencyFactory(RaidItemFactory):
    class Meta:
        model = Dependency

    provider = "Supplier"


class ActionFactory(RaidItemFactory):
    class Meta:
        model = Action

    due = dt.date(2026, 12, 1)


class DecisionFactory(RaidItemFactory):
    class Meta:
        model = Decision

    decided_on = dt.date(2026, 10, 1)


ITEM_FACTORIES = {
    Risk: RiskFactory,
    Assumption: AssumptionFactory,
    Issue: IssueFactory,
    Dependency: DependencyFactory,
    Action: ActionFactory,
    Decision: DecisionFactory,
}
"""The factory of each register's items (a new register must be added)."""
