"""The demo's day, and a fingerprint of its RAID logs and change log (the demo itself is the
``demo`` fixture, built once per test run: pmo/core/tests/demo_database.py)."""

from typing import Any

from pmo.change.models import ChangeRequest
from pmo.raid.models import REGISTERS
from pmo.raid.tests.demo.conftest import TODAY

__all__ = ["TODAY", "fingerprint"]


def fingerprint() -> list[tuple[Any, ...]]:
    """Every RAID item and change request by value, with its history's authors, reasons and
    dates (no primary keys)."""

    def history(record: Any) -> tuple[Any, ...]:
        return tuple(
            record.history.order_by("history_date", "history_id").values_list(
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
