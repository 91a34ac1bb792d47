"""A risk's scores are probability × impact, computed by the database whatever writes the row:
the services (one risk or a batch), a bulk write, an update that bypasses the services. Its
history shows each version's scores and how they changed."""

import pytest

from pmo.core.history import history_entries
from pmo.raid import services
from pmo.raid.choices import RiskCategory
from pmo.raid.models import Risk
from pmo.raid.tests.factories import RiskFactory

pytestmark = pytest.mark.django_db


def scored(inherent: tuple[int, int], residual: tuple[int, int], title: str = "Supplier may fold") -> dict:
    return {
        "title": title,
        "category": RiskCategory.COMMERCIAL,
        "inherent_probability": inherent[0],
        "inherent_impact": inherent[1],
        "residual_probability": residual[0],
        "residual_impact": residual[1],
    }


def stored_scores(risk: Risk) -> list[tuple[int, int, int]]:
    """(version, inherent score, residual score) of each history entry, oldest first."""
    entries = risk.history.order_by("history_date", "history_id")  # type: ignore[attr-defined]
    return list(entries.values_list("version", "inherent_score", "residual_score"))


def test_a_batch_of_new_risks_carries_its_scores_and_so_does_each_history_entry(cast):
    owner = cast.project.project_manager
    made = services.raid_items_create(
        actor=cast.pm,
        model=Risk,
        items=[
            (cast.project, {**scored((4, 5), (2, 5)), "owner": owner}),
            (cast.project, {**scored((3, 3), (1, 2), "Key staff may leave"), "owner": owner}),
        ],
    )

    assert [(r.inherent_score, r.residual_score) for r in made] == [(20, 10), (9, 2)]
    assert [stored_scores(r) for r in made] == [[(1, 20, 10)], [(1, 9, 2)]]
    stored = Risk.objects.order_by("pk").values_list("inherent_score", "residual_score")
    assert list(stored) == [(20, 10), (9, 2)]


def test_a_batch_update_returns_and_stores_the_new_scores_and_history_keeps_the_old(cast):
    first, second = RiskFactory(project=cast.project), RiskFactory(project=cast.project)  # 4 × 4, 3 × 3

    changed = services.raid_items_update(
        actor=cast.pm,
        model=Risk,
        changes=[
            (first, {"residual_probability": 1}, 1),
            (second, {"inherent_impact": 5, "residual_impact": 5}, 1),
        ],
    )

    assert [(r.inherent_score, r.residual_score) for r in changed] == [(16, 3), (20, 15)]
    first.refresh_from_db()
    second.refresh_from_db()
    assert [(first.inherent_score, first.residual_score), (second.inherent_score, second.residual_score)] == [
        (16, 3),
        (20, 15),
    ]
    assert stored_scores(first) == [(1, 16, 9), (2, 16, 3)]
    assert stored_scores(second) == [(1, 16, 9), (2, 20, 15)]


def test_the_risk_page_history_shows_how_a_change_moved_the_score(cast):
    risk = RiskFactory(project=cast.project)

    services.raid_item_update(actor=cast.pm, item=risk, fields={"residual_impact": 1}, expected_version=1)

    latest = history_entries(risk, user=cast.pm)[0]
    changes = {change["field"]: (change["before"], change["after"]) for change in latest.changes}
    assert changes["residual impact"] == ("3", "1")
    assert changes["residual score"] == ("9", "3")
    assert "inherent score" not in changes


def test_a_write_that_bypasses_the_services_still_moves_the_score(cast):
    risk = RiskFactory(project=cast.project)

    Risk.objects.filter(pk=risk.pk).update(residual_probability=5, residual_impact=5)

    assert Risk.objects.values_list("residual_score", flat=True).get(pk=risk.pk) == 25
    assert list(Risk.objects.filter(residual_score__gte=20).values_list("pk", flat=True)) == [risk.pk]
