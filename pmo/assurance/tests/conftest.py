from collections.abc import Callable
from dataclasses import dataclass

import pytest

from pmo.conftest import user_maker
from pmo.core.tests.module_data import shared_records
from pmo.raid.tests.cast import Cast, make_cast


@dataclass
class Setting:
    """The RAID tests' cast around WEB, and the default questionnaire, published."""

    cast: Cast
    questionnaire: object


def make_setting() -> Setting:
    from pmo.assurance.services import questionnaire_seed_default

    cast = make_cast(user_maker())
    return Setting(cast, questionnaire_seed_default(actor=None))


@pytest.fixture(scope="module")
def _setting_written(module_data: Callable[..., Setting]) -> Setting:
    return module_data(make_setting)


@pytest.fixture
def setting(_setting_written: Setting | None, db: None) -> Setting:
    return shared_records(_setting_written, make_setting)


@pytest.fixture
def cast(setting: Setting) -> Cast:
    return setting.cast


@pytest.fixture
def questionnaire(setting: Setting):
    return setting.questionnaire
