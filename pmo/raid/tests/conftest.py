from collections.abc import Callable

import pytest

from pmo.core.models import User
from pmo.raid.tests.cast import Cast, make_cast


@pytest.fixture
def cast(make_user: Callable[..., User]) -> Cast:
    return make_cast(make_user)


@pytest.fixture
def plans(cast: Cast) -> Cast:
    """The cast's WEB office move needs HR's ten-step chain, which finishes 15 Jan 2027, by its
    Fit out (starting 11 Jan): each project's plan imported."""
    from pmo.schedule import services as schedule_services
    from pmo.schedule.tests.plans import chain_xml, office_move_xml

    schedule_services.plan_import(
        actor=None, project=cast.project, data=office_move_xml(), filename="web.xml"
    )
    schedule_services.plan_import(
        actor=None, project=cast.other_project, data=chain_xml(10), filename="hr.xml"
    )
    return cast
