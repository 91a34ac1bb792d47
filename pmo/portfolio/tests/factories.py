"""factory_boy factories for the portfolio register (``.build()`` where no database is needed)."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from pmo.portfolio.choices import Methodology, ProjectCategory, ProjectStatus, SizeTier
from pmo.portfolio.models import (
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    Project,
    StrategicObjective,
)


class OrgUnitFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department {n}")


class StrategicObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = StrategicObjective

    code = factory.Sequence(lambda n: f"SO{n}")
    title = factory.Sequence(lambda n: f"Objective {n}")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@council.example")
    job_title = "Officer"


class PortfolioFactory(DjangoModelFactory):
    class Meta:
        model = Portfolio
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Portfolio {n}")


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"PRG{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")
    portfolio = factory.SubFactory(PortfolioFactory)


def default_stage() -> LifecycleStage:
    return LifecycleStage.objects.get(name="Delivery")


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"PRJ-{n:04d}")
    name = factory.Sequence(lambda n: f"Project {n}")
    portfolio = factory.SubFactory(PortfolioFactory, name="IT Portfolio")
    department = factory.SubFactory(OrgUnitFactory, name="Digital Services")
    sponsor = factory.SubFactory(PersonFactory)
    project_manager = factory.SubFactory(PersonFactory)
    category = ProjectCategory.TECHNICAL
    methodology = Methodology.WATERFALL
    size_tier = SizeTier.MEDIUM
    stage = factory.LazyFunction(default_stage)
    status = ProjectStatus.ACTIVE
    planned_start = dt.date(2026, 1, 5)
    planned_finish = dt.date(2026, 12, 18)
    budget = Decimal("250000.00")
