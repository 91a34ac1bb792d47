"""What the reporting pages share: a record's history page and a form with milestone rows."""

from typing import Any

from pmo.core.generic import ObjectHistoryView

NOT_FOUND = "There is no {kind} {key}, or you may not see it."


class WithMilestones:
    """A form with its milestone rows (a formset): valid when both are."""

    def __init__(self, data: Any = None, *, rows: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)  # type: ignore[call-arg]
        self.rows = rows

    def is_valid(self) -> bool:
        return super().is_valid() and self.rows.is_valid()  # type: ignore[misc]


class RecordHistoryView(ObjectHistoryView):
    """A reporting record's history, with the way back to its page."""

    template_name = "reporting/record_history.html"

    def object_context(self, record: Any) -> dict[str, Any]:
        return {
            **super().object_context(record),
            "back_url": record.get_absolute_url(),
            "title": f"History of {record}",
        }
