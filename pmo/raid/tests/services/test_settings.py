"""The RAID settings: the matrix, its bands and likelihoods, and the stale threshold."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.raid import selectors, services
from pmo.raid.choices import RiskStatus
from pmo.raid.tests.factories import RiskFactory

pytestmark = pytest.mark.django_db


def test_only_the_pmo_head_changes_the_settings(cast):
    row = selectors.raid_settings()
    for who in ("officer", "pm", "executive"):
        with pytest.raises(PermissionDenied, match="change RAID settings"):
            services.raid_settings_update(
                actor=cast.by_name(who), settings_row=row, fields={"stale_days": 10}, expected_version=1
            )
    changed = services.raid_settings_update(
        actor=cast.head, settings_row=row, fields={"stale_days": 10}, expected_version=1
    )
    assert changed.stale_days == 10 and changed.history.first().history_user == cast.head


def test_a_smaller_matrix_is_refused_while_open_risks_lie_beyond_it(cast):
    row = selectors.raid_settings()
    beyond = RiskFactory(project=cast.project, inherent_probability=5, inherent_impact=2)
    RiskFactory(project=cast.project, inherent_probability=5, status=RiskStatus.CLOSED)
    fields = {"probability_levels": 4, "impact_levels": 4, "likelihoods": "10, 30, 50, 80", "high_from": 12}
    with pytest.raises(ValidationError) as error:
        services.raid_settings_update(actor=cast.head, settings_row=row, fields=fields, expected_version=1)
    assert error.value.message_dict == {
        "probability_levels": [
            f"1 open risks are scored beyond a 4 × 4 matrix (for example {beyond.reference}): "
            "rescore them before making the matrix smaller."
        ]
    }
    services.raid_item_update(
        actor=cast.head, item=beyond, fields={"inherent_probability": 4}, expected_version=1
    )
    smaller = services.raid_settings_update(
        actor=cast.head, settings_row=row, fields=fields, expected_version=1
    )
    assert smaller.matrix.top_score == 16


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"likelihoods": "5, 20, 40"}, "likelihoods", "Give one likelihood (0–100 %) per probability level"),
        (
            {"likelihoods": "5, x, 40, 60, 85"},
            "likelihoods",
            "Give one whole-number percentage per probability level",
        ),
        ({"medium_from": 15, "high_from": 10}, "high_from", "The medium band must start above 1"),
        ({"stale_days": 0}, "stale_days", "greater than or equal to 1"),
    ],
)
def test_bad_settings_are_refused_by_field(cast, fields, field, message):
    row = selectors.raid_settings()
    with pytest.raises(ValidationError) as error:
        services.raid_settings_update(actor=cast.head, settings_row=row, fields=fields, expected_version=1)
    assert message in error.value.message_dict[field][0]
    row.refresh_from_db()
    assert row.version == 1


def test_new_likelihoods_revalue_the_risks(cast):
    risk = services.raid_item_create(
        actor=cast.head,
        model=RiskFactory._meta.model,
        register=cast.project,
        fields={
            "title": "t",
            "owner": cast.project.project_manager,
            "category": "legal",
            "inherent_probability": 3,
            "inherent_impact": 3,
            "residual_probability": 3,
            "residual_impact": 3,
            "cost_impact": Decimal(1000),
        },
    )
    assert risk.expected_value == Decimal("400.00")
    services.raid_settings_update(
        actor=cast.head,
        settings_row=selectors.raid_settings(),
        fields={"likelihoods": "10, 30, 55, 70, 90"},
        expected_version=1,
    )
    risk.refresh_from_db()
    assert risk.expected_value == Decimal("550.00")


@pytest.mark.parametrize("text", ["5, 20, NaN, 60, 85", "5, 20, 40, 60, Infinity"])
def test_likelihoods_must_be_numbers(cast, text):
    row = selectors.raid_settings()
    with pytest.raises(ValidationError) as error:
        services.raid_settings_update(
            actor=cast.head, settings_row=row, fields={"likelihoods": text}, expected_version=1
        )
    assert error.value.message_dict == {
        "likelihoods": ["Give one whole-number percentage per probability level, separated by commas."]
    }
