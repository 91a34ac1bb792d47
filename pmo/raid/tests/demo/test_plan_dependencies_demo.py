"""The demo's cross-project chain: three projects' plans tied by two dependencies, the first
project's overrun carried through the second's plan into the third's, told in words."""

import pytest

from pmo.core.tests.demo_database import DEMO_TODAY
from pmo.raid.models import Dependency
from pmo.schedule import crosslinks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_a_slip_runs_through_a_chain_of_three_projects_plans() -> None:
    tied = list(Dependency.objects.filter(giving_task_uid__isnull=False, needing_task_uid__isnull=False))
    network = crosslinks.cross_network()
    first, second = sorted(tied, key=lambda d: d.pk)

    assert len(tied) == 2 and second.depends_on_id == first.project_id  # a chain: A -> B -> C
    assert not any(network.ties[d.pk].broken for d in tied)
    assert network.ties[first.pk].slip_days > 0 and network.ties[second.pk].slip_days > 0
    assert network.moves[second.project_id].dependency_id == second.pk
    told = network.moves[second.project_id].sentence()
    assert told.startswith(f"{second.project.code}'s ") and f"because {first.project.code}'s " in told
    assert first.due == network.ties[first.pk].need_by  # the need-by date is the plan's
    assert first.due > DEMO_TODAY and second.due > DEMO_TODAY  # needed by tasks not yet started
