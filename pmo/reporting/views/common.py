"""What the reporting pages share: a record's history page and a form with milestone rows."""

from typing import Any

from pmo.core.generic import ObjectHistoryView

NOT_FOUND = "There is no {kind} {key}, or you may not see it."


class WithMilestones:
    """A form with its milestone rows (a formset): valid when both are; both are checked, so
    the rows' problems show with the form's."""

    def __init__(self, data: Any = None, *, rows: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)  # type: ignore[call-arg]
        self.rows = rows

    def is_valid(self) -> bool:
        form_valid = super().is_valid()  # type: ignore[misc]
        return bool(self.rows.is_valid() and form_valid)

    def row_problems(self) -> list[str]:
        """The rows' problems for the form's summary, each naming its row."""
        if not self.rows.is_bound:
            return []
        found = list(self.rows.non_form_errors())
        for number, row in enumerate(self.rows, start=1):
            found.extend(
                f"Milestone {number}, {row[name].label}: {text}"
                for name, texts in row.errors.items()
                for text in texts
            )
        return found

    def valid_rows(self) -> list[Any]:
        """The rows without problems of their own (for the service's checks of what is valid)."""
        return [row for row in self.rows if row.is_bound and not row.errors]


class RecordHistoryView(ObjectHistoryView):
    """A reporting record's history, with the way back to its page."""

    template_name = "reporting/record_history.html"

    def object_context(self, record: Any) -> dict[str, Any]:
        return {
            **super().object_context(record),
            "back_url": record.get_absolute_url(),
            "title": f"History of {record}",
        }
