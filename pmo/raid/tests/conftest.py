from collections.abc import Callable

import pytest

from pmo.conftest import user_maker
from pmo.core.tests.module_data import shared_records
from pmo.raid.tests.cast import Cast, make_cast


@pytest.fixture(scope="module")
def _cast_written(module_data: Callable[..., Cast]) -> Cast:
    return module_data(lambda: make_cast(user_maker()))


@pytest.fixture
def cast(_cast_written: Cast | None, db: None) -> Cast:
    """Everyone around one project, written once per module (pmo/core/tests/module_data.py)."""
    return shared_records(_cast_written, lambda: make_cast(user_maker()))


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
