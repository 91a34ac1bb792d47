"""The demo's RAID logs and change log are the same on every run on the same day."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from pmo.change.models import ChangeRequest
from pmo.change.tests.demo.conftest import TODAY
from pmo.portfolio.demo import demo_build
from pmo.raid.models import REGISTERS
from pmo.raid.tests.references import without_ids

pytestmark = pytest.mark.django_db


def fingerprint() -> list[tuple[Any, ...]]:
    """Every RAID item and change request by value, with its history's authors, reasons and
    dates (no primary keys)."""

    def history(record: Any) -> tuple[Any, ...]:
        return tuple(
            record.history.order_by("history_date").values_list(
                "history_user__username", "history_change_reason", "history_date"
            )
        )

    rows: list[tuple[Any, ...]] = []
    for kind, model in REGISTERS.items():
        for item in model.objects.select_related("project", "owner").order_by("raised_on", "title", "pk"):
            rows.append(
                (
                    kind,
                    str(item.home),
                    item.title,
                    item.owner.name,
                    item.status,
                    item.raised_on,
                    item.last_reviewed_on,
                    item.due,
                    item.escalated_to,
                    history(item),
                )
            )
    for change in ChangeRequest.objects.select_related("project", "new_baseline").order_by(
        "raised_on", "title"
    ):
        baseline = change.new_baseline
        rows.append(
            (
                change.project.code,
                change.title,
                change.status,
                change.authority,
                change.decided_at,
                baseline.number if baseline else None,
                history(change),
            )
        )
    return rows


def build_and_undo(build: Callable[[], object]) -> list[tuple[Any, ...]]:
    with transaction.atomic():
        build()
        result = sorted(without_ids(fingerprint()), key=repr)  # titles hold references: order by value
        transaction.set_rollback(True)
    return result


def test_two_builds_on_the_same_day_give_the_same_registers_and_change_log() -> None:
    first = build_and_undo(lambda: demo_build(today=TODAY))
    second = build_and_undo(lambda: demo_build(today=TODAY))

    assert len(first) > 500
    assert first == second
