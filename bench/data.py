"""Generated registers for the benchmark: SMALL and LARGE numbers of projects, made in bulk."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.models import Group

from pmo.core.choices import Role
from pmo.core.models import User
from pmo.portfolio.choices import Methodology, Priority, ProjectCategory, ProjectStatus, SizeTier
from pmo.portfolio.models import (
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    Project,
    StrategicObjective,
)

SMALL, LARGE = 50, 5000
rng = random.Random(20261122)


def register_user() -> User:
    user, _ = User.objects.get_or_create(username="bench-analyst")
    user.groups.add(Group.objects.get(name=Role.PMO_ANALYST.label))
    return user


def _reference() -> dict[str, list]:
    portfolio, _ = Portfolio.objects.get_or_create(name="IT Portfolio")
    if not OrgUnit.objects.exists():
        OrgUnit.objects.bulk_create(OrgUnit(name=f"Department {n}") for n in range(12))
        Person.objects.bulk_create(
            Person(name=f"Person {n}", email=f"person{n}@bench.example") for n in range(200)
        )
        Programme.objects.bulk_create(
            Programme(code=f"PRG{n}", name=f"Programme {n}", portfolio=portfolio) for n in range(20)
        )
        StrategicObjective.objects.bulk_create(
            StrategicObjective(code=f"SO{n}", title=f"Objective {n}") for n in range(8)
        )
    return {
        "portfolio": [portfolio],
        "department": list(OrgUnit.objects.all()),
        "person": list(Person.objects.all()),
        "programme": list(Programme.objects.all()),
        "stage": list(LifecycleStage.objects.all()),
        "objective": list(StrategicObjective.objects.all()),
    }


def grow_register(size: int) -> None:
    """Add projects until the register holds ``size`` of them."""
    ref = _reference()
    have = Project.objects.count()
    start = dt.date(2026, 1, 1)
    new = []
    for n in range(have, size):
        begin = start + dt.timedelta(days=rng.randrange(0, 700))
        new.append(
            Project(
                code=f"B-{n:05d}",
                name=f"Benchmark project {n}",
                description="Generated for the benchmark.",
                portfolio=ref["portfolio"][0],
                programme=rng.choice(ref["programme"]),
                department=rng.choice(ref["department"]),
                sponsor=rng.choice(ref["person"]),
                project_manager=rng.choice(ref["person"]),
                business_owner=rng.choice(ref["person"]),
                category=rng.choice(ProjectCategory.values),
                methodology=rng.choice(Methodology.values),
                size_tier=rng.choice(SizeTier.values),
                stage=rng.choice(ref["stage"]),
                status=rng.choice([ProjectStatus.ACTIVE] * 3 + ProjectStatus.values),
                planned_start=begin,
                planned_finish=begin + dt.timedelta(days=rng.randrange(30, 900)),
                budget=Decimal(rng.randrange(20_000, 4_000_000)),
                priority=rng.choice(Priority.values),
                confidential=rng.random() < 0.03,
            )
        )
    created = Project.objects.bulk_create(new, batch_size=1000)
    through = Project.strategic_objectives.through
    through.objects.bulk_create(
        [
            through(project_id=p.pk, strategicobjective_id=o.pk)
            for p in created
            for o in rng.sample(ref["objective"], 2)
        ],
        batch_size=2000,
    )
